//! Task 4: `as_completed::as_completed` (needs tasks 1-3).

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use common::{LIVENESS, within};
use executors::as_completed::as_completed;
use executors::future::{TaskError, promise};
use executors::pool::ThreadPool;

#[test]
fn staggered_sleeps_come_back_fastest_first() {
    let _proof = fixtures::proof::test_body();
    // Four tasks on four workers; the later a task is submitted, the sooner
    // it finishes (100 ms apart).
    let order = within(LIVENESS, "as_completed", || {
        let pool = ThreadPool::named("stagger", 4);
        let handles: Vec<_> = (0..4_u64)
            .map(|i| {
                pool.submit(move || {
                    thread::sleep(Duration::from_millis(100 * (4 - i)));
                    i
                })
            })
            .collect();
        as_completed(handles)
            .map(|(index, outcome)| {
                assert_eq!(outcome, Ok(index as u64), "the outcome of handle {index}");
                index
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(order, [3, 2, 1, 0], "completion order, not input order");
}

#[test]
fn each_result_is_yielded_as_soon_as_its_task_finishes() {
    let _proof = fixtures::proof::test_body();
    // Every task waits for its own gate; the test opens the gates one at a
    // time in a scrambled order and checks that `next` yields exactly the
    // task it just let finish. The tasks must all be running at once.
    const ORDER: [usize; 5] = [2, 4, 0, 3, 1];
    let yielded = within(LIVENESS, "as_completed with gated tasks", || {
        let pool = ThreadPool::named("gates", ORDER.len());
        let mut openers = Vec::new();
        let handles: Vec<_> = (0..ORDER.len())
            .map(|i| {
                let (open, gate) = mpsc::channel::<()>();
                openers.push(Some(open));
                pool.submit(move || {
                    gate.recv_timeout(LIVENESS)
                        .expect("the test opens the gate");
                    i * 11
                })
            })
            .collect();
        let mut results = as_completed(handles);
        let mut yielded = Vec::new();
        for &i in &ORDER {
            openers[i]
                .take()
                .expect("each gate opens once")
                .send(())
                .expect("the task waits at its gate");
            yielded.push(results.next().expect("a result for each task"));
        }
        assert!(results.next().is_none(), "nothing after the last task");
        yielded
    });
    let want: Vec<_> = ORDER.iter().map(|&i| (i, Ok(i * 11))).collect();
    assert_eq!(yielded, want);
}

#[test]
fn tasks_meeting_at_a_barrier_are_all_yielded() {
    let _proof = fixtures::proof::test_body();
    const N: usize = 6;
    let mut indices = within(LIVENESS, "as_completed with a Barrier", || {
        let pool = ThreadPool::named("meet", N);
        let barrier = Arc::new(Barrier::new(N));
        let handles: Vec<_> = (0..N)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                pool.submit(move || {
                    barrier.wait();
                    i
                })
            })
            .collect();
        as_completed(handles)
            .map(|(index, outcome)| {
                assert_eq!(outcome, Ok(index));
                index
            })
            .collect::<Vec<_>>()
    });
    indices.sort_unstable();
    assert_eq!(
        indices,
        (0..N).collect::<Vec<_>>(),
        "every handle exactly once"
    );
}

#[test]
fn failures_are_yielded_like_any_other_outcome() {
    let _proof = fixtures::proof::test_body();
    let mut got = within(LIVENESS, "as_completed with failures", || {
        let pool = ThreadPool::named("mixed", 2);
        let handles = vec![
            pool.try_submit(|| Ok::<u8, String>(1)),
            pool.try_submit(|| Err::<u8, String>("no route to host".into())),
            pool.try_submit(|| -> Result<u8, String> { panic!("parser bug") }),
        ];
        as_completed(handles).collect::<Vec<_>>()
    });
    got.sort_by_key(|(index, _)| *index);
    assert_eq!(
        got,
        [
            (0, Ok(1)),
            (1, Err(TaskError::Failed("no route to host".into()))),
            (2, Err(TaskError::Panicked("parser bug".into()))),
        ]
    );
}

#[test]
fn an_outcome_seen_by_is_done_is_still_yielded() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "as_completed after is_done", || {
        let (first, mut seen) = promise::<u8>(0);
        let (second, waiting) = promise::<u8>(1);
        first.complete(Ok(10));
        assert!(seen.is_done(), "the first task is done");
        let mut results = as_completed(vec![seen, waiting]);
        let one = results.next();
        second.complete(Ok(20));
        let two = results.next();
        (one, two, results.next())
    });
    assert_eq!(got, (Some((0, Ok(10))), Some((1, Ok(20))), None));
}

#[test]
fn a_dropped_promise_is_yielded_as_cancelled() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "as_completed with a dropped promise", || {
        let (dropped, handle) = promise::<u8>(0);
        let (_kept, pending) = promise::<u8>(1);
        drop(dropped);
        let mut results = as_completed(vec![handle, pending]);
        results.next()
    });
    assert_eq!(got, Some((0, Err(TaskError::Cancelled))));
}

#[test]
fn no_handles_yield_nothing() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "as_completed of nothing", || {
        as_completed(Vec::<executors::future::TaskHandle<u8>>::new()).count()
    });
    assert_eq!(got, 0);
}

#[test]
fn results_can_be_consumed_while_other_tasks_still_run() {
    let _proof = fixtures::proof::test_body();
    // The first result must arrive while the slow task is still blocked:
    // `as_completed` must not wait for everything before yielding anything.
    let (first, second) = within(LIVENESS, "as_completed", || {
        let pool = ThreadPool::named("eager", 2);
        let (open, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let slow = pool.submit(move || {
            gate.lock()
                .expect("no panics while holding it")
                .recv_timeout(LIVENESS)
                .expect("the test opens the gate");
            "slow"
        });
        let fast = pool.submit(|| "fast");
        let mut results = as_completed(vec![slow, fast]);
        let first = results.next();
        open.send(()).expect("the slow task waits");
        (first, results.next())
    });
    assert_eq!(first, Some((1, Ok("fast"))));
    assert_eq!(second, Some((0, Ok("slow"))));
}
