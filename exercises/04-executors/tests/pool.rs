//! Task 3: `pool::ThreadPool` (needs tasks 1 and 2).

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use common::{LIVENESS, within, worker_names};
use executors::future::{TaskError, TaskHandle};
use executors::pool::{DEFAULT_NAME, ThreadPool};

/// A gate tasks wait at until the test opens it (by dropping the sender).
fn gate() -> (mpsc::Sender<()>, Arc<Mutex<mpsc::Receiver<()>>>) {
    let (open, wait) = mpsc::channel();
    (open, Arc::new(Mutex::new(wait)))
}

/// Blocks until the gate is opened (its sender dropped), at most LIVENESS.
fn wait_at(gate: &Mutex<mpsc::Receiver<()>>) {
    let receiver = gate.lock().expect("no panics while holding it");
    match receiver.recv_timeout(LIVENESS) {
        Err(RecvTimeoutError::Disconnected) => {}
        other => panic!("the gate should open by being dropped, got {other:?}"),
    }
}

#[test]
fn submit_returns_the_value_through_the_handle() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "ThreadPool::submit", || {
        let pool = ThreadPool::new(2);
        let a = pool.submit(|| 6 * 7);
        let b = pool.submit(|| String::from("done"));
        (a.result(), b.result())
    });
    assert_eq!(got, (Ok(42), Ok("done".to_owned())));
}

#[test]
fn tasks_get_ids_in_submission_order() {
    let _proof = fixtures::proof::test_body();
    let ids = within(LIVENESS, "ThreadPool::submit", || {
        let pool = ThreadPool::new(2);
        (0..5)
            .map(|i| pool.submit(move || i).id())
            .collect::<Vec<_>>()
    });
    assert_eq!(ids, [0, 1, 2, 3, 4]);
}

#[test]
fn tasks_run_on_the_named_workers_never_on_the_callers_thread() {
    let _proof = fixtures::proof::test_body();
    let (caller, seen) = within(LIVENESS, "ThreadPool::submit", || {
        let pool = ThreadPool::named("exec", 3);
        assert_eq!(pool.workers(), 3);
        assert_eq!(pool.name(), "exec");
        let handles: Vec<_> = (0..12)
            .map(|_| {
                pool.submit(|| {
                    let me = thread::current();
                    (me.id(), me.name().map(str::to_owned))
                })
            })
            .collect();
        let seen: Vec<_> = handles
            .into_iter()
            .map(|h| h.result().expect("the task succeeds"))
            .collect();
        (thread::current().id(), seen)
    });
    let allowed = worker_names("exec", 3);
    for (id, name) in seen {
        assert_ne!(id, caller, "a task ran on the caller's thread");
        assert!(name.is_some(), "worker threads have names");
        assert!(allowed.contains(&name), "unexpected worker name {name:?}");
    }
}

#[test]
fn the_default_name_is_pool() {
    let _proof = fixtures::proof::test_body();
    let name = within(LIVENESS, "ThreadPool::new", || {
        let pool = ThreadPool::new(1);
        pool.submit(|| thread::current().name().map(str::to_owned))
            .result()
    });
    assert_eq!(name, Ok(Some(format!("{DEFAULT_NAME}-0"))));
}

#[test]
fn zero_workers_means_one() {
    let _proof = fixtures::proof::test_body();
    let (workers, got) = within(LIVENESS, "ThreadPool::new(0)", || {
        let pool = ThreadPool::new(0);
        (pool.workers(), pool.submit(|| 1).result())
    });
    assert_eq!(workers, 1);
    assert_eq!(got, Ok(1));
}

/// What an instrumented run saw.
struct Observed {
    max_in_flight: usize,
    threads: usize,
    /// The names of the threads that ran tasks (`None`: an unnamed thread).
    names: HashSet<Option<String>>,
    finished: usize,
}

/// How [`observe`] hands its tasks to the pool.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// One `submit` per task, then every handle's result.
    Submit,
    /// One `map` over the task numbers.
    Map,
}

