//! Task 3: `shared_memory::{SharedCounter, count_in_processes}`.
//!
//! The counting processes are `t03-worker increment PATH ...`: it opens the
//! counter with your `SharedCounter::open` and counts with your `add` or
//! `add_locked`. With `--barrier DIR 4` the four processes start counting
//! together, and with `--for-ms` they count for a fixed time, so they are
//! sure to collide; each prints how many it added.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{LIVENESS, MISSING, WORKER, assert_no_children, within, worker};
use multiprocessing::shared_memory::{
    CountError, Increment, SHARED_LEN, SharedCounter, count_in_processes,
};

/// A temporary directory and a counter path inside it.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("counter");
    (dir, path)
}

#[test]
fn a_new_counter_starts_at_zero_and_counts() {
    let _proof = fixtures::proof::test_body();
    let (_dir, path) = scratch();
    within(LIVENESS, "SharedCounter on one process", move || {
        let counter = SharedCounter::create(&path).expect("create");
        assert_eq!((counter.get(), counter.get_locked()), (0, 0));
        assert_eq!(counter.add(5), 0, "add returns the previous value");
        assert_eq!(counter.add(2), 5);
        assert_eq!(
            counter.add_locked(3),
            0,
            "add_locked returns the previous value"
        );
        assert_eq!(counter.add_locked(4), 3);
        assert_eq!(
            (counter.get(), counter.get_locked()),
            (7, 7),
            "the two counters are separate"
        );
        drop(counter);
        let again = SharedCounter::create(&path).expect("create over an old counter");
        assert_eq!(
            (again.get(), again.get_locked()),
            (0, 0),
            "create starts from zero whatever the file held"
        );
        assert_eq!(
            std::fs::metadata(&path).expect("the file exists").len(),
            SHARED_LEN as u64
        );
    });
}

#[test]
fn two_mappings_of_one_file_share_their_memory() {
    let _proof = fixtures::proof::test_body();
    let (_dir, path) = scratch();
    within(LIVENESS, "two mappings", move || {
        let a = SharedCounter::create(&path).expect("create");
        let b = SharedCounter::open(&path).expect("open");
        a.add(40);
        b.add(2);
        a.add_locked(10);
        b.add_locked(1);
        assert_eq!(
            (a.get(), b.get(), a.get_locked(), b.get_locked()),
            (42, 42, 11, 11),
            "writes through one mapping must show in the other: map with MAP_SHARED"
        );
    });
}

#[test]
fn open_refuses_files_it_cannot_map_safely() {
    let _proof = fixtures::proof::test_body();
    let (dir, path) = scratch();
    std::fs::write(&path, b"").expect("an empty file");
    let missing = dir.path().join("missing");
    let (empty, absent) = within(LIVENESS, "SharedCounter::open", move || {
        (
            SharedCounter::open(&path).map(|c| c.get()),
            SharedCounter::open(&missing).map(|c| c.get()),
        )
    });
    match empty {
        Err(err) => assert_eq!(
            err.kind(),
            std::io::ErrorKind::InvalidData,
            "a file shorter than SHARED_LEN: {err}"
        ),
        Ok(v) => panic!("opening an empty file must fail (mapping it means SIGBUS), got {v}"),
    }
    match absent {
        Err(err) => assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}"),
        Ok(v) => panic!("open must not create the file, got {v}"),
    }
}

