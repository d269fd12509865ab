//! The student's loop on a fixture course: `list`, `hint`, `reset`,
//! `doctor` and `watch`, with the real binary.

// A pty, signals and shell scripts: Unix only.
#![cfg(unix)]

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{FixtureCourse, SUMS_SOLVED, SUMS_STARTER, SUMS_TESTS, assert_contains};

/// `01-sums` as a template repository: `adds` solved, `doubles` not.
fn course() -> FixtureCourse {
    support::sums_template("")
}

#[test]
fn list_shows_progress_from_the_last_verify() {
    let course = course();
    let before = course.checker(&["list"]);
    assert_eq!(before.code, Some(0));
    assert_contains(&before.stdout, "0/10 points");
    assert_contains(&before.stdout, "not graded yet");
    let run = course.checker(&["verify"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let after = course.checker(&["list"]);
    assert!(after.stdout.contains("4/10 points"), "{}", after.stdout);
    assert_contains(&after.stdout, "✓ done         task adds");
    assert_contains(&after.stdout, "✗ pending      task doubles");
    assert_contains(&after.stdout, "Next: `doubles` in 01-sums.");
}

#[test]
fn reset_restores_only_the_starter_after_confirmation() {
    let course = course();
    course.write("exercises/01-sums/src/lib.rs", SUMS_SOLVED);
    course.write("exercises/01-sums/src/extra.rs", "// new module\n");
    let refused = course.checker(&["reset", "01-sums"]);
    assert_eq!(refused.code, Some(2), "no terminal and no --yes: refuse");
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(
        std::fs::read_to_string(course.root().join("exercises/01-sums/src/lib.rs")).unwrap(),
        SUMS_SOLVED
    );

    let done = course.checker(&["reset", "01-sums", "--yes"]);
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(
        std::fs::read_to_string(course.root().join("exercises/01-sums/src/lib.rs")).unwrap(),
        SUMS_STARTER
    );
    assert!(
        !course
            .root()
            .join("exercises/01-sums/src/extra.rs")
            .exists()
    );
    assert!(course.root().join("course.toml").exists());
    let unknown = course.checker(&["reset", "nope", "--yes"]);
    assert_eq!(unknown.code, Some(2));
}

#[test]
fn doctor_reports_the_machine_and_the_missing_nextest() {
    let course = course();
    let ok = course.checker(&["doctor"]);
    assert_eq!(ok.code, Some(0), "{}", ok.stdout);
    assert_contains(&ok.stdout, "nextest");
    assert_contains(&ok.stdout, "cores");
    assert!(ok.stdout.contains("solutions   0 of 1"), "{}", ok.stdout);

    let fake = course.root().join("fake-cargo");
    std::fs::write(
        &fake,
        "#!/bin/sh\nif [ \"$1\" = nextest ]; then exit 101; fi\nexec cargo \"$@\"\n",
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&fake, permissions).unwrap();
    let missing = course.checker_with_env(&["doctor"], &[("CARGO", fake.as_os_str())]);
    assert_eq!(missing.code, Some(1));
    assert!(
        missing
            .stdout
            .contains("cargo install cargo-nextest --locked"),
        "{}",
        missing.stdout
    );
    assert_contains(&missing.stdout, "checker doctor --fix");
}

/// A running `checker watch` on a fixture course, its stdout (the screen)
/// and stderr (the progress lines) collected as they come.
struct Watch {
    child: std::process::Child,
    screen: Receiver<String>,
    progress: Arc<Mutex<String>>,
    seen: String,
}

impl Watch {
    fn start(course: &FixtureCourse, extra: &[&str]) -> Self {
        let mut args = vec!["watch", "01-sums"];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_checker"))
            .args(&args)
            .current_dir(course.root())
            .env_remove("CARGO_TARGET_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start checker watch");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, screen) = mpsc::channel::<String>();
        forward(stdout, move |text| tx.send(text).is_ok());
        let progress = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&progress);
        forward(stderr, move |text| {
            sink.lock().expect("progress lock").push_str(&text);
            true
        });
        Self {
            child,
            screen,
            progress,
            seen: String::new(),
        }
    }

    /// Reads the screen until `needle` shows, for at most `limit`.
    fn wait_for(&mut self, needle: &str, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while !self.seen.contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.screen.recv_timeout(left) {
                Ok(text) => self.seen.push_str(&text),
                Err(_) => return false,
            }
        }
        true
    }

    /// Forgets what was shown and printed so far (before a save).
    fn clear(&mut self) {
        self.seen.clear();
        self.progress.lock().expect("progress lock").clear();
    }

    fn progress(&self) -> String {
        self.progress.lock().expect("progress lock").clone()
    }

    /// Started on a fresh fixture course, first grade checked, screen cleared.
    fn after_first_grade(course: &FixtureCourse) -> Self {
        let mut watch = Self::start(course, &[]);
        first_grade(&mut watch);
        watch.clear();
        watch
    }

    /// Waits for the re-grade of a save to finish, stops the watch (checking
    /// Ctrl-C ends it) and returns the screen and the progress lines.
    fn regraded(mut self) -> (String, String) {
        let found = self.wait_for("Watching exercises/01-sums/src", Duration::from_secs(60));
        let (screen, progress) = (self.seen.clone(), self.progress());
        assert_eq!(self.stop(), Some(130), "Ctrl-C ends the watch");
        assert!(found, "the save was not re-graded: {screen}");
        (screen, progress)
    }

    /// Ctrl-C, then the exit code.
    fn stop(mut self) -> Option<i32> {
        // Safety: kill has no memory-safety preconditions.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        self.child.wait().expect("checker watch ends").code()
    }
}

