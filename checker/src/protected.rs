//! The template: the course's rules and every file the grade depends on
//! (tests, fixtures, the checker, `course.toml`, manifests, the nextest
//! config, the lock file, …), taken from the commit the student's
//! repository started from, never from the student's working tree.
//!
//! Every file of the student's repository can be edited, `course.toml`
//! included, so the checker reads the catalogue — thresholds, points and the
//! `protected` list itself — from the template commit ([`Template::course_text`])
//! and compares the working tree with the template under *the template's*
//! protected patterns ([`Template::changes`]): a file changed, deleted, or
//! added where the template has none counts. Before anything is built the
//! template's versions are put in place ([`Template::take_protected`]); with
//! `--restore-protected` (CI) they stay, otherwise the student's edits are
//! kept aside under [`EDITS_DIR`] and put back after grading
//! ([`KeptEdits::put_back`]), so a local run never loses them — not even one
//! that is killed (the next run puts them back first, [`recover_edits`]).
//!
//! The template is the repository's root commit (GitHub makes a repository
//! from a template with one commit holding the whole course), or the commit
//! the grader names with `--template REF`. A repository whose root commit has
//! no `course.toml` (the course's own development history) has no template:
//! it is graded from its working tree, with a warning.

use std::path::{Path, PathBuf};

use crate::course::COURSE_FILE;
use crate::report::ProtectedFiles;

/// Where a local run keeps the student's edits of protected files while it
/// grades with the template's versions (relative to the course root).
pub const EDITS_DIR: &str = "target/checker/protected-edits";

/// The list of kept edits inside [`EDITS_DIR`]: one path a line, `+` for a
/// file the student had (its copy is beside the list), `-` for one the
/// student had deleted.
const EDITS_LIST: &str = "list.txt";

/// Why the template could not be used.
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
    /// A named template commit has no `course.toml`.
    #[error("the template commit {0} has no course.toml")]
    NoCourseFile(String),
    /// The list of kept edits names something that is not a plain path
    /// inside the course: it was not written by the checker.
    #[error(
        "{list} names `{path}`, which is not a path inside the course; nothing was put back \
         (delete {dir} if you did not make it)"
    )]
    ForeignEditsList {
        /// The list file.
        list: PathBuf,
        /// The offending entry.
        path: String,
        /// The folder to delete.
        dir: PathBuf,
    },
    /// Putting files back or aside failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The commit whose starter files are the starters: the template, found as
/// `verify` finds it ([`Template::find`]), or, in the course's own
/// development history (whose root commit is no template), `HEAD`, where
/// the starters are committed as they ship. `reset` puts files back from it.
pub fn starter_commit(root: &Path) -> Result<String, ProtectedError> {
    match Template::find(root, None) {
        Ok(template) => Ok(template.commit),
        Err(ProtectedError::NotATemplate(_)) => {
            Ok(git(root, &["rev-parse", "HEAD"])?.trim().to_owned())
        }
        Err(error) => Err(error),
    }
}

/// The template commit of a course repository.
#[derive(Debug, Clone)]
pub struct Template {
    root: PathBuf,
    commit: String,
}

