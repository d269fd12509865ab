//! The student's loop on a fixture course: `list`, `hint`, `reset`,
//! `doctor` and `watch`, with the real binary.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{FixtureCourse, manifest};

const COURSE: &str = r#"
format_version = 1

[[exercise]]
name = "01-sums"
package = "sums"
title = "Sums"
notebook = 244

[[exercise.task]]
name = "adds"
filter = "test(adds)"
points = 4
hint = "add the two numbers"

[[exercise.task]]
name = "doubles"
filter = "test(doubles)"
points = 6
hint = "twice the number"
"#;

const STARTER: &str =
    "pub fn add(a: u32, b: u32) -> u32 { a + b }\npub fn double(a: u32) -> u32 { a }\n";
const SOLVED: &str =
    "pub fn add(a: u32, b: u32) -> u32 { a + b }\npub fn double(a: u32) -> u32 { 2 * a }\n";

fn course() -> FixtureCourse {
    let course = FixtureCourse::new(
        COURSE,
        &[
            ("exercises/01-sums/Cargo.toml", &manifest("sums")),
            ("exercises/01-sums/src/lib.rs", STARTER),
            (
                "exercises/01-sums/tests/t.rs",
                "#[test]\nfn adds() { assert_eq!(sums::add(2, 3), 5); }\n#[test]\nfn doubles() { assert_eq!(sums::double(4), 8); }\n",
            ),
            (".gitignore", "target/\n"),
        ],
    );
    course.commit_as_template();
    course
}

#[test]
fn list_shows_progress_from_the_last_verify() {
    let course = course();
    let before = course.checker(&["list"]);
    assert_eq!(before.code, Some(0));
    assert!(
        before.stdout.contains("0/10 points") && before.stdout.contains("not graded yet"),
        "{}",
        before.stdout
    );
    let run = course.checker(&["verify"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let after = course.checker(&["list"]);
    assert!(after.stdout.contains("4/10 points"), "{}", after.stdout);
    assert!(
        after.stdout.contains("✓ done         task adds"),
        "{}",
        after.stdout
    );
    assert!(
        after.stdout.contains("✗ pending      task doubles"),
        "{}",
        after.stdout
    );
    assert!(
        after.stdout.contains("Next: `doubles` in 01-sums."),
        "{}",
        after.stdout
    );
}

#[test]
fn reset_restores_only_the_starter_after_confirmation() {
    let course = course();
    course.write("exercises/01-sums/src/lib.rs", SOLVED);
    course.write("exercises/01-sums/src/extra.rs", "// new module\n");
    let refused = course.checker(&["reset", "01-sums"]);
    assert_eq!(refused.code, Some(2), "no terminal and no --yes: refuse");
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(
        std::fs::read_to_string(course.root().join("exercises/01-sums/src/lib.rs")).unwrap(),
        SOLVED
    );

    let done = course.checker(&["reset", "01-sums", "--yes"]);
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(
        std::fs::read_to_string(course.root().join("exercises/01-sums/src/lib.rs")).unwrap(),
        STARTER
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
    assert!(
        ok.stdout.contains("nextest") && ok.stdout.contains("cores"),
        "{}",
        ok.stdout
    );
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
    assert!(
        missing.stdout.contains("checker doctor --fix"),
        "{}",
        missing.stdout
    );
}

/// Starts `checker watch`, solves the exercise, and waits for the screen
/// to show the new grade.
fn watch_picks_up_a_save(extra: &[&str]) {
    let course = course();
    let mut args = vec!["watch", "01-sums"];
    args.extend_from_slice(extra);
    let mut watch = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(&args)
        .current_dir(course.root())
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start checker watch");
    let mut stdout = watch.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0
                || tx
                    .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .is_err()
            {
                break;
            }
        }
    });
    let mut screen = String::new();
    let wait_for = |screen: &mut String, needle: &str, limit: Duration| {
        let deadline = Instant::now() + limit;
        while !screen.contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(text) => screen.push_str(&text),
                Err(_) => return false,
            }
        }
        true
    };
    assert!(
        wait_for(
            &mut screen,
            "Watching exercises/01-sums/src",
            Duration::from_secs(120)
        ),
        "{screen}"
    );
    assert!(screen.contains("4/10"), "{screen}");
    assert!(
        screen.contains("Stuck? `cargo checker hint doubles`"),
        "{screen}"
    );
    screen.clear();
    course.write("exercises/01-sums/src/lib.rs", SOLVED);
    let found = wait_for(&mut screen, "10/10", Duration::from_secs(60));
    // Safety: kill has no memory-safety preconditions.
    unsafe { libc::kill(watch.id() as i32, libc::SIGINT) };
    let status = watch.wait().expect("checker watch ends");
    assert!(found, "the save was not re-graded: {screen}");
    assert_eq!(status.code(), Some(130), "Ctrl-C ends the watch");
}

#[test]
fn watch_regrades_on_save_with_file_events() {
    watch_picks_up_a_save(&[]);
}

#[test]
fn watch_regrades_on_save_when_polling() {
    watch_picks_up_a_save(&["--poll"]);
}