/// Passes what `from` writes to `to`, chunk by chunk, on a thread.
fn forward(
    mut from: impl Read + Send + 'static,
    mut to: impl FnMut(String) -> bool + Send + 'static,
) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || !to(String::from_utf8_lossy(&buf[..n]).into_owned()) {
                break;
            }
        }
    });
}

/// The first grade of a watch: lists the tests, shows 4/10 and the hint.
fn first_grade(watch: &mut Watch) {
    assert!(
        watch.wait_for("Watching exercises/01-sums/src", Duration::from_secs(120)),
        "{}",
        watch.seen
    );
    assert!(watch.seen.contains("4/10"), "{}", watch.seen);
    assert_contains(&watch.seen, "Stuck? `cargo checker hint doubles`");
    assert!(
        watch
            .progress()
            .contains("building and listing the tests of sums"),
        "the first grade lists the tests: {}",
        watch.progress()
    );
}

/// Starts `checker watch`, solves the exercise, and waits for the screen
/// to show the new grade.
fn watch_picks_up_a_save(extra: &[&str]) {
    let course = course();
    let mut watch = Watch::start(&course, extra);
    first_grade(&mut watch);
    watch.clear();
    course.write("exercises/01-sums/src/lib.rs", SUMS_SOLVED);
    let found = watch.wait_for("10/10", Duration::from_secs(60));
    let screen = watch.seen.clone();
    let progress = watch.progress();
    assert_eq!(watch.stop(), Some(130), "Ctrl-C ends the watch");
    assert!(found, "the save was not re-graded: {screen}");
    assert!(
        course
            .root()
            .join("target/checker/cargo-metadata.json")
            .is_file(),
        "nextest gets the workspace metadata from a file"
    );
    // After a save, only the remembered tests of the task at hand are built
    // and run: no listing (that is what makes a save answer in seconds).
    assert!(
        progress.contains("building and running the tests of the task at hand")
            && !progress.contains("listing"),
        "{progress}"
    );
}

#[test]
fn watch_regrades_on_save_with_file_events() {
    watch_picks_up_a_save(&[]);
}

#[test]
fn watch_regrades_on_save_when_polling() {
    watch_picks_up_a_save(&["--poll"]);
}

/// The quick re-grade trusts the remembered tests only if exactly those ran:
/// a test added to a task after the first grade must count.
#[test]
fn watch_lists_again_when_the_tests_changed_since_the_first_grade() {
    let course = course();
    let watch = Watch::after_first_grade(&course);
    // Only `src/` is watched: the test file changes quietly, the save of
    // the solution is what triggers the re-grade.
    course.write(
        "exercises/01-sums/tests/t.rs",
        &format!("{SUMS_TESTS}#[test]\nfn adds_carries() {{ assert_eq!(sums::add(1, 1), 3); }}\n"),
    );
    course.write("exercises/01-sums/src/lib.rs", SUMS_SOLVED);
    let (screen, progress) = watch.regraded();
    assert_contains(&progress, "the tests changed since they were listed");
    assert!(
        screen.contains("task adds") && screen.contains("0/4") && screen.contains("adds_carries"),
        "the new failing test of task adds was not graded: {screen}"
    );
}

/// A save that breaks the build shows the compiler's error, not a stale grade.
#[test]
fn watch_shows_the_compile_error_of_a_save() {
    let course = course();
    let watch = Watch::after_first_grade(&course);
    course.write(
        "exercises/01-sums/src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 { a + }\npub fn double(a: u32) -> u32 { a }\n",
    );
    let (screen, _) = watch.regraded();
    assert_contains(&screen, "does not compile");
    assert_contains(&screen, "src/lib.rs:1");
}
