//! Task 2 — talk to a worker process through pipes, one JSON line per message.
//!
//! **What.** Both ends of the protocol in [`crate::protocol`]:
//!
//! - [`send_message`] and [`recv_message`] frame any serde value as one
//!   line of JSON on a byte stream;
//! - [`serve`] is the worker's side: a loop that answers requests read from
//!   its stdin on its stdout (the worker program `t03-worker serve` runs
//!   it);
//! - [`Worker`] is the parent's side: it starts a worker process with piped
//!   stdin and stdout and offers [`Worker::request`]: send one request,
//!   wait (at most a timeout) for its response.
//!
//! **Never hang.** A parent that reads from a pipe blocks until a whole line
//! arrives. If the worker died, or wrote something that is not a
//! [`Response`], or is stuck in an endless job, a naive `read_line` either
//! blocks forever or returns data the parent then misreads. Every one of
//! those is turned into an [`IpcError`] value here:
//!
//! | what happened | what the parent sees | how it finds out |
//! |---|---|---|
//! | worker died (crash, `exit`, killed) | [`IpcError::ChildDied`] with its exit status | its stdout reaches end of file, or writing its stdin fails with `BrokenPipe` |
//! | worker wrote a line that is not a `Response` | [`IpcError::Malformed`] with the line | `serde_json` fails to parse it |
//! | worker alive but silent past the timeout | [`IpcError::Timeout`]; the worker is killed and reaped | nothing arrived in time |
//!
//! A pipe read has no timeout in std, so a *reader thread* owns the
//! worker's stdout: it reads lines, parses them, and sends the results down
//! a channel; the parent waits on the channel with
//! [`Receiver::recv_timeout`]. When the worker's stdout closes, the reader
//! ends and drops its [`Sender`](std::sync::mpsc::Sender), and the parent's
//! `recv_timeout` reports the disconnection at once: that is how a dead
//! worker is noticed without waiting for the timeout.
//!
//! Rust ignores `SIGPIPE`, so writing to a dead worker's stdin is an
//! ordinary `io::Error` of kind `BrokenPipe`, not a silent death of the
//! parent (as it would be for a C program).
//!
//! **Why.** Separate processes share no memory: everything they tell each
//! other is copied, through the kernel, as bytes. Serde makes the bytes
//! typed, and the framing and error handling make the conversation robust.
//!
//! **When to choose it.** Pipes to a child are the simplest IPC there is:
//! no ports, no files, and the child's death closes them for you. For many
//! messages between long-lived processes a Unix socket or shared memory
//! (task 3) can be faster; the framing problems are the same.
//!
//! **Python.** `multiprocessing.Queue`/`Pipe` pickle objects through a
//! pipe. A worker that dies while the parent waits in `queue.get()` hangs
//! the parent forever unless it passed `timeout=` — the Troubleshooting
//! table's "Hanging program: always set timeouts" row. `subprocess` with
//! `text=True` and one JSON document per line is the cross-language version
//! of this task.
//!
//! [`Receiver::recv_timeout`]: std::sync::mpsc::Receiver::recv_timeout

use std::fmt;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ExitStatus};
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::protocol::{Request, Response};

/// Why a conversation with a worker failed.
#[derive(Debug)]
pub enum IpcError {
    /// The worker program could not be started.
    Spawn {
        /// The program.
        program: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// Reading or writing failed for a reason other than a dead worker.
    Io(io::Error),
    /// A line that is not a valid message.
    Malformed {
        /// The line, without its newline.
        line: String,
        /// What serde said about it.
        source: serde_json::Error,
    },
    /// The worker process ended (or closed its stdout) instead of answering.
    /// It has been reaped.
    ChildDied {
        /// Its process id.
        pid: u32,
        /// How it ended.
        status: ExitStatus,
    },
    /// No answer within the timeout; the worker has been killed and reaped.
    Timeout {
        /// Its process id.
        pid: u32,
        /// The timeout it overran.
        after: Duration,
    },
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spawn { program, source } => {
                write!(f, "failed to start {}: {source}", program.display())
            }
            Self::Io(err) => write!(f, "failed to talk to the worker: {err}"),
            Self::Malformed { line, source } => {
                write!(f, "malformed message {line:?}: {source}")
            }
            Self::ChildDied { pid, status } => {
                write!(f, "worker {pid} ended without answering ({status})")
            }
            Self::Timeout { pid, after } => write!(
                f,
                "worker {pid} did not answer within {after:?} and was killed"
            ),
        }
    }
}

impl std::error::Error for IpcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Spawn { source, .. } | Self::Io(source) => Some(source),
            Self::Malformed { source, .. } => Some(source),
            Self::ChildDied { .. } | Self::Timeout { .. } => None,
        }
    }
}

