//! The local executor: the tasks of a sweep as child processes (`bridgelab sweep task`, the
//! entry point Slurm uses too), as many at a time as there are cores, so that one crash or
//! divergence costs only its task.

use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::manifest::Task;
use crate::cli::interrupt::Watch;

/// How the local executor runs a sweep.
pub struct Options {
    /// Tasks at a time.
    pub jobs: usize,
    /// Ask a task that has run this long to stop (it saves) and count it as failed.
    pub timeout: Option<Duration>,
    /// Seconds between a task's checkpoints.
    pub checkpoint_seconds: f64,
}

/// A child asked to stop gets this long to save its checkpoint before it is killed.
const GRACE: Duration = Duration::from_secs(30);

/// Runs every task of `tasks` not yet complete; gives whether a stop signal cut the run short.
pub fn run(dir: &Path, tasks: &[Task], options: &Options, watch: &Watch) -> bool {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = options.jobs.max(1);
    let threads = (cores / jobs).max(1);
    let queue: Mutex<VecDeque<&Task>> = Mutex::new(
        tasks
            .iter()
            .filter(|t| !dir.join(&t.out).join("eval.json").is_file())
            .collect(),
    );
    let total = queue.lock().expect("queue").len();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} runs  elapsed {elapsed}  eta {eta}  {msg}")
            .expect("a valid progress template"),
    );
    bar.tick();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(total) {
            s.spawn(|| {
                while watch.received().is_none() {
                    let Some(task) = queue.lock().expect("queue").pop_front() else {
                        break;
                    };
                    let ended = run_child(dir, task, options, threads, watch)
                        .unwrap_or_else(|e| Some(format!("{e:#}")));
                    if let Some(why) = ended {
                        bar.println(format!("{}: {why}", task.out));
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    watch.received().is_some()
}

/// The last non-empty line of a child's error output, without the program's name.
fn last_line(stderr: &str) -> String {
    let line = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim();
    line.strip_prefix("bridgelab: ").unwrap_or(line).to_string()
}

/// Runs one task to its end; gives why it did not finish, if it did not.
fn run_child(
    dir: &Path,
    task: &Task,
    options: &Options,
    threads: usize,
    watch: &Watch,
) -> Result<Option<String>> {
    let exe = std::env::current_exe().context("cannot find this program to run a child")?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["sweep", "task"])
        .arg(dir)
        .arg(task.index.to_string())
        .args([
            "--quiet",
            "--checkpoint-seconds",
            &options.checkpoint_seconds.to_string(),
        ])
        .env("BRIDGELAB_CORES", threads.to_string())
        .env("RAYON_NUM_THREADS", threads.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    crate::cli::pass_data_dir(&mut cmd);
    end_with_parent(&mut cmd);
    let mut child = cmd.spawn().context("running a child")?;
    let stderr = child.stderr.take().and_then(|mut pipe| {
        std::thread::Builder::new()
            .name("sweep-task-stderr".into())
            .spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
            .ok()
    });
    let started = Instant::now();
    let mut asked_to_stop: Option<(Instant, String)> = None;
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for a child")? {
            break status;
        }
        let why = if let Some(by) = watch.received() {
            Some(format!("stopped by {}", by.name()))
        } else {
            options
                .timeout
                .filter(|t| started.elapsed() > *t)
                .map(|t| format!("timed out after {} s", t.as_secs()))
        };
        match (&asked_to_stop, why) {
            (None, Some(why)) => {
                signal_child(&child, false);
                asked_to_stop = Some((Instant::now(), why));
            }
            (Some((since, _)), _) if since.elapsed() > GRACE => signal_child(&child, true),
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let err = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    let run = dir.join(&task.out);
    if let Some((_, why)) = asked_to_stop {
        let message = format!("{why}; its checkpoint is in {}", run.display());
        // A task stopped with the executor says so itself, and goes on at the next run.
        if watch.received().is_none() {
            record_failure(&run, &message);
        }
        return Ok(Some(message));
    }
    if status.success() {
        return Ok(None);
    }
    let line = last_line(&err);
    // A child that died before it could say so (a crash, kill -9) leaves no status behind.
    if super::task::read_status(&run).is_none_or(|s| s.state == super::task::State::Running) {
        record_failure(&run, &line);
    }
    Ok(Some(line))
}

/// Marks a task failed with `message` in its status, for `sweep status` and `collect`.
fn record_failure(run: &Path, message: &str) {
    let mut status = super::task::read_status(run).unwrap_or(super::task::Status {
        state: super::task::State::Failed,
        error: None,
        attempts: Vec::new(),
    });
    status.state = super::task::State::Failed;
    status.error = Some(message.to_string());
    if std::fs::create_dir_all(run).is_ok()
        && let Ok(text) = serde_json::to_string_pretty(&status)
    {
        let _ = crate::export::write_atomically(&run.join("status.json"), text.as_bytes());
    }
}

/// Asks a child to stop (SIGTERM: it saves and ends) or, with `kill`, ends it outright.
fn signal_child(child: &std::process::Child, kill: bool) {
    #[cfg(unix)]
    {
        let signal = if kill { libc::SIGKILL } else { libc::SIGTERM };
        // SAFETY: sends a signal to our own child, which has not been reaped yet.
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
    }
    #[cfg(not(unix))]
    let _ = (child, kill);
}

/// Children get SIGTERM when the executor's process ends, however it ends (even by kill -9),
/// so that no task trains on for nobody. They run in their own process group: a Ctrl-C at the
/// terminal reaches the executor alone, which asks each child to stop once.
fn end_with_parent(cmd: &mut std::process::Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe and touches only the child being started.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}
