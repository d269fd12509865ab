//! Task 1: `worker_thread::Worker`.

mod common;

use std::hint::black_box;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::{LIVENESS, within};
use threading::worker_thread::{SpawnError, Worker, WorkerPanic};

#[test]
fn the_name_is_the_threads_own_name_and_the_handles() {
    let _proof = fixtures::proof::test_body();
    let (inside, outside) = within(LIVENESS, "Worker::spawn", || {
        let worker = Worker::spawn("fetcher-1", None, || {
            thread::current().name().map(str::to_owned)
        })
        .expect("an ordinary name and stack");
        let outside = worker.name().to_owned();
        (worker.join(), outside)
    });
    assert_eq!(inside, Ok(Some("fetcher-1".to_owned())));
    assert_eq!(outside, "fetcher-1");
}

#[test]
fn the_result_comes_back_through_join_from_another_thread() {
    let _proof = fixtures::proof::test_body();
    let (caller, answer, worker_id) = within(LIVENESS, "Worker::join", || {
        let worker = Worker::spawn("summer", None, || {
            ((1..=100_u64).sum::<u64>(), thread::current().id())
        })
        .expect("an ordinary name and stack");
        let (answer, id) = worker.join().expect("the worker does not panic");
        (thread::current().id(), answer, id)
    });
    assert_eq!(answer, 5050);
    assert_ne!(worker_id, caller, "the work must run on the new thread");
}

#[test]
fn spawn_returns_at_once_and_is_finished_tells_when_the_work_is_done() {
    let _proof = fixtures::proof::test_body();
    let (before, after, value) = within(LIVENESS, "Worker::spawn and is_finished", || {
        let (go, gate) = mpsc::channel::<()>();
        // The worker cannot finish before the test says so: `spawn` must
        // return while it is still waiting.
        let worker = Worker::spawn("gated", None, move || {
            gate.recv_timeout(Duration::from_secs(4))
                .expect("the test opens the gate");
            7
        })
        .expect("an ordinary name and stack");
        let before = worker.is_finished();
        go.send(()).expect("the worker is listening");
        let mut waited = 0;
        while !worker.is_finished() && waited < 3_000 {
            thread::sleep(Duration::from_millis(1));
            waited += 1;
        }
        let after = worker.is_finished();
        (before, after, worker.join())
    });
    assert!(!before, "is_finished before the work could finish");
    assert!(after, "is_finished stayed false after the work returned");
    assert_eq!(value, Ok(7));
}

#[test]
fn a_panic_is_an_error_naming_the_worker_and_the_caller_carries_on() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "Worker::join of a panicking worker", || {
        Worker::spawn("parser-2", None, || -> u32 {
            panic!("bad record at line {}", 17);
        })
        .expect("an ordinary name and stack")
        .join()
    });
    let err = result.expect_err("the worker panicked");
    assert_eq!(
        err,
        WorkerPanic {
            name: "parser-2".to_owned(),
            message: "bad record at line 17".to_owned(),
        }
    );
    assert_eq!(
        err.to_string(),
        "worker `parser-2` panicked: bad record at line 17"
    );
}

/// Recursion that needs about `depth` × 4 KiB of stack and cannot be
/// optimised into a loop. The frame is passed to `black_box` by reference:
/// by value, an unoptimised build (`checker watch`'s profile) keeps three
/// copies of it per call and overflows even the 64 MiB asked for.
fn deep(depth: u32) -> u64 {
    let mut frame = [depth as u8; 4096];
    black_box(&mut frame);
    if depth == 0 {
        return u64::from(frame[0]);
    }
    deep(depth - 1) + u64::from(frame[4095])
}

#[test]
fn the_stack_size_asked_for_is_the_stack_the_thread_gets() {
    let _proof = fixtures::proof::test_body();
    // About 24 MiB of stack: far beyond the default 2 MiB, well within 64.
    // With the default stack this overflows, and a stack overflow aborts
    // the whole test process.
    let result = within(Duration::from_secs(10), "a deep recursion", || {
        Worker::spawn("deep-recursion", Some(64 << 20), || deep(6_000))
            .expect("64 MiB of stack is available")
            .join()
    });
    let want = (1..=6_000_u32).map(|d| u64::from(d as u8)).sum::<u64>();
    assert_eq!(result, Ok(want));
}

#[test]
fn a_name_with_a_nul_byte_is_an_error_not_a_panic() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "Worker::spawn with a NUL in the name", || {
        Worker::spawn("bad\0name", None, || 1).map(|worker| worker.name().to_owned())
    });
    match result {
        Err(SpawnError::InvalidName { name }) => assert_eq!(name, "bad\0name"),
        other => panic!("expected SpawnError::InvalidName, got {other:?}"),
    }
}

#[test]
fn a_stack_the_os_cannot_give_is_an_os_error_not_a_panic() {
    let _proof = fixtures::proof::test_body();
    // 1 PiB: more than the address space of a process.
    let result = within(LIVENESS, "Worker::spawn with a 1 PiB stack", || {
        Worker::spawn("greedy", Some(1 << 50), || 1).map(|worker| worker.name().to_owned())
    });
    match result {
        Err(err @ SpawnError::Os { .. }) => {
            let SpawnError::Os { name, .. } = &err else {
                unreachable!()
            };
            assert_eq!(name, "greedy");
            assert!(
                std::error::Error::source(&err).is_some(),
                "the io::Error is the source"
            );
        }
        other => panic!("expected SpawnError::Os, got {other:?}"),
    }
}