/// Writes `message` to `output` as one line of JSON (the value, then `\n`)
/// and flushes, so a reader on the other end of a pipe gets it now and not
/// when some buffer fills.
///
/// Errors: [`IpcError::Io`] when writing or flushing fails (for a pipe to a
/// dead process, its kind is `BrokenPipe`).
pub fn send_message<T: Serialize>(output: &mut impl Write, message: &T) -> Result<(), IpcError> {
    // TODO: `serde_json::to_vec` (not the pretty printer: it emits newlines),
    // push a `b'\n'`, `write_all` the bytes in one go, then `flush`.
    let mut line = serde_json::to_vec(message).map_err(|err| IpcError::Io(err.into()))?;
    line.push(b'\n');
    output.write_all(&line).map_err(IpcError::Io)?;
    output.flush().map_err(IpcError::Io)
}

/// Reads the next line from `input` and parses it as a `T`.
///
/// Returns `Ok(None)` at end of input (no bytes left at all). A line is
/// parsed without its trailing `\n`. A last line without a newline is
/// still a line.
///
/// Errors: [`IpcError::Malformed`] with the line when it is not a valid
/// `T` (including blank lines and invalid UTF-8); [`IpcError::Io`] when
/// reading fails.
pub fn recv_message<T: DeserializeOwned>(input: &mut impl BufRead) -> Result<Option<T>, IpcError> {
    // TODO: `read_until(b'\n', ..)` into a byte buffer; 0 bytes read means
    // end of input. Strip the newline, then `serde_json::from_slice`; on an
    // error, keep the line (lossily decoded) in `Malformed`.
    let mut line = Vec::new();
    if input.read_until(b'\n', &mut line).map_err(IpcError::Io)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    serde_json::from_slice(&line)
        .map(Some)
        .map_err(|source| IpcError::Malformed {
            line: String::from_utf8_lossy(&line).into_owned(),
            source,
        })
}

/// The worker loop: answers every [`Request`] read from `input` with one
/// [`Response`] written to `output` (with [`send_message`], so each answer
/// is flushed as soon as it is written).
///
/// - `Init(args)`: runs the initializer, [`WorkerState::initialize`], and
///   keeps the state it returns; answers `Ready` with this process's id and
///   [`init_runs`].
/// - `Run(jobs)`: runs each job, in order, with [`WorkerState::run`] on the
///   current state ([`WorkerState::default`] before any `Init`); answers
///   `Done` with the pid, [`init_runs`], and one value per job.
///
/// Returns `Ok(())` at end of input: the parent closed our stdin, which
/// means "shut down". Errors: a malformed request line, a failed
/// initializer ([`IpcError::Io`]), or a failed write.
///
/// [`WorkerState::initialize`]: crate::protocol::WorkerState::initialize
/// [`WorkerState::run`]: crate::protocol::WorkerState::run
/// [`WorkerState::default`]: crate::protocol::WorkerState::default
/// [`init_runs`]: crate::protocol::init_runs
pub fn serve(input: impl BufRead, output: impl Write) -> Result<(), IpcError> {
    // TODO: loop over `recv_message::<Request>` until it returns `None`;
    // match on the request, and answer each with `send_message`.
    use crate::protocol::{WorkerState, init_runs};

    let (mut input, mut output) = (input, output);
    let pid = std::process::id();
    let mut state = WorkerState::default();
    while let Some(request) = recv_message::<Request>(&mut input)? {
        let response = match request {
            Request::Init(args) => {
                state = WorkerState::initialize(&args).map_err(IpcError::Io)?;
                Response::Ready {
                    pid,
                    init_runs: init_runs(),
                }
            }
            Request::Run(jobs) => Response::Done {
                pid,
                init_runs: init_runs(),
                values: jobs.iter().map(|job| state.run(job)).collect(),
            },
        };
        send_message(&mut output, &response)?;
    }
    Ok(())
}

