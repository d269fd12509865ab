//! Task 7: `thread_locals::{Tally, record, local_tally, take_local_tally,
//! tally_chunks, tally_chunks_with}`.

mod common;

use std::collections::HashSet;
use std::sync::{Barrier, Mutex};
use std::thread::{self, ThreadId};

use common::{LIVENESS, OrResume, within};
use threading::thread_locals::{
    Tally, local_tally, record, take_local_tally, tally_chunks, tally_chunks_with,
};

#[test]
fn a_tally_adds_and_merges() {
    let _proof = fixtures::proof::test_body();
    let (a, merged) = within(LIVENESS, "Tally", || {
        let mut a = Tally::default();
        for v in [3, 9, 4] {
            a.add(v);
        }
        let mut merged = a;
        let mut b = Tally::default();
        b.add(12);
        merged.merge(b);
        merged.merge(Tally::default());
        (a, merged)
    });
    assert_eq!(
        a,
        Tally {
            count: 3,
            sum: 16,
            max: 9
        }
    );
    assert_eq!(
        merged,
        Tally {
            count: 4,
            sum: 28,
            max: 12
        }
    );
}

#[test]
fn record_counts_in_the_calling_threads_tally_and_take_resets_it() {
    let _proof = fixtures::proof::test_body();
    let (before, during, taken, after) = within(LIVENESS, "record on one thread", || {
        let before = local_tally();
        record(5);
        record(7);
        let during = local_tally();
        let taken = take_local_tally();
        (before, during, taken, local_tally())
    });
    assert_eq!(before, Tally::default(), "a new thread starts empty");
    assert_eq!(
        during,
        Tally {
            count: 2,
            sum: 12,
            max: 7
        }
    );
    assert_eq!(taken, during);
    assert_eq!(after, Tally::default(), "take leaves an empty tally");
}

#[test]
fn each_thread_sees_only_its_own_tally() {
    let _proof = fixtures::proof::test_body();
    let (main_tally, other) = within(LIVENESS, "two threads recording", || {
        record(100);
        let other = thread::spawn(|| {
            let fresh = local_tally();
            record(1);
            (fresh, local_tally())
        })
        .join()
        .or_resume();
        (take_local_tally(), other)
    });
    assert_eq!(
        main_tally,
        Tally {
            count: 1,
            sum: 100,
            max: 100
        }
    );
    assert_eq!(other.0, Tally::default(), "the other thread starts empty");
    assert_eq!(
        other.1,
        Tally {
            count: 1,
            sum: 1,
            max: 1
        }
    );
}

#[test]
fn tally_chunks_gives_one_tally_per_chunk_and_their_merge() {
    let _proof = fixtures::proof::test_body();
    let chunks = vec![vec![1, 2, 3], vec![], vec![10, 40, 20, 30], vec![7]];
    let (per_thread, total, caller) = within(LIVENESS, "tally_chunks", move || {
        record(1_000);
        let (per_thread, total) = tally_chunks(&chunks);
        (per_thread, total, take_local_tally())
    });
    assert_eq!(
        per_thread,
        [
            Tally {
                count: 3,
                sum: 6,
                max: 3
            },
            Tally::default(),
            Tally {
                count: 4,
                sum: 100,
                max: 40
            },
            Tally {
                count: 1,
                sum: 7,
                max: 7
            },
        ]
    );
    assert_eq!(
        total,
        Tally {
            count: 8,
            sum: 113,
            max: 40
        }
    );
    assert_eq!(
        caller,
        Tally {
            count: 1,
            sum: 1_000,
            max: 1_000
        },
        "the calling thread's tally is left as it was"
    );
}

#[test]
fn tally_chunks_with_runs_one_thread_per_chunk_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    const CHUNKS: usize = 5;
    let (per_thread, total, threads) = within(LIVENESS, "tally_chunks_with a Barrier", || {
        let chunks: Vec<Vec<u64>> = (0..CHUNKS as u64)
            .map(|c| (0..1_000).map(|i| c * 1_000 + i).collect())
            .collect();
        // Every thread's first value waits for all the others.
        let barrier = Barrier::new(CHUNKS);
        let seen = Mutex::new(HashSet::<ThreadId>::new());
        let caller = thread::current().id();
        let (per_thread, total) = tally_chunks_with(&chunks, |v| {
            let id = thread::current().id();
            assert_ne!(id, caller, "the work runs on new threads");
            if seen.lock().expect("no panics under it").insert(id) {
                barrier.wait();
            }
            v * 2
        });
        (
            per_thread,
            total,
            seen.into_inner().expect("no panics").len(),
        )
    });
    assert_eq!(threads, CHUNKS);
    for (c, tally) in per_thread.iter().enumerate() {
        let c = c as u64;
        let want_sum: u64 = (0..1_000).map(|i| 2 * (c * 1_000 + i)).sum();
        assert_eq!(
            *tally,
            Tally {
                count: 1_000,
                sum: want_sum,
                max: 2 * (c * 1_000 + 999)
            },
            "chunk {c}"
        );
    }
    assert_eq!(total.count, 5_000);
    assert_eq!(total.sum, (0..5_000_u64).map(|v| 2 * v).sum::<u64>());
    assert_eq!(total.max, 2 * 4_999);
}

#[test]
fn no_chunks_give_nothing() {
    let _proof = fixtures::proof::test_body();
    let (per_thread, total) = within(LIVENESS, "tally_chunks of nothing", || tally_chunks(&[]));
    assert!(per_thread.is_empty());
    assert_eq!(total, Tally::default());
}
