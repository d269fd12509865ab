//! Task 3 — run a child process, talk to it through pipes, kill it on a deadline.
//!
//! **What.** [`std::process::Command`] starts another program as a child
//! process. With `Stdio::piped()` its stdin and stdout become pipes the
//! parent can write to and read from. [`Child::wait`] waits for it to exit
//! and returns its [`ExitStatus`]; [`Child::kill`] sends it `SIGKILL`.
//!
//! Two traps wait here, and the tests spring both:
//!
//! - **Pipe deadlock.** A pipe holds about 64 KiB. If the parent writes all
//!   of a large input before reading any output, the child fills its stdout
//!   pipe, stops reading stdin, and parent and child wait for each other
//!   forever. Feed stdin from its own thread while the parent reads stdout,
//!   and close stdin (drop it) so the child sees end of input.
//! - **Zombies.** A child that exited (or was killed) keeps an entry in the
//!   process table until its parent *reaps* it with `wait`. Killing without
//!   waiting leaves a zombie behind; dropping a [`Child`] does not wait.
//!
//! **Why.** A process is the unit of *isolation*: its crash, its memory
//! corruption, its infinite loop cannot touch you, and you can always kill
//! it. That makes processes the right tool for running other programs and
//! for untrusted or flaky work that needs a hard deadline. A thread cannot be
//! killed from outside at all; it can only be asked to stop (task 7).
//!
//! **When to choose it.** To run another program, or when a failure must not
//! take your process down. Not for speed: in Rust, threads already use every
//! core, and a process costs about a millisecond to start plus the cost of
//! serialising everything you send it.
//!
//! **Python.** `subprocess.run(cmd, input=..., capture_output=True,
//! timeout=...)` does all of this in one call (and `communicate` exists
//! precisely to avoid the pipe deadlock). `multiprocessing.Process` forks a
//! copy of the interpreter to run Python code, which is how Python gets
//! around the GIL for CPU work; Rust does not need that (see [`crate`]).
//!
//! [`Child::wait`]: std::process::Child::wait
//! [`Child::kill`]: std::process::Child::kill
//! [`Child`]: std::process::Child

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

/// What a child process left behind.
#[derive(Debug)]
pub struct ChildOutput {
    /// How it exited; `status.code()` is its exit code.
    pub status: ExitStatus,
    /// Everything it wrote to stdout (invalid UTF-8 replaced by `�`).
    pub stdout: String,
}

/// Why running a child process failed.
#[derive(Debug)]
pub enum ChildError {
    /// The program could not be started (missing, not executable, …).
    Spawn {
        /// The program we tried to start.
        program: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// Talking to or waiting for the started child failed.
    Io(io::Error),
    /// The child ran past its deadline; it has been killed and reaped.
    Timeout {
        /// The killed child's process id.
        pid: u32,
        /// The deadline it overran.
        deadline: Duration,
    },
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spawn { program, source } => {
                write!(f, "failed to start {}: {source}", program.display())
            }
            Self::Io(err) => write!(f, "failed to talk to the child process: {err}"),
            Self::Timeout { pid, deadline } => write!(
                f,
                "child process {pid} overran its deadline of {deadline:?} and was killed"
            ),
        }
    }
}

impl std::error::Error for ChildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Spawn { source, .. } | Self::Io(source) => Some(source),
            Self::Timeout { .. } => None,
        }
    }
}

/// Runs `program` with `args`, writes `input` to its stdin and closes it,
/// captures its stdout, and waits for it to exit.
///
/// The child's stderr goes to ours. Input of any size works: stdin is fed
/// while stdout is read, so a full pipe cannot deadlock the two processes.
/// A child that exits without reading all its input is not an error.
///
/// Errors: [`ChildError::Spawn`] if the program cannot be started (this
/// function never panics for a bad path), [`ChildError::Io`] if reading its
/// output or waiting for it fails. There is no deadline: a child that never
/// exits blocks this call forever (see [`run_child_with_deadline`]).
pub fn run_child(program: &Path, args: &[&str], input: &str) -> Result<ChildOutput, ChildError> {
    // TODO: build a `Command` with piped stdin and stdout, spawn it, take its
    // stdin and write `input` on a separate (scoped) thread, then collect the
    // output with `wait_with_output` and convert it.
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::thread;

    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| ChildError::Spawn {
            program: program.to_owned(),
            source,
        })?;
    let mut stdin = child.stdin.take();
    let output = thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                // A child may exit without reading everything: a broken pipe
                // here is its business, and its exit status tells the story.
                let _ = stdin.write_all(input.as_bytes());
            }
            // Dropping `stdin` closes the pipe: the child sees end of input.
        });
        child.wait_with_output()
    })
    .map_err(ChildError::Io)?;
    Ok(ChildOutput {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    })
}

/// Like [`run_child`], but if the child has not exited `deadline` after it
/// started, kills it, reaps it (waits for it, so no zombie is left), and
/// returns [`ChildError::Timeout`] carrying its pid.
///
/// Returns within about `deadline` plus a few milliseconds, whether or not
/// the child reads its input. Other errors as for [`run_child`].
pub fn run_child_with_deadline(
    program: &Path,
    args: &[&str],
    input: &str,
    deadline: Duration,
) -> Result<ChildOutput, ChildError> {
    // TODO: spawn as in `run_child`, but feed stdin and drain stdout on two
    // scoped threads while this thread polls `try_wait` until the deadline
    // (std has no `wait_timeout`). On overrun: `kill`, then `wait`, then
    // report the timeout.
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::thread;
    use std::time::Instant;

    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| ChildError::Spawn {
            program: program.to_owned(),
            source,
        })?;
    let pid = child.id();
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                // Broken pipe: the child exited or was killed; see `run_child`.
                let _ = stdin.write_all(input.as_bytes());
            }
        });
        // The reader ends at end of file: when the child exits or is killed.
        let reader = scope.spawn(move || {
            let mut bytes = Vec::new();
            if let Some(stdout) = stdout.as_mut() {
                stdout.read_to_end(&mut bytes)?;
            }
            Ok::<_, io::Error>(bytes)
        });

        let status = loop {
            if let Some(status) = child.try_wait().map_err(ChildError::Io)? {
                break status;
            }
            let left = deadline.saturating_sub(started.elapsed());
            if left.is_zero() {
                // Kill, then reap: `wait` removes the dead child's entry
                // from the process table. (`kill` fails only if it has
                // exited meanwhile, which `wait` handles just as well.)
                let _ = child.kill();
                child.wait().map_err(ChildError::Io)?;
                return Err(ChildError::Timeout { pid, deadline });
            }
            thread::sleep(left.min(Duration::from_millis(5)));
        };
        let bytes = reader
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            .map_err(ChildError::Io)?;
        Ok(ChildOutput {
            status,
            stdout: String::from_utf8_lossy(&bytes).into_owned(),
        })
    })
}
