//! Task 5: `io_bound::{fetch_all, fetch_all_with}`.

mod common;

use std::time::Duration;

use common::{LIVENESS, within};
use fixtures::baselines::in_flight::{MeetingCall, Met, Probe};
use fixtures::baselines::io_answers;
use fixtures::inputs::{io_requests, staggered_requests};
use threads_and_processes::io_bound::{fetch_all, fetch_all_with};

#[test]
fn answers_come_back_in_request_order() {
    let _proof = fixtures::proof::test_body();
    let requests = staggered_requests(30);
    let want = io_answers(&requests);
    let got = within(LIVENESS, "fetch_all", move || fetch_all(&requests, 4));
    assert_eq!(got, want);
}

#[test]
fn seeded_requests_are_answered_exactly() {
    let _proof = fixtures::proof::test_body();
    let requests = io_requests(42, 25, Duration::from_millis(1));
    let want = io_answers(&requests);
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
    let requests = staggered_requests(3);
    let want = io_answers(&requests);
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
            (answers, io_answers(probe.requests()), probe.seen())
        });
        assert_eq!(answers, want, "answers in request order");
        seen.assert_capped("fetch_all", count, workers);
    }
}

/// Runs `fetch_all_with` with a call that counts how many calls overlap, and
/// makes the first `workers` calls meet at a barrier: they can only all
/// arrive if `workers` threads serve requests at the same time.
fn observe(count: u64, workers: usize) -> Met {
    within(LIVENESS, "fetch_all_with with a Barrier", move || {
        let requests = staggered_requests(count);
        let meeting = MeetingCall::new(workers);
        let answers = fetch_all_with(&requests, workers, |request| meeting.call(request));
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
    let seen = observe(40, 3);
    seen.assert_at_most(40, 3);
    assert!(
        seen.threads <= 3,
        "{} threads served requests, want at most 3",
        seen.threads
    );
}

#[test]
fn ten_workers_overlap_ten_calls() {
    let _proof = fixtures::proof::test_body();
    observe(20, 10).assert_all_workers_at_once(20, 10);
}
