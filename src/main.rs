//! The `residue` binary: parse arguments, run, map the outcome to the exit code
//! (0 clean, 1 findings, 2 error).
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    return_freed_memory_promptly();
    let cli = residue::cli::Cli::parse();
    match residue::app::run(cli) {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(e) => {
            // A ref name or path in the message can hold terminal escape sequences.
            eprintln!("residue: error: {}", residue::input::walk::escape_controls(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// glibc keeps freed heap memory until the top of the heap holds more than a trim threshold that
/// grows on its own up to 32 MB; compiling rule regexes and rebuilding lazy-DFA caches frees a lot
/// in bursts, and on a 1.19 GB tree the peak was ~6 MB of such slack (104 -> 98 MB with a fixed
/// 128 KiB threshold, same CPU time within noise).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_freed_memory_promptly() {
    // SAFETY: mallopt only sets an allocator tunable; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_freed_memory_promptly() {}
