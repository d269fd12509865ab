//! Task 4: `batch::{map_in_order, factorial_batch}`.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::thread::{self, ThreadId};
use std::time::Duration;

use common::{LIVENESS, Meeting, within};
use factorial::batch::{factorial_batch, map_in_order};
use fixtures::factorials::{exact, known};
use fixtures::perf::peak_during;
use num_bigint::BigUint;

#[test]
fn factorials_come_back_in_input_order() {
    let _proof = fixtures::proof::test_body();
    let ns = [20, 0, 5, 100, 1, 25, 3, 50, 10_000, 2];
    let got = within(LIVENESS, "factorial_batch", move || factorial_batch(&ns, 3));
    assert_eq!(got.len(), ns.len());
    for (&n, value) in ns.iter().zip(&got) {
        match exact(n) {
            Some(expected) => assert_eq!(value.to_string(), expected, "{n}!"),
            None => assert_eq!(known(n).expect("known").check(value), Ok(())),
        }
    }
}

#[test]
fn an_empty_batch_is_empty_and_zero_threads_count_as_one() {
    let _proof = fixtures::proof::test_body();
    let (empty, one) = within(LIVENESS, "factorial_batch", || {
        (factorial_batch(&[], 4), factorial_batch(&[4, 3], 0))
    });
    assert!(empty.is_empty());
    assert_eq!(one, [BigUint::from(24_u32), BigUint::from(6_u32)]);
}

#[test]
fn results_keep_their_order_when_they_finish_out_of_order() {
    let _proof = fixtures::proof::test_body();
    // Earlier items take longer, so they finish last.
    let items: Vec<u64> = (0..12).collect();
    let got = within(LIVENESS, "map_in_order", move || {
        map_in_order(&items, 4, |&i| {
            thread::sleep(Duration::from_millis(5 * (12 - i)));
            format!("item {i}")
        })
    });
    let expected: Vec<String> = (0..12).map(|i| format!("item {i}")).collect();
    assert_eq!(got, expected);
}

#[test]
fn every_item_is_mapped_exactly_once() {
    let _proof = fixtures::proof::test_body();
    let items: Vec<usize> = (0..5_000).collect();
    let (got, calls) = within(LIVENESS, "map_in_order", move || {
        let calls = AtomicUsize::new(0);
        let got = map_in_order(&items, 3, |&i| {
            calls.fetch_add(1, Relaxed);
            i * 2
        });
        (got, calls.into_inner())
    });
    assert_eq!(calls, 5_000, "calls of f");
    assert!(
        got.iter().enumerate().all(|(i, &v)| v == i * 2),
        "results out of place"
    );
}

/// Maps 200 items on `threads` threads with an `f` that makes the first
/// visit of each of `threads` distinct threads wait at a barrier (a
/// [`Meeting`]); returns how many distinct threads ran `f`.
fn threads_meet(threads: usize) -> usize {
    within(LIVENESS, "map_in_order with a Barrier", move || {
        let meeting = Meeting::new(threads);
        let items: Vec<u32> = (0..200).collect();
        let got = map_in_order(&items, threads, |&i| {
            meeting.arrive();
            i + 1
        });
        assert_eq!(got, (1..=200).collect::<Vec<u32>>());
        meeting.threads_seen()
    })
}

#[test]
fn the_threads_really_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(threads_meet(2), 2);
    assert_eq!(threads_meet(4), 4);
}

#[test]
fn never_more_threads_at_once_than_asked_for() {
    let _proof = fixtures::proof::test_body();
    let (most, distinct) = within(LIVENESS, "map_in_order", || {
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let seen = Mutex::new(HashSet::new());
        let items: Vec<u32> = (0..60).collect();
        map_in_order(&items, 3, |&i| {
            let now = in_flight.fetch_add(1, Relaxed) + 1;
            most.fetch_max(now, Relaxed);
            seen.lock()
                .expect("no panic while locked")
                .insert(thread::current().id());
            thread::sleep(Duration::from_millis(2));
            in_flight.fetch_sub(1, Relaxed);
            i
        });
        (
            most.into_inner(),
            seen.into_inner().expect("no panic while locked").len(),
        )
    });
    assert!(most <= 3, "{most} items in flight at once on 3 threads");
    assert!(distinct <= 3, "{distinct} threads ran f, 3 were asked for");
}

#[test]
fn no_more_threads_than_items() {
    let _proof = fixtures::proof::test_body();
    let threads = within(LIVENESS, "map_in_order", || {
        let seen = Mutex::new(HashSet::new());
        map_in_order(&[1, 2], 8, |&i: &i32| {
            seen.lock()
                .expect("no panic while locked")
                .insert(thread::current().id());
            // Long enough that a second idle thread would be seen too.
            thread::sleep(Duration::from_millis(50));
            i
        });
        seen.into_inner().expect("no panic while locked").len()
    });
    assert!(threads <= 2, "{threads} threads for two items");
}

#[test]
fn a_slow_item_does_not_hold_up_the_others() {
    let _proof = fixtures::proof::test_body();
    // Item 0 takes 1.5 s, the other 199 take 1 ms each. Handed out on
    // demand, the thread that took item 0 is busy with it while the other
    // does nearly everything else. Split up front (halves, or every other
    // item), the slow item's thread also owns 99 of the quick ones.
    let per_thread = within(LIVENESS, "map_in_order", || {
        let items: Vec<u32> = (0..200).collect();
        let handled: Mutex<HashMap<ThreadId, Vec<u32>>> = Mutex::new(HashMap::new());
        map_in_order(&items, 2, |&i| {
            handled
                .lock()
                .unwrap()
                .entry(thread::current().id())
                .or_default()
                .push(i);
            thread::sleep(Duration::from_millis(if i == 0 { 1_500 } else { 1 }));
        });
        handled.into_inner().expect("no panic while locked")
    });
    let slow_thread = per_thread
        .values()
        .find(|items| items.contains(&0))
        .expect("someone handled item 0");
    assert!(
        slow_thread.len() < 40,
        "the thread busy with the slow item also handled {} others: items must be \
         handed out one at a time as threads free up, not split in advance",
        slow_thread.len() - 1
    );
}

/// `factorial_batch(ns, threads)` maps on `threads` threads with
/// `map_in_order`, each factorial sequential: never more than `threads`
/// threads beyond those alive before the call. 1 thread (fewer than the
/// cores of any machine that grades) catches code that uses the cores, or
/// a parallel factorial per item on rayon's global pool; 3 catches a thread
/// per item. Checked under nextest only (see `fixtures::perf::peak_during`).
#[test]
fn factorial_batch_uses_at_most_the_threads_asked_for() {
    let _proof = fixtures::proof::test_body();
    let ns = [60_000, 61_000, 62_000, 63_000, 64_000, 65_000];
    let runs = within(LIVENESS, "factorial_batch", move || {
        [1, 3].map(|threads| {
            let (values, usage) = peak_during(|| factorial_batch(&ns, threads));
            (threads, values, usage)
        })
    });
    let [(_, one, _), (_, three, _)] = &runs;
    assert_eq!(one, three, "the same batch on 1 and on 3 threads");
    for (threads, _, usage) in &runs {
        usage.assert_threads_at_most(*threads, &format!("factorial_batch(6 items, {threads})"));
    }
}
