//! Protected files: everything a student must not change to earn a grade
//! (tests, fixtures, the checker, `course.toml`, the nextest config, …),
//! compared with the template commit the repository started from.
//!
//! The patterns are `course.toml`'s `protected` list, git glob pathspecs
//! (`exercises/*/tests/**`). The template is the repository's root commit
//! unless the grader names another ref. With `--restore-protected` (for CI)
//! the template's versions are put back before grading — as nbgrader
//! overwrites locked cells — so a grade is never earned against edited tests.

use std::path::Path;
use std::process::Command;

use crate::report::ProtectedFiles;

/// Why protected files could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum ProtectedError {
    /// git could not run, or the course is not a git checkout.
    #[error("cannot check protected files: {0}")]
    Git(String),
    /// The template ref does not exist.
    #[error("cannot check protected files: no commit `{0}` in this repository")]
    UnknownBase(String),
    /// The root commit is not a course template snapshot (it has no
    /// `course.toml`), as in the course's own development history.
    #[error(
        "protected files not checked: the root commit {0} has no course.toml, so it is not a \
         course template; pass --template REF to compare with another commit"
    )]
    NotATemplate(String),
}

/// Lists protected files added, changed or deleted since `base` (default:
/// the root commit), untracked ones included.
pub fn check(
    root: &Path,
    patterns: &[String],
    base: Option<&str>,
) -> Result<ProtectedFiles, ProtectedError> {
    let base = match base {
        Some(base) => git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{base}^{{commit}}"),
            ],
        )
        .map_err(|_| ProtectedError::UnknownBase(base.to_owned()))?,
        None => {
            let root_commit = git(root, &["rev-list", "--max-parents=0", "HEAD"])?
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_owned();
            // A repository made from the template starts with a snapshot of
            // the whole course, catalogue included.
            if git(
                root,
                &["cat-file", "-e", &format!("{root_commit}:course.toml")],
            )
            .is_err()
            {
                return Err(ProtectedError::NotATemplate(root_commit));
            }
            root_commit
        }
    };
    let base = base.trim().to_owned();
    let specs: Vec<String> = patterns.iter().map(|p| format!(":(glob){p}")).collect();
    let mut args = vec!["diff", "--name-only", "--no-renames", base.as_str(), "--"];
    args.extend(specs.iter().map(String::as_str));
    let mut changed: Vec<String> = git(root, &args)?.lines().map(str::to_owned).collect();
    let mut args = vec!["ls-files", "--others", "--exclude-standard", "--"];
    args.extend(specs.iter().map(String::as_str));
    changed.extend(git(root, &args)?.lines().map(str::to_owned));
    changed.sort();
    changed.dedup();
    Ok(ProtectedFiles {
        base,
        changed,
        restored: false,
    })
}

/// Puts the template's version of every changed protected file back (and
/// removes protected files the template did not have).
pub fn restore(root: &Path, protected: &mut ProtectedFiles) -> Result<(), ProtectedError> {
    for path in &protected.changed {
        let in_template = git(
            root,
            &["cat-file", "-e", &format!("{}:{path}", protected.base)],
        )
        .is_ok();
        if in_template {
            git(root, &["checkout", &protected.base, "--", path])?;
        } else {
            std::fs::remove_file(root.join(path))
                .map_err(|e| ProtectedError::Git(format!("failed to remove {path}: {e}")))?;
        }
    }
    protected.restored = true;
    Ok(())
}

fn git(root: &Path, args: &[&str]) -> Result<String, ProtectedError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| ProtectedError::Git(format!("failed to run git: {e}")))?;
    if !out.status.success() {
        return Err(ProtectedError::Git(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs git in `root` as a test user.
    fn run_git(root: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(root)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("course.toml", "c"),
            ("exercises/01-a/tests/t.rs", "t"),
            ("exercises/01-a/src/lib.rs", "s"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        run_git(root, &["init", "-q"]);
        run_git(root, &["add", "-A"]);
        run_git(root, &["commit", "-qm", "template"]);
        dir
    }

    fn patterns() -> Vec<String> {
        vec!["course.toml".into(), "exercises/*/tests/**".into()]
    }

    #[test]
    fn student_code_is_free_and_tests_are_protected() {
        let dir = repo();
        let root = dir.path();
        std::fs::write(root.join("exercises/01-a/src/lib.rs"), "solved").unwrap();
        assert!(check(root, &patterns(), None).unwrap().changed.is_empty());

        std::fs::write(root.join("exercises/01-a/tests/t.rs"), "assert!(true)").unwrap();
        std::fs::write(root.join("exercises/01-a/tests/extra.rs"), "new").unwrap();
        let mut protected = check(root, &patterns(), None).unwrap();
        assert_eq!(
            protected.changed,
            ["exercises/01-a/tests/extra.rs", "exercises/01-a/tests/t.rs"]
        );

        restore(root, &mut protected).unwrap();
        assert!(protected.restored);
        assert_eq!(
            std::fs::read_to_string(root.join("exercises/01-a/tests/t.rs")).unwrap(),
            "t"
        );
        assert!(!root.join("exercises/01-a/tests/extra.rs").exists());
        assert!(check(root, &patterns(), None).unwrap().changed.is_empty());
        assert_eq!(
            std::fs::read_to_string(root.join("exercises/01-a/src/lib.rs")).unwrap(),
            "solved"
        );
    }

    #[test]
    fn a_root_commit_without_course_toml_is_not_a_template() {
        let dir = repo();
        let root = dir.path();
        // A history whose first commit predates the catalogue, like the
        // course's own development repository.
        run_git(root, &["checkout", "-q", "--orphan", "dev"]);
        run_git(root, &["rm", "-q", "--cached", "course.toml"]);
        run_git(root, &["commit", "-qm", "skeleton"]);
        let err = check(root, &patterns(), None).unwrap_err();
        assert!(
            err.to_string().contains("is not a course template"),
            "{err}"
        );
        assert!(check(root, &patterns(), Some("HEAD")).is_ok());
    }

    #[test]
    fn an_unknown_template_ref_is_a_clear_error() {
        let dir = repo();
        let err = check(dir.path(), &patterns(), Some("no-such-ref")).unwrap_err();
        assert!(err.to_string().contains("no commit `no-such-ref`"), "{err}");
    }

    #[test]
    fn outside_git_it_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = check(dir.path(), &patterns(), None).unwrap_err();
        assert!(
            err.to_string().starts_with("cannot check protected files"),
            "{err}"
        );
    }
}
