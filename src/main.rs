use clap::Parser;

/// Keeps freed tensor memory in the process: by default glibc returns every block over 128 KiB
/// to the kernel at once, and each training step then page-faults its tensors in afresh.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    // SAFETY: mallopt only sets allocator tunables, and runs before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}

/// Rust starts programs with SIGPIPE ignored, so printing to a closed pipe (`bridgelab presets |
/// head -1`) panics with "Broken pipe"; the default action ends the process quietly, as every
/// other command-line tool does.
#[cfg(unix)]
fn end_quietly_on_closed_pipes() {
    // SAFETY: restores the default disposition of one signal before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn end_quietly_on_closed_pipes() {}

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    end_quietly_on_closed_pipes();
    let cli = bridgelab::cli::Cli::parse();
    match bridgelab::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bridgelab: {e:#}");
            if let Some(stopped) = e.downcast_ref::<bridgelab::cli::interrupt::Stopped>() {
                stopped.by.end_process();
            }
            std::process::ExitCode::FAILURE
        }
    }
}
