//! `checker class`: a folder of a class's reports into a gradebook and a
//! summary, with the real binary on generated reports (issue 23).

mod support;

use checker::course::PerfKind;
use checker::report::{
    ExerciseGrade, ExerciseStatus, Machine, PerfGrade, PerfStatus, ProtectedFiles,
    REPORT_FORMAT_VERSION, Report, ReviewFlag, TaskGrade, TestResult, TestStatus,
};
use checker::review::ReviewRule;
use support::{FixtureCourse, assert_contains, course_toml, manifest};

/// The course the reports are of: its catalogue and exercise folders (the
/// class command builds nothing).
fn course() -> FixtureCourse {
    let toml = course_toml::course(
        "",
        &[
            course_toml::exercise("01-basics", "basics", "Basics", 1),
            course_toml::task("spawn", "binary(spawn)", 10),
            course_toml::task("race", "binary(race)", 15),
            course_toml::perf_timed_by("cpu-primes", "perf_primes", 15, course_toml::CPU_70),
            course_toml::exercise("02-pool", "pool", "Pool", 2),
            course_toml::task("pool", "binary(pool)", 20),
            course_toml::perf_timed_by(
                "io-map",
                "perf_map",
                10,
                "kind = \"io\"\nefficiency = 0.7\nworkers = 10",
            ),
        ],
    );
    FixtureCourse::new(
        &toml,
        &[
            ("exercises/01-basics/Cargo.toml", &manifest("basics")),
            ("exercises/02-pool/Cargo.toml", &manifest("pool")),
        ],
    )
}

/// A small deterministic generator, so the snapshot is the same every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn task(name: &str, points: u32, passed: usize, of: usize) -> TaskGrade {
    TaskGrade {
        name: name.into(),
        score: if passed == of { points } else { 0 },
        max_score: points,
        hint: "-".into(),
        tests: (0..of)
            .map(|i| TestResult {
                name: format!("{name}::t{i}"),
                status: if i < passed {
                    TestStatus::Passed
                } else {
                    TestStatus::Failed
                },
                duration_ms: 5,
                message: (i >= passed).then(|| "assertion failed".into()),
                file: None,
                line: None,
            })
            .collect(),
    }
}

fn perf(name: &str, kind: PerfKind, points: u32, required: f64, speedup: f64) -> PerfGrade {
    let status = if speedup >= required {
        PerfStatus::Passed
    } else {
        PerfStatus::BelowThreshold
    };
    PerfGrade {
        name: name.into(),
        kind,
        speedup: Some(speedup),
        interval: Some([speedup - 0.05, speedup + 0.05]),
        required: Some(required),
        ideal: Some(required / 0.7),
        rule: "0.7 × cores".into(),
        cpu_utilization: Some(speedup),
        calibration_speedup: Some(1.9),
        peak_threads: Some(3),
        peak_processes: None,
        status,
        score: if status == PerfStatus::Passed {
            points
        } else {
            0
        },
        max_score: points,
        attempts: 1,
        rounds: 7,
        round_speedups: vec![speedup; 7],
        calibration_round_speedups: vec![1.9; 7],
        duration_ms: 3_000,
        seed: Some(1),
        message: None,
    }
}

/// Student `i`'s report: progress grows with `i`, perf varies.
fn report(i: u64, rng: &mut Lcg) -> Report {
    let basics_broken = i % 13 == 5;
    let mut basics = ExerciseGrade {
        name: "01-basics".into(),
        title: "Basics".into(),
        package: "basics".into(),
        status: ExerciseStatus::Failed,
        score: 0,
        max_score: 40,
        message: None,
        tasks: vec![
            task("spawn", 10, if i.is_multiple_of(4) { 2 } else { 3 }, 3),
            task("race", 15, rng.below(5) as usize, 4),
        ],
        perf: vec![perf(
            "cpu-primes",
            PerfKind::Cpu,
            15,
            1.4,
            0.9 + rng.below(110) as f64 / 100.0,
        )],
        review: Vec::new(),
    };
    if basics_broken {
        basics.status = ExerciseStatus::CompileError;
        basics.message = Some("does not compile".into());
        for t in &mut basics.tasks {
            t.score = 0;
            t.tests.clear();
        }
        basics.perf[0].status = PerfStatus::NotRun;
        basics.perf[0].score = 0;
        basics.perf[0].speedup = None;
    }
    if i % 17 == 3 {
        basics.perf[0].status = PerfStatus::Inconclusive;
        basics.perf[0].score = 0;
    }
    if i == 21 {
        basics.review.push(ReviewFlag {
            rule: ReviewRule::ProcessExit,
            file: "exercises/01-basics/src/lib.rs".into(),
            line: 12,
            excerpt: "std::process::exit(0);".into(),
            reason: "`process::exit` ends the whole test process".into(),
        });
    }
    let pool = ExerciseGrade {
        name: "02-pool".into(),
        title: "Pool".into(),
        package: "pool".into(),
        status: ExerciseStatus::Failed,
        score: 0,
        max_score: 30,
        message: None,
        tasks: vec![task("pool", 20, (i % 6) as usize, 5)],
        perf: vec![perf(
            "io-map",
            PerfKind::Io,
            10,
            7.0,
            5.0 + rng.below(480) as f64 / 100.0,
        )],
        review: Vec::new(),
    };
    let mut exercises = vec![basics, pool];
    for exercise in &mut exercises {
        exercise.score = exercise.tasks.iter().map(|t| t.score).sum::<u32>()
            + exercise.perf.iter().map(|p| p.score).sum::<u32>();
        if exercise.score == exercise.max_score {
            exercise.status = ExerciseStatus::Passed;
        }
    }
    let tampered = i == 7 || i == 30;
    Report {
        format_version: REPORT_FORMAT_VERSION,
        score: exercises.iter().map(|e| e.score).sum(),
        max_score: 70,
        source: "exercises".into(),
        checker_version: "0.1.0".into(),
        date: format!("2026-12-{:02}T10:00:00Z", 1 + i % 3),
        elapsed_ms: 60_000,
        build_ms: 30_000,
        machine: Machine {
            cores: 4,
            os: "linux x86_64".into(),
            rustc: "rustc 1.95.0".into(),
            not_enforced: Vec::new(),
        },
        exercises,
        protected: Some(ProtectedFiles {
            base: "0123abcd".into(),
            base_tree: if i == 30 { "ffff0000" } else { "4567ef01" }.into(),
            changed: if tampered {
                vec!["exercises/01-basics/tests/race.rs".into()]
            } else {
                Vec::new()
            },
            restored: true,
        }),
    }
}

