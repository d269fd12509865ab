//! `checker watch [EXERCISE]`: re-grades one exercise every time a file of
//! its `src/` is saved, showing the first failing test, its message and the
//! hint command. Correctness only (perf checks take seconds of timing and
//! run with `checker verify`), and in order: the tests of the tasks up to the
//! first one not done, so a save is answered in about the time of that
//! task's tests, not of every starter stub failing at its timeout. After
//! the first grade, a save builds only those tasks' test binaries and does
//! not list the tests again (see `Grader::with_focus`), and nextest reads
//! the workspace's metadata from a file instead of asking cargo (see
//! [`crate::cargo_metadata`]).
//!
//! File events come from the OS watcher (inotify on Linux); where that
//! cannot start (some network and container file systems), or with
//! `--poll`, a polling watcher compares modification times and contents
//! every [`POLL_INTERVAL`]. Bursts of events (an editor writing a swap file, then
//! the file) are debounced: grading starts [`DEBOUNCE`] after the last one.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::cargo_metadata::CargoMetadataCache;
use crate::course::{Course, Exercise, Source};
use crate::grade::{Grader, machine};
use crate::nextest::Nextest;
use crate::render::{Format, render};
use crate::report::{Machine, TaskGrade};
use crate::term::{Progress, colour_stdout, colourize};

/// How often the polling watcher looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Quiet time after the last file event before grading. An editor's save
/// (a backup, the file, a rename) is a burst of events within milliseconds;
/// anything longer only delays the answer, and a save that arrives during
/// grading is still seen (its event waits in the channel).
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// Watches `exercise` until interrupted (Ctrl-C ends the process).
pub fn watch(course: &Course, exercise: &Exercise, force_poll: bool) -> anyhow::Result<()> {
    // An unoptimised build of the student's crate recompiles in seconds; the
    // course names a profile for that (dependencies stay optimised in it).
    let nextest = Nextest::new(&course.root)?.with_cargo_profile(course.watch_profile.clone());
    let mut metadata = CargoMetadataCache::new(&course.root);
    let cores = fixtures::perf::available_parallelism();
    let machine = machine(cores);
    let src = course
        .root
        .join("exercises")
        .join(&exercise.name)
        .join("src");
    let (tx, rx) = mpsc::channel();
    let (_watcher, how) = start_watcher(&src, tx, force_poll)?;
    loop {
        let nextest = nextest
            .clone()
            .with_cargo_metadata(metadata.fresh_path().map(Path::to_owned));
        grade_and_show(course, exercise, &nextest, &machine, &how)?;
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
    // Modification times are compared in whole seconds, so a save within
    // the same second as the last scan would go unseen; comparing contents
    // (a hash of each file of `src/`, a few kilobytes) catches it.
    let config = notify::Config::default()
        .with_poll_interval(POLL_INTERVAL)
        .with_compare_contents(true);
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

/// Grades the tasks in order up to the first one not done (per the last
/// stored grade); when that one now passes, goes on to the next at once, so
/// the screen always ends on the task to work on.
fn grade_and_show(
    course: &Course,
    exercise: &Exercise,
    nextest: &Nextest,
    machine: &Machine,
    how: &str,
) -> anyhow::Result<()> {
    let cores = machine.cores;
    let started = std::time::Instant::now();
    let mut focus = first_pending(course, exercise);
    loop {
        let mut progress = Progress::stderr();
        let report = Grader::new(
            course,
            nextest.clone(),
            Source::Exercises,
            cores,
            &mut progress,
        )
        .without_perf()
        .with_focus(Some(focus))
        .grade(&[exercise], machine.clone());
        progress.finish();
        if let Err(error) = crate::store::save(&course.root, &report) {
            eprintln!("checker: warning: could not keep the results: {error}");
        }
        let focus_done = report.exercises.first().is_some_and(|grade| {
            grade
                .tasks
                .get(focus.saturating_sub(1))
                .is_some_and(TaskGrade::is_done)
        });
        let more = focus_done && focus < exercise.tasks.len();
        // Show every pass at once: the save is answered as soon as the task
        // at hand is graded, and the next task follows on the same screen.
        show(&report, exercise, started, how, more)?;
        if !more {
            return Ok(());
        }
        focus += 1;
    }
}

fn show(
    report: &crate::report::Report,
    exercise: &Exercise,
    started: std::time::Instant,
    how: &str,
    more: bool,
) -> anyhow::Result<()> {
    let mut text = Vec::new();
    render(report, Format::Human, &mut text)?;
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
    if more {
        writeln!(stdout, "\nDone! Grading the next task…")?;
    } else {
        writeln!(
            stdout,
            "\nWatching exercises/{}/src ({how}): save a file to re-grade · Ctrl-C to stop",
            exercise.name
        )?;
    }
    stdout.flush()?;
    Ok(())
}

/// How many tasks to grade: up to and including the first one the last
/// stored grade does not show done (all of them when none is stored).
fn first_pending(course: &Course, exercise: &Exercise) -> usize {
    let Some(grade) = crate::store::load(&course.root, &exercise.name) else {
        return exercise.tasks.len();
    };
    exercise
        .tasks
        .iter()
        .position(|task| {
            !grade
                .tasks
                .iter()
                .any(|t| t.name == task.name && t.is_done())
        })
        .map_or(exercise.tasks.len(), |i| i + 1)
}

/// The first exercise whose last grade is not full marks (or never graded).
pub fn first_unfinished(course: &Course) -> &crate::course::Exercise {
    course
        .exercises
        .iter()
        .find(|e| crate::store::load(&course.root, &e.name).is_none_or(|g| !g.full_marks()))
        .unwrap_or(&course.exercises[0])
}