/// What the tasks of one [`observe`] run share.
struct Shared {
    workers: usize,
    barrier: Barrier,
    started: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    threads: Mutex<HashSet<(ThreadId, Option<String>)>>,
}

impl Shared {
    /// Task `i`: counts how many tasks run with it, notes its thread, meets
    /// the others at the barrier if it is one of the first `workers`.
    fn task(&self, i: usize) -> usize {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.max_in_flight.fetch_max(now, SeqCst);
        let me = thread::current();
        self.threads
            .lock()
            .expect("no panics while holding it")
            .insert((me.id(), me.name().map(str::to_owned)));
        if self.started.fetch_add(1, SeqCst) < self.workers {
            self.barrier.wait();
        }
        thread::sleep(Duration::from_millis(2));
        self.in_flight.fetch_sub(1, SeqCst);
        i
    }
}

/// Runs `tasks` tasks on a pool of `workers` named `busy`, handed over `via`
/// `submit` or `map`; the first `workers` of them meet at a barrier (they
/// can only all get there if `workers` tasks run at once), and every task
/// counts how many run at the same time and on which threads.
fn observe(workers: usize, tasks: usize, via: Via) -> Observed {
    let what = format!("tasks meeting at a Barrier ({via:?})");
    within(LIVENESS, &what, move || {
        let pool = ThreadPool::named("busy", workers);
        let shared = Arc::new(Shared {
            workers,
            barrier: Barrier::new(workers),
            started: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            threads: Mutex::new(HashSet::new()),
        });
        let outcomes: Vec<_> = match via {
            Via::Submit => {
                let handles: Vec<_> = (0..tasks)
                    .map(|i| {
                        let shared = Arc::clone(&shared);
                        pool.submit(move || shared.task(i))
                    })
                    .collect();
                handles.into_iter().map(TaskHandle::result).collect()
            }
            Via::Map => {
                let in_tasks = Arc::clone(&shared);
                pool.map(move |i| in_tasks.task(i), 0..tasks)
            }
        };
        let mut finished = 0;
        for (i, outcome) in outcomes.into_iter().enumerate() {
            assert_eq!(outcome, Ok(i));
            finished += 1;
        }
        let threads = shared.threads.lock().expect("no panics while holding it");
        Observed {
            max_in_flight: shared.max_in_flight.load(SeqCst),
            threads: threads.len(),
            names: threads.iter().map(|(_, name)| name.clone()).collect(),
            finished,
        }
    })
}

#[test]
fn w_workers_run_w_tasks_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(4, 20, Via::Submit);
    assert_eq!(seen.finished, 20);
    assert_eq!(seen.max_in_flight, 4, "four workers, four tasks at once");
}

#[test]
fn never_more_tasks_at_once_than_workers() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(3, 30, Via::Submit);
    assert!(
        seen.max_in_flight <= 3,
        "{} tasks ran at once on 3 workers",
        seen.max_in_flight
    );
    assert!(
        seen.threads <= 3,
        "{} threads ran tasks, the pool has 3",
        seen.threads
    );
    assert_eq!(seen.finished, 30);
}

/// `map` must hand its items to the pool's workers, as `submit` does: a
/// `map` that starts a thread per item runs them all at once, on threads
/// that are not the pool's.
#[test]
fn map_runs_items_on_the_workers_never_more_at_once_than_workers() {
    let _proof = fixtures::proof::test_body();
    let seen = observe(3, 30, Via::Map);
    assert_eq!(seen.finished, 30);
    assert!(
        seen.max_in_flight <= 3,
        "{} items of map ran at once on a pool of 3 workers; map must run them on the \
         pool's workers",
        seen.max_in_flight
    );
    assert_eq!(seen.max_in_flight, 3, "three workers, three items at once");
    assert!(
        seen.threads <= 3,
        "{} threads ran map's items, the pool has 3",
        seen.threads
    );
    let workers = worker_names("busy", 3);
    for name in &seen.names {
        assert!(
            workers.contains(name),
            "an item of map ran on thread {name:?}, not on one of the pool's workers busy-0..=busy-2"
        );
    }
}

