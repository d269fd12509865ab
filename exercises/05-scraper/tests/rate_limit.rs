//! Task 3 — a token bucket shared by every thread.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::within;
use scraper::rate_limit::RateLimiter;

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn one_permit_at_a_time_then_one_per_interval() {
    let _proof = fixtures::proof::test_body();
    let ok = within(LIMIT, "try_acquire", || {
        let limiter = RateLimiter::per_second(2);
        let first = limiter.try_acquire();
        let second = limiter.try_acquire();
        std::thread::sleep(Duration::from_millis(550));
        let later = limiter.try_acquire();
        let again = limiter.try_acquire();
        (first, second, later, again)
    });
    assert_eq!(
        ok,
        (true, false, true, false),
        "at 2 per second: a new limiter gives one permit, the next is due 500 ms later"
    );
}

#[test]
fn a_burst_is_available_at_once_and_then_refills_at_the_rate() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIMIT, "try_acquire", || {
        let limiter = RateLimiter::with_burst(2, 3);
        let burst: Vec<bool> = (0..4).map(|_| limiter.try_acquire()).collect();
        std::thread::sleep(Duration::from_millis(550));
        let refilled: Vec<bool> = (0..2).map(|_| limiter.try_acquire()).collect();
        (burst, refilled)
    });
    assert_eq!(
        got.0,
        [true, true, true, false],
        "a full bucket of 3, then empty"
    );
    assert_eq!(
        got.1,
        [true, false],
        "500 ms at 2 per second puts one token back, not the whole bucket"
    );
}

#[test]
fn acquire_never_gives_permits_ahead_of_the_rate() {
    let _proof = fixtures::proof::test_body();
    let stamps = within(LIMIT, "acquire", || {
        let limiter = RateLimiter::per_second(20);
        let start = Instant::now();
        let stamps: Vec<Duration> = (0..10)
            .map(|_| {
                limiter.acquire();
                start.elapsed()
            })
            .collect();
        stamps
    });
    for (n, stamp) in stamps.iter().enumerate() {
        assert!(
            *stamp >= Duration::from_millis(50) * n as u32,
            "permit {n} came after {stamp:?}; at 20 per second it is due after {} ms: {stamps:?}",
            50 * n
        );
    }
}

#[test]
fn eight_threads_together_get_the_rate_not_eight_times_it() {
    let _proof = fixtures::proof::test_body();
    const THREADS: usize = 8;
    const EACH: usize = 5;
    let (elapsed, stamps) = within(LIMIT, "8 threads acquiring", || {
        let limiter = Arc::new(RateLimiter::per_second(20));
        let stamps = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..THREADS {
                let (limiter, stamps) = (Arc::clone(&limiter), Arc::clone(&stamps));
                scope.spawn(move || {
                    for _ in 0..EACH {
                        limiter.acquire();
                        stamps.lock().expect("stamps").push(start.elapsed());
                    }
                });
            }
        });
        let stamps = stamps.lock().expect("stamps").clone();
        (start.elapsed(), stamps)
    });
    assert_eq!(stamps.len(), THREADS * EACH, "every acquire returns");
    // 40 permits at 20 per second: the last is due 39 intervals after the
    // first, 1.95 s. A limit per thread would be done in 0.2 s.
    assert!(
        elapsed >= Duration::from_millis(1950),
        "40 permits shared by 8 threads took {elapsed:?}; at 20 per second the \
         last is due after 1.95 s: is the limit per thread instead of global?"
    );
    assert!(
        elapsed < Duration::from_millis(1950 + 1500),
        "40 permits at 20 per second took {elapsed:?}: permits are handed out \
         much more slowly than the rate"
    );
}

#[test]
fn a_waiting_thread_does_not_block_try_acquire_forever() {
    let _proof = fixtures::proof::test_body();
    // One thread waits for a permit due in 1 s; another asks meanwhile and
    // must get an answer (false) at once, not after the sleeper.
    let answered_in = within(LIMIT, "try_acquire while another thread waits", || {
        let limiter = Arc::new(RateLimiter::per_second(1));
        assert!(limiter.try_acquire());
        let sleeper = {
            let limiter = Arc::clone(&limiter);
            std::thread::spawn(move || limiter.acquire())
        };
        std::thread::sleep(Duration::from_millis(100));
        let asked = Instant::now();
        let got = limiter.try_acquire();
        let answered_in = asked.elapsed();
        sleeper.join().expect("the sleeper gets its permit");
        assert!(!got, "the only permit of this second is taken");
        answered_in
    });
    assert!(
        answered_in < Duration::from_millis(500),
        "try_acquire waited {answered_in:?} for a thread sleeping in acquire: \
         release the lock before you sleep"
    );
}
