//! Task 4: `cpu_bound::{count_matching, count_primes_parallel}`.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Barrier, Mutex};
use std::thread::{self, ThreadId};

use common::{LIVENESS, within};
use fixtures::baselines::count_primes;
use fixtures::perf::usage_by_size;
use threads_and_processes::cpu_bound::{count_matching, count_primes_parallel};

#[test]
fn counts_primes_exactly_for_several_thread_counts() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "count_primes_parallel", || {
        let mut results = Vec::new();
        for range in [0..10_000, 2..3, 1_000_000..1_020_000, 999..1_000] {
            for threads in [1, 2, 3, 7] {
                let got = count_primes_parallel(range.clone(), threads);
                results.push((range.clone(), threads, got));
            }
        }
        results
    });
    for (range, threads, got) in results {
        assert_eq!(
            got,
            count_primes(range.clone()),
            "primes in {range:?} on {threads} threads"
        );
    }
}

#[test]
fn more_threads_than_numbers_and_zero_threads_still_count_right() {
    let _proof = fixtures::proof::test_body();
    let (many, zero) = within(LIVENESS, "count_primes_parallel", || {
        (
            count_primes_parallel(5..8, 16),
            count_primes_parallel(0..100, 0),
        )
    });
    assert_eq!(many, 2, "5 and 7");
    assert_eq!(zero, 25, "threads == 0 counts as one thread");
}

#[test]
fn an_empty_range_has_no_primes() {
    let _proof = fixtures::proof::test_body();
    let (empty, backwards) = within(LIVENESS, "count_primes_parallel", || {
        #[expect(clippy::reversed_empty_ranges, reason = "an empty range on purpose")]
        let backwards = count_primes_parallel(20..10, 4);
        (count_primes_parallel(10..10, 4), backwards)
    });
    assert_eq!(empty, 0);
    assert_eq!(backwards, 0);
}

#[test]
fn the_predicate_runs_once_per_number() {
    let _proof = fixtures::proof::test_body();
    let calls = within(LIVENESS, "count_matching", || {
        let calls = AtomicU64::new(0);
        let evens = count_matching(3..50_003, 3, |n| {
            calls.fetch_add(1, Relaxed);
            n % 2 == 0
        });
        assert_eq!(evens, 25_000);
        calls.load(Relaxed)
    });
    assert_eq!(calls, 50_000);
}

/// Runs `count_matching` on `threads` threads with a predicate that makes the
/// first `threads` distinct threads meet at a barrier (so they must run at
/// the same time), and returns the distinct threads it saw.
fn threads_seen(threads: usize) -> usize {
    within(LIVENESS, "count_matching with a Barrier", move || {
        let barrier = Barrier::new(threads);
        let seen: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
        let count = count_matching(0..200_000, threads, |n| {
            let first_visit = {
                let mut seen = seen.lock().expect("no panics while holding it");
                seen.insert(thread::current().id()) && seen.len() <= threads
            };
            if first_visit {
                barrier.wait();
            }
            n % 10 == 0
        });
        assert_eq!(count, 20_000);
        seen.into_inner().expect("no panics while holding it").len()
    })
}

#[test]
fn two_threads_really_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(threads_seen(2), 2);
}

#[test]
fn three_threads_really_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(threads_seen(3), 3);
}

/// The contract: `count_primes_parallel` runs on at most `threads` threads, the calling
/// thread possibly one of them, so never more than `threads` threads beyond
/// those alive before the call. 1 thread (fewer than the cores of any
/// machine that grades) catches code that uses the cores instead of
/// `threads`; 3 catches a thread per chunk. Checked under nextest only (see
/// `fixtures::perf::peak_during`); a call lasts tens of milliseconds, long
/// enough to be sampled.
#[test]
fn never_more_threads_at_once_than_asked_for() {
    let _proof = fixtures::proof::test_body();
    let runs = within(LIVENESS, "count_primes_parallel", || {
        usage_by_size("count_primes_parallel", &[1, 3], |threads| {
            count_primes_parallel(10_000_000..10_300_000, threads)
        })
    });
    for (threads, usage) in runs {
        usage.assert_threads_at_most(
            threads,
            &format!("count_primes_parallel(10_000_000..10_300_000, {threads})"),
        );
    }
}