#[test]
fn a_child_process_counts_into_the_parents_counter() {
    let _proof = fixtures::proof::test_body();
    let (_dir, path) = scratch();
    let (status, value) = within(LIVENESS, "one counting child", move || {
        let counter = SharedCounter::create(&path).expect("create");
        counter.add(100);
        let status = Command::new(WORKER)
            .args([
                "increment",
                path.to_str().expect("UTF-8"),
                "--times",
                "1000",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .expect("the worker starts");
        (status, counter.get())
    });
    assert!(status.success(), "the counting worker failed: {status}");
    assert_eq!(value, 1100, "the child's 1000 adds must land in our memory");
}

/// Starts four `increment` workers that meet at a barrier, count for
/// 300 ms each (with `--locked` for [`Increment::Locked`]), and print what
/// they added. Returns (the sum of what they say they added, the value of
/// the counter they used).
fn collide(increment: Increment) -> (u64, u64) {
    const PROCESSES: usize = 4;
    let locked = increment == Increment::Locked;
    let (dir, path) = scratch();
    let barrier = dir.path().join("barrier");
    std::fs::create_dir(&barrier).expect("a barrier directory");
    within(
        Duration::from_secs(20),
        "four counting processes",
        move || {
            let counter = SharedCounter::create(&path).expect("create");
            let mut args = vec![
                "increment",
                path.to_str().expect("UTF-8"),
                "--for-ms",
                "300",
                "--barrier",
                barrier.to_str().expect("UTF-8"),
                "4",
            ];
            if locked {
                args.push("--locked");
            }
            let children: Vec<_> = (0..PROCESSES)
                .map(|_| {
                    Command::new(WORKER)
                        .args(&args)
                        .stdin(Stdio::null())
                        .stdout(Stdio::piped())
                        .spawn()
                        .expect("the worker starts")
                })
                .collect();
            let mut claimed = 0;
            for child in children {
                let out = child.wait_with_output().expect("the worker ends");
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(
                    out.status.success(),
                    "a counting worker failed: {}",
                    out.status
                );
                claimed += text
                    .trim()
                    .parse::<u64>()
                    .expect("the worker prints its count");
            }
            let value = if locked {
                counter.get_locked()
            } else {
                counter.get()
            };
            (claimed, value)
        },
    )
}

/// The verdict of both collision tests, written once: the four workers of
/// [`collide`] counted something, the counter holds every increment they
/// claim, and none of them is left behind. `rule` is what the add must do
/// to pass, for the failure message.
fn assert_no_increment_lost((claimed, value): (u64, u64), rule: &str) {
    assert!(claimed > 0);
    assert_eq!(
        value,
        claimed,
        "{} increments were lost: {rule}",
        claimed.saturating_sub(value)
    );
    assert_no_children("the counting workers");
}

#[test]
fn atomic_adds_from_four_processes_at_once_lose_nothing() {
    let _proof = fixtures::proof::test_body();
    assert_no_increment_lost(
        collide(Increment::Atomic),
        "add must be one atomic read-modify-write",
    );
}

#[test]
fn locked_adds_from_four_processes_at_once_lose_nothing() {
    let _proof = fixtures::proof::test_body();
    assert_no_increment_lost(
        collide(Increment::Locked),
        "add_locked must hold the lock around its read and write",
    );
}

#[test]
fn count_in_processes_is_exact_both_ways() {
    let _proof = fixtures::proof::test_body();
    let (_dir, path) = scratch();
    let (atomic, locked) = within(Duration::from_secs(20), "count_in_processes", move || {
        (
            count_in_processes(worker(), &path, 4, 50_000, Increment::Atomic),
            count_in_processes(worker(), &path, 3, 20_000, Increment::Locked),
        )
    });
    assert_eq!(atomic.expect("4 atomic counters"), 200_000);
    assert_eq!(
        locked.expect("3 locked counters"),
        60_000,
        "a fresh counter for every call, read the way it was counted"
    );
    assert_no_children("count_in_processes");
}

#[test]
fn count_in_processes_reports_failures() {
    let _proof = fixtures::proof::test_body();
    let (_dir, path) = scratch();
    let (missing, failing) = within(LIVENESS, "count_in_processes", move || {
        (
            count_in_processes(Path::new(MISSING), &path, 2, 10, Increment::Atomic),
            // `false` ignores its arguments and exits 1.
            count_in_processes(Path::new("/bin/false"), &path, 2, 10, Increment::Atomic),
        )
    });
    assert!(
        matches!(missing, Err(CountError::Io(_))),
        "a missing program is an Io error, got {missing:?}"
    );
    match failing {
        Err(CountError::WorkerFailed { status, .. }) => assert_eq!(status.code(), Some(1)),
        other => panic!("expected WorkerFailed, got {other:?}"),
    }
    assert_no_children("count_in_processes");
}
