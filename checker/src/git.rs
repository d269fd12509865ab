//! git, as the checker runs it: one way to call it and read its answer, for
//! the template lookup (`protected.rs`), `reset` and `doctor`.

use std::path::Path;
use std::process::Command;

/// git did not run, or said no.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GitError(String);

/// Runs `git args` in `root` and returns its standard output.
pub fn run(root: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| GitError(format!("failed to run git: {e}")))?;
    if !out.status.success() {
        return Err(GitError(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// [`run`], its output as lines.
pub fn lines(root: &Path, args: &[&str]) -> Result<Vec<String>, GitError> {
    Ok(run(root, args)?.lines().map(str::to_owned).collect())
}

/// Whether `root` is inside a git work tree.
pub fn is_checkout(root: &Path) -> bool {
    run(root, &["rev-parse", "--is-inside-work-tree"]).is_ok()
}
