//! Signals that ask a command to stop (SIGINT, SIGTERM, SIGHUP, and SIGUSR1, which Slurm's
//! `--signal` sends before a time limit). While a [`Watch`] is held the
//! first one is only remembered, so that the loop that trains can finish its step, save what it
//! has and end; a second one ends the process at once, as an impatient Ctrl-C expects.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal received while watching, 0 for none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

#[cfg(unix)]
const STOP_SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGUSR1];

#[cfg(unix)]
extern "C" fn remember(signal: libc::c_int) {
    if RECEIVED.swap(signal, Ordering::SeqCst) != 0 {
        // SAFETY: _exit is async-signal-safe; nothing else runs here.
        unsafe { libc::_exit(128 + signal) };
    }
}

/// Remembers stop signals from its creation until it is dropped, when their default action
/// (ending the process) comes back.
pub struct Watch(());

impl Watch {
    pub fn start() -> Self {
        #[cfg(unix)]
        for s in STOP_SIGNALS {
            // SAFETY: `remember` only touches an atomic and calls _exit, both allowed in a
            // signal handler.
            unsafe {
                libc::signal(s, remember as extern "C" fn(libc::c_int) as libc::sighandler_t);
            }
        }
        Watch(())
    }

    /// The stop signal received so far, if any.
    pub fn received(&self) -> Option<Interrupted> {
        match RECEIVED.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(Interrupted { signal }),
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        #[cfg(unix)]
        for s in STOP_SIGNALS {
            // SAFETY: restores the default disposition.
            unsafe {
                libc::signal(s, libc::SIG_DFL);
            }
        }
    }
}

/// A command stopped by a signal after saving its work; the process should end as if killed
/// by that signal, so that shells and schedulers see why it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupted {
    pub fn name(self) -> &'static str {
        #[cfg(unix)]
        match self.signal {
            libc::SIGINT => return "SIGINT",
            libc::SIGTERM => return "SIGTERM",
            libc::SIGHUP => return "SIGHUP",
            libc::SIGUSR1 => return "SIGUSR1",
            _ => {}
        }
        "a signal"
    }

    /// Whether this is a warning that the job will be ended (Slurm's SIGUSR1), not a request
    /// to stop for good.
    pub fn signal_is_warning(self) -> bool {
        #[cfg(unix)]
        return self.signal == libc::SIGUSR1;
        #[cfg(not(unix))]
        false
    }

    /// The exit status of a process ended by this signal, 128 + its number.
    pub fn status(self) -> i32 {
        128 + self.signal
    }

    /// Ends the process by the signal itself (its default action), or with [`Self::status`]
    /// where that does not end it.
    pub fn end_process(self) -> ! {
        #[cfg(unix)]
        // SAFETY: restores the default action of the signal and raises it in this process.
        unsafe {
            libc::signal(self.signal, libc::SIG_DFL);
            libc::raise(self.signal);
        }
        std::process::exit(self.status())
    }
}

/// The error a command returns once it has saved its work after a stop signal: `main` prints
/// it and ends the process by the signal.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Stopped {
    pub by: Interrupted,
    pub message: String,
}
