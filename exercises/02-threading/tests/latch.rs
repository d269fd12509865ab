//! Task 6: `latch::CountDownLatch`, on real threads and under shuttle.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, OrResume, explore, within};
use threading::latch::CountDownLatch;

/// Long enough for a blocked thread to be really asleep.
const SETTLE: Duration = Duration::from_millis(50);

#[test]
fn counts_down_to_zero_and_stays_there() {
    let _proof = fixtures::proof::test_body();
    let counts = within(LIVENESS, "CountDownLatch", || {
        let latch = CountDownLatch::new(2);
        let mut counts = vec![latch.count()];
        latch.count_down();
        counts.push(latch.count());
        latch.count_down();
        counts.push(latch.count());
        latch.count_down();
        counts.push(latch.count());
        latch.wait();
        assert!(
            latch.wait_timeout(Duration::ZERO),
            "an open latch stays open"
        );
        counts
    });
    assert_eq!(counts, [2, 1, 0, 0]);
}

#[test]
fn a_latch_of_zero_is_open_from_the_start() {
    let _proof = fixtures::proof::test_body();
    let open = within(LIVENESS, "CountDownLatch::new(0)", || {
        let latch = CountDownLatch::new(0);
        latch.wait();
        latch.wait_timeout(Duration::from_secs(30))
    });
    assert!(open);
}

#[test]
fn wait_timeout_gives_up_while_counts_are_missing() {
    let _proof = fixtures::proof::test_body();
    let (open, took, zero) = within(LIVENESS, "CountDownLatch::wait_timeout", || {
        let latch = CountDownLatch::new(1);
        let start = Instant::now();
        let open = latch.wait_timeout(Duration::from_millis(100));
        (open, start.elapsed(), latch.wait_timeout(Duration::ZERO))
    });
    assert!(!open);
    assert!(took >= Duration::from_millis(100), "gave up after {took:?}");
    assert!(!zero);
}

#[test]
fn the_last_count_down_releases_every_waiter() {
    let _proof = fixtures::proof::test_body();
    const WAITERS: usize = 5;
    const WORKERS: usize = 4;
    let (released_early, results) = within(LIVENESS, "five waiters on four workers", || {
        let latch = Arc::new(CountDownLatch::new(WORKERS));
        let released = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..WAITERS)
            .map(|i| {
                let (latch, released) = (Arc::clone(&latch), Arc::clone(&released));
                thread::spawn(move || {
                    let open = if i % 2 == 0 {
                        latch.wait();
                        true
                    } else {
                        latch.wait_timeout(Duration::from_secs(30))
                    };
                    released.fetch_add(1, SeqCst);
                    open
                })
            })
            .collect();
        // Three of four count-downs: nobody may leave yet.
        for _ in 0..WORKERS - 1 {
            let latch = Arc::clone(&latch);
            thread::spawn(move || latch.count_down()).join().or_resume();
        }
        thread::sleep(SETTLE);
        let released_early = released.load(SeqCst);
        latch.count_down();
        let results: Vec<bool> = waiters.into_iter().map(|w| w.join().or_resume()).collect();
        (released_early, results)
    });
    assert_eq!(
        released_early, 0,
        "waiters left before the count reached zero"
    );
    assert_eq!(results, [true; WAITERS], "every waiter is released");
}

#[test]
fn a_latch_of_one_is_a_start_gate_for_many_workers() {
    let _proof = fixtures::proof::test_body();
    const WORKERS: usize = 6;
    let (started_early, finished) = within(LIVENESS, "a start gate and a done latch", || {
        let gate = Arc::new(CountDownLatch::new(1));
        let done = Arc::new(CountDownLatch::new(WORKERS));
        let started = Arc::new(AtomicBool::new(false));
        for _ in 0..WORKERS {
            let (gate, done, started) =
                (Arc::clone(&gate), Arc::clone(&done), Arc::clone(&started));
            // Detached on purpose: the latch, not a join, says they are done.
            thread::spawn(move || {
                gate.wait();
                started.store(true, SeqCst);
                done.count_down();
            });
        }
        thread::sleep(SETTLE);
        let started_early = started.load(SeqCst);
        gate.count_down();
        (started_early, done.wait_timeout(Duration::from_secs(4)))
    });
    assert!(!started_early, "a worker got through a closed gate");
    assert!(
        finished,
        "all six workers counted down after the gate opened"
    );
}

// ---------------------------------------------------------------------------
// The same `src/latch.rs`, compiled against shuttle (see bounded_queue.rs).

common::shuttle_model!("latch");

#[test]
fn model_every_waiter_leaves_once_the_count_is_zero() {
    let _proof = fixtures::proof::test_body();
    explore(|| {
        let latch = Arc::new(model::CountDownLatch::new(2));
        let waiters: Vec<_> = (0..3)
            .map(|i| {
                let latch = Arc::clone(&latch);
                shuttle::thread::spawn(move || {
                    let open = if i == 0 {
                        latch.wait_timeout(Duration::from_secs(3600))
                    } else {
                        latch.wait();
                        true
                    };
                    assert_eq!(latch.count(), 0, "a waiter left before the count was zero");
                    open
                })
            })
            .collect();
        let counters: Vec<_> = (0..2)
            .map(|_| {
                let latch = Arc::clone(&latch);
                shuttle::thread::spawn(move || latch.count_down())
            })
            .collect();
        for waiter in waiters {
            assert!(waiter.join().or_resume());
        }
        for counter in counters {
            counter.join().or_resume();
        }
        assert_eq!(latch.count(), 0);
    });
}
