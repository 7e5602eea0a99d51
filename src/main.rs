//! The `residue` binary: parse arguments, run, map the outcome to the exit code
//! (0 clean, 1 findings, 2 error).
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
