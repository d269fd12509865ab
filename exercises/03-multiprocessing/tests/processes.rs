//! Task 1: `processes::{ending_of, run_all}`.
//!
//! The children are `t03-worker` (bin/worker.rs) in its fixed modes:
//! `exit CODE`, `abort`, `sleep MS`, `sleep-forever`, and `rendezvous`, a
//! barrier that only opens when all its processes run at the same time.

mod common;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ABORTED, LIVENESS, MISSING, WORKER, assert_no_children, process_exists, within};
use multiprocessing::processes::{Ending, WorkerCommand, ending_of, run_all};

fn cmd(args: &[&str]) -> WorkerCommand {
    WorkerCommand::new(WORKER, args)
}

#[test]
fn ending_of_reads_exit_codes_and_signals() {
    let _proof = fixtures::proof::test_body();
    let endings = within(LIVENESS, "running three workers with std", || {
        ["exit 0", "exit 3", "abort"].map(|args| {
            let status = Command::new(WORKER)
                .args(args.split(' '))
                .stdin(Stdio::null())
                .status()
                .expect("the worker starts");
            ending_of(status)
        })
    });
    assert_eq!(
        endings,
        [Ending::Exited(0), Ending::Exited(3), ABORTED],
        "abort() ends a process with SIGABRT (6) on Unix: it has a signal, not an exit code \
         (on Windows, the exit code 0xC0000409)"
    );
}

#[test]
fn all_workers_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    // Four workers meet at a barrier: it opens only when all four are
    // running at once. A parent that waits for each child before starting
    // the next leaves the first one waiting until it gives up (exit 75).
    let barrier = tempfile::tempdir().expect("a temporary directory");
    let dir = barrier
        .path()
        .to_str()
        .expect("a UTF-8 temp path")
        .to_owned();
    let finished = within(
        Duration::from_secs(15),
        "run_all of 4 rendezvous workers",
        move || {
            let commands = vec![cmd(&["rendezvous", &dir, "4", "3000"]); 4];
            run_all(&commands, Duration::from_secs(10))
        },
    )
    .expect("the workers start");
    let endings: Vec<Ending> = finished.iter().map(|f| f.ending).collect();
    assert_eq!(
        endings,
        vec![Ending::Exited(0); 4],
        "exit 75 means a worker waited at the barrier for the others in vain: \
         start every child before waiting for any"
    );
    assert_no_children("run_all");
}

#[test]
fn results_come_in_command_order_with_their_endings() {
    let _proof = fixtures::proof::test_body();
    let finished = within(LIVENESS, "run_all", || {
        run_all(
            &[
                cmd(&["sleep", "150"]),
                cmd(&["exit", "3"]),
                cmd(&["abort"]),
                cmd(&["exit", "0"]),
            ],
            Duration::from_secs(4),
        )
    })
    .expect("the workers start");
    let endings: Vec<Ending> = finished.iter().map(|f| f.ending).collect();
    assert_eq!(
        endings,
        [
            Ending::Exited(0),
            Ending::Exited(3),
            ABORTED,
            Ending::Exited(0)
        ],
        "one result per command, in command order (not in the order they ended)"
    );
    let pids: HashSet<u32> = finished.iter().map(|f| f.pid).collect();
    assert_eq!(pids.len(), 4, "four different processes: {finished:?}");
    assert!(!pids.contains(&std::process::id()));
    for pid in pids {
        assert!(!process_exists(pid), "worker {pid} was not reaped");
    }
    assert_no_children("run_all");
}

#[test]
fn an_empty_list_runs_nothing() {
    let _proof = fixtures::proof::test_body();
    let finished = within(LIVENESS, "run_all(&[])", || {
        run_all(&[], Duration::from_secs(1))
    })
    .expect("nothing to start, nothing to fail");
    assert!(finished.is_empty());
}

#[test]
fn workers_that_overrun_the_deadline_are_killed_and_reaped() {
    let _proof = fixtures::proof::test_body();
    let deadline = Duration::from_millis(400);
    let started = Instant::now();
    let finished = within(LIVENESS, "run_all with a deadline", move || {
        run_all(
            &[
                cmd(&["sleep-forever"]),
                cmd(&["exit", "7"]),
                cmd(&["sleep-forever"]),
            ],
            deadline,
        )
    })
    .expect("the workers start");
    let elapsed = started.elapsed();
    let endings: Vec<Ending> = finished.iter().map(|f| f.ending).collect();
    assert_eq!(
        endings,
        [Ending::Killed, Ending::Exited(7), Ending::Killed],
        "a worker still running at the deadline is reported as Killed (not as SIGKILL)"
    );
    assert!(
        elapsed >= deadline,
        "returned after {elapsed:?}, before the {deadline:?} deadline"
    );
    for f in &finished {
        assert!(
            !process_exists(f.pid),
            "worker {} still exists: kill does not reap, wait does",
            f.pid
        );
    }
    assert_no_children("run_all with killed workers");
}

#[test]
fn the_deadline_is_shared_not_per_worker() {
    let _proof = fixtures::proof::test_body();
    // Three workers that never end, a deadline of 800 ms: waiting for each
    // one "up to the deadline" in turn would take 2.4 s.
    let deadline = Duration::from_millis(800);
    let started = Instant::now();
    let finished = within(LIVENESS, "run_all", move || {
        run_all(&vec![cmd(&["sleep-forever"]); 3], deadline)
    })
    .expect("the workers start");
    let elapsed = started.elapsed();
    assert!(finished.iter().all(|f| f.ending == Ending::Killed));
    assert!(
        elapsed < Duration::from_millis(1800),
        "took {elapsed:?}: the deadline counts from the start, for all workers together"
    );
    assert_no_children("run_all");
}

#[test]
fn a_spawn_failure_kills_and_reaps_the_workers_already_started() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "run_all with a missing program", || {
        run_all(
            &[
                cmd(&["sleep-forever"]),
                cmd(&["sleep-forever"]),
                WorkerCommand::new(MISSING, &[]),
                cmd(&["sleep-forever"]),
            ],
            Duration::from_secs(30),
        )
    });
    match result {
        Err(err) => {
            assert_eq!(err.index, 2, "{err}");
            assert_eq!(err.program, std::path::Path::new(MISSING));
        }
        Ok(finished) => panic!("a missing program must be an error, got {finished:?}"),
    }
    assert_no_children("a failed run_all");
}
