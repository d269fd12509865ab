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
    /// Re-grade one exercise every time you save a file of it.
    Watch {
        /// The exercise (default: the first one not yet done).
        exercise: Option<String>,
        /// Poll for changes instead of using file events (for network or
        /// container file systems where events do not arrive).
        #[arg(long)]
        poll: bool,
    },
    /// Show every exercise and task, done or pending, and what to do next.
    List,
    /// Measure one perf check at 1, 2, … threads (workers for I/O) and draw
    /// its speedup against them, beside the ideal and an Amdahl fit. A
    /// learning tool: it never changes a grade.
    Scale {
        /// The perf check, as course.toml and the report name it (e.g.
        /// `cpu-count-primes`).
        check: String,
        /// Measure the reference solution instead of your code.
        #[arg(long)]
        solutions: bool,
        /// Also write the curve as a self-contained HTML page to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Instructors: read a folder of students' JSON reports and write the
    /// gradebook (CSV) and a summary per task and perf check (Markdown, HTML).
    Class {
        /// The folder of reports, one `<student>.json` each.
        dir: PathBuf,
        /// Where to write gradebook.csv, class-summary.md and
        /// class-summary.html (default: DIR).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the hint of a task or perf check.
    Hint {
        /// The task's or check's name, as the report shows it.
        name: String,
    },
    /// Put one exercise's starter files back (asks first).
    Reset {
        /// The exercise to reset.
        exercise: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Check that this machine is ready to grade.
    Doctor {
        /// Install what is missing (cargo-nextest).
        #[arg(long)]
        fix: bool,
    },
    /// Print the JSON Schema of the `--format json` report.
    Schema,
    /// Instructor tools.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Reproduce the seed module's benchmark table (sequential / threads /
    /// processes for its four scenarios) on this machine.
    Bench,
    /// Internal: one worker process of `checker bench`.
    #[command(hide = true)]
    BenchWorker {
        /// What to do.
        args: Vec<String>,
    },
}

/// `checker dev …`.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Check the course itself: every starter fails every graded test, every
    /// solution passes all of them and clears each perf threshold with
    /// margin, starters and solutions mirror each other's files and public
    /// API, and every starter module has its lesson docs and TODOs.
    Check {
        /// Exercises to check; default: all.
        #[arg(value_name = "EXERCISE")]
        exercises: Vec<String>,
    },
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
    /// Also write the report in FORMAT to FILE, from the same run; repeatable,
    /// e.g. `--also junit=grade.xml --also gradescope=results.json`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_also)]
    pub also: Vec<(Format, PathBuf)>,
    /// Template commit whose `course.toml` and protected files the grade is
    /// made with (default: the repository's root commit, if it holds a
    /// `course.toml`); an error when it does not exist.
    #[arg(long, value_name = "REF")]
    pub template: Option<String>,
    /// Replay the perf checks' inputs from this seed (a report prints the
    /// seed of each check); default: fresh inputs every run.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Leave the template's versions of changed protected files in place
    /// after grading. For CI: it discards edits to tests and fixtures.
    /// Without it, the grade is still made with the template's versions,
    /// and the edits are put back afterwards.
    #[arg(long)]
    pub restore_protected: bool,
}

fn parse_also(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, got `{text}`"))?;
    let format = <Format as clap::ValueEnum>::from_str(format, true)?;
    if path.is_empty() {
        return Err("the FILE after `=` is empty".into());
    }
    Ok((format, PathBuf::from(path)))
}
