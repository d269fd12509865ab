//! Task 2: `ipc::{send_message, recv_message, serve, Worker}`.
//!
//! The framing and `serve` are tested in memory first, then `Worker` against
//! real `t03-worker` processes: `serve` (your loop), `garbage` (answers
//! every request with a line that is not JSON), `exit CODE` (gone before
//! the first request) and `sleep-forever` (never answers).

mod common;

use std::io::{BufWriter, Cursor};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{LIVENESS, MISSING, assert_no_children, process_exists, within, worker};
use multiprocessing::ipc::{IpcError, Worker, recv_message, send_message, serve};
use multiprocessing::protocol::{InitArgs, Job, Request, Response, init_runs};

/// Far longer than any test may take: an answer that only comes when this
/// runs out means the error was noticed by waiting, not by looking.
const PATIENT: Duration = Duration::from_secs(60);

fn lines_of(requests: &[Request]) -> String {
    requests
        .iter()
        .map(|r| serde_json::to_string(r).expect("requests serialise") + "\n")
        .collect()
}

fn responses_in(output: &[u8]) -> Vec<Response> {
    String::from_utf8(output.to_vec())
        .expect("serve writes UTF-8")
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("serve wrote {line:?}, not a Response: {e}"))
        })
        .collect()
}

#[test]
fn send_message_writes_one_flushed_line_of_json() {
    let _proof = fixtures::proof::test_body();
    // A newline inside a string must not split the message.
    let message = Request::Init(InitArgs {
        job_counter: Some(PathBuf::from("/tmp/two\nlines")),
    });
    let out = within(LIVENESS, "send_message", move || {
        let mut out = BufWriter::new(Vec::new());
        send_message(&mut out, &message).map(|()| out)
    })
    .expect("writing to memory succeeds");
    // `get_ref` shows what reached the inner writer: only what was flushed.
    let written = String::from_utf8(out.get_ref().clone()).expect("UTF-8");
    assert_eq!(
        written,
        r#"{"Init":{"job_counter":"/tmp/two\nlines"}}"#.to_owned() + "\n",
        "one compact JSON value and a newline, flushed through any buffer"
    );
}

#[test]
fn recv_message_reads_each_line_then_reports_the_end() {
    let _proof = fixtures::proof::test_body();
    let input = "{\"Ready\":{\"pid\":1,\"init_runs\":1}}\n\
                 {\"Done\":{\"pid\":2,\"init_runs\":0,\"values\":[4,5]}}\n\
                 {\"Ready\":{\"pid\":3,\"init_runs\":2}}";
    let got = within(LIVENESS, "recv_message", move || {
        let mut input = Cursor::new(input);
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(recv_message::<Response>(&mut input).expect("valid lines"));
        }
        got
    });
    assert_eq!(
        got,
        [
            Some(Response::Ready {
                pid: 1,
                init_runs: 1
            }),
            Some(Response::Done {
                pid: 2,
                init_runs: 0,
                values: vec![4, 5]
            }),
            Some(Response::Ready {
                pid: 3,
                init_runs: 2
            }),
            None,
        ],
        "a last line without a newline is still a message; then end of input is None"
    );
}

