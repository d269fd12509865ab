//! Running a child command with bounded memory for its output.
//!
//! Student tests can print megabytes; the checker keeps the first and last
//! part of each stream and counts what it dropped, so a runaway test can never
//! exhaust memory or bury the report.

use std::collections::VecDeque;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};

/// What a finished command left behind.
#[derive(Debug)]
pub struct Output {
    /// How it exited.
    pub status: ExitStatus,
    /// Its standard output, possibly cut in the middle.
    pub stdout: String,
    /// Its standard error, possibly cut in the middle.
    pub stderr: String,
}

/// Headroom of processes a graded run may start beyond those the user
/// already has (see [`limit_processes`]).
pub const PROCESS_HEADROOM: u64 = 2048;

/// Runs `command` to completion, keeping at most `limit` bytes of each stream
/// (half from the start, half from the end). Invalid UTF-8 is replaced.
///
/// The child leads a process group of its own, registered with
/// [`crate::interrupt`], so Ctrl-C stops it and everything it started, and it
/// runs under [`limit_processes`].
pub fn run_bounded(command: &mut Command, limit: usize) -> std::io::Result<Output> {
    run_bounded_watching(command, limit, &mut |_| {})
}

/// [`run_bounded`], with `on_line` called on each line of standard output as
/// it arrives (on the calling thread), so a long command can be followed
/// while it runs: cargo's JSON messages name each unit it compiles.
pub fn run_bounded_watching(
    command: &mut Command,
    limit: usize,
    on_line: &mut dyn FnMut(&str),
) -> std::io::Result<Output> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_group_and_limits(command);
    let mut child = command.spawn()?;
    // Windows: the command and everything it starts live in a Job Object,
    // capped in processes and killed whole when it closes (dropped below).
    #[cfg(windows)]
    let job = match windows::Job::enclose(&child) {
        Ok(job) => job,
        Err(err) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "could not put {:?} in a Job Object of its own: {err}",
                command.get_program()
            )));
        }
    };
    let _registered = crate::interrupt::ChildGuard::new(child.id());
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    // Drain both pipes at once: draining one after the other can deadlock
    // when the child fills the other pipe's buffer.
    let (stdout, stderr) = std::thread::scope(|scope| {
        let err = scope.spawn(move || stderr.map(|s| drain(s, limit)).unwrap_or_default());
        let out = stdout
            .map(|s| drain(LineTap::new(s, on_line), limit))
            .unwrap_or_default();
        (out, err.join().unwrap_or_default())
    });
    let status = child.wait()?;
    #[cfg(windows)]
    drop(job);
    // What a test detached (`setsid`, a double fork) and left running was
    // adopted by the checker (see [`adopt_orphans`]): it ends here, with the
    // command that started it, before anything else is run or timed.
    end_orphans();
    // A child stopped by Ctrl-C must not be graded as if it had finished.
    crate::interrupt::halt_if_interrupted();
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

/// Makes the checker the "subreaper" of everything it starts (Linux): a
/// process that a test detaches from its parent and its process group —
/// `setsid`, a double fork, a daemon — is re-parented to the checker instead
/// of to init, so [`end_orphans`] can find and end it. Without this, a
/// spinner left behind by one test would keep a core busy while the next
/// perf check is timed. Elsewhere this does nothing (the process-group kill
/// of a timed-out test is all there is).
pub fn adopt_orphans() {
    fixtures::contain::become_subreaper();
}

/// Kills and reaps every child of the checker that no running command of
/// its own accounts for: what tests left behind, adopted through
/// [`adopt_orphans`]. Called after each command, when nothing else of the
/// checker's is running (grading runs one command at a time).
fn end_orphans() {
    fixtures::contain::end_children(|pid| {
        i32::try_from(pid).is_ok_and(crate::interrupt::is_running_command)
    });
}

