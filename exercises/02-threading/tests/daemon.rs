//! Task 8: `daemon::{spawn_daemon, BackgroundWriter}`, in this process and
//! in the `t02-daemon-demo` program.

mod common;

use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, OrResume, SharedBuffer, within};
use threading::daemon::{
    BackgroundWriter, ShutdownError, WRITER_THREAD_NAME, WriterGone, spawn_daemon,
};
use threading::worker_thread::SpawnError;

/// The demo program of this package: the starter and the solution each build
/// their own (under different names, so neither overwrites the other).
const DEMO: &str = match (
    option_env!("CARGO_BIN_EXE_t02-daemon-demo"),
    option_env!("CARGO_BIN_EXE_t02-daemon-demo-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("no t02-daemon-demo binary in this package"),
};

#[test]
fn spawn_daemon_returns_at_once_while_its_job_runs_on() {
    let _proof = fixtures::proof::test_body();
    let (name, job_name, job_ran) = within(LIVENESS, "spawn_daemon", || {
        let (release, gate) = mpsc::channel::<()>();
        let (report, reports) = mpsc::channel();
        let thread = spawn_daemon("sweeper", move || {
            let _ = report.send(thread::current().name().map(str::to_owned));
            // Blocks until the test ends: spawn_daemon must not wait for it.
            let _ = gate.recv();
        })
        .expect("an ordinary name");
        let job_name = reports
            .recv_timeout(Duration::from_secs(3))
            .expect("the daemon's job runs");
        drop(release);
        (thread.name().map(str::to_owned), job_name, true)
    });
    assert!(job_ran);
    assert_eq!(
        name.as_deref(),
        Some("sweeper"),
        "the returned Thread's name"
    );
    assert_eq!(
        job_name.as_deref(),
        Some("sweeper"),
        "the name inside the job"
    );
}

#[test]
fn spawn_daemon_with_a_nul_in_the_name_is_an_error() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "spawn_daemon with a NUL", || {
        spawn_daemon("bad\0daemon", || {}).map(|thread| thread.id())
    });
    assert!(
        matches!(result, Err(SpawnError::InvalidName { ref name }) if name == "bad\0daemon"),
        "got {result:?}"
    );
}

/// The sink a test gives the writer's thread, behaving as the test needs.
#[derive(Default)]
struct TestSink {
    /// Everything written to it, shared with the test.
    written: SharedBuffer,
    /// Where the first write reports the name of its thread.
    first_writer: Option<mpsc::Sender<Option<String>>>,
    /// The first write blocks until this gate opens (or its sender is
    /// dropped).
    gate: Option<Receiver<()>>,
    /// Every write fails.
    broken: bool,
}

impl TestSink {
    /// A sink stuck on its first write until `gate` opens.
    fn gated(gate: Receiver<()>) -> Self {
        Self {
            gate: Some(gate),
            ..Self::default()
        }
    }
}

impl Write for TestSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.broken {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the disk went away",
            ));
        }
        if let Some(report) = self.first_writer.take() {
            let _ = report.send(thread::current().name().map(str::to_owned));
        }
        if let Some(gate) = self.gate.take() {
            let _ = gate.recv_timeout(Duration::from_secs(30));
        }
        self.written.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn shutdown_writes_every_line_in_order_and_returns_the_sink() {
    let _proof = fixtures::proof::test_body();
    let (sink, thread_name) = within(LIVENESS, "BackgroundWriter::shutdown", || {
        let (report, reports) = mpsc::channel();
        let writer = BackgroundWriter::start(TestSink {
            first_writer: Some(report),
            ..TestSink::default()
        })
        .expect("the writer starts");
        for i in 0..10_000 {
            writer
                .write_line(format!("line {i}"))
                .expect("the writer runs");
        }
        let sink = writer
            .shutdown(Duration::from_secs(4))
            .expect("10 000 lines are written well within 4 s");
        let name = reports.try_recv().expect("the sink was written to");
        (sink.written.bytes(), name)
    });
    let text = String::from_utf8(sink).expect("the lines are UTF-8");
    let want: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
    assert!(
        text == want,
        "the lines came out lost, doubled or out of order"
    );
    assert_eq!(thread_name.as_deref(), Some(WRITER_THREAD_NAME));
}

#[test]
fn write_line_never_waits_for_a_slow_sink() {
    let _proof = fixtures::proof::test_body();
    let (took, lines) = within(LIVENESS, "write_line with a stuck sink", || {
        let (open, gate) = mpsc::channel();
        let sink = TestSink::gated(gate);
        let written = sink.written.clone();
        let writer = BackgroundWriter::start(sink).expect("the writer starts");
        let start = Instant::now();
        for i in 0..1_000 {
            writer.write_line(format!("{i}")).expect("the writer runs");
        }
        let took = start.elapsed();
        open.send(()).expect("the sink waits at the gate");
        writer
            .shutdown(Duration::from_secs(3))
            .expect("the sink is free now");
        let lines = written.text().lines().count();
        (took, lines)
    });
    assert!(
        took < Duration::from_secs(2),
        "1000 write_line calls took {took:?} while the sink was stuck: they must only queue"
    );
    assert_eq!(lines, 1_000);
}

