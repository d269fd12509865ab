//! Task 2: `errors::{panic_message, run_catching}`, and what the pool does
//! with a task that panics or fails (needs task 3 for the pool tests).

mod common;

use std::collections::HashSet;
use std::io;
use std::panic;
use std::sync::{Arc, Barrier};
use std::thread;

use common::{LIVENESS, within, worker_names};
use executors::errors::{NON_STRING_PANIC, panic_message, run_catching};
use executors::future::TaskError;
use executors::pool::ThreadPool;

fn payload_of(f: impl FnOnce() + panic::UnwindSafe) -> Box<dyn std::any::Any + Send> {
    panic::catch_unwind(f).expect_err("the closure panics")
}

#[test]
fn panic_message_reads_str_and_string_payloads() {
    let _proof = fixtures::proof::test_body();
    let literal = payload_of(|| panic!("boom"));
    let formatted = payload_of(|| panic!("item {} is bad", 17));
    let other = payload_of(|| panic::panic_any(42_u32));
    assert_eq!(panic_message(&*literal), "boom");
    assert_eq!(panic_message(&*formatted), "item 17 is bad");
    assert_eq!(panic_message(&*other), NON_STRING_PANIC);
}

#[test]
fn run_catching_returns_the_value() {
    let _proof = fixtures::proof::test_body();
    let got = run_catching(|| Ok::<_, io::Error>(5));
    assert_eq!(got, Ok(5));
}

#[test]
fn run_catching_turns_an_err_into_failed_with_its_text() {
    let _proof = fixtures::proof::test_body();
    let got: Result<u8, _> = run_catching(|| Err(io::Error::other("disk full")));
    assert_eq!(got, Err(TaskError::Failed("disk full".into())));
}

#[test]
fn run_catching_turns_a_panic_into_panicked_with_its_message() {
    let _proof = fixtures::proof::test_body();
    let got: Result<u8, _> = run_catching(|| -> Result<u8, io::Error> {
        let items: Vec<u8> = Vec::new();
        if items.is_empty() {
            panic!("no items for order {}", 4711);
        }
        Ok(items[0])
    });
    assert_eq!(
        got,
        Err(TaskError::Panicked("no items for order 4711".into()))
    );
}

#[test]
fn a_panicking_task_gives_its_message_through_the_handle() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "a panicking task", || {
        let pool = ThreadPool::named("errs", 2);
        pool.submit(|| -> u32 { panic!("task 7 exploded") })
            .result()
    });
    assert_eq!(got, Err(TaskError::Panicked("task 7 exploded".into())));
}

#[test]
fn a_task_returning_err_gives_failed() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "a failing task", || {
        let pool = ThreadPool::named("errs", 2);
        pool.try_submit(|| -> Result<u32, io::Error> { Err(io::Error::other("connection reset")) })
            .result()
    });
    assert_eq!(got, Err(TaskError::Failed("connection reset".into())));
}

#[test]
fn the_pool_keeps_its_workers_after_panics() {
    let _proof = fixtures::proof::test_body();
    const WORKERS: usize = 3;
    let names = within(LIVENESS, "tasks after panics", || {
        let pool = ThreadPool::named("sturdy", WORKERS);
        let panics: Vec<_> = (0..3 * WORKERS)
            .map(|i| pool.submit(move || -> u32 { panic!("bad task {i}") }))
            .collect();
        for (i, handle) in panics.into_iter().enumerate() {
            assert_eq!(
                handle.result(),
                Err(TaskError::Panicked(format!("bad task {i}")))
            );
        }
        // These can only all finish if every worker is still alive.
        let barrier = Arc::new(Barrier::new(WORKERS));
        let handles: Vec<_> = (0..WORKERS)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                pool.submit(move || {
                    barrier.wait();
                    thread::current().name().map(str::to_owned)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.result().expect("a healthy task succeeds"))
            .collect::<Vec<_>>()
    });
    let names: HashSet<_> = names.into_iter().collect();
    assert_eq!(
        names,
        worker_names("sturdy", WORKERS),
        "all {WORKERS} workers are still there"
    );
}

#[test]
fn map_reports_a_failing_item_and_keeps_going() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "ThreadPool::map with a panicking item", || {
        let pool = ThreadPool::named("mapper", 3);
        pool.map(
            |x: u32| {
                if x == 3 {
                    panic!("cannot handle {x}");
                }
                x * 10
            },
            0..8,
        )
    });
    for (i, outcome) in got.iter().enumerate() {
        if i == 3 {
            assert_eq!(outcome, &Err(TaskError::Panicked("cannot handle 3".into())));
        } else {
            assert_eq!(outcome, &Ok(i as u32 * 10));
        }
    }
    assert_eq!(got.len(), 8);
}
