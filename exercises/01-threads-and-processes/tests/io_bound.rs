//! Task 5: `io_bound::{fetch_all, fetch_all_with}`.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Barrier, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use common::{LIVENESS, within};
use fixtures::baselines::in_flight::Probe;
use fixtures::baselines::io_answer;
use fixtures::inputs::{IoRequest, io_requests};
use threads_and_processes::io_bound::{fetch_all, fetch_all_with};

fn expected(requests: &[IoRequest]) -> Vec<u64> {
    requests.iter().map(|r| io_answer(r.id)).collect()
}

/// Requests whose latency shrinks along the list, so later ones finish first.
fn staggered(count: u64) -> Vec<IoRequest> {
    (0..count)
        .map(|i| IoRequest {
            id: i * 7919 + 1,
            latency: Duration::from_millis(2 * (count - i)),
        })
        .collect()
}

#[test]
fn answers_come_back_in_request_order() {
    let _proof = fixtures::proof::test_body();
    let requests = staggered(30);
    let want = expected(&requests);
    let got = within(LIVENESS, "fetch_all", move || fetch_all(&requests, 4));
    assert_eq!(got, want);
}

#[test]
fn seeded_requests_are_answered_exactly() {
    let _proof = fixtures::proof::test_body();
    let requests = io_requests(42, 25, Duration::from_millis(1));
    let want = expected(&requests);
    let got = within(LIVENESS, "fetch_all", move || {
        [1, 3, 8]
            .map(|workers| fetch_all(&requests, workers))
            .to_vec()
    });
    for answers in got {
        assert_eq!(answers, want);
    }
}

#[test]
fn edge_cases_zero_workers_more_workers_than_requests_no_requests() {
    let _proof = fixtures::proof::test_body();
    let requests = staggered(3);
    let want = expected(&requests);
    let (zero, many, none) = within(LIVENESS, "fetch_all", move || {
        (
            fetch_all(&requests, 0),
            fetch_all(&requests, 10),
            fetch_all(&[], 4),
        )
    });
    assert_eq!(zero, want, "workers == 0 is treated as one worker");
    assert_eq!(many, want);
    assert!(none.is_empty());
}

/// `fetch_all` takes no call to instrument, so the probe counts inside the
/// real `simulated_io_call`: only the calls on its own requests, so other
/// tests running in the same process (plain `cargo test`) do not add theirs.
/// A `fetch_all` that starts a thread per request, instead of serving them
/// with `workers` workers through `fetch_all_with`, has them all in flight.
#[test]
fn fetch_all_keeps_at_most_workers_real_calls_in_flight() {
    let _proof = fixtures::proof::test_body();
    for (workers, count) in [(1, 8), (4, 24)] {
        let (answers, want, seen) = within(LIVENESS, "fetch_all", move || {
            let probe = Probe::new(count, Duration::from_millis(10));
            let answers = fetch_all(probe.requests(), workers);
            (answers, expected(probe.requests()), probe.seen())
        });
        assert_eq!(answers, want, "answers in request order");
        seen.assert_capped("fetch_all", count, workers);
    }
}

/// What an instrumented run of `fetch_all_with` saw.
struct Observed {
    answers: Vec<u64>,
    calls: usize,
    max_in_flight: usize,
    threads: usize,
}

/// Runs `fetch_all_with` with a call that counts how many calls overlap, and
/// makes the first `workers` calls meet at a barrier: they can only all
/// arrive if `workers` threads serve requests at the same time.
fn observe(count: u64, workers: usize) -> Observed {
    within(LIVENESS, "fetch_all_with with a Barrier", move || {
        let requests = staggered(count);
        let barrier = Barrier::new(workers);
        let started = AtomicUsize::new(0);
        let in_flight = AtomicUsize::new(0);
        let max_in_flight = AtomicUsize::new(0);
        let threads: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
        let answers = fetch_all_with(&requests, workers, |request| {
            let now = in_flight.fetch_add(1, SeqCst) + 1;
            max_in_flight.fetch_max(now, SeqCst);
            threads
                .lock()
                .expect("no panics while holding it")
                .insert(thread::current().id());
            if started.fetch_add(1, SeqCst) < workers {
                barrier.wait();
            }
            thread::sleep(Duration::from_millis(3));
            in_flight.fetch_sub(1, SeqCst);
            io_answer(request.id)
        });
        assert_eq!(answers, expected(&requests), "answers in request order");
        Observed {
            answers,
            calls: started.into_inner(),
            max_in_flight: max_in_flight.into_inner(),
            threads: threads
                .into_inner()
                .expect("no panics while holding it")
                .len(),
        }
    })
}

#[test]
fn workers_serve_requests_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(24, 4);
    assert_eq!(seen.answers.len(), 24);
    assert_eq!(seen.calls, 24, "one call per request");
    assert_eq!(
        seen.max_in_flight, 4,
        "four workers, four calls in flight at once"
    );
}

#[test]
fn never_more_calls_in_flight_than_workers() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(40, 3);
    assert!(
        seen.max_in_flight <= 3,
        "{} calls were in flight at once with 3 workers",
        seen.max_in_flight
    );
    assert!(
        seen.threads <= 3,
        "{} threads served requests, want at most 3",
        seen.threads
    );
    assert_eq!(seen.calls, 40);
}

#[test]
fn ten_workers_overlap_ten_calls() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(20, 10);
    assert_eq!(seen.max_in_flight, 10);
    assert_eq!(seen.calls, 20);
}