/// Puts the child in a process group of its own, with the stop signals
/// unblocked and RLIMIT_NPROC lowered (Unix). On Windows the Job Object of
/// [`run_bounded`] does both jobs; elsewhere no cap applies and `checker
/// doctor` says so.
fn own_group_and_limits(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let max_processes = unix::process_limit();
        command.process_group(0);
        // Safety: the closure runs between fork and exec and only calls
        // sigprocmask, getrlimit and setrlimit, which are async-signal-safe; it
        // touches no locks and allocates nothing.
        unsafe {
            command.pre_exec(move || {
                // The checker blocks the stop signals for its own handler; the
                // child must get them, or nextest could not stop its tests.
                crate::interrupt::unblock_in_child();
                if let Some(max) = max_processes {
                    unix::limit_processes(max)?;
                }
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Whether graded runs are capped in processes here (see
/// [`own_group_and_limits`]), for `checker doctor`.
pub fn process_cap_enforced() -> bool {
    cfg!(any(unix, windows))
}

#[cfg(windows)]
mod windows {
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_ACTIVE_PROCESS,
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JobObjectExtendedLimitInformation, SetInformationJobObject,
    };

    use super::PROCESS_HEADROOM;

    /// A Job Object holding one command and every process it starts: at
    /// most [`PROCESS_HEADROOM`] of them at once (Windows' counterpart of
    /// RLIMIT_NPROC), and all of them killed when the job closes, detached
    /// or not (the counterpart of the process-group kill and subreaper).
    ///
    /// A process the command starts in the instant between its spawn and
    /// [`Job::enclose`] escapes the job; nextest starts nothing that fast
    /// (it runs cargo first).
    pub struct Job(HANDLE);

    impl Job {
        /// A fresh job with those limits, with `child` assigned to it.
        pub fn enclose(child: &std::process::Child) -> std::io::Result<Self> {
            use std::os::windows::io::AsRawHandle;

            // Safety: a job handle we own (closed once, in `drop`); the
            // limit structure is zeroed (valid) with the fields we set, and
            // passed with its exact size; the child's handle stays open
            // for the call, as `child` is borrowed.
            unsafe {
                let handle = CreateJobObjectW(std::ptr::null(), std::ptr::null());
                if handle.is_null() {
                    return Err(std::io::Error::last_os_error());
                }
                let job = Self(handle);
                let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
                limits.BasicLimitInformation.LimitFlags =
                    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_ACTIVE_PROCESS;
                limits.BasicLimitInformation.ActiveProcessLimit =
                    u32::try_from(PROCESS_HEADROOM).unwrap_or(u32::MAX);
                let size = u32::try_from(size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>())
                    .map_err(std::io::Error::other)?;
                if SetInformationJobObject(
                    job.0,
                    JobObjectExtendedLimitInformation,
                    (&raw const limits).cast(),
                    size,
                ) == 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                if AssignProcessToJobObject(job.0, child.as_raw_handle()) == 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(job)
            }
        }
    }

    impl Drop for Job {
        /// Closing the last handle kills every process still in the job.
        fn drop(&mut self) {
            // Safety: our own handle, closed exactly once.
            unsafe {
                CloseHandle(self.0);
            }
        }
    }
}

#[cfg(unix)]
mod unix {
    use super::PROCESS_HEADROOM;

    /// The RLIMIT_NPROC to give graded runs, or `None` where it would not bind.
    ///
    /// A fork storm in a student's test (the multiprocessing exercises spawn
    /// processes) must not take the machine down. RLIMIT_NPROC caps the processes
    /// of the *user*, so the cap is what the user runs now plus
    /// [`PROCESS_HEADROOM`]. The kernel ignores it for root; there the
    /// grading profile's timeout and the process-group kill of the test bound the
    /// storm instead.
    pub fn process_limit() -> Option<u64> {
        // Safety: geteuid has no preconditions.
        let uid = unsafe { libc::geteuid() };
        if uid == 0 {
            return None;
        }
        let running = std::fs::read_dir("/proc")
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter(|e| {
                use std::os::unix::fs::MetadataExt;
                e.metadata().is_ok_and(|m| m.uid() == uid)
            })
            .count() as u64;
        Some(running + PROCESS_HEADROOM)
    }

    /// Lowers this process's RLIMIT_NPROC soft limit to `max` (never raises it).
    pub fn limit_processes(max: u64) -> std::io::Result<()> {
        let mut current = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // Safety: `current` is a valid, writable rlimit.
        if unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut current) } != 0 {
            return Ok(());
        }
        if current.rlim_cur <= max {
            return Ok(());
        }
        let lowered = libc::rlimit {
            rlim_cur: max,
            rlim_max: current.rlim_max,
        };
        // Safety: `lowered` is a valid rlimit; lowering a soft limit is always allowed.
        unsafe { libc::setrlimit(libc::RLIMIT_NPROC, &lowered) };
        Ok(())
    }
}

/// Reads `reader` to its end, keeping the first and last `limit / 2` bytes.
pub fn drain(mut reader: impl Read, limit: usize) -> String {
    let half = (limit / 2).max(1);
    let mut head = Vec::new();
    let mut tail = VecDeque::new();
    let mut dropped = 0usize;
    let mut buf = [0u8; 8192];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        for &byte in &buf[..n] {
            if head.len() < half {
                head.push(byte);
            } else {
                tail.push_back(byte);
                if tail.len() > half {
                    tail.pop_front();
                    dropped += 1;
                }
            }
        }
    }
    let mut text = String::from_utf8_lossy(&head).into_owned();
    if dropped > 0 {
        text.push_str(&format!("\n… [{dropped} bytes of output omitted] …\n"));
    }
    tail.make_contiguous();
    text.push_str(&String::from_utf8_lossy(tail.as_slices().0));
    text
}

/// A reader that hands every complete line it passes on to a callback
/// (lossily decoded; a line longer than [`LineTap::MAX_LINE`] bytes is
/// passed on but not handed over, so a runaway line costs no memory).
struct LineTap<'a, R> {
    inner: R,
    line: Vec<u8>,
    overlong: bool,
    on_line: &'a mut dyn FnMut(&str),
}

