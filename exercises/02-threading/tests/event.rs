//! Task 4: `event::Event`, on real threads and under shuttle.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, OrResume, explore, within};
use threading::event::Event;

/// Long enough for a thread that is about to wait to be really asleep, even
/// on a busy machine (it has only to take a lock and call `wait`).
const SETTLE: Duration = Duration::from_millis(100);

#[test]
fn the_flag_starts_clear_and_follows_set_and_clear() {
    let _proof = fixtures::proof::test_body();
    let states = within(LIVENESS, "Event", || {
        let event = Event::new();
        let mut states = vec![event.is_set()];
        event.set();
        states.push(event.is_set());
        event.set();
        states.push(event.is_set());
        event.clear();
        states.push(event.is_set());
        states
    });
    assert_eq!(states, [false, true, true, false]);
}

#[test]
fn waiting_on_a_set_event_returns_at_once() {
    let _proof = fixtures::proof::test_body();
    let (timed, zero) = within(LIVENESS, "Event::wait on a set event", || {
        let event = Event::new();
        event.set();
        event.wait();
        (
            event.wait_timeout(Duration::from_secs(30)),
            event.wait_timeout(Duration::ZERO),
        )
    });
    assert!(timed);
    assert!(zero);
}

#[test]
fn wait_timeout_on_a_clear_event_times_out() {
    let _proof = fixtures::proof::test_body();
    let (result, took, zero) = within(LIVENESS, "Event::wait_timeout", || {
        let event = Event::new();
        let start = Instant::now();
        let result = event.wait_timeout(Duration::from_millis(100));
        let took = start.elapsed();
        (result, took, event.wait_timeout(Duration::ZERO))
    });
    assert!(!result, "nobody set it");
    assert!(took >= Duration::from_millis(100), "gave up after {took:?}");
    assert!(!zero);
}

/// Starts `n` threads that each wait on `event` (even ones with `wait`, odd
/// ones with `wait_timeout(30 s)`) and report `true` when they return (or
/// what `wait_timeout` said). Returns after every thread has said it is
/// about to wait, plus [`SETTLE`].
fn waiters(event: &Arc<Event>, n: usize) -> Vec<thread::JoinHandle<bool>> {
    let (ready, all_ready) = mpsc::channel();
    let handles = (0..n)
        .map(|i| {
            let (event, ready) = (Arc::clone(event), ready.clone());
            thread::spawn(move || {
                ready.send(()).expect("the test is listening");
                if i % 2 == 0 {
                    event.wait();
                    true
                } else {
                    event.wait_timeout(Duration::from_secs(30))
                }
            })
        })
        .collect();
    for _ in 0..n {
        all_ready
            .recv_timeout(LIVENESS)
            .expect("every waiter starts within 5 s");
    }
    thread::sleep(SETTLE);
    handles
}

#[test]
fn set_wakes_every_waiting_thread() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "set with five waiters", || {
        let event = Arc::new(Event::new());
        let handles = waiters(&event, 5);
        event.set();
        handles
            .into_iter()
            .map(|h| h.join().or_resume())
            .collect::<Vec<_>>()
    });
    assert_eq!(results, [true; 5], "every waiter returns, and sees the set");
}

#[test]
fn a_set_immediately_cleared_still_wakes_the_threads_waiting_then() {
    let _proof = fixtures::proof::test_body();
    let (results, after) = within(LIVENESS, "a set-then-clear pulse with four waiters", || {
        let event = Arc::new(Event::new());
        let handles = waiters(&event, 4);
        // A pulse: by the time the waiters run again the flag is clear.
        event.set();
        event.clear();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().or_resume()).collect();
        (results, event.is_set())
    });
    assert_eq!(
        results, [true; 4],
        "each waiter must return (true) for the set it slept through"
    );
    assert!(!after);
}

#[test]
fn after_a_clear_new_waiters_block_again() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "wait after clear", || {
        let event = Event::new();
        event.set();
        event.clear();
        event.wait_timeout(Duration::from_millis(50))
    });
    assert!(!result, "a cleared event must not let new waiters through");
}

#[test]
fn an_event_as_a_stop_signal_stops_a_worker_promptly() {
    let _proof = fixtures::proof::test_body();
    // Python's idiom: the worker "sleeps" with `stop.wait(interval)`, so a
    // stop request wakes it at once instead of after the interval.
    let (rounds, took) = within(LIVENESS, "a worker stopped by an Event", || {
        let stop = Arc::new(Event::new());
        let rounds = Arc::new(AtomicU64::new(0));
        let worker = {
            let (stop, rounds) = (Arc::clone(&stop), Arc::clone(&rounds));
            thread::spawn(move || {
                while !stop.wait_timeout(Duration::from_millis(2)) {
                    rounds.fetch_add(1, SeqCst);
                }
                // A long interval now: only the set can end this wait early.
                stop.wait_timeout(Duration::from_secs(30))
            })
        };
        thread::sleep(Duration::from_millis(60));
        let asked = Instant::now();
        stop.set();
        assert!(worker.join().or_resume(), "the second wait sees the set");
        (rounds.load(SeqCst), asked.elapsed())
    });
    assert!(
        rounds >= 3,
        "the worker ran only {rounds} rounds in 60 ms at 2 ms each"
    );
    assert!(took < Duration::from_secs(1), "stopping took {took:?}");
}

// ---------------------------------------------------------------------------
// The same `src/event.rs`, compiled against shuttle (see bounded_queue.rs).

common::shuttle_model!("event");

#[test]
fn model_set_wakes_every_waiter() {
    let _proof = fixtures::proof::test_body();
    explore(|| {
        let event = Arc::new(model::Event::new());
        let waiters: Vec<_> = (0..3)
            .map(|i| {
                let event = Arc::clone(&event);
                shuttle::thread::spawn(move || {
                    if i == 0 {
                        event.wait();
                        true
                    } else {
                        // Never times out under shuttle: a blocking wait.
                        event.wait_timeout(Duration::from_secs(3600))
                    }
                })
            })
            .collect();
        let setter = {
            let event = Arc::clone(&event);
            shuttle::thread::spawn(move || event.set())
        };
        for waiter in waiters {
            assert!(waiter.join().or_resume());
        }
        setter.join().or_resume();
        assert!(event.is_set());
    });
}

#[test]
fn model_set_clear_set_always_lets_waiters_through() {
    let _proof = fixtures::proof::test_body();
    explore(|| {
        let event = Arc::new(model::Event::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let event = Arc::clone(&event);
                shuttle::thread::spawn(move || event.wait())
            })
            .collect();
        event.set();
        event.clear();
        event.set();
        for waiter in waiters {
            waiter.join().or_resume();
        }
    });
}