#[test]
fn shutdown_gives_up_at_the_deadline_on_a_stuck_sink() {
    let _proof = fixtures::proof::test_body();
    let (result, took) = within(LIVENESS, "shutdown with a stuck sink", || {
        let (_open, gate) = mpsc::channel::<()>();
        let writer = BackgroundWriter::start(TestSink::gated(gate)).expect("the writer starts");
        writer.write_line("stuck").expect("the writer runs");
        let start = Instant::now();
        let result = writer.shutdown(Duration::from_millis(200));
        // `_open` stays alive until here: the sink is still stuck.
        (result.map(|_| ()), start.elapsed())
    });
    assert!(
        matches!(result, Err(ShutdownError::Timeout { deadline }) if deadline == Duration::from_millis(200)),
        "got {result:?}"
    );
    assert!(
        took < Duration::from_secs(2),
        "shutdown took {took:?} with a 200 ms deadline"
    );
}

#[test]
fn dropping_the_writer_still_writes_every_line() {
    let _proof = fixtures::proof::test_body();
    let text = within(LIVENESS, "dropping a BackgroundWriter", || {
        let (open, gate) = mpsc::channel();
        let sink = TestSink::gated(gate);
        let written = sink.written.clone();
        let writer = BackgroundWriter::start(sink).expect("the writer starts");
        for i in 0..500 {
            writer
                .write_line(format!("entry {i}"))
                .expect("the writer runs");
        }
        // The sink is still stuck: the drop must wait for the thread.
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            let _ = open.send(());
        });
        drop(writer);
        written.text()
    });
    let want: String = (0..500).map(|i| format!("entry {i}\n")).collect();
    assert!(text == want, "lines lost when the writer was dropped");
}

#[test]
fn a_failing_sink_is_reported_and_later_lines_come_back() {
    let _proof = fixtures::proof::test_body();
    let (late, result) = within(LIVENESS, "a failing sink", || {
        let writer = BackgroundWriter::start(TestSink {
            broken: true,
            ..TestSink::default()
        })
        .expect("the writer starts");
        writer
            .write_line("first")
            .expect("the thread is still running");
        // The thread stops at the failed write; a line sent after that
        // comes back.
        let start = Instant::now();
        let late = loop {
            match writer.write_line("late") {
                Err(gone) => break Some(gone),
                Ok(()) if start.elapsed() > Duration::from_secs(3) => break None,
                Ok(()) => thread::sleep(Duration::from_millis(1)),
            }
        };
        (late, writer.shutdown(Duration::from_secs(2)).map(|_| ()))
    });
    assert_eq!(late, Some(WriterGone("late".to_owned())));
    assert!(
        matches!(&result, Err(ShutdownError::Io(err)) if err.kind() == io::ErrorKind::BrokenPipe),
        "got {result:?}"
    );
}

/// Runs the demo program with `mode`; kills it if it has not exited within
/// `limit`. Returns (exited in time, success, stdout).
fn run_demo(mode: &str, limit: Duration) -> (bool, bool, String) {
    let mut child = Command::new(DEMO)
        .arg(mode)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the demo program starts");
    let mut stdout = child.stdout.take().expect("piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let (in_time, success) = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break (true, status.success());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break (false, false);
        }
        thread::sleep(Duration::from_millis(5));
    };
    (in_time, success, reader.join().or_resume())
}

#[test]
fn the_process_does_not_wait_for_its_daemon_thread() {
    let _proof = fixtures::proof::test_body();
    let (in_time, success, out) = run_demo("detached", Duration::from_secs(10));
    assert!(
        in_time,
        "the demo did not exit within 10 s: does spawn_daemon wait for its thread?\n{out}"
    );
    assert!(success, "the demo failed; its output:\n{out}");
    assert!(out.contains("daemon: tick 3\n"), "the daemon ran:\n{out}");
    assert!(out.contains("main: returning\n"), "main returned:\n{out}");
}

#[test]
fn a_clean_shutdown_writes_every_line_before_the_process_ends() {
    let _proof = fixtures::proof::test_body();
    for mode in ["writer", "writer-drop"] {
        let (in_time, success, out) = run_demo(mode, Duration::from_secs(10));
        assert!(
            in_time && success,
            "`t02-daemon-demo {mode}` failed:\n{out}"
        );
        let want: String = (0..1_000)
            .map(|i| format!("line {i}\n"))
            .chain(["main: done\n".to_owned()])
            .collect();
        assert!(
            out == want,
            "`t02-daemon-demo {mode}`: every line, in order, before `main: done`; got {} lines",
            out.lines().count()
        );
    }
}
