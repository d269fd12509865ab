//! The command line, parsed into raw values (validated later, once, in `run`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::render::Format;

/// Grades the Rust concurrency course: builds and tests every exercise in
/// isolation with cargo-nextest, times the parallel ones, reports the grades.
#[derive(Debug, Parser)]
#[command(name = "checker", version)]
pub struct Cli {
    /// Course root (the folder with course.toml); default: found from the
    /// current directory upwards.
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade exercises (all of them, or those named).
    Verify(VerifyArgs),
    /// Print the hint of a task or perf check.
    Hint {
        /// The task's or check's name, as the report shows it.
        name: String,
    },
    /// Print the JSON Schema of the `--format json` report.
    Schema,
}

/// Options of `checker verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Exercises to grade, by folder or package name; default: all.
    #[arg(value_name = "EXERCISE")]
    pub exercises: Vec<String>,
    /// Grade the reference solutions in solutions/ instead of exercises/.
    #[arg(long)]
    pub solutions: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
