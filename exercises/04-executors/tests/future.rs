//! Task 1: `future::{promise, Promise, TaskHandle}`.

mod common;

use std::thread;
use std::time::Duration;

use common::{LIVENESS, within};
use executors::future::{TaskError, promise};

#[test]
fn a_promise_completed_on_another_thread_resolves_its_handle() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "TaskHandle::result", || {
        let (promise, handle) = promise::<u32>(7);
        assert_eq!((promise.id(), handle.id()), (7, 7));
        let completer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            promise.complete(Ok(42));
        });
        let got = handle.result();
        completer.join().expect("the completer does not panic");
        got
    });
    assert_eq!(got, Ok(42));
}

#[test]
fn errors_pass_through_the_handle_unchanged() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "TaskHandle::result", || {
        let (promise, handle) = promise::<u32>(0);
        promise.complete(Err(TaskError::Failed("disk full".into())));
        handle.result()
    });
    assert_eq!(got, Err(TaskError::Failed("disk full".into())));
}

#[test]
fn completing_never_blocks_even_when_the_handle_is_gone() {
    let _proof = fixtures::proof::test_body();
    within(LIVENESS, "Promise::complete without a handle", || {
        let (promise, handle) = promise::<Vec<u8>>(1);
        drop(handle);
        promise.complete(Ok(vec![1, 2, 3]));
    });
}

#[test]
fn result_timeout_times_out_while_pending_then_gets_the_value() {
    let _proof = fixtures::proof::test_body();
    let (first, done_before, second, third) = within(LIVENESS, "result_timeout", || {
        let (promise, mut handle) = promise::<&'static str>(3);
        let first = handle.result_timeout(Duration::from_millis(30));
        let done_before = handle.is_done();
        let completer = thread::spawn(move || promise.complete(Ok("late")));
        let second = handle.result_timeout(LIVENESS);
        completer.join().expect("the completer does not panic");
        let third = handle.result_timeout(Duration::from_millis(10));
        (first, done_before, second, third)
    });
    assert_eq!(first, Err(TaskError::Timeout), "nothing was there yet");
    assert!(!done_before, "a time-out does not make the handle done");
    assert_eq!(
        second,
        Ok("late"),
        "the handle kept waiting after the time-out"
    );
    assert_eq!(
        third,
        Err(TaskError::Taken),
        "the value was handed out once"
    );
}

#[test]
fn result_timeout_returns_at_once_when_the_value_is_there() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "result_timeout", || {
        let (promise, mut handle) = promise::<u8>(0);
        promise.complete(Ok(9));
        // A generous time-out: a correct handle does not wait for it.
        handle.result_timeout(Duration::from_secs(60))
    });
    assert_eq!(got, Ok(9));
}

#[test]
fn result_timeout_waits_about_as_long_as_asked() {
    let _proof = fixtures::proof::test_body();
    let waited = within(LIVENESS, "result_timeout", || {
        let (_promise, mut handle) = promise::<u8>(0);
        let started = std::time::Instant::now();
        assert_eq!(
            handle.result_timeout(Duration::from_millis(100)),
            Err(TaskError::Timeout)
        );
        started.elapsed()
    });
    assert!(
        waited >= Duration::from_millis(90),
        "gave up after {waited:?}, asked to wait 100 ms"
    );
}

#[test]
fn is_done_turns_true_and_keeps_the_value_for_result() {
    let _proof = fixtures::proof::test_body();
    let (before, after, again, got) = within(LIVENESS, "is_done", || {
        let (promise, mut handle) = promise::<String>(5);
        let before = handle.is_done();
        promise.complete(Ok("ready".into()));
        let after = handle.is_done();
        let again = handle.is_done();
        (before, after, again, handle.result())
    });
    assert!(!before, "not done before the promise is completed");
    assert!(after && again, "done once completed, and stays done");
    assert_eq!(
        got,
        Ok("ready".to_owned()),
        "is_done kept the value for result"
    );
}

#[test]
fn a_dropped_promise_cancels_instead_of_hanging() {
    let _proof = fixtures::proof::test_body();
    let (done, got, timed) = within(LIVENESS, "a handle whose promise was dropped", || {
        let (first, mut handle) = promise::<u8>(0);
        let (second, mut other) = promise::<u8>(1);
        drop(first);
        drop(second);
        let done = handle.is_done();
        (done, handle.result(), other.result_timeout(LIVENESS))
    });
    assert!(done, "a cancelled task is done");
    assert_eq!(got, Err(TaskError::Cancelled));
    assert_eq!(timed, Err(TaskError::Cancelled));
}

#[test]
fn result_after_is_done_and_result_timeout_says_taken() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "TaskHandle::result", || {
        let (promise, mut handle) = promise::<u8>(0);
        promise.complete(Ok(1));
        assert_eq!(handle.result_timeout(LIVENESS), Ok(1));
        assert!(handle.is_done(), "a handle that gave its value out is done");
        handle.result()
    });
    assert_eq!(got, Err(TaskError::Taken));
}
