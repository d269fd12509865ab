//! The program the `daemon-threads` tests run (`t02-daemon-demo MODE`).
//!
//! - `detached`: starts a daemon thread with `threading::daemon::spawn_daemon`
//!   that prints `daemon: tick N` forever, waits until it has ticked three
//!   times, prints `main: returning`, and returns from `main`. The process
//!   ends at once: nothing waits for the daemon.
//! - `writer`: sends `line 0` … `line 999` to a
//!   `threading::daemon::BackgroundWriter` on stdout, shuts it down with a
//!   5 s deadline, then prints `main: done`. Every line is printed, in order,
//!   before `main: done`.
//! - `writer-drop`: the same, but drops the writer instead of calling
//!   `shutdown`; still every line.
//!
//! Exit status 0 on success, 1 when a library call fails, 2 on a bad mode.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use threading::daemon::{BackgroundWriter, spawn_daemon};

/// Lines the writer modes send.
const LINES: usize = 1000;

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let outcome = match mode.as_str() {
        "detached" => detached(),
        "writer" => writer(true),
        "writer-drop" => writer(false),
        _ => {
            eprintln!("usage: t02-daemon-demo detached|writer|writer-drop");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("t02-daemon-demo: {err}");
            ExitCode::FAILURE
        }
    }
}

fn detached() -> Result<(), Box<dyn std::error::Error>> {
    let (ticked, three_ticks) = mpsc::channel();
    spawn_daemon("ticker", move || {
        for n in 1_u64.. {
            println!("daemon: tick {n}");
            if n == 3 {
                let _ = ticked.send(());
            }
            thread::sleep(Duration::from_millis(10));
        }
    })?;
    three_ticks.recv_timeout(Duration::from_secs(5))?;
    println!("main: returning");
    Ok(())
}

fn writer(shutdown: bool) -> Result<(), Box<dyn std::error::Error>> {
    let writer = BackgroundWriter::start(io::stdout())?;
    for i in 0..LINES {
        writer.write_line(format!("line {i}"))?;
    }
    if shutdown {
        writer.shutdown(Duration::from_secs(5))?;
    } else {
        drop(writer);
    }
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "main: done")?;
    stdout.flush()?;
    Ok(())
}