#[test]
fn map_returns_results_in_input_order_while_they_finish_in_reverse() {
    let _proof = fixtures::proof::test_body();
    const N: usize = 4;
    let (results, finish_order) = within(LIVENESS, "ThreadPool::map", || {
        let pool = ThreadPool::named("mapper", N);
        // Item i may finish only after item i + 1 has: the last finishes
        // first. Only possible if all N run at the same time.
        let (done_senders, done_receivers): (Vec<_>, Vec<_>) =
            (0..N).map(|_| mpsc::channel::<()>()).unzip();
        let done_senders: Vec<_> = done_senders.into_iter().map(Mutex::new).collect();
        let done_receivers: Vec<_> = done_receivers.into_iter().map(Mutex::new).collect();
        let chain = Arc::new((done_senders, done_receivers, Mutex::new(Vec::new())));
        let in_task = Arc::clone(&chain);
        let results = pool.map(
            move |i: usize| {
                let (senders, receivers, order) = &*in_task;
                if i + 1 < N {
                    let next = receivers[i + 1].lock().expect("no panics while holding it");
                    next.recv_timeout(LIVENESS)
                        .expect("the next item finishes first");
                }
                order.lock().expect("no panics while holding it").push(i);
                senders[i]
                    .lock()
                    .expect("no panics while holding it")
                    .send(())
                    .expect("the previous item listens");
                i * 100
            },
            0..N,
        );
        let order = chain.2.lock().expect("no panics while holding it").clone();
        (results, order)
    });
    assert_eq!(finish_order, [3, 2, 1, 0], "the items finished in reverse");
    let values: Vec<_> = results
        .into_iter()
        .map(|r| r.expect("every item succeeds"))
        .collect();
    assert_eq!(values, [0, 100, 200, 300], "map keeps the input order");
}

#[test]
fn map_over_more_items_than_workers() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "ThreadPool::map", || {
        let pool = ThreadPool::named("mapper", 3);
        pool.map(
            |s: String| {
                thread::sleep(Duration::from_millis(1));
                s.len()
            },
            (0..50).map(|i| "x".repeat(i)),
        )
    });
    let want: Vec<_> = (0..50).map(Ok).collect();
    assert_eq!(got, want);
}

#[test]
fn map_of_nothing_is_empty() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "ThreadPool::map", || {
        ThreadPool::new(2).map(|x: u8| x, Vec::new())
    });
    assert!(got.is_empty());
}

#[test]
fn result_timeout_on_a_running_task_times_out_and_the_task_carries_on() {
    let _proof = fixtures::proof::test_body();
    let (first, done, later, ran) = within(LIVENESS, "result_timeout on a pool task", || {
        let pool = ThreadPool::named("slow", 1);
        let ran = Arc::new(AtomicUsize::new(0));
        let (open, gate) = gate();
        let counter = Arc::clone(&ran);
        let mut handle = pool.submit(move || {
            wait_at(&gate);
            counter.fetch_add(1, SeqCst);
            "finished"
        });
        let first = handle.result_timeout(Duration::from_millis(50));
        let done = handle.is_done();
        drop(open);
        let later = handle.result_timeout(LIVENESS);
        (first, done, later, ran.load(SeqCst))
    });
    assert_eq!(first, Err(TaskError::Timeout));
    assert!(!done, "the task was still running");
    assert_eq!(
        later,
        Ok("finished"),
        "the task kept running after the time-out"
    );
    assert_eq!(ran, 1);
}

/// Submits `tasks` tasks that wait at a gate and then count themselves.
fn gated_tasks(
    pool: &ThreadPool,
    tasks: usize,
) -> (mpsc::Sender<()>, Arc<AtomicUsize>, Vec<TaskHandle<usize>>) {
    let (open, gate) = gate();
    let ran = Arc::new(AtomicUsize::new(0));
    let handles = (0..tasks)
        .map(|i| {
            let (gate, ran) = (Arc::clone(&gate), Arc::clone(&ran));
            pool.submit(move || {
                wait_at(&gate);
                ran.fetch_add(1, SeqCst);
                i
            })
        })
        .collect();
    (open, ran, handles)
}

