//! The files GitHub Actions reads a step's commands from (`$GITHUB_ENV`,
//! `$GITHUB_OUTPUT`, `$GITHUB_PATH`, `$GITHUB_STATE`, `$GITHUB_STEP_SUMMARY`),
//! guarded while the student's code runs.
//!
//! The graded code runs in the grading step, as the same user, so it can
//! append to them: an `LD_PRELOAD` in `$GITHUB_ENV` runs its own library in
//! every later step (the Classroom reporter's included), a line in
//! `$GITHUB_OUTPUT` forges an output, an unclosed `name<<EOF` there
//! swallows the checker's own lines. Hiding the variables from the graded
//! processes is not enough (the files sit in a known folder), so the
//! checker keeps each file's contents from before grading and, before it
//! writes anything of its own, puts back any that changed and reports the
//! change as tampering.

use std::path::PathBuf;

/// The variables naming a step's command files.
pub const VARIABLES: [&str; 5] = [
    "GITHUB_ENV",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_STATE",
    "GITHUB_STEP_SUMMARY",
];

/// Each command file's contents before grading.
#[derive(Debug, Default)]
pub struct Snapshot {
    files: Vec<(&'static str, PathBuf, Option<Vec<u8>>)>,
}

impl Snapshot {
    /// Reads the command files this process's environment names (none
    /// outside GitHub Actions). A file that does not exist yet is kept as
    /// absent.
    pub fn take() -> Self {
        let files = VARIABLES
            .iter()
            .filter_map(|&variable| {
                let path = PathBuf::from(std::env::var_os(variable)?);
                (!path.as_os_str().is_empty()).then(|| {
                    let contents = std::fs::read(&path).ok();
                    (variable, path, contents)
                })
            })
            .collect();
        Self { files }
    }

    /// Puts back every command file whose contents changed since
    /// [`Self::take`] and returns a line per file saying which variable's
    /// file was written, for the report. Errors restoring are in the line:
    /// the run fails either way.
    pub fn restore_changed(&self) -> Vec<String> {
        let mut written = Vec::new();
        for (variable, path, before) in &self.files {
            let now = std::fs::read(path).ok();
            if now == *before {
                continue;
            }
            let restored = match before {
                Some(contents) => std::fs::write(path, contents),
                None => std::fs::remove_file(path),
            };
            written.push(match restored {
                Ok(()) => format!("${variable} (written while the graded code ran; put back)"),
                Err(error) => format!(
                    "${variable} (written while the graded code ran; could not be put back: {error})"
                ),
            });
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_is_put_back_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let env = dir.path().join("env");
        std::fs::write(&output, "before=1\n").unwrap();
        let snapshot = Snapshot {
            files: vec![
                (
                    "GITHUB_OUTPUT",
                    output.clone(),
                    Some(b"before=1\n".to_vec()),
                ),
                ("GITHUB_ENV", env.clone(), None),
            ],
        };
        assert!(snapshot.restore_changed().is_empty());
        std::fs::write(&output, "before=1\nscore=100\n").unwrap();
        std::fs::write(&env, "LD_PRELOAD=/tmp/x.so\n").unwrap();
        let written = snapshot.restore_changed();
        assert_eq!(written.len(), 2, "{written:?}");
        assert!(written[0].starts_with("$GITHUB_OUTPUT"), "{written:?}");
        assert_eq!(std::fs::read_to_string(&output).unwrap(), "before=1\n");
        assert!(!env.exists());
    }
}
