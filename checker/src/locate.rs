//! Where a test lives: file and line of its function, so annotations (the
//! GitHub `::error file=…,line=…` kind) point at the test that failed.
//!
//! Tests of exercise `NN-topic` are the files `exercises/NN-topic/tests/*.rs`
//! (the solution runs the same files), one test binary per file. The line is
//! that of `fn <name>(`; nested modules are matched by the last path segment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::nextest::TestId;

/// Reads each test file at most once.
pub struct TestSources {
    tests_dir: PathBuf,
    relative_dir: String,
    files: HashMap<String, Option<String>>,
}

impl TestSources {
    /// The test sources of `exercise` in the course at `root`.
    pub fn new(root: &Path, exercise: &str) -> Self {
        Self {
            tests_dir: root.join("exercises").join(exercise).join("tests"),
            relative_dir: format!("exercises/{exercise}/tests"),
            files: HashMap::new(),
        }
    }

    /// The file (relative to the course root) and line of `id`'s function.
    pub fn locate(&mut self, id: &TestId) -> (Option<String>, Option<u32>) {
        if id.binary == "lib" {
            return (None, None);
        }
        let path = self.tests_dir.join(format!("{}.rs", id.binary));
        let text = self
            .files
            .entry(id.binary.clone())
            .or_insert_with(|| std::fs::read_to_string(&path).ok());
        let Some(text) = text else {
            return (None, None);
        };
        let file = Some(format!("{}/{}.rs", self.relative_dir, id.binary));
        let name = id.name.rsplit("::").next().unwrap_or(&id.name);
        let needle = format!("fn {name}(");
        let line = text
            .lines()
            .position(|l| l.contains(&needle))
            .and_then(|i| u32::try_from(i + 1).ok());
        (file, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_test_function_line_and_tolerates_missing_files() {
        let root = tempfile::tempdir().unwrap();
        let tests = root.path().join("exercises/01-x/tests");
        std::fs::create_dir_all(&tests).unwrap();
        std::fs::write(
            tests.join("race.rs"),
            "use x;\n\n#[test]\nfn exact_total() {}\nmod m {\n    fn inner() {}\n}\n",
        )
        .unwrap();
        let mut sources = TestSources::new(root.path(), "01-x");
        let id = |binary: &str, name: &str| TestId {
            binary: binary.into(),
            name: name.into(),
        };
        assert_eq!(
            sources.locate(&id("race", "exact_total")),
            (Some("exercises/01-x/tests/race.rs".into()), Some(4))
        );
        assert_eq!(sources.locate(&id("race", "m::inner")).1, Some(6));
        assert_eq!(sources.locate(&id("race", "gone")).1, None);
        assert_eq!(sources.locate(&id("missing", "t")), (None, None));
        assert_eq!(sources.locate(&id("lib", "t")), (None, None));
    }
}
