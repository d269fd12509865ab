//! Courses cut from the *real* one: one exercise of `exercises/`, with the
//! reference solution's `src/` as the student's code and some of its
//! functions rewritten, graded on the real tests, the real `course.toml`
//! entries and the real nextest grading profile.
//!
//! Toy courses cannot show what the real tests and thresholds do: a worker
//! cap that is only written down (the cheat suite), or a threshold that a
//! plain correct solution misses (the plain solutions).

use std::path::{Path, PathBuf};

use super::FixtureCourse;

/// A course of one real exercise, `exercises/<name>`, graded on the named
/// tasks and perf checks only, with the reference solution's `src/` as the
/// student's.
///
/// Everything else is the real course's, read when the test runs: the
/// exercise's manifest, tests and helper programs; the workspace manifest
/// (lints, shared dependencies, the optimised `dev` profile perf records
/// need), with only this member and the real `fixtures` and
/// `workspace-hack` crates by absolute path; `Cargo.lock`, so dependencies
/// are the versions students get; the nextest config, whose grading timeouts the real tests are written for
/// (the toy courses' 3 s kill is shorter than their 5 s liveness bound),
/// less its starter filter; and the kept `course.toml` entries, thresholds
/// and points included. Keeping only some entries keeps a grade short, and
/// so does leaving out the test files none of them runs: each is one more
/// test binary to compile, optimised, for every copy.
///
/// The target dir is shared with the other fixture courses, so the
/// dependencies build once per suite. Two such courses of the same exercise
/// have the same package at the same relative path, so they share (and
/// overwrite) its artifacts: only tests that never run at the same time may
/// make them, which tests named `perf_*` are (nextest runs each alone).
pub fn one_exercise(name: &str, tasks: &[&str], perfs: &[&str]) -> FixtureCourse {
    let real = course_root();
    let course = FixtureCourse::new(&one_exercise_catalogue(&real, name, tasks, perfs), &[])
        .with_shared_target();
    course.write("Cargo.toml", &one_member_workspace(&real, name));
    course.write("Cargo.lock", &read(&real.join("Cargo.lock")));
    course.write(".config/nextest.toml", &grading_config(&real));
    let to = course.root().join("exercises").join(name);
    copy_tree(&real.join("exercises").join(name), &to, &["src", "target"]);
    remove_unrun_test_files(&to.join("tests"), &real, name, tasks, perfs);
    copy_tree(
        &real.join("solutions").join(name).join("src"),
        &to.join("src"),
        &[],
    );
    course
}

