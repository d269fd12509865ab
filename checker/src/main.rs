//! `checker`: see `checker --help` and ARCHITECTURE.md.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // nextest runs each graded test binary through the checker (see
    // `checker::runner`): that mode has its own signal and process handling,
    // and is not part of the CLI a person uses.
    let mut args = std::env::args_os();
    if args
        .nth(1)
        .is_some_and(|a| a == checker::runner::SUBCOMMAND)
    {
        return checker::runner::main(args.collect());
    }
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
