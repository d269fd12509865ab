//! Task 7: `daemon_shutdown::{spawn_detached, Heartbeat}`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, eventually, within};
use threads_and_processes::daemon_shutdown::{Heartbeat, StopError, spawn_detached};

#[test]
fn a_detached_thread_keeps_running_after_its_handle_is_gone() {
    let _proof = fixtures::proof::test_body();
    let ticks = Arc::new(AtomicU64::new(0));
    let shared = Arc::clone(&ticks);
    within(LIVENESS, "spawn_detached", move || {
        spawn_detached(Duration::from_millis(5), shared);
    });
    assert!(
        eventually(Duration::from_secs(3), || ticks.load(Relaxed) >= 3),
        "the detached thread should tick on after spawn_detached returned (ticks: {})",
        ticks.load(Relaxed)
    );
}

#[test]
fn ticks_advance_while_running_and_stop_reports_them() {
    let _proof = fixtures::proof::test_body();
    let (seen_running, stopped, after) = within(LIVENESS, "Heartbeat", || {
        let heartbeat = Heartbeat::start(Duration::from_millis(5));
        let counter = heartbeat.counter();
        let seen_running = eventually(Duration::from_secs(3), || heartbeat.ticks() >= 3);
        let stopped = heartbeat.stop(Duration::from_secs(2));
        // Several intervals later, the count has not moved.
        thread::sleep(Duration::from_millis(50));
        (seen_running, stopped, counter.load(Relaxed))
    });
    assert!(seen_running, "no ticks within 3 s at a 5 ms interval");
    let stopped = stopped.expect("the thread stops well within 2 s");
    assert!(
        stopped >= 3,
        "stop reported {stopped} ticks, at least 3 had been seen"
    );
    assert_eq!(after, stopped, "the counter moved after stop returned");
}

#[test]
fn stop_is_prompt_even_with_a_long_interval() {
    let _proof = fixtures::proof::test_body();
    let (stopped, took) = within(LIVENESS, "Heartbeat::stop with a 10 s interval", || {
        let heartbeat = Heartbeat::start(Duration::from_secs(10));
        thread::sleep(Duration::from_millis(30));
        let asked = Instant::now();
        let stopped = heartbeat.stop(Duration::from_secs(3));
        (stopped, asked.elapsed())
    });
    assert_eq!(stopped, Ok(0), "no tick is due before 10 s");
    assert!(
        took < Duration::from_secs(1),
        "stop took {took:?}: wake the thread instead of letting it sleep out its interval"
    );
}

#[test]
fn dropping_a_heartbeat_stops_its_thread() {
    let _proof = fixtures::proof::test_body();
    let (counter, at_drop) = within(LIVENESS, "dropping a Heartbeat", || {
        let heartbeat = Heartbeat::start(Duration::from_millis(5));
        let counter = heartbeat.counter();
        assert!(
            eventually(Duration::from_secs(3), || counter.load(Relaxed) >= 2),
            "no ticks within 3 s at a 5 ms interval"
        );
        drop(heartbeat);
        let at_drop = counter.load(Relaxed);
        (counter, at_drop)
    });
    // The thread is gone once nothing but this test holds the counter.
    assert!(
        eventually(Duration::from_secs(2), || Arc::strong_count(&counter) == 1),
        "the heartbeat thread still holds the counter 2 s after the drop"
    );
    thread::sleep(Duration::from_millis(50));
    assert!(
        counter.load(Relaxed) <= at_drop + 1,
        "ticks went on after the drop: {at_drop} then {}",
        counter.load(Relaxed)
    );
}

#[test]
fn on_tick_sees_every_tick_in_order() {
    let _proof = fixtures::proof::test_body();
    let seen = within(LIVENESS, "Heartbeat::start_with", || {
        let (tx, rx) = mpsc::channel();
        let heartbeat = Heartbeat::start_with(Duration::from_millis(2), move |n| {
            let _ = tx.send(n);
        });
        let mut seen = Vec::new();
        while seen.len() < 5 {
            match rx.recv_timeout(Duration::from_secs(3)) {
                Ok(n) => seen.push(n),
                Err(_) => break,
            }
        }
        let total = heartbeat.stop(Duration::from_secs(2));
        assert!(matches!(total, Ok(n) if n >= 5), "stop gave {total:?}");
        seen
    });
    assert_eq!(seen, vec![1, 2, 3, 4, 5]);
}

#[test]
fn stop_gives_up_at_the_deadline_when_the_thread_is_stuck() {
    let _proof = fixtures::proof::test_body();
    let (result, took) = within(LIVENESS, "Heartbeat::stop with a stuck thread", || {
        let (tx, rx) = mpsc::channel();
        let heartbeat = Heartbeat::start_with(Duration::from_millis(1), move |_| {
            let _ = tx.send(());
            // A tick callback that hangs far longer than the deadline.
            thread::sleep(Duration::from_secs(30));
        });
        rx.recv_timeout(Duration::from_secs(3))
            .expect("the first tick runs within 3 s");
        let asked = Instant::now();
        let result = heartbeat.stop(Duration::from_millis(200));
        (result, asked.elapsed())
    });
    assert_eq!(
        result,
        Err(StopError::Timeout {
            deadline: Duration::from_millis(200)
        })
    );
    assert!(
        took < Duration::from_secs(2),
        "stop took {took:?} with a 200 ms deadline"
    );
}
