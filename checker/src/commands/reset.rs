//! `checker reset EXERCISE`: puts one exercise's starter files back, from
//! the template commit in git, after a confirmation. Nothing outside
//! `exercises/<EXERCISE>/src/` is touched.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, bail};

use crate::course::Exercise;

/// Restores `exercises/<exercise>/src` to the template's version. Asks on
/// the terminal unless `yes`; refuses without a terminal and without `yes`.
pub fn reset(
    root: &Path,
    exercise: &Exercise,
    yes: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let src = format!("exercises/{}/src", exercise.name);
    let base = crate::protected::starter_commit(root)
        .context("reset needs git: is this a clone of the course repository?")?;
    let mut changed = git(root, &["diff", "--name-only", &base, "--", &src])?;
    changed.extend(git(
        root,
        &["ls-files", "--others", "--exclude-standard", "--", &src],
    )?);
    if changed.is_empty() {
        writeln!(out, "{src} is already the starter: nothing to reset.")?;
        return Ok(());
    }
    writeln!(
        out,
        "This puts back the starter version of {src}, discarding your work in:"
    )?;
    for file in &changed {
        writeln!(out, "  {file}")?;
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "not resetting without confirmation: run `cargo checker reset {} --yes`",
                exercise.name
            );
        }
        write!(
            out,
            "Reset {}? Type the exercise name to confirm: ",
            exercise.name
        )?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != exercise.name {
            writeln!(out, "Not reset.")?;
            return Ok(());
        }
    }
    git(root, &["checkout", &base, "--", &src])?;
    git(root, &["clean", "-fdq", "--", &src])?;
    // The stored grade described the old code.
    let _ =
        std::fs::remove_file(root.join(format!("target/checker/results/{}.json", exercise.name)));
    writeln!(
        out,
        "Reset {src} to the starter ({}).",
        &base[..base.len().min(12)]
    )?;
    Ok(())
}

fn git(root: &Path, args: &[&str]) -> anyhow::Result<Vec<String>> {
    Ok(crate::git::lines(root, args)?)
}
