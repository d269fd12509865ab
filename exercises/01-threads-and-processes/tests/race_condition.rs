//! Task 6: `race_condition::{MutexCounter, AtomicCounter, hammer}`.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use common::{LIVENESS, within};
use threads_and_processes::race_condition::{AtomicCounter, Counter, MutexCounter, hammer};

/// Compiles only for types that may be shared between threads.
fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn new_counters_start_at_zero_and_count_on_one_thread() {
    let _proof = fixtures::proof::test_body();
    let (m, a) = within(LIVENESS, "counters", || {
        let (m, a) = (MutexCounter::new(), AtomicCounter::new());
        assert_eq!((m.get(), a.get()), (0, 0));
        for _ in 0..3 {
            m.increment();
            a.increment();
        }
        (m.get(), a.get())
    });
    assert_eq!((m, a), (3, 3));
}

/// The contention check both counters must pass, written once so that the
/// two tests below differ only in the counter: `hammer` with 8 threads of
/// 100 000 increments each, on the counter that `new` makes, must return
/// and leave in the counter exactly 800 000. `name` labels the wait.
fn assert_hammer_counts_everything<C: Counter + 'static>(name: &str, new: fn() -> C) {
    let (returned, counted) = within(LIVENESS, &format!("hammer({name})"), move || {
        let counter = new();
        (hammer(&counter, 8, 100_000), counter.get())
    });
    assert_eq!(returned, 800_000);
    assert_eq!(counted, 800_000);
}

#[test]
fn mutex_counter_loses_no_update_under_heavy_contention() {
    let _proof = fixtures::proof::test_body();
    assert_hammer_counts_everything("MutexCounter", MutexCounter::new);
}

#[test]
fn atomic_counter_loses_no_update_under_heavy_contention() {
    let _proof = fixtures::proof::test_body();
    assert_hammer_counts_everything("AtomicCounter", AtomicCounter::new);
}

/// Shares `counter` by `Arc` with 4 spawned threads that start together at a
/// barrier and increment it as fast as they can for 200 ms, each counting its
/// own increments. Returns (the sum of those counts, `counter.get()`).
///
/// Running for a fixed *time* rather than a fixed count guarantees that the
/// threads overlap: 100 000 increments take well under a millisecond, less
/// than a thread needs to start, so a lossy counter can get lucky.
fn collide<C: Counter + 'static>(counter: C) -> (u64, u64) {
    const THREADS: usize = 4;
    const RUN_FOR: Duration = Duration::from_millis(200);
    let counter = Arc::new(counter);
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = Arc::clone(&counter);
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                let began = Instant::now();
                let mut mine = 0_u64;
                loop {
                    for _ in 0..1_000 {
                        counter.increment();
                    }
                    mine += 1_000;
                    if began.elapsed() >= RUN_FOR {
                        break mine;
                    }
                }
            })
        })
        .collect();
    let done: u64 = handles
        .into_iter()
        .map(|handle| handle.join().expect("an increment panicked"))
        .sum();
    (done, counter.get())
}

/// The verdict of both collision tests, written once: after [`collide`], the
/// counter that `new` makes holds every increment its threads made. The
/// failure message names the counter (`name`) and adds `hint`, the likely
/// cause, if there is one.
fn assert_collisions_lose_nothing<C: Counter + 'static>(name: &str, hint: &str, new: fn() -> C) {
    let (done, counted) = within(LIVENESS, "colliding increments", move || collide(new()));
    assert_eq!(
        counted,
        done,
        "{name} lost {} updates{hint}",
        done - counted.min(done)
    );
}

#[test]
fn mutex_counter_shared_by_arc_loses_nothing_when_increments_collide() {
    let _proof = fixtures::proof::test_body();
    // Checked when this file compiles: both counters may cross threads.
    assert_send_sync::<MutexCounter>();
    assert_collisions_lose_nothing("MutexCounter", "", MutexCounter::new);
}

#[test]
fn atomic_counter_shared_by_arc_loses_nothing_when_increments_collide() {
    let _proof = fixtures::proof::test_body();
    assert_send_sync::<AtomicCounter>();
    assert_collisions_lose_nothing(
        "AtomicCounter",
        ": is the increment one atomic step?",
        AtomicCounter::new,
    );
}

/// A test counter: makes the first `threads` distinct threads that increment
/// it meet at a barrier, so `hammer` passes only if its threads run together.
struct MeetingCounter {
    threads: usize,
    barrier: Barrier,
    seen: Mutex<HashSet<ThreadId>>,
    count: AtomicU64,
}

impl Counter for MeetingCounter {
    fn increment(&self) {
        let first_visit = {
            let mut seen = self.seen.lock().expect("no panics while holding it");
            seen.insert(thread::current().id()) && seen.len() <= self.threads
        };
        if first_visit {
            self.barrier.wait();
        }
        self.count.fetch_add(1, Relaxed);
    }

    fn get(&self) -> u64 {
        self.count.load(Relaxed)
    }
}

#[test]
fn hammer_runs_its_threads_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    let (total, threads) = within(LIVENESS, "hammer with a Barrier", || {
        let counter = MeetingCounter {
            threads: 4,
            barrier: Barrier::new(4),
            seen: Mutex::new(HashSet::new()),
            count: AtomicU64::new(0),
        };
        let total = hammer(&counter, 4, 1_000);
        let threads = counter.seen.into_inner().expect("no panics").len();
        (total, threads)
    });
    assert_eq!(total, 4_000);
    assert_eq!(threads, 4, "hammer(counter, 4, _) must use four threads");
}

#[test]
fn hammer_with_no_threads_or_no_work_adds_nothing() {
    let _proof = fixtures::proof::test_body();
    let (no_threads, no_work) = within(LIVENESS, "hammer", || {
        let counter = AtomicCounter::new();
        (hammer(&counter, 0, 1_000), hammer(&counter, 4, 0))
    });
    assert_eq!(no_threads, 0);
    assert_eq!(no_work, 0);
}
