//! Task 5: `semaphore::{Semaphore, SemaphoreGuard}`, on real threads and
//! under shuttle.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, OrResume, explore, within};
use threading::semaphore::Semaphore;

/// Long enough for a blocked thread to be really asleep.
const SETTLE: Duration = Duration::from_millis(50);

#[test]
fn permits_are_counted_out_and_back_in() {
    let _proof = fixtures::proof::test_body();
    let counts = within(LIVENESS, "Semaphore", || {
        let semaphore = Semaphore::new(3);
        let mut counts = vec![semaphore.available()];
        let a = semaphore.acquire();
        counts.push(semaphore.available());
        let b = semaphore.try_acquire().expect("two left");
        let c = semaphore
            .acquire_timeout(Duration::from_secs(1))
            .expect("one left");
        counts.push(semaphore.available());
        assert!(semaphore.try_acquire().is_none(), "none left");
        drop(b);
        counts.push(semaphore.available());
        drop((a, c));
        counts.push(semaphore.available());
        counts
    });
    assert_eq!(counts, [3, 2, 0, 1, 3]);
}

#[test]
fn with_no_permit_the_timed_acquire_gives_up() {
    let _proof = fixtures::proof::test_body();
    let (got, took, instant) = within(LIVENESS, "Semaphore::acquire_timeout", || {
        let semaphore = Semaphore::new(0);
        let start = Instant::now();
        let got = semaphore
            .acquire_timeout(Duration::from_millis(100))
            .is_some();
        let took = start.elapsed();
        (
            got,
            took,
            semaphore.acquire_timeout(Duration::ZERO).is_some(),
        )
    });
    assert!(!got, "a semaphore with no permits handed one out");
    assert!(took >= Duration::from_millis(100), "gave up after {took:?}");
    assert!(!instant);
}

#[test]
fn a_release_wakes_a_blocked_acquirer() {
    let _proof = fixtures::proof::test_body();
    let (returned_early, plain, timed) = within(LIVENESS, "a blocked acquire", || {
        let semaphore = Arc::new(Semaphore::new(1));
        let held = semaphore.acquire();
        let inside = Arc::new(AtomicBool::new(false));
        let waiters: Vec<_> = (0..2)
            .map(|i| {
                let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                thread::spawn(move || {
                    let guard = if i == 0 {
                        Some(semaphore.acquire())
                    } else {
                        semaphore.acquire_timeout(Duration::from_secs(30))
                    };
                    inside.store(true, SeqCst);
                    thread::sleep(Duration::from_millis(5));
                    guard.is_some()
                })
            })
            .collect();
        thread::sleep(SETTLE);
        let returned_early = inside.load(SeqCst);
        drop(held);
        let mut results = waiters.into_iter().map(|w| w.join().or_resume());
        let plain = results.next().expect("two waiters");
        let timed = results.next().expect("two waiters");
        (returned_early, plain, timed)
    });
    assert!(
        !returned_early,
        "acquire returned while the only permit was held"
    );
    assert!(plain);
    assert!(timed, "the timed acquire gets the permit back in time");
}

#[test]
fn never_more_than_n_inside_and_n_do_get_in_together() {
    let _proof = fixtures::proof::test_body();
    const PERMITS: usize = 3;
    const THREADS: usize = 12;
    const ROUNDS: usize = 300;
    let (max_inside, entries) = within(LIVENESS, "12 threads on 3 permits", || {
        let semaphore = Semaphore::new(PERMITS);
        let inside = AtomicUsize::new(0);
        let max_inside = AtomicUsize::new(0);
        let entries = AtomicUsize::new(0);
        // The first PERMITS threads in must all be inside at once to pass
        // this barrier: a semaphore that lets fewer in never gets past it.
        let first_in = Barrier::new(PERMITS);
        thread::scope(|scope| {
            for t in 0..THREADS {
                let (semaphore, inside, max_inside, entries, first_in) =
                    (&semaphore, &inside, &max_inside, &entries, &first_in);
                scope.spawn(move || {
                    for round in 0..ROUNDS {
                        let _permit = match (t + round) % 3 {
                            0 => semaphore.acquire(),
                            1 => semaphore
                                .acquire_timeout(Duration::from_secs(30))
                                .expect("permits come back long before 30 s"),
                            _ => loop {
                                if let Some(permit) = semaphore.try_acquire() {
                                    break permit;
                                }
                                thread::yield_now();
                            },
                        };
                        let now = inside.fetch_add(1, SeqCst) + 1;
                        max_inside.fetch_max(now, SeqCst);
                        if entries.fetch_add(1, SeqCst) < PERMITS {
                            first_in.wait();
                        }
                        thread::yield_now();
                        inside.fetch_sub(1, SeqCst);
                    }
                });
            }
        });
        assert_eq!(semaphore.available(), PERMITS, "every permit came back");
        (max_inside.into_inner(), entries.into_inner())
    });
    assert!(
        max_inside <= PERMITS,
        "{max_inside} threads were inside a {PERMITS}-permit semaphore at once"
    );
    assert_eq!(max_inside, PERMITS);
    assert_eq!(entries, THREADS * ROUNDS);
}

#[test]
fn the_permit_comes_back_when_its_holder_panics() {
    let _proof = fixtures::proof::test_body();
    let (after_panic, reacquired) = within(LIVENESS, "a panicking permit holder", || {
        let semaphore = Arc::new(Semaphore::new(1));
        let holder = {
            let semaphore = Arc::clone(&semaphore);
            thread::spawn(move || {
                let _permit = semaphore.acquire();
                panic!("the job failed while holding the permit");
            })
        };
        assert!(holder.join().is_err(), "the holder panicked");
        let after_panic = semaphore.available();
        let reacquired = semaphore.acquire_timeout(Duration::from_secs(2)).is_some();
        (after_panic, reacquired)
    });
    assert_eq!(after_panic, 1, "unwinding dropped the guard");
    assert!(reacquired);
}

// ---------------------------------------------------------------------------
// The same `src/semaphore.rs`, compiled against shuttle (see bounded_queue.rs).

common::shuttle_model!("semaphore");

#[test]
fn model_at_most_n_inside_and_no_lost_wake_up() {
    let _proof = fixtures::proof::test_body();
    explore(|| {
        const PERMITS: usize = 1;
        let semaphore = Arc::new(model::Semaphore::new(PERMITS));
        let inside = Arc::new(sync::Mutex::new(0_usize));
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                shuttle::thread::spawn(move || {
                    for _ in 0..2 {
                        let _permit = if t == 0 {
                            semaphore
                                .acquire_timeout(Duration::from_secs(3600))
                                .expect("never times out under shuttle")
                        } else {
                            semaphore.acquire()
                        };
                        {
                            let mut now = inside.lock().expect("no panics under it");
                            *now += 1;
                            assert!(*now <= PERMITS, "{} threads inside", *now);
                        }
                        shuttle::thread::yield_now();
                        *inside.lock().expect("no panics under it") -= 1;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().or_resume();
        }
        assert_eq!(semaphore.available(), PERMITS);
    });
}
