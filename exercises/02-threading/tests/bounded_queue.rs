//! Task 3: `bounded_queue::BoundedQueue`, on real threads and under shuttle.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, OrResume, explore, within};
use threading::bounded_queue::{BoundedQueue, Closed, GetTimeoutError, PutTimeoutError};

/// Long enough for a blocked thread to be really asleep, short enough to wait for.
const SETTLE: Duration = Duration::from_millis(50);

#[test]
fn one_thread_first_in_first_out() {
    let _proof = fixtures::proof::test_body();
    let (capacity, lens, got, empty) = within(LIVENESS, "BoundedQueue", || {
        let queue = BoundedQueue::new(3);
        let mut lens = Vec::new();
        for word in ["a", "b", "c"] {
            queue.put(word).expect("the queue is open");
            lens.push(queue.len());
        }
        let got: Vec<_> = (0..3).map(|_| queue.get()).collect();
        (queue.capacity(), lens, got, queue.is_empty())
    });
    assert_eq!(capacity, 3);
    assert_eq!(lens, [1, 2, 3]);
    assert_eq!(got, [Some("a"), Some("b"), Some("c")]);
    assert!(empty);
}

#[test]
fn a_capacity_of_zero_holds_one_item() {
    let _proof = fixtures::proof::test_body();
    let (capacity, second) = within(LIVENESS, "BoundedQueue::new(0)", || {
        let queue = BoundedQueue::new(0);
        queue.put(1).expect("one item fits");
        (queue.capacity(), queue.put_timeout(2, Duration::ZERO))
    });
    assert_eq!(capacity, 1);
    assert_eq!(second, Err(PutTimeoutError::Full(2)));
}

#[test]
fn timeouts_give_up_and_give_the_item_back() {
    let _proof = fixtures::proof::test_body();
    let (full, full_took, empty, empty_took, instant_put, instant_get) =
        within(LIVENESS, "put_timeout / get_timeout", || {
            let queue = BoundedQueue::new(2);
            queue.put(1).expect("open");
            queue.put(2).expect("open");
            let start = Instant::now();
            let full = queue.put_timeout(3, Duration::from_millis(100));
            let full_took = start.elapsed();
            let instant_put = queue.put_timeout(4, Duration::ZERO);
            queue.get();
            queue.get();
            let start = Instant::now();
            let empty = queue.get_timeout(Duration::from_millis(100));
            let empty_took = start.elapsed();
            let instant_get = queue.get_timeout(Duration::ZERO);
            (full, full_took, empty, empty_took, instant_put, instant_get)
        });
    assert_eq!(full, Err(PutTimeoutError::Full(3)), "the item comes back");
    assert!(
        full_took >= Duration::from_millis(100),
        "gave up after {full_took:?}"
    );
    assert_eq!(instant_put, Err(PutTimeoutError::Full(4)));
    assert_eq!(empty, Err(GetTimeoutError::Empty));
    assert!(
        empty_took >= Duration::from_millis(100),
        "gave up after {empty_took:?}"
    );
    assert_eq!(instant_get, Err(GetTimeoutError::Empty));
}

#[test]
fn put_blocks_while_full_until_a_get_makes_room() {
    let _proof = fixtures::proof::test_body();
    let (returned_early, len_while_blocked, put, rest) = within(LIVENESS, "a blocked put", || {
        let queue = Arc::new(BoundedQueue::new(2));
        queue.put(1).expect("open");
        queue.put(2).expect("open");
        let done = Arc::new(AtomicBool::new(false));
        let putter = {
            let (queue, done) = (Arc::clone(&queue), Arc::clone(&done));
            thread::spawn(move || {
                let put = queue.put(3);
                done.store(true, SeqCst);
                put
            })
        };
        thread::sleep(SETTLE);
        let returned_early = done.load(SeqCst);
        let len_while_blocked = queue.len();
        assert_eq!(queue.get(), Some(1));
        let put = putter.join().or_resume();
        (
            returned_early,
            len_while_blocked,
            put,
            [queue.get(), queue.get()],
        )
    });
    assert!(!returned_early, "put returned while the queue was full");
    assert_eq!(len_while_blocked, 2, "a full queue took a third item");
    assert_eq!(put, Ok(()));
    assert_eq!(rest, [Some(2), Some(3)]);
}

#[test]
fn get_blocks_while_empty_until_a_put_arrives() {
    let _proof = fixtures::proof::test_body();
    let (returned_early, got, timed) = within(LIVENESS, "a blocked get", || {
        let queue = Arc::new(BoundedQueue::new(1));
        let done = Arc::new(AtomicBool::new(false));
        let getter = {
            let (queue, done) = (Arc::clone(&queue), Arc::clone(&done));
            thread::spawn(move || {
                let got = queue.get();
                done.store(true, SeqCst);
                let timed = queue.get_timeout(Duration::from_secs(3));
                (got, timed)
            })
        };
        thread::sleep(SETTLE);
        let returned_early = done.load(SeqCst);
        queue.put("first").expect("open");
        thread::sleep(SETTLE);
        // The second get waits with a time-out; this put must wake it.
        queue.put("second").expect("open");
        let (got, timed) = getter.join().or_resume();
        (returned_early, got, timed)
    });
    assert!(!returned_early, "get returned from an empty queue");
    assert_eq!(got, Some("first"));
    assert_eq!(timed, Ok("second"));
}

