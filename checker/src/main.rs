//! `checker`: see `checker --help` and ARCHITECTURE.md.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    checker::run::main(checker::cli::Cli::parse())
}