/// Writes `count` generated reports as `student-NN.json` into `dir`.
fn write_reports(dir: &std::path::Path, count: u64) {
    let mut rng = Lcg(42);
    for i in 0..count {
        let text = serde_json::to_string_pretty(&report(i, &mut rng)).expect("serialise");
        std::fs::write(dir.join(format!("student-{i:02}.json")), text).expect("write");
    }
}

#[test]
fn a_class_folder_becomes_a_gradebook_and_a_summary_with_bad_files_named() {
    let course = course();
    let reports = tempfile::tempdir().expect("temp dir");
    write_reports(reports.path(), 37);
    // Three files that are not reports of this course, among the 40.
    std::fs::write(reports.path().join("broken.json"), "{ not json").expect("write");
    let mut other = serde_json::to_value(report(0, &mut Lcg(1))).expect("a value");
    other["exercises"][1]["name"] = "09-other".into();
    std::fs::write(reports.path().join("other-course.json"), other.to_string()).expect("write");
    let mut newer = serde_json::to_value(report(1, &mut Lcg(1))).expect("a value");
    newer["format_version"] = 2.into();
    std::fs::write(reports.path().join("newer.json"), newer.to_string()).expect("write");
    std::fs::write(reports.path().join("notes.txt"), "not a report, not read").expect("write");

    let out = reports.path().join("summary");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let dir_arg = reports.path().to_str().expect("a UTF-8 path");
    let run = course.checker(&["class", dir_arg, "--out", out_arg]);
    assert_eq!(run.code, Some(1), "files were left out:\n{}", run.stderr);
    assert_contains(&run.stdout, "37 report(s) read, 3 left out");
    for file in ["broken.json", "other-course.json", "newer.json"] {
        assert!(
            run.stderr.contains(&format!("{file} left out")),
            "{file} is named:\n{}",
            run.stderr
        );
    }
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect("written");
    let gradebook = read("gradebook.csv");
    assert_eq!(
        gradebook.lines().count(),
        38,
        "a header and one row per report"
    );
    let summary = read("class-summary.md");
    insta::assert_snapshot!("gradebook", gradebook);
    insta::assert_snapshot!("summary", summary);
    let html = read("class-summary.html");
    checker::render::html::well_formed(&html).expect("a well-formed page");
    assert_eq!(html.matches("<svg ").count(), 2, "a plot per perf check");
    assert!(summary.contains("graded against template tree ffff0000"));
}

/// A thousand reports: read, aggregated and written in one run (the time
/// is measured with `time`, not here; see the closing note).
#[test]
fn a_thousand_reports_are_read_in_one_run() {
    let course = course();
    let reports = tempfile::tempdir().expect("temp dir");
    write_reports(reports.path(), 1_000);
    let dir_arg = reports.path().to_str().expect("a UTF-8 path");
    let run = course.checker(&["class", dir_arg]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let gradebook = std::fs::read_to_string(reports.path().join("gradebook.csv")).expect("written");
    assert_eq!(gradebook.lines().count(), 1_001);
}

#[test]
fn an_empty_or_missing_folder_is_a_clear_error() {
    let course = course();
    let empty = tempfile::tempdir().expect("temp dir");
    let run = course.checker(&["class", empty.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "no `*.json` reports in");
    let run = course.checker(&["class", "/no/such/folder"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("failed to read the reports folder /no/such/folder"),
        "{}",
        run.stderr
    );
}
