//! `t01-worker`: the child process of the `child_process` task.
//!
//! You do not edit this program; your code starts it with
//! `std::process::Command`. It behaves like a tiny filter:
//!
//! - every line read on stdin is written to stdout upper-cased, each followed
//!   by `\n` (so `"hello\nwörld"` becomes `"HELLO\nWÖRLD\n"`);
//! - at end of input it exits with the code given by `--exit CODE` (default 0);
//! - with `--sleep-forever` it reads nothing and never exits on its own: only
//!   a kill ends it (this is the child that overruns its deadline). As a
//!   safety net it also exits once its parent process is gone, so a failed
//!   test cannot leave it running;
//! - unknown arguments: a usage message on stderr and exit code 2.

use std::io::{self, BufRead, BufWriter, Write};
use std::process;
use std::thread;
use std::time::Duration;

const USAGE: &str = "usage: t01-worker [--exit CODE] [--sleep-forever]";

fn main() {
    let mut exit_code = 0;
    let mut sleep_forever = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--exit" => match args.next().and_then(|code| code.parse().ok()) {
                Some(code) => exit_code = code,
                None => usage_error("--exit needs an integer"),
            },
            "--sleep-forever" => sleep_forever = true,
            other => usage_error(&format!("unknown argument {other:?}")),
        }
    }

    if sleep_forever {
        // "Forever" means until killed, or until our parent is gone: a test
        // that fails before it kills us must not leave us behind for good.
        // (Unix re-parents an orphan, which changes its parent pid; Windows
        // does not, so there it sleeps until killed.)
        #[cfg(unix)]
        {
            let parent = std::os::unix::process::parent_id();
            while std::os::unix::process::parent_id() == parent {
                thread::sleep(Duration::from_millis(100));
            }
            process::exit(1);
        }
        #[cfg(not(unix))]
        loop {
            thread::sleep(Duration::from_secs(3600));
        }
    }

    if let Err(err) = upper_case_lines() {
        // A closed stdout means the parent stopped listening: nothing to report to.
        if err.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("t01-worker: {err}");
        }
        process::exit(1);
    }
    process::exit(exit_code);
}

/// Copies stdin to stdout line by line, upper-cased.
fn upper_case_lines() -> io::Result<()> {
    let stdin = io::stdin().lock();
    let mut stdout = BufWriter::new(io::stdout().lock());
    for line in stdin.lines() {
        writeln!(stdout, "{}", line?.to_uppercase())?;
    }
    stdout.flush()
}

fn usage_error(message: &str) -> ! {
    eprintln!("t01-worker: {message}\n{USAGE}");
    process::exit(2);
}