#[test]
fn close_wakes_every_blocked_getter() {
    let _proof = fixtures::proof::test_body();
    const GETTERS: usize = 4;
    let results = within(LIVENESS, "close with blocked getters", || {
        let queue = Arc::new(BoundedQueue::<u32>::new(2));
        let getters: Vec<_> = (0..GETTERS)
            .map(|i| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    if i % 2 == 0 {
                        queue.get().ok_or(GetTimeoutError::Closed)
                    } else {
                        queue.get_timeout(Duration::from_secs(30))
                    }
                })
            })
            .collect();
        thread::sleep(SETTLE);
        queue.close();
        getters
            .into_iter()
            .map(|getter| getter.join().or_resume())
            .collect::<Vec<_>>()
    });
    assert_eq!(results, vec![Err(GetTimeoutError::Closed); GETTERS]);
}

#[test]
fn close_wakes_every_blocked_putter_and_gives_each_its_item_back() {
    let _proof = fixtures::proof::test_body();
    let (results, left) = within(LIVENESS, "close with blocked putters", || {
        let queue = Arc::new(BoundedQueue::new(1));
        queue.put(0).expect("open");
        let putters: Vec<_> = (1..=4)
            .map(|i| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    if i % 2 == 0 {
                        queue
                            .put(i)
                            .map_err(|Closed(item)| PutTimeoutError::Closed(item))
                    } else {
                        queue.put_timeout(i, Duration::from_secs(30))
                    }
                })
            })
            .collect();
        thread::sleep(SETTLE);
        queue.close();
        let results: Vec<_> = putters
            .into_iter()
            .map(|putter| putter.join().or_resume())
            .collect();
        (results, [queue.get(), queue.get()])
    });
    assert_eq!(
        results,
        (1..=4)
            .map(|i| Err(PutTimeoutError::Closed(i)))
            .collect::<Vec<_>>()
    );
    assert_eq!(left, [Some(0), None], "the queued item survives the close");
}

#[test]
fn a_closed_queue_refuses_puts_and_drains_then_says_none() {
    let _proof = fixtures::proof::test_body();
    let (closed, put, timed_put, drained, after, timed_get) = within(LIVENESS, "close", || {
        let queue = BoundedQueue::new(4);
        queue.put('a').expect("open");
        queue.put('b').expect("open");
        queue.close();
        queue.close();
        let put = queue.put('c');
        let timed_put = queue.put_timeout('d', Duration::from_secs(1));
        let drained = [queue.get(), queue.get()];
        let after = queue.get();
        let timed_get = queue.get_timeout(Duration::from_secs(1));
        (queue.is_closed(), put, timed_put, drained, after, timed_get)
    });
    assert!(closed);
    assert_eq!(put, Err(Closed('c')));
    assert_eq!(timed_put, Err(PutTimeoutError::Closed('d')));
    assert_eq!(drained, [Some('a'), Some('b')]);
    assert_eq!(after, None);
    assert_eq!(timed_get, Err(GetTimeoutError::Closed));
}

