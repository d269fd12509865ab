//! Task 3: `child_process::{run_child, run_child_with_deadline}`.
//!
//! The child is this crate's helper program `t01-worker` (bin/worker.rs):
//! it upper-cases its input lines, exits with `--exit CODE`, and with
//! `--sleep-forever` never exits by itself.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{LIVENESS, within};
use threads_and_processes::child_process::{ChildError, run_child, run_child_with_deadline};

const WORKER: &str = env!("CARGO_BIN_EXE_t01-worker");
const MISSING: &str = "/nonexistent/t01-no-such-program";

fn worker() -> &'static Path {
    Path::new(WORKER)
}

/// Whether a process with this pid still exists (on Unix a zombie counts:
/// it exists until its parent reaps it).
fn process_exists(pid: u32) -> bool {
    fixtures::children::exists(pid)
}

#[test]
fn output_is_captured_exactly() {
    let _proof = fixtures::proof::test_body();
    let out = within(LIVENESS, "run_child", || {
        run_child(worker(), &[], "hello\n\nwörld, 42")
    })
    .expect("the worker runs");
    assert_eq!(out.stdout, "HELLO\n\nWÖRLD, 42\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn exit_codes_propagate() {
    let _proof = fixtures::proof::test_body();
    let (ok, failed) = within(LIVENESS, "run_child", || {
        (
            run_child(worker(), &["--exit", "0"], "a\n"),
            run_child(worker(), &["--exit", "3"], "b\n"),
        )
    });
    let ok = ok.expect("the worker runs");
    assert!(ok.status.success());
    assert_eq!(ok.stdout, "A\n");
    let failed = failed.expect("a non-zero exit is an exit status, not an Err");
    assert_eq!(failed.status.code(), Some(3));
    assert_eq!(
        failed.stdout, "B\n",
        "output is captured whatever the exit code"
    );
}

#[test]
fn large_input_does_not_deadlock_the_pipes() {
    let _proof = fixtures::proof::test_body();
    // About 1.2 MB: far more than a pipe holds. Writing it all before
    // reading any output blocks both processes forever.
    let input: String = (0..20_000)
        .map(|i| format!("line {i:05} of the input that does not fit in a pipe\n"))
        .collect();
    let expected = input.to_uppercase();
    let out = within(LIVENESS, "run_child with 1.2 MB of input", move || {
        run_child(worker(), &[], &input)
    })
    .expect("the worker runs");
    assert_eq!(out.stdout.len(), expected.len());
    assert!(
        out.stdout == expected,
        "the output differs from the upper-cased input"
    );
}

#[test]
fn a_missing_program_is_an_error_not_a_panic() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "run_child", || {
        run_child(Path::new(MISSING), &[], "")
    });
    match result {
        Err(ChildError::Spawn { program, .. }) => assert_eq!(program, Path::new(MISSING)),
        other => panic!("expected ChildError::Spawn, got {other:?}"),
    }
}

#[test]
fn deadline_lets_a_quick_child_finish_normally() {
    let _proof = fixtures::proof::test_body();
    let out = within(LIVENESS, "run_child_with_deadline", || {
        run_child_with_deadline(worker(), &["--exit", "5"], "x\ny\n", Duration::from_secs(3))
    })
    .expect("the worker finishes well before its deadline");
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(out.stdout, "X\nY\n");
}

#[test]
fn deadline_kills_and_reaps_a_child_that_overruns() {
    let _proof = fixtures::proof::test_body();
    let deadline = Duration::from_millis(300);
    let started = Instant::now();
    let result = within(LIVENESS, "run_child_with_deadline", move || {
        run_child_with_deadline(worker(), &["--sleep-forever"], "x\n", deadline)
    });
    let elapsed = started.elapsed();
    let pid = match result {
        Err(ChildError::Timeout { pid, deadline: d }) => {
            assert_eq!(d, deadline);
            pid
        }
        other => panic!("expected ChildError::Timeout, got {other:?}"),
    };
    assert!(
        elapsed >= deadline,
        "returned after {elapsed:?}, before the {deadline:?} deadline"
    );
    assert!(
        !process_exists(pid),
        "child {pid} still exists after the timeout: it must be killed *and* waited for \
         (a killed child that was never waited for stays behind as a zombie)"
    );
}

#[test]
fn deadline_holds_even_when_the_child_never_reads_its_input() {
    let _proof = fixtures::proof::test_body();
    // The sleeping child reads nothing: writing this input blocks once the
    // pipe is full, so it must not happen on the thread that keeps the time.
    let input = "z".repeat(1 << 20);
    let deadline = Duration::from_millis(200);
    let result = within(
        LIVENESS,
        "run_child_with_deadline with unread input",
        move || run_child_with_deadline(worker(), &["--sleep-forever"], &input, deadline),
    );
    match result {
        Err(ChildError::Timeout { pid, .. }) => {
            assert!(!process_exists(pid), "child {pid} was not reaped");
        }
        other => panic!("expected ChildError::Timeout, got {other:?}"),
    }
}

#[test]
fn deadline_version_reports_a_missing_program_as_an_error() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "run_child_with_deadline", || {
        run_child_with_deadline(Path::new(MISSING), &[], "", Duration::from_secs(1))
    });
    assert!(
        matches!(result, Err(ChildError::Spawn { .. })),
        "expected ChildError::Spawn, got {result:?}"
    );
}