/// How long a worker whose stdout closed gets to finish exiting before it
/// is killed (it is usually gone already).
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// The parent's handle on one worker process.
///
/// Dropping it kills and reaps the worker (no zombie), so a `Worker` that
/// goes out of scope on an error path leaves nothing running.
#[derive(Debug)]
pub struct Worker {
    /// The worker process.
    child: Child,
    /// Its stdin, where requests go; `None` once closed by [`Worker::shutdown`].
    stdin: Option<ChildStdin>,
    /// Lines from its stdout, parsed by the reader thread, in order. The
    /// reader drops its sender, disconnecting this, when stdout closes.
    replies: Receiver<Result<Response, IpcError>>,
    /// The reader thread; joined on shutdown and drop.
    reader: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts `program` with `args` (for the course's worker: `["serve"]`),
    /// its stdin and stdout piped and its stderr inherited, and a reader
    /// thread that feeds `replies` with [`recv_message`] until end of file.
    ///
    /// Errors: [`IpcError::Spawn`] naming the program.
    pub fn spawn(program: &Path, args: &[&str]) -> Result<Self, IpcError> {
        // TODO: `Command` with piped stdin and stdout; take the stdout, wrap
        // it in a `BufReader`, and move it into a thread that loops on
        // `recv_message` and sends each `Ok(Some)` or `Err` down an mpsc
        // channel; it stops at `Ok(None)` or an I/O error.
        use std::io::BufReader;
        use std::process::{Command, Stdio};
        use std::sync::mpsc;
        use std::thread;

        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|source| IpcError::Spawn {
                program: program.to_owned(),
                source,
            })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let (tx, replies) = mpsc::channel();
        let reader = thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            let mut stdout = BufReader::new(stdout);
            loop {
                match recv_message::<Response>(&mut stdout) {
                    Ok(None) => break,
                    Ok(Some(response)) => {
                        if tx.send(Ok(response)).is_err() {
                            break;
                        }
                    }
                    // A bad line does not end the stream; the next may be fine.
                    Err(err @ IpcError::Malformed { .. }) => {
                        if tx.send(Err(err)).is_err() {
                            break;
                        }
                    }
                    Err(err) => {
                        let _ = tx.send(Err(err));
                        break;
                    }
                }
            }
        });
        Ok(Self {
            child,
            stdin,
            replies,
            reader: Some(reader),
        })
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one request without waiting for its answer.
    ///
    /// Errors: [`IpcError::ChildDied`] (the worker reaped) when the worker
    /// is gone (`BrokenPipe`), or was shut down; [`IpcError::Io`] otherwise.
    pub fn send(&mut self, request: &Request) -> Result<(), IpcError> {
        // TODO: `send_message` to stdin; a `BrokenPipe` (or no stdin) means
        // the worker is gone: reap it and report `ChildDied`.
        let sent = match self.stdin.as_mut() {
            Some(stdin) => send_message(stdin, request),
            None => Err(IpcError::Io(io::ErrorKind::BrokenPipe.into())),
        };
        match sent {
            Err(IpcError::Io(err)) if err.kind() == io::ErrorKind::BrokenPipe => Err(self.died()),
            other => other,
        }
    }

    /// Waits at most `timeout` for the worker's next response.
    ///
    /// Errors: [`IpcError::Malformed`] for a line that is not a `Response`
    /// (the worker keeps running); [`IpcError::ChildDied`] as soon as the
    /// worker's stdout closes, with its reaped exit status;
    /// [`IpcError::Timeout`] when nothing came in time (the worker is
    /// killed and reaped).
    pub fn recv(&mut self, timeout: Duration) -> Result<Response, IpcError> {
        // TODO: `recv_timeout` on `replies`: a message is the answer (or a
        // `Malformed`), `Disconnected` means the worker is gone (reap it),
        // `Timeout` means kill and reap it.
        use std::sync::mpsc::RecvTimeoutError;

        match self.replies.recv_timeout(timeout) {
            Ok(reply) => reply,
            Err(RecvTimeoutError::Disconnected) => Err(self.died()),
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err(IpcError::Timeout {
                    pid: self.pid(),
                    after: timeout,
                })
            }
        }
    }

    /// [`Worker::send`], then [`Worker::recv`]: one round trip.
    pub fn request(&mut self, request: &Request, timeout: Duration) -> Result<Response, IpcError> {
        self.send(request)?;
        self.recv(timeout)
    }

    /// Closes the worker's stdin (its signal to finish) and waits at most
    /// `timeout` for it to exit; returns its exit status. A worker that is
    /// already dead just has its status returned.
    ///
    /// Errors: [`IpcError::Timeout`] when it did not exit in time (it is
    /// killed and reaped); [`IpcError::Io`] if waiting fails.
    pub fn shutdown(self, timeout: Duration) -> Result<ExitStatus, IpcError> {
        // TODO: drop the stdin, then poll `try_wait` until the timeout; kill
        // and reap on overrun. (`Drop` still runs afterwards: make sure it
        // copes with a reaped child.)
        use std::thread;
        use std::time::Instant;

        let mut worker = self;
        drop(worker.stdin.take());
        let started = Instant::now();
        loop {
            if let Some(status) = worker.child.try_wait().map_err(IpcError::Io)? {
                return Ok(status);
            }
            if started.elapsed() >= timeout {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
                return Err(IpcError::Timeout {
                    pid: worker.pid(),
                    after: timeout,
                });
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// The worker stopped talking: gives it [`EXIT_GRACE`] to exit, kills it
    /// if it is still there, reaps it, and returns [`IpcError::ChildDied`].
    fn died(&mut self) -> IpcError {
        // TODO: poll `try_wait` for up to `EXIT_GRACE`, then `kill` + `wait`.
        use std::thread;
        use std::time::Instant;

        let started = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() < EXIT_GRACE => {
                    thread::sleep(Duration::from_millis(1));
                }
                Ok(None) => {
                    let _ = self.child.kill();
                    break self.child.wait();
                }
                Err(err) => break Err(err),
            }
        };
        match status {
            Ok(status) => IpcError::ChildDied {
                pid: self.pid(),
                status,
            },
            Err(err) => IpcError::Io(err),
        }
    }
}

impl Drop for Worker {
    /// Kills and reaps the worker if it is still running, then joins the
    /// reader thread (its pipe closed when the worker died).
    fn drop(&mut self) {
        // TODO: close stdin, `kill` (an error only means it already ended),
        // `wait`, then join the reader.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}
