//! `checker`: see `checker --help` and ARCHITECTURE.md.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // First, before any thread exists: every later thread inherits the
    // blocked stop signals, and only the checker's own handler sees them.
    if let Err(error) = checker::interrupt::install() {
        eprintln!("checker: warning: Ctrl-C will not stop child processes cleanly: {error}");
    }
    // Whatever a test detaches and leaves running is adopted, and ended
    // after its command (`process::end_orphans`).
    checker::process::adopt_orphans();
    checker::run::main(checker::cli::Cli::parse())
}
