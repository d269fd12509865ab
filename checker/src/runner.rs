//! The test runner: nextest runs every graded test binary through it
//! (`checker run-test <binary> <args…>`, set as cargo's target runner by
//! [`crate::nextest`]), so the verdict on each test comes from a process the
//! student's code cannot reach.
//!
//! For one test (`--exact NAME`), the runner
//!
//! 1. seals itself from other processes (`/proc/<pid>/{mem,fd,environ}`,
//!    ptrace) and becomes the subreaper of everything the test starts;
//! 2. hands the test process a fresh secret on a pipe and a second pipe to
//!    answer on (`fixtures::proof`); takes `COURSE_PERF_DIR` and its own
//!    setting out of its environment; lets it write files only in a private
//!    temporary directory (its `TMPDIR`, removed afterwards) and `/dev/shm`
//!    (Landlock), so it cannot rewrite the tests of an exercise graded
//!    later, the record folder, or the checker itself;
//! 3. waits for the test process, then kills and reaps every process it
//!    left behind, however detached;
//! 4. fails a test that exited 0 after taking the secret but never sent it
//!    back with its name — proof that the test body returned;
//! 5. for a perf test, clears `COURSE_PERF_DIR` and writes there the one
//!    record that came back with the secret, after step 3: nothing of the
//!    student's is alive to write over it.
//!
//! Listing (`--list`) and anything else it does not recognise is run as is.
//! Elsewhere than on Linux (`pipe2`, `/proc`, subreapers) the binary is run
//! as is: passes are then not proven there.

use std::ffi::OsString;
use std::process::{Command, ExitCode};

/// The hidden subcommand nextest calls: `checker run-test <binary> <args…>`.
pub const SUBCOMMAND: &str = "run-test";

/// Names the folder under which the runner makes each test a private
/// temporary directory (the only place it may write files, besides
/// `/dev/shm`). Set by [`crate::nextest`]; without it, the system's.
pub const TEST_TMP_ENV: &str = "COURSE_TEST_TMP";

/// Exit code of a test the runner failed itself (libtest's own is 101).
#[cfg(target_os = "linux")]
const NOT_PROVEN: u8 = 1;

/// Most bytes kept of what a test process sends on its answering pipe.
#[cfg(target_os = "linux")]
const ANSWER_LIMIT: usize = 1 << 20;

/// Runs one test binary (see the module docs); `args` are what follows the
/// subcommand.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let mut args = args.into_iter();
    let Some(binary) = args.next() else {
        eprintln!("checker: {SUBCOMMAND} needs a test binary to run");
        return ExitCode::from(2);
    };
    let args: Vec<OsString> = args.collect();
    match exact_test_name(&args) {
        Some(name) if !args.iter().any(|a| a == "--list") => imp::run_one(&binary, &args, &name),
        _ => pass_through(Command::new(&binary).args(&args)),
    }
}

/// The environment variable and value that make cargo (and nextest) run
/// every test binary of the host through this runner, or why not.
///
/// The variable (`CARGO_TARGET_<host triple>_RUNNER`) outranks any
/// `.cargo/config.toml`. Cargo splits its value on whitespace, so a checker
/// whose path holds a space is reached through a symlink without one.
pub fn cargo_runner_env() -> Result<(String, OsString), String> {
    static ENV: std::sync::OnceLock<Result<(String, OsString), String>> =
        std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let triple = host_triple()?;
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find the checker's own executable: {e}"))?;
        let exe = path_without_whitespace(exe)?;
        let key = format!(
            "CARGO_TARGET_{}_RUNNER",
            triple.to_uppercase().replace(['-', '.'], "_")
        );
        let mut value = exe.into_os_string();
        value.push(" ");
        value.push(SUBCOMMAND);
        Ok((key, value))
    })
    .clone()
}

/// The host triple cargo builds for, from `rustc -vV`.
fn host_triple() -> Result<String, String> {
    let out = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_owned())
        .ok_or_else(|| "rustc -vV did not name the host triple".to_owned())
}

fn path_without_whitespace(exe: std::path::PathBuf) -> Result<std::path::PathBuf, String> {
    if !exe.to_string_lossy().contains(char::is_whitespace) {
        return Ok(exe);
    }
    #[cfg(unix)]
    {
        let link = std::env::temp_dir().join(format!("course-checker-{}", std::process::id()));
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&exe, &link)
            .map_err(|e| format!("cannot link {} to {}: {e}", link.display(), exe.display()))?;
        if !link.to_string_lossy().contains(char::is_whitespace) {
            return Ok(link);
        }
    }
    Err(format!(
        "the checker's path {} holds whitespace, which cargo's runner setting cannot take",
        exe.display()
    ))
}

