//! Task 5: `logging::{run_logged, spawn_worker}` and the pool's task logs
//! (the pool tests need task 3).
//!
//! Each test captures its own lines: a `tracing_subscriber::fmt` subscriber
//! writes into a shared buffer, installed with `with_default` for the test's
//! thread only, so tests never see each other's lines.

mod common;

use std::io;
use std::thread;

use common::{LIVENESS, SharedBuffer, within};
use executors::future::TaskError;
use executors::logging::{run_logged, spawn_worker};
use executors::pool::ThreadPool;

/// Lines written by a subscriber, shared with the test.
#[derive(Clone, Default)]
struct Captured(SharedBuffer);

impl Captured {
    /// Runs `f` with a subscriber that records every event (with the thread
    /// name, without time stamps or colours) as the calling thread's default.
    fn during<T>(&self, f: impl FnOnce() -> T) -> T {
        let buffer = self.0.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || buffer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_thread_names(true)
            .with_target(false)
            .without_time()
            .finish();
        tracing::subscriber::with_default(subscriber, f)
    }

    fn lines(&self) -> Vec<String> {
        self.0.text().lines().map(str::to_owned).collect()
    }
}

/// Whether `line` carries the field `task=<id>` (a whole token, so that
/// `task=1` does not match `task=12`).
fn is_about(line: &str, id: u64) -> bool {
    let field = format!("task={id}");
    line.split_whitespace().any(|token| token == field)
}

fn lines_about(lines: &[String], id: u64) -> Vec<String> {
    lines.iter().filter(|l| is_about(l, id)).cloned().collect()
}

/// Runs `f` with a fresh [`Captured`] subscriber: what `f` returned, and the
/// lines logged meanwhile. Every test here observes its code this way.
fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let captured = Captured::default();
    let value = captured.during(f);
    (value, captured.lines())
}

/// Checks the last line of a task that did not succeed: logged at `level`,
/// saying `event`, with the task's error or panic `message` in it.
#[track_caller]
fn assert_outcome_line(line: &str, level: &str, event: &str, message: &str) {
    assert!(
        line.contains(level) && line.contains(event) && line.contains(message),
        "{line}"
    );
}

#[test]
fn run_logged_logs_the_start_and_the_success() {
    let _proof = fixtures::proof::test_body();
    let (outcome, lines) = within(LIVENESS, "run_logged", || {
        capture(|| run_logged(5, || Ok::<_, io::Error>("fine")))
    });
    assert_eq!(outcome, Ok("fine"));
    let mine = lines_about(&lines, 5);
    assert_eq!(
        mine.len(),
        2,
        "a start and an end line for task 5: {lines:#?}"
    );
    assert!(
        mine[0].contains("INFO") && mine[0].contains("task started"),
        "{mine:#?}"
    );
    assert!(
        mine[1].contains("INFO") && mine[1].contains("task succeeded"),
        "{mine:#?}"
    );
}

#[test]
fn run_logged_logs_a_failure_with_its_error() {
    let _proof = fixtures::proof::test_body();
    let (outcome, lines) = within(LIVENESS, "run_logged", || {
        capture(|| run_logged(8, || Err::<u8, _>(io::Error::other("disk full"))))
    });
    assert_eq!(outcome, Err(TaskError::Failed("disk full".into())));
    let mine = lines_about(&lines, 8);
    assert_eq!(mine.len(), 2, "{lines:#?}");
    assert!(mine[0].contains("task started"), "{mine:#?}");
    assert_outcome_line(&mine[1], "WARN", "task failed", "disk full");
}

#[test]
fn run_logged_logs_a_panic_with_its_message() {
    let _proof = fixtures::proof::test_body();
    let (outcome, lines) = within(LIVENESS, "run_logged", || {
        capture(|| {
            run_logged(13, || -> Result<u8, io::Error> {
                panic!("index out of range")
            })
        })
    });
    assert_eq!(
        outcome,
        Err(TaskError::Panicked("index out of range".into()))
    );
    let mine = lines_about(&lines, 13);
    assert_eq!(mine.len(), 2, "{lines:#?}");
    assert_outcome_line(&mine[1], "ERROR", "task panicked", "index out of range");
}

#[test]
fn spawn_worker_names_the_thread_and_logs_to_the_callers_subscriber() {
    let _proof = fixtures::proof::test_body();
    let (name, lines) = within(LIVENESS, "spawn_worker", || {
        capture(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            let worker = spawn_worker("courier-7".into(), move || {
                tracing::info!("hello from the worker");
                tx.send(thread::current().name().map(str::to_owned))
                    .expect("the test listens");
            })
            .expect("the thread starts");
            let name = rx.recv_timeout(LIVENESS).expect("the worker reports");
            worker.join().expect("the worker does not panic");
            name
        })
    });
    assert_eq!(name.as_deref(), Some("courier-7"));
    let hello: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("hello from the worker"))
        .collect();
    assert_eq!(
        hello.len(),
        1,
        "the worker's event reached the caller's subscriber: {lines:#?}"
    );
    assert!(hello[0].contains("courier-7"), "{}", hello[0]);
}

#[test]
fn pool_tasks_log_start_and_outcome_with_the_worker_thread_name() {
    let _proof = fixtures::proof::test_body();
    let (ids, lines) = within(LIVENESS, "a logging pool", || {
        capture(|| {
            let pool = ThreadPool::named("logpool", 2);
            let ok: Vec<_> = (0..3).map(|i| pool.submit(move || i)).collect();
            let failed = pool.try_submit(|| Err::<u32, String>("quota exceeded".into()));
            let panicked = pool.submit(|| -> u32 { panic!("bad row 17") });
            let ids = (
                ok.iter().map(|h| h.id()).collect::<Vec<_>>(),
                failed.id(),
                panicked.id(),
            );
            for handle in ok {
                assert!(handle.result().is_ok());
            }
            assert!(failed.result().is_err());
            assert!(panicked.result().is_err());
            // Every worker has finished logging once the pool is shut down.
            pool.shutdown(true);
            ids
        })
    });
    let (ok_ids, failed_id, panicked_id) = ids;
    let worker_names = ["logpool-0", "logpool-1"];
    let mut all = ok_ids.clone();
    all.extend([failed_id, panicked_id]);
    for id in all {
        let mine = lines_about(&lines, id);
        assert_eq!(
            mine.len(),
            2,
            "task {id}: one start and one end line, from the worker: {lines:#?}"
        );
        for line in &mine {
            assert!(
                worker_names.iter().any(|name| line.contains(name)),
                "task {id}'s line does not name its worker thread: {line}"
            );
        }
        assert!(mine[0].contains("task started"), "{mine:#?}");
    }
    for id in ok_ids {
        assert!(lines_about(&lines, id)[1].contains("task succeeded"));
    }
    let failed = &lines_about(&lines, failed_id)[1];
    assert_outcome_line(failed, "WARN", "task failed", "quota exceeded");
    let panicked = &lines_about(&lines, panicked_id)[1];
    assert_outcome_line(panicked, "ERROR", "task panicked", "bad row 17");
}
