//! `t03-worker`: the worker process of every task in this exercise.
//!
//! You do not edit this program; your code starts it. Two of its modes run
//! *your* code from `src/` (`serve` and `increment`); the others misbehave
//! in fixed ways so the tests can check that your parent side copes.
//!
//! ```text
//! t03-worker serve                   answer requests on stdin/stdout with multiprocessing::ipc::serve
//! t03-worker increment PATH (--times N | --for-ms MS) [--locked] [--barrier DIR PARTIES]
//!                                    open the shared counter at PATH, optionally wait at the
//!                                    file barrier, then add 1 to it N times (or for MS ms)
//!                                    with add (or add_locked); print how many were added
//! t03-worker rendezvous DIR PARTIES TIMEOUT_MS
//!                                    meet PARTIES processes at the file barrier in DIR;
//!                                    exit 0 when all came, 75 when the wait timed out
//! t03-worker exit CODE               exit with CODE at once
//! t03-worker abort                   die of SIGABRT at once
//! t03-worker sleep MS                sleep MS milliseconds, then exit 0
//! t03-worker sleep-forever           never exit on its own
//! t03-worker garbage                 answer every input line with a line that is not JSON
//! ```
//!
//! In every mode a watchdog thread ends the worker once its parent is gone
//! (see `multiprocessing::protocol::exit_when_parent_dies`), so a failed
//! test never leaves workers running. Bad arguments: a usage message on
//! stderr and exit code 2.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process;
use std::thread;
use std::time::{Duration, Instant};

use multiprocessing::ipc::serve;
use multiprocessing::protocol::{exit_when_parent_dies, rendezvous};
use multiprocessing::shared_memory::SharedCounter;

const USAGE: &str = "usage: t03-worker serve | increment PATH (--times N | --for-ms MS) [--locked] \
[--barrier DIR PARTIES] | rendezvous DIR PARTIES TIMEOUT_MS | exit CODE | abort | sleep MS | \
sleep-forever | garbage";

/// Exit code of a worker whose barrier wait timed out.
const BARRIER_TIMEOUT: i32 = 75;
/// How long `increment --barrier` waits for the other parties.
const INCREMENT_BARRIER_WAIT: Duration = Duration::from_secs(5);

fn main() {
    exit_when_parent_dies();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["serve"] => {
            let stdin = io::stdin().lock();
            let stdout = io::stdout().lock();
            if let Err(err) = serve(stdin, stdout) {
                eprintln!("t03-worker: {err}");
                process::exit(1);
            }
        }
        ["increment", path, rest @ ..] => increment(Path::new(path), rest),
        ["rendezvous", dir, parties, timeout_ms] => {
            let met = rendezvous(
                Path::new(dir),
                number(parties),
                Duration::from_millis(number(timeout_ms)),
            );
            process::exit(if met { 0 } else { BARRIER_TIMEOUT });
        }
        ["exit", code] => process::exit(number(code)),
        ["abort"] => process::abort(),
        ["sleep", ms] => thread::sleep(Duration::from_millis(number(ms))),
        ["sleep-forever"] => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        ["garbage"] => garbage(),
        _ => usage_error("unknown or missing mode"),
    }
}

/// `increment PATH ...`: adds to the shared counter and prints how much.
fn increment(path: &Path, options: &[&str]) {
    let mut times = None;
    let mut for_ms = None;
    let mut locked = false;
    let mut barrier = None;
    let mut options = options.iter();
    while let Some(&option) = options.next() {
        match option {
            "--times" => times = Some(number::<u64>(options.next().unwrap_or(&""))),
            "--for-ms" => for_ms = Some(number::<u64>(options.next().unwrap_or(&""))),
            "--locked" => locked = true,
            "--barrier" => {
                let dir = options.next().unwrap_or(&"");
                let parties = number::<u32>(options.next().unwrap_or(&""));
                barrier = Some((Path::new(dir), parties));
            }
            other => usage_error(&format!("unknown increment option {other:?}")),
        }
    }
    let counter = match SharedCounter::open(path) {
        Ok(counter) => counter,
        Err(err) => {
            eprintln!(
                "t03-worker: cannot open the counter {}: {err}",
                path.display()
            );
            process::exit(1);
        }
    };
    if let Some((dir, parties)) = barrier
        && !rendezvous(dir, parties, INCREMENT_BARRIER_WAIT)
    {
        eprintln!("t03-worker: the other {parties} counting processes never came");
        process::exit(BARRIER_TIMEOUT);
    }
    let add = |n| {
        if locked {
            counter.add_locked(n)
        } else {
            counter.add(n)
        }
    };
    let added = match (times, for_ms) {
        (Some(times), None) => {
            for _ in 0..times {
                add(1);
            }
            times
        }
        (None, Some(ms)) => {
            // Count for a fixed *time*, not a fixed number: that guarantees
            // the processes overlap however fast or slow they start.
            let run_for = Duration::from_millis(ms);
            let began = Instant::now();
            let mut added = 0_u64;
            while began.elapsed() < run_for {
                for _ in 0..1_000 {
                    add(1);
                }
                added += 1_000;
            }
            added
        }
        _ => usage_error("increment needs exactly one of --times N and --for-ms MS"),
    };
    println!("{added}");
}

/// `garbage`: a worker that answers, but not in JSON.
fn garbage() {
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
        if writeln!(stdout, "this is not JSON {{").is_err() || stdout.flush().is_err() {
            break;
        }
    }
}

fn number<T: std::str::FromStr>(text: &str) -> T {
    text.parse()
        .unwrap_or_else(|_| usage_error(&format!("{text:?} is not a number")))
}

fn usage_error(message: &str) -> ! {
    eprintln!("t03-worker: {message}\n{USAGE}");
    process::exit(2);
}
