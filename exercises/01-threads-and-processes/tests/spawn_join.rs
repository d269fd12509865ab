//! Task 1: `spawn_join::spawn_and_join`.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::{LIVENESS, within};
use threads_and_processes::spawn_join::{WorkerPanic, spawn_and_join};

#[test]
fn results_come_back_in_spawn_order_even_when_later_workers_finish_first() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "spawn_and_join", || {
        spawn_and_join(8, |i| {
            // Worker 7 finishes first, worker 0 last.
            thread::sleep(Duration::from_millis(10 * (8 - i as u64)));
            i * i
        })
    });
    let results: Vec<usize> = results
        .into_iter()
        .map(|r| r.expect("no worker panics here"))
        .collect();
    assert_eq!(results, vec![0, 1, 4, 9, 16, 25, 36, 49]);
}

#[test]
fn a_panicking_worker_becomes_an_error_and_the_others_still_answer() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "spawn_and_join", || {
        spawn_and_join(5, |i| {
            if i == 2 {
                panic!("worker {i} hit a bad record");
            }
            i + 100
        })
    });
    assert_eq!(results.len(), 5);
    for (i, result) in results.iter().enumerate() {
        if i == 2 {
            assert_eq!(
                result,
                &Err(WorkerPanic {
                    index: 2,
                    message: "worker 2 hit a bad record".to_owned(),
                })
            );
        } else {
            assert_eq!(result, &Ok(i + 100), "worker {i}");
        }
    }
    let err = results[2].as_ref().expect_err("worker 2 panicked");
    assert_eq!(
        err.to_string(),
        "worker 2 panicked: worker 2 hit a bad record"
    );
}

#[test]
fn a_panic_with_a_static_message_is_reported_too() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "spawn_and_join", || {
        spawn_and_join(2, |i| {
            if i == 1 {
                panic!("static message");
            }
            i
        })
    });
    assert_eq!(results[0], Ok(0));
    assert_eq!(
        results[1],
        Err(WorkerPanic {
            index: 1,
            message: "static message".to_owned(),
        })
    );
}

#[test]
fn every_worker_runs_on_its_own_thread_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    const N: usize = 6;
    let (caller, workers) = within(LIVENESS, "spawn_and_join with a Barrier", || {
        // All N workers must be alive at once to get past the barrier: a
        // sequential implementation stops at the first worker, and the
        // bounded wait turns that into a failure.
        let barrier = Arc::new(Barrier::new(N));
        let workers = spawn_and_join(N, move |_| {
            barrier.wait();
            thread::current().id()
        });
        (thread::current().id(), workers)
    });
    let ids: HashSet<_> = workers
        .into_iter()
        .map(|r| r.expect("no worker panics here"))
        .collect();
    assert_eq!(ids.len(), N, "each worker needs a thread of its own");
    assert!(
        !ids.contains(&caller),
        "the work must not run on the calling thread"
    );
}

#[test]
fn zero_workers_give_no_results() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "spawn_and_join", || spawn_and_join(0, |i| i));
    assert!(results.is_empty());
}
