//! The CLI edge: one match from the parsed command to its module in
//! [`crate::commands`], and errors onto the documented exit codes.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | graded, full marks (`class`: every file read) |
//! | 1 | graded, below full marks (`class`: some files left out) |
//! | 2 | could not grade (bad course.toml, unknown exercise, no nextest, …) |

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command, DevCommand};
use crate::commands::{self, load_course};
use crate::course::Source;
use crate::report::json_schema;

/// Runs the command and returns the process exit code.
pub fn main(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("checker: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let root = cli.course.as_deref();
    let mut stdout = std::io::stdout();
    match cli.command {
        Command::Verify(args) => commands::verify::verify(root, &args),
        Command::Hint { name } => commands::hint::hint(&load_course(root)?, &name),
        Command::List => {
            commands::list::render(&load_course(root)?, &mut stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reset { exercise, yes } => {
            let course = load_course(root)?;
            let selected = course.select(std::slice::from_ref(&exercise))?;
            let exercise = selected.first().context("no exercise selected")?;
            commands::reset::reset(&course.root, exercise, yes, &mut stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor { fix } => commands::doctor::run(&load_course(root)?, fix),
        Command::Watch { exercise, poll } => {
            let course = load_course(root)?;
            let exercise = match exercise {
                Some(name) => *course
                    .select(&[name])?
                    .first()
                    .context("no exercise selected")?,
                None => commands::watch::first_unfinished(&course),
            };
            commands::watch::watch(&course, exercise, poll)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Scale {
            check,
            solutions,
            html,
        } => {
            let source = if solutions {
                Source::Solutions
            } else {
                Source::Exercises
            };
            let course = load_course(root)?;
            let mut progress = std::io::stderr();
            commands::scale::scale(
                &course,
                &check,
                source,
                html.as_deref(),
                &mut stdout,
                &mut progress,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&json_schema())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Dev(DevCommand::Check { exercises }) => {
            commands::dev_check::dev_check(&load_course(root)?, &exercises)
        }
        Command::Class { dir, out } => {
            let out = out.unwrap_or_else(|| dir.clone());
            let run =
                commands::class::class(&load_course(root)?, &dir, &out, &mut std::io::stderr())?;
            let written: Vec<String> = run
                .written
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            println!(
                "{} report(s) read, {} left out; wrote {}",
                run.students,
                run.refused.len(),
                written.join(", ")
            );
            Ok(ExitCode::from(u8::from(!run.refused.is_empty())))
        }
        Command::Bench => {
            crate::bench::run(&mut stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchWorker { args } => {
            crate::bench::worker(&args)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
