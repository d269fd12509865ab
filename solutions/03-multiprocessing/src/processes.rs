//! Task 1 — start worker processes, wait for them all, kill the ones that overrun.
//!
//! **What.** [`run_all`] starts one child process per [`WorkerCommand`], all
//! of them before it waits for any, then waits for every one until a shared
//! deadline, reads how each ended ([`Ending`]) and kills the ones still
//! running when the deadline passes. It returns only when every child it
//! started has been *reaped*.
//!
//! Three facts of process life this task is about:
//!
//! - **Start everything, then wait.** `spawn` returns as soon as the child
//!   exists; `wait` blocks until it exits. Spawn-wait-spawn-wait runs the
//!   children one after another, which is exactly what a pool must not do.
//!   The tests make the children meet at a barrier ([`crate::protocol::rendezvous`]),
//!   so a one-at-a-time parent fails instead of merely being slow.
//! - **Exit status.** A child either *exited* with a code (0 is success) or
//!   was *killed by a signal* and has no code at all: `status.code()` is
//!   `None`, and `std::os::unix::process::ExitStatusExt::signal` says
//!   which signal (6 for `abort`, 9 for `SIGKILL`). Windows has no
//!   signals: every ending there has an exit code, a crash included
//!   (`abort` exits with `0xC0000409`, a fail-fast), and `kill` is
//!   `TerminateProcess`, which sets exit code 1.
//! - **Zombies.** A child that has ended keeps its entry in the process
//!   table, with its exit status, until the parent *reaps* it with `wait`
//!   (or a `try_wait` that returns `Some`). `kill` does not reap. Dropping a
//!   [`std::process::Child`] neither kills nor reaps it. A parent that
//!   forgets leaves zombies until it exits itself; a long-running server
//!   that forgets fills the process table.
//!
//! std has no "wait with a timeout": poll [`Child::try_wait`] with short
//! sleeps until the deadline, which costs nothing measurable at 1-5 ms.
//!
//! **Why.** This is the skeleton of every process pool and supervisor:
//! start N, watch them, put a deadline on them. A process, unlike a thread,
//! can always be killed from outside, which makes it the right home for
//! work that might hang.
//!
//! **When to choose it.** Processes for isolation (a crash or a hang must
//! not take the parent down, a hard kill after a deadline, another program).
//! For CPU speed alone, Rust threads already use every core (exercise 01);
//! processes do too, at the price measured in `examples/costs.rs`.
//!
//! **Python.** `p = Process(target=f); p.start(); p.join(timeout);
//! p.exitcode` — where `exitcode` is negative (`-9`) for a signal, and
//! `p.terminate()` sends `SIGTERM`. `multiprocessing` reaps finished
//! children for you whenever you start a new one; Rust does exactly what you
//! write, so the reaping is yours.
//!
//! [`Child::try_wait`]: std::process::Child::try_wait

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

/// One child process to start: a program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The program to run.
    pub program: PathBuf,
    /// Its arguments (not including the program name).
    pub args: Vec<String>,
}

impl WorkerCommand {
    /// `program` with `args`.
    pub fn new(program: impl Into<PathBuf>, args: &[&str]) -> Self {
        Self {
            program: program.into(),
            args: args.iter().map(|&a| a.to_owned()).collect(),
        }
    }
}

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited by itself with this exit code (0 means success).
    Exited(i32),
    /// A signal ended it (not our deadline kill): the signal's number.
    /// Unix only: on Windows every ending is [`Ending::Exited`].
    Signalled(i32),
    /// It overran the deadline; [`run_all`] killed it (and reaped it).
    Killed,
}

/// One child process, after it ended and was reaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// Its process id (already free for reuse by the system).
    pub pid: u32,
    /// How it ended.
    pub ending: Ending,
}

/// A child process could not be started.
#[derive(Debug)]
pub struct SpawnError {
    /// Position of the failed command in the slice given to [`run_all`].
    pub index: usize,
    /// Its program.
    pub program: PathBuf,
    /// What the operating system said.
    pub source: io::Error,
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to start worker {} ({}): {}",
            self.index,
            self.program.display(),
            self.source
        )
    }
}

impl std::error::Error for SpawnError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// How a child that ended by itself ended: [`Ending::Exited`] with its exit
/// code, or [`Ending::Signalled`] with the signal that ended it.
///
/// (On Unix a status has exactly one of the two; if neither were set, treat
/// it as `Exited(-1)`. On Windows a status always has a code.)
pub fn ending_of(status: ExitStatus) -> Ending {
    // TODO: `status.code()` for a normal exit; otherwise the signal, from
    // `std::os::unix::process::ExitStatusExt::signal`, which exists only on
    // Unix: put that part in a `#[cfg(unix)]` block.
    if let Some(code) = status.code() {
        return Ending::Exited(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;

        if let Some(signal) = status.signal() {
            return Ending::Signalled(signal);
        }
    }
    Ending::Exited(-1)
}

/// Runs every command as a child process at the same time and waits for
/// all of them, killing any still running `deadline` after the first start.
///
/// Contract:
/// - every child is started before this function waits for any; children
///   get a null stdin and inherit stdout and stderr;
/// - the result has one [`Finished`] per command, in command order;
/// - a child still running at the deadline is killed, reaped, and reported
///   as [`Ending::Killed`]; the call returns within about `deadline` plus a
///   few milliseconds, however long the children would have run;
/// - every child started has been reaped when this returns (no zombies),
///   on success and on error;
/// - if command `i` cannot be started, the children already started are
///   killed and reaped, and the error names `i` and its program.
pub fn run_all(
    commands: &[WorkerCommand],
    deadline: Duration,
) -> Result<Vec<Finished>, SpawnError> {
    // TODO: spawn every command (kill and reap the started ones if a spawn
    // fails), then loop: `try_wait` each child not yet finished, sleep a
    // millisecond or two, until all have ended or the deadline has passed.
    // At the deadline, `kill` and then `wait` the rest.
    use std::process::{Child, Command, Stdio};
    use std::thread;
    use std::time::Instant;

    let started = Instant::now();
    let mut children: Vec<Child> = Vec::with_capacity(commands.len());
    for (index, command) in commands.iter().enumerate() {
        let spawned = Command::new(&command.program)
            .args(&command.args)
            .stdin(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(source) => {
                for mut child in children {
                    // `kill` fails only for a child that already exited;
                    // `wait` reaps it either way.
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(SpawnError {
                    index,
                    program: command.program.clone(),
                    source,
                });
            }
        }
    }

    let mut endings: Vec<Option<Ending>> = vec![None; children.len()];
    loop {
        for (child, ending) in children.iter_mut().zip(&mut endings) {
            if ending.is_none()
                && let Ok(Some(status)) = child.try_wait()
            {
                *ending = Some(ending_of(status));
            }
        }
        if endings.iter().all(Option::is_some) {
            break;
        }
        let left = deadline.saturating_sub(started.elapsed());
        if left.is_zero() {
            for (child, ending) in children.iter_mut().zip(&mut endings) {
                if ending.is_none() {
                    let _ = child.kill();
                    // Reap it: a killed child stays a zombie until waited for.
                    *ending = Some(match child.wait() {
                        // It may have exited by itself just before the kill.
                        Ok(status) if status.code().is_some() => ending_of(status),
                        _ => Ending::Killed,
                    });
                }
            }
            break;
        }
        thread::sleep(left.min(Duration::from_millis(2)));
    }

    Ok(children
        .iter()
        .zip(endings)
        .map(|(child, ending)| Finished {
            pid: child.id(),
            ending: ending.unwrap_or(Ending::Killed),
        })
        .collect())
}