#[test]
fn producers_and_consumers_every_item_once_fifo_per_producer_never_over_capacity() {
    let _proof = fixtures::proof::test_body();
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    const ITEMS: usize = 5_000;
    const CAPACITY: usize = 3;
    let (received, overruns, early_nones) = within(LIVENESS, "producers and consumers", || {
        let queue = BoundedQueue::new(CAPACITY);
        let closing = AtomicBool::new(false);
        let producing = AtomicUsize::new(PRODUCERS);
        let overruns = AtomicUsize::new(0);
        let early_nones = AtomicUsize::new(0);
        let start = Barrier::new(PRODUCERS + CONSUMERS + 1);
        let (queue, closing, overruns, early_nones, start) =
            (&queue, &closing, &overruns, &early_nones, &start);
        let producing = &producing;
        thread::scope(|scope| {
            // A watcher that checks the bound the whole time.
            scope.spawn(move || {
                start.wait();
                while producing.load(SeqCst) > 0 {
                    if queue.len() > CAPACITY {
                        overruns.fetch_add(1, SeqCst);
                    }
                    thread::yield_now();
                }
            });
            for p in 0..PRODUCERS {
                scope.spawn(move || {
                    start.wait();
                    for seq in 0..ITEMS {
                        queue
                            .put((p, seq))
                            .expect("nobody closes before the producers finish");
                    }
                    if producing.fetch_sub(1, SeqCst) == 1 {
                        closing.store(true, SeqCst);
                        queue.close();
                    }
                });
            }
            let consumers: Vec<_> = (0..CONSUMERS)
                .map(|_| {
                    scope.spawn(move || {
                        start.wait();
                        let mut mine = Vec::new();
                        while let Some(item) = queue.get() {
                            mine.push(item);
                            if queue.len() > CAPACITY {
                                overruns.fetch_add(1, SeqCst);
                            }
                        }
                        if !closing.load(SeqCst) {
                            early_nones.fetch_add(1, SeqCst);
                        }
                        mine
                    })
                })
                .collect();
            let received: Vec<Vec<(usize, usize)>> = consumers
                .into_iter()
                .map(|consumer| consumer.join().or_resume())
                .collect();
            (received, overruns.load(SeqCst), early_nones.load(SeqCst))
        })
    });
    assert_eq!(overruns, 0, "the queue held more than {CAPACITY} items");
    assert_eq!(
        early_nones, 0,
        "get returned None before the queue was closed"
    );
    let all: Vec<_> = received.iter().flatten().copied().collect();
    assert_eq!(all.len(), PRODUCERS * ITEMS, "items lost or duplicated");
    assert_eq!(
        all.iter().collect::<HashSet<_>>().len(),
        all.len(),
        "an item came out twice"
    );
    for (c, mine) in received.iter().enumerate() {
        for p in 0..PRODUCERS {
            let seqs: Vec<usize> = mine
                .iter()
                .filter(|(q, _)| *q == p)
                .map(|(_, s)| *s)
                .collect();
            assert!(
                seqs.windows(2).all(|w| w[0] < w[1]),
                "consumer {c} got producer {p}'s items out of order"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The same `src/bounded_queue.rs`, compiled against shuttle and run under its
// scheduler: thousands of interleavings from a fixed seed, so the lost
// wake-ups and overruns that real threads hit by luck are found every run.

common::shuttle_model!("bounded_queue");

#[test]
fn model_close_wakes_every_blocked_getter_and_putter() {
    let _proof = fixtures::proof::test_body();
    explore(|| {
        let queue = Arc::new(model::BoundedQueue::<u32>::new(1));
        let getters: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                shuttle::thread::spawn(move || queue.get())
            })
            .collect();
        let closer = {
            let queue = Arc::clone(&queue);
            shuttle::thread::spawn(move || queue.close())
        };
        for getter in getters {
            assert_eq!(getter.join().or_resume(), None);
        }
        closer.join().or_resume();

        let queue = Arc::new(model::BoundedQueue::new(1));
        queue.put(0).expect("open");
        let putters: Vec<_> = (1..=2)
            .map(|i| {
                let queue = Arc::clone(&queue);
                shuttle::thread::spawn(move || queue.put(i))
            })
            .collect();
        queue.close();
        for (i, putter) in (1..=2).zip(putters) {
            assert_eq!(putter.join().or_resume(), Err(model::Closed(i)));
        }
        assert_eq!(queue.get(), Some(0));
        assert_eq!(queue.get(), None);
    });
}

#[test]
fn model_producers_and_consumers_never_lose_a_wake_up_or_overrun() {
    let _proof = fixtures::proof::test_body();
    explore(|| {
        const CAPACITY: usize = 1;
        let queue = Arc::new(model::BoundedQueue::new(CAPACITY));
        let closing = Arc::new(sync::Mutex::new(false));
        let producers: Vec<_> = (0..2_u32)
            .map(|p| {
                let queue = Arc::clone(&queue);
                shuttle::thread::spawn(move || {
                    for seq in 0..2_u32 {
                        queue
                            .put((p, seq))
                            .expect("open until the producers finish");
                        assert!(queue.len() <= CAPACITY, "the queue went over capacity");
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let (queue, closing) = (Arc::clone(&queue), Arc::clone(&closing));
                shuttle::thread::spawn(move || {
                    let mut mine = Vec::new();
                    while let Some(item) = queue.get() {
                        assert!(queue.len() <= CAPACITY, "the queue went over capacity");
                        mine.push(item);
                    }
                    assert!(
                        *closing.lock().expect("no panics under it"),
                        "get returned None while the queue was still open"
                    );
                    mine
                })
            })
            .collect();
        for producer in producers {
            producer.join().or_resume();
        }
        *closing.lock().expect("no panics under it") = true;
        queue.close();
        let mut all = Vec::new();
        for consumer in consumers {
            let mine = consumer.join().or_resume();
            for p in 0..2 {
                let seqs: Vec<u32> = mine
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .map(|(_, s)| *s)
                    .collect();
                assert!(seqs.windows(2).all(|w| w[0] < w[1]), "FIFO per producer");
            }
            all.extend(mine);
        }
        all.sort_unstable();
        assert_eq!(
            all,
            [(0, 0), (0, 1), (1, 0), (1, 1)],
            "every item exactly once"
        );
    });
}