/// Replaces the body of the function whose definition starts with
/// `signature` in `exercises/<exercise>/<source>` of `course` by `body`.
/// The body is everything between the first `{` line after the signature
/// and the `}` line indented as the signature is.
pub fn replace_body(
    course: &FixtureCourse,
    exercise: &str,
    source: &str,
    signature: &str,
    body: &str,
) {
    let path = course.root().join("exercises").join(exercise).join(source);
    let text = read(&path);
    let start = text
        .find(signature)
        .unwrap_or_else(|| panic!("no `{signature}` in {}", path.display()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    let open = start + text[start..].find("{\n").expect("the function has a body") + 2;
    let close = open
        + text[open..]
            .find(&format!("\n{indent}}}\n"))
            .expect("the body's closing brace")
        + 1;
    let replaced = format!("{}{body}{}", &text[..open], &text[close..]);
    std::fs::write(&path, replaced).expect("write the new body");
}

/// Replaces `from`, which must occur exactly once, by `to` in
/// `exercises/<exercise>/<source>` of `course`.
pub fn replace_text(course: &FixtureCourse, exercise: &str, source: &str, from: &str, to: &str) {
    let path = course.root().join("exercises").join(exercise).join(source);
    let text = read(&path);
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` occurs once in {}",
        path.display()
    );
    std::fs::write(&path, text.replace(from, to)).expect("write the new text");
}

/// The entry called `name` in `graded[list]` (`tasks` or `perf`) of one
/// exercise of a JSON report.
pub fn named<'a>(graded: &'a serde_json::Value, list: &str, name: &str) -> &'a serde_json::Value {
    graded[list]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no {list} entry {name} in {graded:#}"))
}

/// The real course's root (the checker crate's parent folder).
pub fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The real `course.toml` cut down to exercise `name` with only `tasks` and
/// `perfs`, each exactly as the real catalogue has it.
fn one_exercise_catalogue(real: &Path, name: &str, tasks: &[&str], perfs: &[&str]) -> String {
    let catalogue: toml::Table = read(&real.join("course.toml"))
        .parse()
        .expect("course.toml is TOML");
    let mut exercise = catalogue["exercise"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"].as_str() == Some(name)))
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("no exercise {name} in course.toml"))
        .clone();
    for (list, keep) in [("task", tasks), ("perf", perfs)] {
        let kept: toml::value::Array = exercise[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["name"].as_str().is_some_and(|n| keep.contains(&n)))
            .cloned()
            .collect();
        assert_eq!(
            kept.len(),
            keep.len(),
            "not every {list} of {keep:?} is in exercise {name}"
        );
        exercise.insert(list.to_owned(), kept.into());
    }
    let mut cut = toml::Table::new();
    cut.insert("format_version".into(), catalogue["format_version"].clone());
    cut.insert("exercise".into(), vec![toml::Value::from(exercise)].into());
    cut.to_string()
}

/// Removes from the copied `tests` folder of exercise `name` each test file
/// (one test binary) that none of the kept tasks and perf checks runs.
///
/// A task names its tests by binary (`binary(spawn_join)` runs
/// `tests/spawn_join.rs`) and every perf test lives in `tests/perf.rs`. A
/// kept task whose filter is anything else might run any binary: then every
/// test file stays. Folders (`tests/common/`) always stay.
fn remove_unrun_test_files(tests: &Path, real: &Path, name: &str, tasks: &[&str], perfs: &[&str]) {
    let catalogue: toml::Table = read(&real.join("course.toml"))
        .parse()
        .expect("course.toml is TOML");
    let exercise = catalogue["exercise"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"].as_str() == Some(name)))
        .unwrap_or_else(|| panic!("no exercise {name} in course.toml"));
    let mut run = Vec::new();
    for task in exercise["task"].as_array().into_iter().flatten() {
        if !task["name"].as_str().is_some_and(|n| tasks.contains(&n)) {
            continue;
        }
        let filter = task["filter"].as_str().unwrap_or_default();
        match filter
            .strip_prefix("binary(")
            .and_then(|rest| rest.strip_suffix(')'))
            .filter(|binary| {
                binary
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            }) {
            Some(binary) => run.push(format!("{binary}.rs")),
            None => return,
        }
    }
    if !perfs.is_empty() {
        run.push("perf.rs".to_owned());
    }
    for entry in std::fs::read_dir(tests).unwrap_or_else(|e| panic!("{}: {e}", tests.display())) {
        let path = entry.expect("a folder entry").path();
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_file() && !run.iter().any(|kept| kept == file_name) {
            std::fs::remove_file(&path)
                .unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
        }
    }
}

/// The real nextest config without its `default-filter`: that filter names
/// the real workspace's packages (`checker`, `fixtures`, the solutions), and
/// nextest refuses a filter that matches no package of this one. The
/// checker ignores it when grading anyway (`--ignore-default-filter`).
fn grading_config(real: &Path) -> String {
    let mut config: toml::Table = read(&real.join(".config/nextest.toml"))
        .parse()
        .expect("the nextest config is TOML");
    let removed = config
        .get_mut("profile")
        .and_then(|profiles| profiles.get_mut("default"))
        .and_then(toml::Value::as_table_mut)
        .and_then(|default| default.remove("default-filter"));
    assert!(removed.is_some(), "the real config has a default-filter");
    config.to_string()
}

/// The real workspace manifest with `exercises/<name>` its only member and
/// the `fixtures` workspace dependency at the real crate's absolute path.
fn one_member_workspace(real: &Path, name: &str) -> String {
    let mut manifest: toml::Table = read(&real.join("Cargo.toml"))
        .parse()
        .expect("Cargo.toml is TOML");
    let workspace = manifest
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
        .expect("a [workspace]");
    workspace.insert(
        "members".into(),
        vec![toml::Value::from(format!("exercises/{name}"))].into(),
    );
    let dependencies = workspace
        .get_mut("dependencies")
        .and_then(toml::Value::as_table_mut)
        .expect("[workspace.dependencies]");
    // The course's own crates, outside the copy: the real ones, by absolute
    // path, with the features the real workspace gives them.
    for local in ["fixtures", "workspace-hack"] {
        let entry = dependencies
            .get_mut(local)
            .and_then(toml::Value::as_table_mut)
            .unwrap_or_else(|| panic!("[workspace.dependencies] {local} is a table"));
        let path = real.join(local);
        entry.insert("path".into(), path.to_str().expect("a UTF-8 path").into());
    }
    manifest.to_string()
}

/// Copies the folder `from` to `to`, leaving out the entries of `from`
/// named in `skip` (not those of its subfolders).
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("a folder entry");
        if skip.iter().any(|s| entry.file_name() == *s) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()), &[]);
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))
                .unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}
