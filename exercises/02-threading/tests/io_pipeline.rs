//! Task 9: `io_pipeline::{fetch_all, fetch_all_with}`.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{LIVENESS, within};
use fixtures::baselines::in_flight::{MeetingCall, Met, Probe};
use fixtures::baselines::io_answers;
use fixtures::inputs::{io_requests, staggered_requests};
use threading::io_pipeline::{WORKER_NAME_PREFIX, fetch_all, fetch_all_with};

#[test]
fn answers_come_back_in_request_order() {
    let _proof = fixtures::proof::test_body();
    let requests = staggered_requests(30);
    let want = io_answers(&requests);
    let got = within(LIVENESS, "fetch_all", move || fetch_all(&requests, 4));
    assert_eq!(got.expect("the workers start"), want);
}

#[test]
fn seeded_requests_are_answered_exactly() {
    let _proof = fixtures::proof::test_body();
    let requests = io_requests(245, 25, Duration::from_millis(1));
    let want = io_answers(&requests);
    let got = within(LIVENESS, "fetch_all", move || {
        [1, 3, 8].map(|workers| fetch_all(&requests, workers).expect("the workers start"))
    });
    for answers in got {
        assert_eq!(answers, want);
    }
}

#[test]
fn edge_cases_zero_workers_more_workers_than_requests_no_requests() {
    let _proof = fixtures::proof::test_body();
    let requests = staggered_requests(3);
    let want = io_answers(&requests);
    let (zero, many, none) = within(LIVENESS, "fetch_all", move || {
        (
            fetch_all(&requests, 0).expect("one worker starts"),
            fetch_all(&requests, 10).expect("three workers start"),
            fetch_all(&[], 4).expect("nothing to start"),
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
            (answers, io_answers(probe.requests()), probe.seen())
        });
        assert_eq!(
            answers.expect("the workers start"),
            want,
            "answers in request order"
        );
        seen.assert_capped("fetch_all", count, workers);
    }
}

/// Runs `fetch_all_with` with a call that counts overlapping calls, records
/// the names of the threads it runs on, and makes the first `workers` calls
/// meet at a barrier: they can only all arrive if `workers` threads serve
/// requests at the same time.
fn observe(count: u64, workers: usize) -> Met {
    within(LIVENESS, "fetch_all_with with a Barrier", move || {
        let requests = staggered_requests(count);
        let meeting = MeetingCall::new(workers);
        let answers = fetch_all_with(&requests, workers, |request| meeting.call(request))
            .expect("the workers start");
        assert_eq!(answers, io_answers(&requests), "answers in request order");
        meeting.seen()
    })
}

#[test]
fn workers_serve_requests_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    observe(24, 4).assert_all_workers_at_once(24, 4);
}

#[test]
fn never_more_calls_in_flight_than_workers() {
    let _proof = fixtures::proof::test_body();
    observe(40, 3).assert_at_most(40, 3);
}

#[test]
fn calls_run_on_the_named_worker_threads() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(20, 5);
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