#[test]
fn recv_message_reports_a_malformed_line_with_the_line() {
    let _proof = fixtures::proof::test_body();
    let input = "{\"Ready\":{\"pid\":1}}\n\nnot json\n{\"Ready\":{\"pid\":9,\"init_runs\":1}}\n";
    let (first, blank, text, after) = within(LIVENESS, "recv_message", move || {
        let mut input = Cursor::new(input);
        (
            recv_message::<Response>(&mut input),
            recv_message::<Response>(&mut input),
            recv_message::<Response>(&mut input),
            recv_message::<Response>(&mut input),
        )
    });
    match first {
        Err(IpcError::Malformed { line, .. }) => assert_eq!(line, "{\"Ready\":{\"pid\":1}}"),
        other => panic!("a Ready without init_runs is Malformed, got {other:?}"),
    }
    match blank {
        Err(IpcError::Malformed { line, .. }) => assert_eq!(line, ""),
        other => panic!("a blank line is Malformed (not end of input), got {other:?}"),
    }
    match text {
        Err(IpcError::Malformed { line, .. }) => assert_eq!(line, "not json"),
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert_eq!(
        after.expect("the line after a bad one reads fine"),
        Some(Response::Ready {
            pid: 9,
            init_runs: 1
        })
    );
}

#[test]
fn serve_answers_every_request_in_order() {
    let _proof = fixtures::proof::test_body();
    let before = init_runs();
    let input = lines_of(&[
        Request::Run(vec![
            Job::IsPrime(97),
            Job::CountPrimes { start: 0, end: 100 },
            Job::Sleep { ms: 1 },
            Job::IsPrime(91),
        ]),
        Request::Init(InitArgs::default()),
        Request::Run(vec![]),
        Request::Run(vec![Job::CountPrimes {
            start: 0,
            end: 10_000,
        }]),
    ]);
    let output = within(LIVENESS, "serve", move || {
        let mut output = Vec::new();
        serve(Cursor::new(input), &mut output).map(|()| output)
    })
    .expect("serve returns Ok at end of input");
    let pid = std::process::id();
    assert_eq!(
        responses_in(&output),
        [
            Response::Done {
                pid,
                init_runs: before,
                values: vec![1, 25, 1, 0]
            },
            Response::Ready {
                pid,
                init_runs: before + 1
            },
            Response::Done {
                pid,
                init_runs: before + 1,
                values: vec![]
            },
            Response::Done {
                pid,
                init_runs: before + 1,
                values: vec![1229]
            },
        ]
    );
}

#[test]
fn serve_rejects_a_malformed_request() {
    let _proof = fixtures::proof::test_body();
    let input = lines_of(&[Request::Run(vec![Job::IsPrime(2)])]) + "{\"Run\":[{\"Nope\":1}]}\n";
    let (result, output) = within(LIVENESS, "serve", move || {
        let mut output = Vec::new();
        let result = serve(Cursor::new(input), &mut output);
        (result, output)
    });
    assert!(
        matches!(result, Err(IpcError::Malformed { .. })),
        "expected Malformed, got {result:?}"
    );
    assert_eq!(
        responses_in(&output).len(),
        1,
        "the good request before it is answered"
    );
}

#[test]
fn a_worker_process_answers_through_real_pipes() {
    let _proof = fixtures::proof::test_body();
    let (pid, done, ready, status) = within(LIVENESS, "a Worker round trip", || {
        let mut w = Worker::spawn(worker(), &["serve"]).expect("the worker starts");
        let pid = w.pid();
        let done = w.request(
            &Request::Run(vec![
                Job::IsPrime(7919),
                Job::CountPrimes { start: 0, end: 100 },
            ]),
            PATIENT,
        );
        let ready = w.request(&Request::Init(InitArgs::default()), PATIENT);
        let status = w.shutdown(LIVENESS);
        (pid, done, ready, status)
    });
    assert_ne!(pid, std::process::id(), "the worker is a separate process");
    assert_eq!(
        done.expect("the worker answers"),
        Response::Done {
            pid,
            init_runs: 0,
            values: vec![1, 25]
        }
    );
    assert_eq!(
        ready.expect("the worker answers"),
        Response::Ready { pid, init_runs: 1 }
    );
    let status = status.expect("closing stdin ends the worker");
    assert!(
        status.success(),
        "serve returns Ok at end of input: {status}"
    );
    assert!(!process_exists(pid), "worker {pid} was not reaped");
    assert_no_children("shutdown");
}

#[test]
fn a_worker_that_dies_mid_job_is_an_error_with_its_exit_status() {
    let _proof = fixtures::proof::test_body();
    let started = Instant::now();
    let (pid, result) = within(LIVENESS, "a request to a crashing worker", || {
        let mut w = Worker::spawn(worker(), &["serve"]).expect("the worker starts");
        let result = w.request(
            &Request::Run(vec![Job::IsPrime(7), Job::Crash { code: 42 }]),
            PATIENT,
        );
        (w.pid(), result)
    });
    match result {
        Err(IpcError::ChildDied { pid: died, status }) => {
            assert_eq!(died, pid);
            assert_eq!(status.code(), Some(42), "the worker's own exit code");
        }
        other => panic!("expected ChildDied, got {other:?}"),
    }
    assert!(
        started.elapsed() < LIVENESS,
        "a dead worker is noticed when its stdout closes, not after the timeout"
    );
    assert!(!process_exists(pid), "the dead worker {pid} was not reaped");
    assert_no_children("a worker crash");
}

#[test]
fn a_worker_that_is_already_gone_is_an_error_not_a_hang() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "requests to a worker that exited", || {
        let mut w = Worker::spawn(worker(), &["exit", "3"]).expect("the worker starts");
        // Give it time to be gone before we write: the write itself fails.
        std::thread::sleep(Duration::from_millis(200));
        let first = w.request(&Request::Run(vec![Job::IsPrime(2)]), PATIENT);
        let second = w.request(&Request::Run(vec![Job::IsPrime(3)]), PATIENT);
        (first, second)
    });
    for (i, result) in [result.0, result.1].into_iter().enumerate() {
        match result {
            Err(IpcError::ChildDied { status, .. }) => assert_eq!(status.code(), Some(3)),
            other => panic!("request {i}: expected ChildDied with code 3, got {other:?}"),
        }
    }
    assert_no_children("requests to a dead worker");
}