impl Template {
    /// Finds the template of the repository at `root`: `explicit` if given,
    /// else the root commit, which must hold `course.toml`.
    pub fn find(root: &Path, explicit: Option<&str>) -> Result<Self, ProtectedError> {
        let commit = match explicit {
            Some(name) => git(
                root,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    &format!("{name}^{{commit}}"),
                ],
            )
            .map_err(|_| ProtectedError::UnknownBase(name.to_owned()))?,
            None => git(root, &["rev-list", "--max-parents=0", "HEAD"])?
                .lines()
                .last()
                .unwrap_or_default()
                .to_owned(),
        };
        let template = Self {
            root: root.to_owned(),
            commit: commit.trim().to_owned(),
        };
        if template.file(COURSE_FILE).is_err() {
            return Err(match explicit {
                Some(_) => ProtectedError::NoCourseFile(template.commit),
                None => ProtectedError::NotATemplate(template.commit),
            });
        }
        Ok(template)
    }

    /// The template commit's id.
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// The template's `course.toml`: the rules the grade follows.
    pub fn course_text(&self) -> Result<String, ProtectedError> {
        self.file(COURSE_FILE)
    }

    fn file(&self, path: &str) -> Result<String, ProtectedError> {
        git(&self.root, &["show", &format!("{}:{path}", self.commit)])
    }

    /// Lists the files under `patterns` (the template's protected list;
    /// `course.toml` always) that differ from the template: changed, deleted,
    /// or added where the template has none — ignored files included, since
    /// `.gitignore` is the student's to edit.
    pub fn changes(&self, patterns: &[String]) -> Result<ProtectedFiles, ProtectedError> {
        let mut specs: Vec<String> = patterns.iter().map(|p| format!(":(glob){p}")).collect();
        specs.push(format!(":(literal){COURSE_FILE}"));
        let mut args = vec![
            "diff",
            "--name-only",
            "--no-renames",
            self.commit.as_str(),
            "--",
        ];
        args.extend(specs.iter().map(String::as_str));
        let mut changed: Vec<String> = git(&self.root, &args)?.lines().map(str::to_owned).collect();
        let mut args = vec!["ls-files", "--others", "--"];
        args.extend(specs.iter().map(String::as_str));
        changed.extend(git(&self.root, &args)?.lines().map(str::to_owned));
        changed.sort();
        changed.dedup();
        let tree = git(
            &self.root,
            &["rev-parse", &format!("{}^{{tree}}", self.commit)],
        )?;
        Ok(ProtectedFiles {
            base: self.commit.clone(),
            base_tree: tree.trim().to_owned(),
            changed,
            restored: false,
        })
    }

    /// Puts the template's version of every changed protected file in place
    /// (and removes those the template does not have). With `keep_edits`
    /// the student's versions are kept aside first, for
    /// [`KeptEdits::put_back`]; without, they are gone (CI's fresh checkout).
    pub fn take_protected(
        &self,
        protected: &mut ProtectedFiles,
        keep_edits: bool,
    ) -> Result<Option<KeptEdits>, ProtectedError> {
        let kept = if keep_edits && !protected.changed.is_empty() {
            Some(KeptEdits::keep(&self.root, &protected.changed)?)
        } else {
            None
        };
        for path in &protected.changed {
            if self.file_exists(path) {
                // `restore --worktree` leaves the index alone, so a student's
                // `git status` after a local run shows only their own changes.
                // Literal: the path is a file name from git's own listing,
                // never a pattern.
                let source = format!("--source={}", self.commit);
                git(
                    &self.root,
                    &[
                        "--literal-pathspecs",
                        "restore",
                        &source,
                        "--worktree",
                        "--",
                        path,
                    ],
                )?;
            } else {
                remove(&self.root.join(path))?;
            }
        }
        protected.restored = kept.is_none();
        Ok(kept)
    }

    fn file_exists(&self, path: &str) -> bool {
        git(
            &self.root,
            &["cat-file", "-e", &format!("{}:{path}", self.commit)],
        )
        .is_ok()
    }
}

/// The student's versions of changed protected files, kept aside while the
/// grade is made with the template's.
#[derive(Debug)]
#[must_use = "the student's edits are put back only by `put_back`"]
pub struct KeptEdits {
    root: PathBuf,
}

impl KeptEdits {
    fn keep(root: &Path, changed: &[String]) -> Result<Self, ProtectedError> {
        let dir = root.join(EDITS_DIR);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io("clear", &dir))?;
        }
        let mut list = String::new();
        for path in changed {
            let from = root.join(path);
            if from.is_file() {
                let to = dir.join("files").join(path);
                create_parent(&to)?;
                std::fs::copy(&from, &to).map_err(io("keep a copy of", &from))?;
                list.push_str(&format!("+{path}\n"));
            } else {
                list.push_str(&format!("-{path}\n"));
            }
        }
        let list_path = dir.join(EDITS_LIST);
        create_parent(&list_path)?;
        // Written last: a list on disk means every copy it names is complete.
        std::fs::write(&list_path, list).map_err(io("write", &list_path))?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    /// Puts the student's versions back where they were (and deletes the
    /// template's copy of a file the student had deleted).
    pub fn put_back(self) -> Result<Vec<String>, ProtectedError> {
        put_back_from(&self.root)
    }
}

/// Puts back the edits a killed run kept aside, if any; returns their paths.
pub fn recover_edits(root: &Path) -> Result<Vec<String>, ProtectedError> {
    put_back_from(root)
}

fn put_back_from(root: &Path) -> Result<Vec<String>, ProtectedError> {
    let dir = root.join(EDITS_DIR);
    let list_path = dir.join(EDITS_LIST);
    let list = match std::fs::read_to_string(&list_path) {
        Ok(list) => list,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            // No list: nothing kept, or a run killed before its copies were
            // complete, when the working tree still held the student's files.
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(io("clear", &dir))?;
            }
            return Ok(Vec::new());
        }
        Err(error) => return Err(io("read", &list_path)(error)),
    };
    // The folder sits in the student's working tree, so its list may be
    // anyone's: every entry is checked before any file is touched.
    let mut entries = Vec::new();
    for line in list.lines() {
        let (had_it, path) = match line.split_at_checked(1) {
            Some(("+", path)) => (true, path),
            Some(("-", path)) => (false, path),
            _ => continue,
        };
        let inside = !path.is_empty()
            && Path::new(path)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(ProtectedError::ForeignEditsList {
                list: list_path,
                path: path.to_owned(),
                dir,
            });
        }
        entries.push((had_it, path));
    }
    let mut paths = Vec::new();
    for (had_it, path) in entries {
        let target = root.join(path);
        if had_it {
            create_parent(&target)?;
            let copy = dir.join("files").join(path);
            std::fs::copy(&copy, &target).map_err(io("put back", &target))?;
        } else {
            remove(&target)?;
        }
        paths.push(path.to_owned());
    }
    std::fs::remove_dir_all(&dir).map_err(io("clear", &dir))?;
    Ok(paths)
}