#[test]
fn shutdown_with_wait_returns_only_after_every_queued_task_ran() {
    let _proof = fixtures::proof::test_body();
    const TASKS: usize = 10;
    let (early, ran_at_return, outcomes) = within(LIVENESS, "shutdown(true)", || {
        let pool = ThreadPool::named("closing", 2);
        let (open, ran, handles) = gated_tasks(&pool, TASKS);
        let (returned, shut) = mpsc::channel();
        let ran_at_return = Arc::clone(&ran);
        let closer = thread::spawn(move || {
            pool.shutdown(true);
            returned
                .send(ran_at_return.load(SeqCst))
                .expect("the test listens");
        });
        // The tasks are stuck at the gate: shutdown(true) must still be waiting.
        let early = shut.recv_timeout(Duration::from_millis(150)).ok();
        drop(open);
        let ran_at_return = shut
            .recv_timeout(LIVENESS)
            .expect("shutdown(true) returns once the queue is done");
        closer.join().expect("the closer does not panic");
        let outcomes: Vec<_> = handles.into_iter().map(|h| h.result()).collect();
        (early, ran_at_return, outcomes)
    });
    assert_eq!(
        early, None,
        "shutdown(true) returned while tasks were queued"
    );
    assert_eq!(
        ran_at_return, TASKS,
        "every queued task ran before shutdown returned"
    );
    assert_eq!(outcomes, (0..TASKS).map(Ok).collect::<Vec<_>>());
}

#[test]
fn shutdown_without_wait_returns_at_once_and_the_queue_still_runs() {
    let _proof = fixtures::proof::test_body();
    const TASKS: usize = 10;
    let (outcomes, ran) = within(LIVENESS, "shutdown(false) with blocked tasks", || {
        let pool = ThreadPool::named("detach", 2);
        let (open, ran, handles) = gated_tasks(&pool, TASKS);
        // The tasks wait at the gate, so a shutdown that waited would hang here.
        pool.shutdown(false);
        drop(open);
        let outcomes: Vec<_> = handles.into_iter().map(|h| h.result()).collect();
        (outcomes, ran.load(SeqCst))
    });
    assert_eq!(
        outcomes,
        (0..TASKS).map(Ok).collect::<Vec<_>>(),
        "every queued task still ran (Cancelled means the queue was thrown away)"
    );
    assert_eq!(ran, TASKS);
}

#[test]
fn dropping_the_pool_runs_every_queued_task_first() {
    let _proof = fixtures::proof::test_body();
    const TASKS: usize = 20;
    let ran = within(LIVENESS, "dropping a pool with queued work", || {
        let pool = ThreadPool::named("dropped", 2);
        let ran = Arc::new(AtomicUsize::new(0));
        for _ in 0..TASKS {
            let ran = Arc::clone(&ran);
            // The handles are dropped at once: nobody waits for these tasks.
            pool.submit(move || {
                thread::sleep(Duration::from_millis(3));
                ran.fetch_add(1, SeqCst);
            });
        }
        drop(pool);
        ran.load(SeqCst)
    });
    assert_eq!(ran, TASKS, "drop returned before the queue was done");
}

#[test]
fn handles_outlive_the_pool() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "handles after shutdown", || {
        let pool = ThreadPool::new(2);
        let handles: Vec<_> = (0..6)
            .map(|i| {
                pool.submit(move || {
                    thread::sleep(Duration::from_millis(5));
                    i * i
                })
            })
            .collect();
        pool.shutdown(true);
        handles.into_iter().map(|h| h.result()).collect::<Vec<_>>()
    });
    assert_eq!(got, [0, 1, 4, 9, 16, 25].map(Ok));
}