/// The test nextest asks for: the argument after `--exact`, when that is
/// the only test name given.
fn exact_test_name(args: &[OsString]) -> Option<String> {
    let at = args.iter().position(|a| a == "--exact")?;
    let name = args.get(at + 1)?.to_str()?;
    (!name.starts_with('-')).then(|| name.to_owned())
}

fn pass_through(command: &mut Command) -> ExitCode {
    match command.status() {
        Ok(status) => exit_like(status),
        Err(e) => {
            eprintln!("checker: failed to start the test binary: {e}");
            ExitCode::from(2)
        }
    }
}

/// Ends the runner the way the test process ended: the same exit code, or
/// the same signal (so nextest reports a crash as a crash).
fn exit_like(status: std::process::ExitStatus) -> ExitCode {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            // Safety: restoring the default action and raising the signal in
            // this process only; if it does not end the process (a signal
            // whose default is to be ignored), fall through to an exit code.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
            return ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX));
        }
    }
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1).max(1)),
        None => ExitCode::FAILURE,
    }
}

/// The message a test gets when it exited 0 without proof. The checker
/// shows lines starting `checker:` as the failure's message.
#[cfg(target_os = "linux")]
fn not_proven_message(name: &str) -> String {
    format!(
        "checker: `{name}` exited with status 0 before its test body returned (no proof of the \
         body's end came back), so it is not a pass: something in the code under test ended the \
         process early, e.g. std::process::exit"
    )
}

#[cfg(target_os = "linux")]
mod imp {
    use std::ffi::OsString;
    use std::io::Read;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::path::Path;
    use std::process::{Command, ExitCode};
    use std::sync::mpsc;
    use std::time::Duration;

    use fixtures::perf::{PERF_DIR_ENV, PerfRecord};
    use fixtures::proof::{Answers, PROOF_FDS_ENV};

    use super::{ANSWER_LIMIT, NOT_PROVEN, exit_like, not_proven_message, pass_through};

