//! Task 5: `io_bound::{fetch_all, fetch_all_with}`.
//!
//! Topic 02's `io_pipeline` is held to the same contract, so its tests are
//! written once, in `fixtures::contracts::fetch_all`: answers in request
//! order, the edge cases, at most `workers` calls in flight and on as many
//! threads, and `workers` calls at once. The last test here is this topic's
//! own.

mod common;

use fixtures::contracts::fetch_all::{Call, observe};
use fixtures::inputs::IoRequest;
use threads_and_processes::io_bound::{fetch_all, fetch_all_with};

/// `fetch_all_with` with the caller's `call`, as the contract's tests pass it.
fn answers_with(requests: &[IoRequest], workers: usize, call: Call<'_>) -> Vec<u64> {
    fetch_all_with(requests, workers, call)
}

fixtures::fetch_all_contract! {
    fetch_all: fetch_all,
    fetch_all_with: answers_with,
    seed: 42,
}

#[test]
fn ten_workers_overlap_ten_calls() {
    let _proof = fixtures::proof::test_body();
    observe(answers_with, 20, 10).assert_all_workers_at_once(20, 10);
}