impl<'a, R> LineTap<'a, R> {
    const MAX_LINE: usize = 1 << 20;

    fn new(inner: R, on_line: &'a mut dyn FnMut(&str)) -> Self {
        Self {
            inner,
            line: Vec::new(),
            overlong: false,
            on_line,
        }
    }
}

impl<R: Read> Read for LineTap<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            if byte == b'\n' {
                if !self.overlong {
                    (self.on_line)(&String::from_utf8_lossy(&self.line));
                }
                self.line.clear();
                self.overlong = false;
            } else if self.line.len() < Self::MAX_LINE {
                self.line.push(byte);
            } else {
                self.overlong = true;
            }
        }
        Ok(n)
    }
}

/// `text` cut to at most `max_chars` characters, marking the cut.
pub fn truncate_chars(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}… [truncated]", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tap_hands_over_each_line_and_passes_everything_on() {
        let mut lines = Vec::new();
        let mut on_line = |line: &str| lines.push(line.to_owned());
        let text = drain(LineTap::new(&b"one\ntwo\nthree"[..], &mut on_line), 100);
        assert_eq!(text, "one\ntwo\nthree");
        assert_eq!(lines, ["one", "two"], "a line is handed over once it ends");
    }

    #[test]
    fn short_output_is_kept_whole() {
        assert_eq!(drain(&b"hello"[..], 100), "hello");
    }

    #[test]
    fn long_output_keeps_head_and_tail_and_counts_the_rest() {
        let data: Vec<u8> = (0..10_000).map(|i| b'a' + (i % 26) as u8).collect();
        let text = drain(&data[..], 100);
        assert!(text.starts_with(std::str::from_utf8(&data[..50]).unwrap()));
        assert!(text.ends_with(std::str::from_utf8(&data[data.len() - 50..]).unwrap()));
        assert!(text.contains("[9900 bytes of output omitted]"), "{text}");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(drain(&[b'o', 0xff, b'k'][..], 100), "o\u{fffd}k");
    }

    #[test]
    fn a_real_child_is_run_and_its_streams_captured() {
        let out = run_bounded(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            1024,
        )
        .unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, "out\n");
        assert_eq!(out.stderr, "err\n");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate_chars("abcdef", 3), "abc… [truncated]");
        assert_eq!(truncate_chars("abc", 3), "abc");
    }
}
