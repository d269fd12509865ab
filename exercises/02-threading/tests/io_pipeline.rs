//! Task 9: `io_pipeline::{fetch_all, fetch_all_with}`.
//!
//! Topic 01's `io_bound` is held to the same contract, so its tests are
//! written once, in `fixtures::contracts::fetch_all`: answers in request
//! order, the edge cases, at most `workers` calls in flight and on as many
//! threads, and `workers` calls at once. The last test here is this topic's
//! own: the workers are the named threads.

mod common;

use std::collections::HashSet;

use fixtures::contracts::fetch_all::{Call, observe};
use fixtures::inputs::IoRequest;
use threading::io_pipeline::{WORKER_NAME_PREFIX, fetch_all, fetch_all_with};

/// The pipeline's answers; a worker the OS refuses fails the test.
fn answers(requests: &[IoRequest], workers: usize) -> Vec<u64> {
    fetch_all(requests, workers).expect("the workers start")
}

/// [`answers`] through the caller's `call`.
fn answers_with(requests: &[IoRequest], workers: usize, call: Call<'_>) -> Vec<u64> {
    fetch_all_with(requests, workers, call).expect("the workers start")
}

fixtures::fetch_all_contract! {
    fetch_all: answers,
    fetch_all_with: answers_with,
    seed: 245,
}

#[test]
fn calls_run_on_the_named_worker_threads() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(answers_with, 20, 5);
    let want: HashSet<String> = (0..5).map(|n| format!("{WORKER_NAME_PREFIX}{n}")).collect();
    assert!(
        seen.names.is_subset(&want),
        "calls ran on threads named {:?}; want io-worker-0 … io-worker-4",
        seen.names
    );
    assert_eq!(
        seen.names.len(),
        5,
        "every worker served a call (the first five meet)"
    );
}
