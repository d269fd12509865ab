//! `t06-worker`: the worker process of the `processes` task.
//!
//! You do not edit this program; your `processes::chunk_products` starts it.
//! It answers requests on stdin with replies on stdout (the protocol is in
//! the `processes` module docs):
//!
//! ```text
//! request   "LO HI\n"            the chunk LO..HI (half-open)
//! reply     L as 8 bytes LE, then L bytes of BigUint::to_bytes_le
//!           of the product of the chunk, computed with your
//!           factorial::product_tree::product_range (task 2)
//! ```
//!
//! It exits with code 0 at end of input. Options make it misbehave on
//! purpose, so the tests can check that the parent copes:
//!
//! - `--rendezvous DIR PARTIES`: before serving, create a file named after
//!   its pid in DIR and wait until DIR holds PARTIES files, i.e. until that
//!   many workers run at the same time; after 3 s without them, exit with
//!   code 75 without serving anything;
//! - `--crash-at K`: on a request whose chunk contains K, exit with code 3
//!   without replying;
//! - `--huge-reply-at K`: on a request whose chunk contains K, send a length
//!   of 2⁶² bytes, then nothing more, and wait to be killed.
//!
//! In every case it exits once its parent is gone, so a failed test cannot
//! leave it running. A malformed request or bad arguments: a message on
//! stderr and exit code 2.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process;
use std::thread;
use std::time::{Duration, Instant};

use factorial::product_tree::product_range;

const USAGE: &str =
    "usage: t06-worker [--rendezvous DIR PARTIES] [--crash-at K] [--huge-reply-at K]";

/// Exit code when the rendezvous did not complete in time.
const RENDEZVOUS_TIMEOUT: i32 = 75;
/// Exit code of `--crash-at`.
const CRASH: i32 = 3;
/// How long `--rendezvous` waits for the other workers.
const RENDEZVOUS_WAIT: Duration = Duration::from_secs(3);

#[derive(Default)]
struct Options {
    rendezvous: Option<(PathBuf, usize)>,
    crash_at: Option<u64>,
    huge_reply_at: Option<u64>,
}

fn main() {
    exit_when_parent_dies();
    let options = parse_args();
    if let Some((dir, parties)) = &options.rendezvous
        && !rendezvous(dir, *parties)
    {
        eprintln!("t06-worker: fewer than {parties} workers met within {RENDEZVOUS_WAIT:?}");
        process::exit(RENDEZVOUS_TIMEOUT);
    }
    if let Err(err) = serve(&options) {
        // A closed stdout means the parent stopped listening: nothing to report to.
        if err.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("t06-worker: {err}");
        }
        process::exit(1);
    }
}

/// Answers requests until end of input.
fn serve(options: &Options) -> io::Result<()> {
    let stdin = io::stdin().lock();
    let mut stdout = BufWriter::new(io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        let Some((lo, hi)) = parse_request(&line) else {
            eprintln!("t06-worker: malformed request {line:?}, expected \"LO HI\"");
            process::exit(2);
        };
        let chunk = lo..hi;
        if options.crash_at.is_some_and(|k| chunk.contains(&k)) {
            eprintln!("t06-worker: crashing on chunk {chunk:?} as asked (--crash-at)");
            process::exit(CRASH);
        }
        if options.huge_reply_at.is_some_and(|k| chunk.contains(&k)) {
            stdout.write_all(&(1_u64 << 62).to_le_bytes())?;
            stdout.flush()?;
            // Nothing more will come: wait to be killed (or orphaned).
            loop {
                thread::sleep(Duration::from_secs(3600));
            }
        }
        let bytes = product_range(chunk).to_bytes_le();
        stdout.write_all(&(bytes.len() as u64).to_le_bytes())?;
        stdout.write_all(&bytes)?;
        stdout.flush()?;
    }
    stdout.flush()
}

fn parse_request(line: &str) -> Option<(u64, u64)> {
    let (lo, hi) = line.trim_end().split_once(' ')?;
    Some((lo.parse().ok()?, hi.parse().ok()?))
}

/// Creates `DIR/<pid>` and waits until DIR holds `parties` entries.
/// Returns whether they all came within [`RENDEZVOUS_WAIT`].
fn rendezvous(dir: &Path, parties: usize) -> bool {
    if let Err(err) = std::fs::write(dir.join(process::id().to_string()), b"") {
        eprintln!(
            "t06-worker: cannot join the rendezvous in {}: {err}",
            dir.display()
        );
        process::exit(2);
    }
    let deadline = Instant::now() + RENDEZVOUS_WAIT;
    loop {
        let present = std::fs::read_dir(dir).map_or(0, |entries| entries.count());
        if present >= parties {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Ends this process once its parent is gone (the parent's pid changes when
/// it exits and we are re-parented), checked every 100 ms on a thread.
/// Windows does not re-parent orphans: there a worker lives until killed.
fn exit_when_parent_dies() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        thread::spawn(move || {
            while std::os::unix::process::parent_id() == parent {
                thread::sleep(Duration::from_millis(100));
            }
            process::exit(1);
        });
    }
}

fn parse_args() -> Options {
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rendezvous" => {
                let dir = args.next().map(PathBuf::from);
                let parties = args.next().and_then(|p| p.parse().ok());
                match (dir, parties) {
                    (Some(dir), Some(parties)) => options.rendezvous = Some((dir, parties)),
                    _ => usage_error("--rendezvous needs a directory and a number"),
                }
            }
            "--crash-at" => options.crash_at = Some(number(args.next(), "--crash-at")),
            "--huge-reply-at" => {
                options.huge_reply_at = Some(number(args.next(), "--huge-reply-at"));
            }
            other => usage_error(&format!("unknown argument {other:?}")),
        }
    }
    options
}

fn number(arg: Option<String>, option: &str) -> u64 {
    arg.and_then(|a| a.parse().ok())
        .unwrap_or_else(|| usage_error(&format!("{option} needs a whole number")))
}

fn usage_error(message: &str) -> ! {
    eprintln!("t06-worker: {message}\n{USAGE}");
    process::exit(2);
}
