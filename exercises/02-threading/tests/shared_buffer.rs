//! Task 2: `shared_buffer::{ThreadSafeBuffer, fill_concurrently}`.

mod common;

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, ThreadId};

use common::{LIVENESS, OrResume, within};
use threading::shared_buffer::{ThreadSafeBuffer, fill_concurrently};

#[test]
fn one_thread_adds_takes_and_snapshots_in_order() {
    let _proof = fixtures::proof::test_body();
    let (len, empty_before, snapshot, taken, after) = within(LIVENESS, "ThreadSafeBuffer", || {
        let buffer = ThreadSafeBuffer::new();
        let empty_before = buffer.is_empty();
        for word in ["a", "b", "c"] {
            buffer.add(word);
        }
        let snapshot = buffer.snapshot();
        let len = buffer.len();
        let taken = buffer.take_all();
        buffer.add("d");
        (len, empty_before, snapshot, taken, buffer.into_inner())
    });
    assert!(empty_before);
    assert_eq!(len, 3);
    assert_eq!(snapshot, ["a", "b", "c"]);
    assert_eq!(
        taken,
        ["a", "b", "c"],
        "take_all returns the items in order"
    );
    assert_eq!(after, ["d"], "take_all leaves the buffer empty, and usable");
}

#[test]
fn many_threads_every_item_exactly_once_each_threads_in_its_order() {
    let _proof = fixtures::proof::test_body();
    const THREADS: usize = 8;
    const PER_THREAD: usize = 20_000;
    let items = within(LIVENESS, "fill_concurrently", || {
        fill_concurrently(THREADS, PER_THREAD, |t, i| (t, i))
    });
    assert_eq!(items.len(), THREADS * PER_THREAD, "lost or extra items");
    let distinct: HashSet<_> = items.iter().copied().collect();
    assert_eq!(distinct.len(), items.len(), "an item was added twice");
    for t in 0..THREADS {
        let mine: Vec<usize> = items
            .iter()
            .filter(|(o, _)| *o == t)
            .map(|(_, i)| *i)
            .collect();
        assert_eq!(
            mine,
            (0..PER_THREAD).collect::<Vec<_>>(),
            "thread {t}'s items, in the order it added them"
        );
    }
}

#[test]
fn fill_concurrently_runs_its_threads_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    const THREADS: usize = 6;
    let (items, threads) = within(LIVENESS, "fill_concurrently with a Barrier", || {
        // Every thread's first item waits for all the others: a version that
        // runs the threads one after another never gets past it.
        let barrier = Barrier::new(THREADS);
        let seen = Mutex::new(HashSet::<ThreadId>::new());
        let items = fill_concurrently(THREADS, 3, |t, i| {
            seen.lock()
                .expect("no panics while holding it")
                .insert(thread::current().id());
            if i == 0 {
                barrier.wait();
            }
            t * 10 + i
        });
        (items, seen.into_inner().expect("no panics").len())
    });
    assert_eq!(items.len(), THREADS * 3);
    assert_eq!(threads, THREADS, "one thread per producer");
}

#[test]
fn nothing_to_do_gives_an_empty_vec() {
    let _proof = fixtures::proof::test_body();
    let (no_threads, no_items) = within(LIVENESS, "fill_concurrently", || {
        (
            fill_concurrently(0, 10, |t, i| t + i),
            fill_concurrently(4, 0, |t, i| t + i),
        )
    });
    assert!(no_threads.is_empty());
    assert!(no_items.is_empty());
}

#[test]
fn threads_sharing_it_by_arc_see_each_others_items() {
    let _proof = fixtures::proof::test_body();
    let (len, items) = within(LIVENESS, "ThreadSafeBuffer in an Arc", || {
        let buffer = Arc::new(ThreadSafeBuffer::new());
        let handles: Vec<_> = (0..4_u32)
            .map(|t| {
                let buffer = Arc::clone(&buffer);
                thread::spawn(move || {
                    for i in 0..1_000 {
                        buffer.add(t * 1_000 + i);
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().or_resume();
        }
        let len = buffer.len();
        let mut items = buffer.take_all();
        items.sort_unstable();
        (len, items)
    });
    assert_eq!(len, 4_000);
    assert_eq!(items, (0..4_000).collect::<Vec<_>>());
}

/// A value whose `clone` panics once the switch is on.
#[derive(Debug)]
struct Fragile(u32, Arc<AtomicBool>);

impl Clone for Fragile {
    fn clone(&self) -> Self {
        assert!(
            !self.1.load(SeqCst),
            "clone of a Fragile while the switch is on"
        );
        Self(self.0, Arc::clone(&self.1))
    }
}

#[test]
fn a_panic_while_the_lock_is_held_does_not_break_the_buffer() {
    let _proof = fixtures::proof::test_body();
    let (len, values) = within(LIVENESS, "ThreadSafeBuffer after a poisoning", || {
        let switch = Arc::new(AtomicBool::new(false));
        let buffer = Arc::new(ThreadSafeBuffer::new());
        buffer.add(Fragile(1, Arc::clone(&switch)));
        switch.store(true, SeqCst);
        // A snapshot on another thread panics while it holds the lock.
        let poisoner = {
            let buffer = Arc::clone(&buffer);
            thread::spawn(move || buffer.snapshot())
        };
        assert!(poisoner.join().is_err(), "the snapshot panicked");
        switch.store(false, SeqCst);
        // Every method still works for everyone else.
        buffer.add(Fragile(2, Arc::clone(&switch)));
        let len = buffer.len();
        let snapshot = panic::catch_unwind(AssertUnwindSafe(|| buffer.snapshot()))
            .expect("snapshot works again once clone does");
        assert_eq!(snapshot.len(), 2);
        let buffer = Arc::into_inner(buffer).expect("the poisoner is gone");
        let values: Vec<u32> = buffer.into_inner().into_iter().map(|f| f.0).collect();
        (len, values)
    });
    assert_eq!(len, 2);
    assert_eq!(values, [1, 2]);
}
