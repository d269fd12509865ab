//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different subset of these"
)]

use std::collections::HashSet;

pub use fixtures::testing::{LIVENESS, SharedBuffer, within};

/// The names of the threads of `ThreadPool::named(name, workers)`, as
/// `thread::current().name()` reports them: `name-0` to `name-{workers - 1}`.
/// Several tests check that work ran on a pool's own workers and nowhere
/// else; the naming scheme is written down once, here.
pub fn worker_names(name: &str, workers: usize) -> HashSet<Option<String>> {
    (0..workers).map(|i| Some(format!("{name}-{i}"))).collect()
}