    pub fn run_one(binary: &OsString, args: &[OsString], name: &str) -> ExitCode {
        fixtures::contain::seal_from_other_processes();
        fixtures::contain::become_subreaper();
        let perf_dir = std::env::var_os(PERF_DIR_ENV);
        let mut command = Command::new(binary);
        command.args(args).env_remove(PERF_DIR_ENV);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_TARGET_") && key.ends_with("_RUNNER") {
                command.env_remove(key.as_ref());
            }
        }
        let (Ok(secret), Ok((secret_read, secret_write)), Ok((answer_read, answer_write))) =
            (fresh_secret(), pipe(), pipe())
        else {
            eprintln!("checker: could not make the proof pipes; running the test unproven");
            return pass_through(&mut command);
        };
        {
            let mut secret_write = std::fs::File::from(secret_write);
            if std::io::Write::write_all(&mut secret_write, secret.as_bytes()).is_err() {
                eprintln!("checker: could not hand over the proof secret");
                return ExitCode::from(2);
            }
        }
        let (secret_fd, answer_fd) = (secret_read.as_raw_fd(), answer_write.as_raw_fd());
        command.env(PROOF_FDS_ENV, format!("{secret_fd},{answer_fd}"));
        let temp = private_temp_dir();
        if let Some(temp) = &temp {
            command.env("TMPDIR", temp);
        }
        command.env_remove(super::TEST_TMP_ENV);
        let temp_or_system = temp.clone().unwrap_or_else(std::env::temp_dir);
        // Safety: between fork and exec this calls fcntl on two descriptors
        // the runner owns, and sets up Landlock, which allocates: safe here
        // because the runner has no other thread yet that could hold a lock.
        unsafe {
            command.pre_exec(move || {
                for fd in [secret_fd, answer_fd] {
                    if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                let writable = [
                    temp_or_system.as_path(),
                    Path::new("/dev/shm"),
                    Path::new("/dev/null"),
                ];
                if let Err(why) = fixtures::contain::restrict_writes_to(&writable) {
                    eprintln!("checker: warning: the test may write anywhere: {why}");
                }
                Ok(())
            });
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                eprintln!("checker: failed to start the test binary: {e}");
                return ExitCode::from(2);
            }
        };
        // Only the test process may hold the write end, or reading it would
        // never end.
        drop(answer_write);
        let answers = read_in_background(answer_read);
        let status = match child.wait() {
            Ok(status) => status,
            Err(e) => {
                eprintln!("checker: lost the test process: {e}");
                return ExitCode::from(2);
            }
        };
        // Whatever the test left running ends now, before anything is read
        // or written, and so before the next test starts.
        fixtures::contain::end_children(|_| false);
        let sent = answers
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default();
        let answers = Answers::parse(&sent, &secret);
        if let Some(dir) = perf_dir {
            keep_only_the_proven_record(Path::new(&dir), &answers);
        }
        if let Some(temp) = &temp {
            let _ = std::fs::remove_dir_all(temp);
        }
        let armed = was_taken(secret_read);
        if status.success() && armed && !answers.finished.iter().any(|n| n == name) {
            eprintln!("{}", not_proven_message(name));
            return ExitCode::from(NOT_PROVEN);
        }
        exit_like(status)
    }

    /// A fresh folder for this test's temporary files under
    /// [`super::TEST_TMP_ENV`], removed when the test ends.
    fn private_temp_dir() -> Option<std::path::PathBuf> {
        let base = std::env::var_os(super::TEST_TMP_ENV)?;
        let dir = Path::new(&base).join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok()?;
        Some(dir)
    }

    /// 32 hex digits from the kernel's random source.
    fn fresh_secret() -> std::io::Result<String> {
        let mut bytes = [0u8; 16];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A pipe whose ends are closed on exec (the child gets its copies in
    /// `pre_exec`, so no other process inherits them).
    fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
        let mut fds = [0; 2];
        // Safety: pipe2 writes two descriptors into `fds` on success.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == -1 {
            return Err(std::io::Error::last_os_error());
        }
        // Safety: both are fresh descriptors this process now owns.
        Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
    }

    fn read_in_background(read: OwnedFd) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            let mut limited = std::fs::File::from(read).take(ANSWER_LIMIT as u64);
            let _ = limited.read_to_string(&mut text);
            let _ = tx.send(text);
        });
        rx
    }

    /// Whether the test process took the secret: the runner's own copy of
    /// the read end then finds the pipe empty. A test binary without the
    /// guard (a course without `fixtures::proof`) never takes it.
    fn was_taken(read: OwnedFd) -> bool {
        // Safety: F_SETFL on a descriptor this process owns.
        unsafe { libc::fcntl(read.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
        let mut byte = [0u8; 1];
        matches!(std::fs::File::from(read).read(&mut byte), Ok(0))
    }

    /// Empties the record folder and writes the one record the harness sent
    /// with the secret, if any: files the test's processes wrote there are
    /// never graded.
    fn keep_only_the_proven_record(dir: &Path, answers: &Answers) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let removed = if path.is_dir() && !path.is_symlink() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                if let Err(e) = removed {
                    eprintln!("checker: could not clear {}: {e}", path.display());
                }
            }
        }
        let [json] = answers.records.as_slice() else {
            if answers.records.len() > 1 {
                eprintln!("checker: the harness sent more than one perf record; none is kept");
            }
            return;
        };
        let record: PerfRecord = match serde_json::from_str(json) {
            Ok(record) => record,
            Err(e) => {
                eprintln!("checker: the harness sent a malformed perf record: {e}");
                return;
            }
        };
        let file_name = format!("{}.json", record.name);
        if Path::new(&file_name).file_name() != Some(file_name.as_ref()) {
            eprintln!("checker: a perf record's name is not a file name: {file_name}");
            return;
        }
        let path = dir.join(file_name);
        if let Err(e) = fixtures::perf::write_record(&path, &record) {
            eprintln!("checker: could not write {}: {e}", path.display());
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::ffi::OsString;
    use std::process::{Command, ExitCode};

    pub fn run_one(binary: &OsString, args: &[OsString], _name: &str) -> ExitCode {
        super::pass_through(Command::new(binary).args(args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exact_test_is_found_in_nextests_arguments() {
        let args: Vec<OsString> = ["--exact", "spawn_join::ok", "--nocapture"]
            .map(OsString::from)
            .to_vec();
        assert_eq!(exact_test_name(&args).as_deref(), Some("spawn_join::ok"));
        let listing: Vec<OsString> = ["--list", "--format", "terse"].map(OsString::from).to_vec();
        assert_eq!(exact_test_name(&listing), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_message_names_the_test_and_the_likely_cause() {
        let message = not_proven_message("spawn_join");
        assert!(message.starts_with("checker: `spawn_join`"));
        assert!(message.contains("std::process::exit"));
    }
}
