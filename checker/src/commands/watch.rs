//! `checker watch [EXERCISE]`: re-grades one exercise every time a file of
//! its `src/` is saved, showing the first failing test, its message and the
//! hint command. Correctness only: perf checks take seconds of timing and
//! run with `checker verify`.
//!
//! File events come from the OS watcher (inotify on Linux); where that
//! cannot start (some network and container file systems), or with
//! `--poll`, a polling watcher compares modification times every
//! [`POLL_INTERVAL`]. Bursts of events (an editor writing a swap file, then
//! the file) are debounced: grading starts [`DEBOUNCE`] after the last one.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::course::{Course, Exercise, Source};
use crate::grade::{Grader, machine};
use crate::nextest::Nextest;
use crate::render::{Format, render};
use crate::term::{Progress, colour_stdout, colourize};

/// How often the polling watcher looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Quiet time after the last file event before grading.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Watches `exercise` until interrupted (Ctrl-C ends the process).
pub fn watch(course: &Course, exercise: &Exercise, force_poll: bool) -> anyhow::Result<()> {
    let nextest = Nextest::new(&course.root)?;
    let src = course
        .root
        .join("exercises")
        .join(&exercise.name)
        .join("src");
    let (tx, rx) = mpsc::channel();
    let (_watcher, how) = start_watcher(&src, tx, force_poll)?;
    loop {
        grade_and_show(course, exercise, &nextest, &how)?;
        if !wait_for_change(&rx) {
            return Ok(());
        }
    }
}

/// Starts the OS watcher, or the polling one where that fails or is asked for.
fn start_watcher(
    src: &Path,
    tx: Sender<()>,
    force_poll: bool,
) -> anyhow::Result<(Box<dyn Watcher>, String)> {
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = tx.send(());
        }
    };
    if !force_poll {
        let native = notify::recommended_watcher(handler.clone()).and_then(|mut watcher| {
            watcher.watch(src, RecursiveMode::Recursive)?;
            Ok(watcher)
        });
        match native {
            Ok(watcher) => return Ok((Box::new(watcher), "file events".into())),
            Err(error) => eprintln!("checker: the file watcher failed ({error}); polling instead"),
        }
    }
    let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
    let mut watcher =
        notify::PollWatcher::new(handler, config).context("failed to start the polling watcher")?;
    watcher
        .watch(src, RecursiveMode::Recursive)
        .with_context(|| format!("failed to watch {}", src.display()))?;
    Ok((
        Box::new(watcher),
        format!("polling every {} ms", POLL_INTERVAL.as_millis()),
    ))
}

/// Blocks until a change, then until [`DEBOUNCE`] passes without another.
/// `false` when the watcher is gone.
fn wait_for_change(rx: &Receiver<()>) -> bool {
    if rx.recv().is_err() {
        return false;
    }
    loop {
        match rx.recv_timeout(DEBOUNCE) {
            Ok(()) => continue,
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

fn grade_and_show(
    course: &Course,
    exercise: &Exercise,
    nextest: &Nextest,
    how: &str,
) -> anyhow::Result<()> {
    let cores = fixtures::perf::available_parallelism();
    let mut progress = Progress::stderr();
    let started = std::time::Instant::now();
    let report = Grader::new(
        course,
        nextest.clone(),
        Source::Exercises,
        cores,
        &mut progress,
    )
    .without_perf()
    .grade(&[exercise], machine(cores));
    progress.finish();
    if let Err(error) = crate::store::save(&course.root, &report) {
        eprintln!("checker: warning: could not keep the results: {error}");
    }
    let mut text = Vec::new();
    render(&report, Format::Human, &mut text)?;
    let mut text = String::from_utf8_lossy(&text).into_owned();
    let mut stdout = std::io::stdout();
    if stdout.is_terminal() {
        // Clear the screen: each grade replaces the last.
        write!(stdout, "\x1b[2J\x1b[H")?;
    }
    if colour_stdout() {
        text = colourize(&text);
    }
    writeln!(
        stdout,
        "checker watch · {} · graded in {:.1} s\n",
        exercise.name,
        started.elapsed().as_secs_f64()
    )?;
    write!(stdout, "{text}")?;
    writeln!(
        stdout,
        "\nWatching exercises/{}/src ({how}): save a file to re-grade · Ctrl-C to stop",
        exercise.name
    )?;
    stdout.flush()?;
    Ok(())
}
