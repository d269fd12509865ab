//! Which tests each task's filter selects, remembered between runs.
//!
//! Asking nextest costs one `cargo nextest list` per task (about 0.2 s
//! each); `checker watch` re-grades on every save and must answer within
//! seconds. A filterset selects tests by their identity only (binary, name),
//! so the mapping stays valid while the package's full test list is the
//! same: the cache is keyed by a hash of that list and of the filters, and
//! lives in `target/checker/task-map/<package>.json`.
//!
//! `watch` goes one step further and does not list at all after a save: it
//! takes the [`TaskMapCache::remembered`] mapping, builds only the focused
//! tasks' test binaries, and trusts the mapping only if exactly the tests
//! it names ran (see `grade.rs`).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::nextest::TestId;

/// The cached mapping of one package.
pub struct TaskMapCache {
    path: PathBuf,
    tests_hash: u64,
    cached: BTreeMap<String, Vec<(String, String)>>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    tests_hash: u64,
    /// Filter → selected tests as (binary, name).
    tasks: BTreeMap<String, Vec<(String, String)>>,
}

impl TaskMapCache {
    /// Loads the cache of `package` if it was made for exactly `all_tests`.
    pub fn new(root: &std::path::Path, package: &str, all_tests: &[TestId]) -> Self {
        let path = Self::path(root, package);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        all_tests.hash(&mut hasher);
        let tests_hash = hasher.finish();
        let cached = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Stored>(&text).ok())
            .filter(|stored| stored.tests_hash == tests_hash)
            .map(|stored| stored.tasks)
            .unwrap_or_default();
        Self {
            path,
            tests_hash,
            cached,
        }
    }

    /// The mapping stored last time, whatever the test list is now; `None`
    /// when none is stored. The caller must check it against what runs.
    pub fn remembered(root: &std::path::Path, package: &str) -> Option<Self> {
        let path = Self::path(root, package);
        let stored = serde_json::from_str::<Stored>(&std::fs::read_to_string(&path).ok()?).ok()?;
        Some(Self {
            path,
            tests_hash: stored.tests_hash,
            cached: stored.tasks,
        })
    }

    fn path(root: &std::path::Path, package: &str) -> PathBuf {
        root.join("target/checker/task-map")
            .join(format!("{package}.json"))
    }

    /// The tests `filter` selected last time, if the test list is unchanged.
    pub fn get(&self, filter: &str) -> Option<Vec<TestId>> {
        self.cached.get(filter).map(|tests| {
            tests
                .iter()
                .map(|(binary, name)| TestId {
                    binary: binary.clone(),
                    name: name.clone(),
                })
                .collect()
        })
    }

    /// Remembers the selections (best effort: a failed write only costs time).
    pub fn store<'a>(&self, selections: impl Iterator<Item = (&'a str, &'a Vec<TestId>)>) {
        let tasks = selections
            .map(|(filter, tests)| {
                let tests = tests
                    .iter()
                    .map(|t| (t.binary.clone(), t.name.clone()))
                    .collect();
                (filter.to_owned(), tests)
            })
            .collect();
        let stored = Stored {
            tests_hash: self.tests_hash,
            tasks,
        };
        if let (Some(dir), Ok(json)) = (self.path.parent(), serde_json::to_vec(&stored)) {
            let _ = std::fs::create_dir_all(dir);
            let _ = crate::atomic_file::write(&self.path, &json);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> TestId {
        TestId {
            binary: "t".into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_mapping_is_reused_only_for_the_same_test_list() {
        let root = tempfile::tempdir().unwrap();
        let all = vec![id("a"), id("b")];
        let cache = TaskMapCache::new(root.path(), "pkg", &all);
        assert_eq!(cache.get("test(a)"), None);
        let selected = vec![id("a")];
        cache.store([("test(a)", &selected)].into_iter());

        let again = TaskMapCache::new(root.path(), "pkg", &all);
        assert_eq!(again.get("test(a)"), Some(selected));

        let changed = TaskMapCache::new(root.path(), "pkg", &[id("a"), id("b"), id("c")]);
        assert_eq!(
            changed.get("test(a)"),
            None,
            "a new test may match the filter"
        );
        let remembered = TaskMapCache::remembered(root.path(), "pkg").unwrap();
        assert_eq!(remembered.get("test(a)"), Some(vec![id("a")]));
        assert!(TaskMapCache::remembered(root.path(), "other").is_none());
    }
}