fn remove(path: &Path) -> Result<(), ProtectedError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(io("remove", path)(error))
        }
        _ => Ok(()),
    }
}

fn create_parent(path: &Path) -> Result<(), ProtectedError> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent).map_err(io("create", parent)),
        None => Ok(()),
    }
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ProtectedError {
    let path = path.to_owned();
    move |source| ProtectedError::Io {
        action,
        path,
        source,
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, ProtectedError> {
    crate::git::run(root, args).map_err(|e| ProtectedError::Git(e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::process::Command;

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

    fn write(root: &Path, path: &str, text: &str) {
        std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        std::fs::write(root.join(path), text).unwrap();
    }

    fn read(root: &Path, path: &str) -> String {
        std::fs::read_to_string(root.join(path)).unwrap()
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("course.toml", "c"),
            ("exercises/01-a/tests/t.rs", "t"),
            ("exercises/01-a/src/lib.rs", "s"),
            (".gitignore", "target/\n"),
        ] {
            write(root, path, text);
        }
        run_git(root, &["init", "-q"]);
        run_git(root, &["add", "-A"]);
        run_git(root, &["commit", "-qm", "template"]);
        dir
    }

    fn patterns() -> Vec<String> {
        vec!["exercises/*/tests/**".into()]
    }

    fn template(root: &Path) -> Template {
        Template::find(root, None).unwrap()
    }

    /// What differs from the template under [`patterns`].
    fn changed(root: &Path) -> Vec<String> {
        template(root).changes(&patterns()).unwrap().changed
    }

    #[test]
    fn student_code_is_free_and_tests_and_the_catalogue_are_protected() {
        let dir = repo();
        let root = dir.path();
        write(root, "exercises/01-a/src/lib.rs", "solved");
        assert!(changed(root).is_empty());

        write(root, "exercises/01-a/tests/t.rs", "assert!(true)");
        write(root, "exercises/01-a/tests/extra.rs", "new");
        // course.toml is compared whatever the patterns say.
        write(root, "course.toml", "protected = []");
        let mut protected = template(root).changes(&patterns()).unwrap();
        assert_eq!(
            protected.changed,
            [
                "course.toml",
                "exercises/01-a/tests/extra.rs",
                "exercises/01-a/tests/t.rs"
            ]
        );

        let kept = template(root)
            .take_protected(&mut protected, false)
            .unwrap();
        assert!(kept.is_none() && protected.restored);
        assert_eq!(read(root, "exercises/01-a/tests/t.rs"), "t");
        assert_eq!(read(root, "course.toml"), "c");
        assert!(!root.join("exercises/01-a/tests/extra.rs").exists());
        assert!(changed(root).is_empty());
        assert_eq!(read(root, "exercises/01-a/src/lib.rs"), "solved");
    }

    #[test]
    fn a_file_hidden_by_the_students_gitignore_still_counts() {
        let dir = repo();
        let root = dir.path();
        write(root, ".gitignore", "target/\nexercises/*/tests/sneaky.rs\n");
        write(root, "exercises/01-a/tests/sneaky.rs", "new");
        let protected = template(root).changes(&patterns()).unwrap();
        assert_eq!(protected.changed, ["exercises/01-a/tests/sneaky.rs"]);
    }

    #[test]
    fn a_local_run_puts_the_students_edits_back_and_leaves_the_index_alone() {
        let dir = repo();
        let root = dir.path();
        write(root, "exercises/01-a/tests/t.rs", "edited");
        write(root, "exercises/01-a/tests/extra.rs", "new");
        std::fs::remove_file(root.join("course.toml")).unwrap();
        let mut protected = template(root).changes(&patterns()).unwrap();
        assert_eq!(protected.changed.len(), 3);

        let kept = template(root).take_protected(&mut protected, true).unwrap();
        assert!(!protected.restored, "the template's versions do not stay");
        assert_eq!(read(root, "exercises/01-a/tests/t.rs"), "t");
        assert_eq!(read(root, "course.toml"), "c");
        assert!(!root.join("exercises/01-a/tests/extra.rs").exists());

        let mut back = kept.unwrap().put_back().unwrap();
        back.sort();
        assert_eq!(back.len(), 3);
        assert_eq!(read(root, "exercises/01-a/tests/t.rs"), "edited");
        assert_eq!(read(root, "exercises/01-a/tests/extra.rs"), "new");
        assert!(!root.join("course.toml").exists());
        assert!(!root.join(EDITS_DIR).exists());
        let staged = Command::new("git")
            .args(["diff", "--cached", "--name-only"])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(staged.stdout.is_empty(), "nothing staged");
    }

    #[test]
    fn edits_kept_by_a_killed_run_are_put_back_by_the_next() {
        let dir = repo();
        let root = dir.path();
        write(root, "exercises/01-a/tests/t.rs", "edited");
        let mut protected = template(root).changes(&patterns()).unwrap();
        let kept = template(root).take_protected(&mut protected, true).unwrap();
        // The run dies here, before `put_back`.
        std::mem::forget(kept);
        assert_eq!(read(root, "exercises/01-a/tests/t.rs"), "t");
        assert_eq!(recover_edits(root).unwrap(), ["exercises/01-a/tests/t.rs"]);
        assert_eq!(read(root, "exercises/01-a/tests/t.rs"), "edited");
        assert!(recover_edits(root).unwrap().is_empty(), "only once");
    }

    #[test]
    fn a_kept_edits_list_naming_paths_outside_the_course_is_refused_whole() {
        let dir = repo();
        let root = dir.path();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let relative_escape = format!(
            "{}{}",
            "../".repeat(root.components().count() + 2),
            victim.display()
        );
        for entry in [
            format!("-{}", victim.display()),
            format!("-{relative_escape}"),
            "+exercises/../../escape".to_owned(),
        ] {
            write(
                root,
                &format!("{EDITS_DIR}/{EDITS_LIST}"),
                &format!("+exercises/01-a/tests/t.rs\n{entry}\n"),
            );
            write(
                root,
                &format!("{EDITS_DIR}/files/exercises/01-a/tests/t.rs"),
                "x",
            );
            let err = recover_edits(root).unwrap_err();
            assert!(
                err.to_string().contains("not a path inside the course"),
                "{err}"
            );
            assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
            assert_eq!(
                read(root, "exercises/01-a/tests/t.rs"),
                "t",
                "nothing put back"
            );
        }
    }

    #[test]
    fn a_file_named_like_a_glob_restores_only_itself() {
        let dir = repo();
        let root = dir.path();
        write(root, "exercises/01-a/tests/*", "star");
        run_git(root, &["add", "-A"]);
        run_git(root, &["commit", "-qm", "a template with a starry name"]);
        let template = Template::find(root, Some("HEAD")).unwrap();
        write(root, "exercises/01-a/tests/*", "edited star");
        write(root, "exercises/01-a/tests/t.rs", "edited");
        let mut protected = ProtectedFiles {
            changed: vec!["exercises/01-a/tests/*".into()],
            ..template.changes(&patterns()).unwrap()
        };
        let kept = template.take_protected(&mut protected, false).unwrap();
        assert!(kept.is_none());
        assert_eq!(read(root, "exercises/01-a/tests/*"), "star");
        assert_eq!(
            read(root, "exercises/01-a/tests/t.rs"),
            "edited",
            "`*` restored itself, not every file it would match as a glob"
        );
    }

    #[test]
    fn the_rules_are_read_from_the_template_not_the_working_tree() {
        let dir = repo();
        let root = dir.path();
        write(root, "course.toml", "lowered");
        assert_eq!(template(root).course_text().unwrap(), "c");
    }

    #[test]
    fn the_template_tree_is_named_the_same_whatever_its_commit() {
        let a = repo();
        let b = repo();
        // Other commits (times, authors may differ), the same files.
        let changes = |root: &Path| template(root).changes(&patterns()).unwrap();
        let (a, b) = (changes(a.path()), changes(b.path()));
        assert_eq!(a.base_tree, b.base_tree);
        assert_eq!(a.base_tree.len(), 40, "{}", a.base_tree);
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
        let err = Template::find(root, None).unwrap_err();
        assert!(
            err.to_string().contains("is not a course template"),
            "{err}"
        );
        run_git(root, &["add", "course.toml"]);
        run_git(root, &["commit", "-qm", "catalogue"]);
        assert!(Template::find(root, Some("HEAD")).is_ok());
    }

    #[test]
    fn an_unknown_template_ref_is_a_clear_error() {
        let dir = repo();
        let err = Template::find(dir.path(), Some("no-such-ref")).unwrap_err();
        assert!(err.to_string().contains("no commit `no-such-ref`"), "{err}");
    }

    #[test]
    fn outside_git_it_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = Template::find(dir.path(), None).unwrap_err();
        assert!(
            err.to_string().starts_with("cannot check protected files"),
            "{err}"
        );
    }
}