#[test]
fn a_malformed_reply_is_an_error_with_the_line() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "a request to the garbage worker", || {
        let mut w = Worker::spawn(worker(), &["garbage"]).expect("the worker starts");
        w.request(&Request::Run(vec![Job::IsPrime(2)]), PATIENT)
        // Dropping `w` here must kill and reap the (still running) worker.
    });
    match result {
        Err(IpcError::Malformed { line, .. }) => assert_eq!(line, "this is not JSON {"),
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert_no_children("dropping a Worker");
}

#[test]
fn a_silent_worker_times_out_and_is_killed() {
    let _proof = fixtures::proof::test_body();
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let (pid, result) = within(LIVENESS, "a request that gets no answer", move || {
        let mut w = Worker::spawn(worker(), &["serve"]).expect("the worker starts");
        let result = w.request(&Request::Run(vec![Job::Sleep { ms: 60_000 }]), timeout);
        // Keep `w` alive: the kill must come from the timeout, not the drop.
        let pid = w.pid();
        let reaped = !process_exists(pid);
        std::mem::forget(w);
        (pid, result.map(|r| (r, reaped)).map_err(|e| (e, reaped)))
    });
    let elapsed = started.elapsed();
    match result {
        Err((IpcError::Timeout { pid: p, after }, reaped)) => {
            assert_eq!((p, after), (pid, timeout));
            assert!(
                reaped,
                "worker {pid} must be killed and reaped when it times out"
            );
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(
        elapsed >= timeout,
        "gave up after {elapsed:?}, before the timeout"
    );
}

#[test]
fn shutdown_of_a_worker_that_will_not_exit_times_out_and_kills_it() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "shutdown", || {
        let w = Worker::spawn(worker(), &["sleep-forever"]).expect("the worker starts");
        w.shutdown(Duration::from_millis(300))
    });
    assert!(
        matches!(result, Err(IpcError::Timeout { .. })),
        "expected Timeout, got {result:?}"
    );
    assert_no_children("shutdown of a stuck worker");
}

#[test]
fn dropping_a_worker_kills_and_reaps_it() {
    let _proof = fixtures::proof::test_body();
    within(LIVENESS, "dropping Workers", || {
        let stuck = Worker::spawn(worker(), &["sleep-forever"]).expect("the worker starts");
        let idle = Worker::spawn(worker(), &["serve"]).expect("the worker starts");
        drop((stuck, idle));
    });
    assert_no_children("dropping Workers");
}

#[test]
fn a_missing_program_is_a_spawn_error() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "Worker::spawn", || {
        Worker::spawn(Path::new(MISSING), &["serve"]).map(|w| w.pid())
    });
    match result {
        Err(IpcError::Spawn { program, .. }) => assert_eq!(program, Path::new(MISSING)),
        other => panic!("expected Spawn, got {other:?}"),
    }
}
