//! The grading pipeline for one `checker verify`:
//! catalogue → per-exercise nextest runs → perf records → [`Report`].
//!
//! **Invariant:** every exercise is built and tested on its own
//! (`cargo nextest run -p <package>`, never `--workspace`), so one crate that
//! does not compile, hangs or crashes cannot cost another its grade.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fixtures::perf::{PERF_DIR_ENV, PERF_SEED_ENV, PERF_THREADS_ENV, PerfRecord};

use crate::build_progress::{BuildWatch, remember_units, remembered_units};
use crate::course::{Course, Exercise, PerfCheck, Source};
use crate::locate::TestSources;
use crate::nextest::{Listing, Nextest, PERF_TESTS, TestId, is_perf_test};
use crate::perf::{self, Measurement};
use crate::report::{
    ExerciseGrade, ExerciseStatus, Machine, PerfGrade, REPORT_FORMAT_VERSION, Report, ReviewFlag,
    TaskGrade, TestResult, TestStatus,
};
use crate::review;
use crate::task_map::TaskMapCache;

/// Grades exercises of one course.
pub struct Grader<'a> {
    course: &'a Course,
    nextest: Nextest,
    source: Source,
    cores: usize,
    with_perf: bool,
    focus: Option<usize>,
    seed: Option<u64>,
    /// Time spent building and listing tests in the current `grade`.
    build: Duration,
    progress: &'a mut dyn Write,
}

impl<'a> Grader<'a> {
    /// A grader for `course`'s `source` tree on a machine with `cores` cores,
    /// writing progress lines to `progress`.
    pub fn new(
        course: &'a Course,
        nextest: Nextest,
        source: Source,
        cores: usize,
        progress: &'a mut dyn Write,
    ) -> Self {
        Self {
            course,
            nextest,
            source,
            cores,
            with_perf: true,
            focus: None,
            seed: None,
            build: Duration::ZERO,
            progress,
        }
    }

    /// Runs only the tests of the first `tasks` tasks (the others are
    /// reported not run), so `watch` answers fast on the task at hand; when
    /// the task → tests mapping of an earlier grade is stored, builds only
    /// their test binaries and skips the listing, falling back to the full
    /// way if the tests that run are not exactly the remembered ones.
    pub fn with_focus(mut self, tasks: Option<usize>) -> Self {
        self.focus = tasks;
        self
    }

    /// Replays perf inputs from `seed` (the `seed` a report printed).
    pub fn with_seed(mut self, seed: Option<u64>) -> Self {
        self.seed = seed;
        self
    }

    /// Skips the perf checks (reported `not_run`), for quick re-grading.
    pub fn without_perf(mut self) -> Self {
        self.with_perf = false;
        self
    }

    /// Grades `exercises` in order, measures once more any perf check still
    /// inconclusive at the end ([`Self::remeasure_inconclusive`]) and
    /// assembles the report.
    pub fn grade(&mut self, exercises: &[&Exercise], machine: Machine) -> Report {
        let started = Instant::now();
        self.build = Duration::ZERO;
        let total = exercises.len();
        let mut grades: Vec<ExerciseGrade> = exercises
            .iter()
            .enumerate()
            .map(|(i, exercise)| {
                self.say(format_args!("[{}/{total}] {}", i + 1, exercise.name));
                let mut grade = self.grade_exercise(exercise);
                grade.review = self.review(exercise);
                grade
            })
            .collect();
        self.remeasure_inconclusive(exercises, &mut grades);
        Report {
            format_version: REPORT_FORMAT_VERSION,
            score: grades.iter().map(|g| g.score).sum(),
            max_score: grades.iter().map(|g| g.max_score).sum(),
            source: self.source.dir().to_owned(),
            checker_version: crate::report::CHECKER_VERSION.to_owned(),
            date: crate::report::rfc3339_utc(std::time::SystemTime::now()),
            elapsed_ms: millis_since(started),
            build_ms: millis(self.build),
            machine,
            exercises: grades,
            protected: None,
        }
    }

    /// The final pass of a run: every perf check of `grades` still
    /// inconclusive is measured once more, and its exercise's grade rebuilt
    /// with the new result. An inconclusive check's points are withheld, and
    /// the minutes spent on the other exercises may have left the machine
    /// idle: one more measurement now can earn them without a second run.
    /// One measurement each, so a machine that stays busy costs little.
    pub fn remeasure_inconclusive(
        &mut self,
        exercises: &[&Exercise],
        grades: &mut [ExerciseGrade],
    ) {
        let pending = grades
            .iter()
            .flat_map(|g| &g.perf)
            .filter(|p| p.status.is_pending())
            .count();
        if pending == 0 {
            return;
        }
        self.say(format_args!(
            "re-measuring {pending} inconclusive perf check{}…",
            if pending == 1 { "" } else { "s" }
        ));
        regrade_pending(exercises, grades, |package, check, earlier| {
            self.say(format_args!("  perf check {} of {package}…", check.name));
            let mut grade = self.measure_perf(package, check, earlier.attempts, 1);
            grade.duration_ms += earlier.duration_ms;
            self.say(format_args!("    {}", perf_line(&grade)));
            grade
        });
    }

    /// "Needs review" flags of the graded `src/`, whatever became of the
    /// build: code that does not compile can still be worth a look.
    fn review(&self, exercise: &Exercise) -> Vec<ReviewFlag> {
        let src = Path::new(self.source.dir())
            .join(&exercise.name)
            .join("src");
        review::scan_tree(&self.course.root, &src, &exercise.review_allows)
    }

    fn say(&mut self, line: std::fmt::Arguments<'_>) {
        // Progress is best effort: a closed stderr must not stop grading.
        let _ = writeln!(self.progress, "{line}");
    }

    fn grade_exercise(&mut self, exercise: &Exercise) -> ExerciseGrade {
        let package = exercise.package_for(self.source);
        if let Some(grade) = self.grade_focused_as_remembered(exercise, &package) {
            return grade;
        }
        self.say(format_args!(
            "  building and listing the tests of {package}…"
        ));
        let building = Instant::now();
        let every = if std::io::stderr().is_terminal() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(15)
        };
        let root = &self.course.root;
        let mut watch = BuildWatch::new(remembered_units(root, &package), every);
        let progress = &mut *self.progress;
        let listing = self.nextest.list_all(&package, &mut |line| {
            if let Some(status) = watch.observe(line) {
                // Best effort, as every progress line.
                let _ = writeln!(progress, "  {status}");
            }
        });
        if matches!(listing, Ok(Listing::Built(_))) {
            remember_units(root, &package, watch.units());
        }
        self.build += building.elapsed();
        match listing {
            Err(error) => self.unrunnable(
                exercise,
                &package,
                ExerciseStatus::NotRun,
                error.to_string(),
            ),
            Ok(Listing::CompileError(error)) => {
                let message = match &error.location {
                    Some(location) => format!("does not compile ({location}):\n{}", error.rendered),
                    None => format!("does not compile:\n{}", error.rendered),
                };
                self.unrunnable(exercise, &package, ExerciseStatus::CompileError, message)
            }
            Ok(Listing::Built(all_tests)) => match self.grade_built(exercise, &package, &all_tests)
            {
                Ok(grade) => grade,
                Err(message) => {
                    self.unrunnable(exercise, &package, ExerciseStatus::NotRun, message)
                }
            },
        }
    }

    fn grade_built(
        &mut self,
        exercise: &Exercise,
        package: &str,
        all_tests: &[TestId],
    ) -> Result<ExerciseGrade, String> {
        let selections = self.select_tests(exercise, package, all_tests)?;
        self.say(format_args!("  running the correctness tests…"));
        let focus = self.focused_tasks(exercise);
        let results = self
            .nextest
            .run(package, &correctness_filter(exercise, focus), &[])
            .map_err(|e| e.to_string())?;
        Ok(self.grade_results(exercise, package, selections, focus, &results))
    }

    /// `watch`'s answer to a save, without listing: the focused tasks' tests
    /// as the last listing mapped them, built and run from their own test
    /// binaries only. Listing relinks every test binary of the crate and
    /// runs cargo twice, which is most of the time a save waits; this skips
    /// both. `None` (grade the long way) when nothing is remembered, when the
    /// run fails (a compile error is then reported by the full listing) or
    /// when the tests that ran are not exactly the ones remembered (a test
    /// was added, removed or renamed since).
    fn grade_focused_as_remembered(
        &mut self,
        exercise: &Exercise,
        package: &str,
    ) -> Option<ExerciseGrade> {
        self.focus?;
        let focus = self.focused_tasks(exercise);
        let cache = TaskMapCache::remembered(&self.course.root, package)?;
        let selections = exercise
            .tasks
            .iter()
            .map(|task| cache.get(&task.filter))
            .collect::<Option<Vec<_>>>()?;
        let expected: BTreeSet<&TestId> = selections[..focus]
            .iter()
            .flatten()
            .filter(|id| !is_perf_test(&id.name))
            .collect();
        let binaries: BTreeSet<&str> = expected.iter().map(|id| id.binary.as_str()).collect();
        if binaries.is_empty() {
            return None;
        }
        self.say(format_args!(
            "  building and running the tests of the task at hand…"
        ));
        let binaries: Vec<&str> = binaries.into_iter().collect();
        let results = self
            .nextest
            .run_in(
                package,
                &binaries,
                &correctness_filter(exercise, focus),
                &[],
            )
            .ok()?;
        if !results.keys().eq(expected.iter().copied()) {
            self.say(format_args!(
                "  the tests changed since they were listed: listing them again…"
            ));
            return None;
        }
        Some(self.grade_results(exercise, package, selections, focus, &results))
    }

    /// Which tests each task's filter selects, from the cache or nextest.
    fn select_tests(
        &mut self,
        exercise: &Exercise,
        package: &str,
        all_tests: &[TestId],
    ) -> Result<Vec<Vec<TestId>>, String> {
        let exercise_index = self
            .course
            .exercises
            .iter()
            .position(|e| e.name == exercise.name)
            .unwrap_or_default();
        let cache = TaskMapCache::new(&self.course.root, package, all_tests);
        let mut selections = Vec::with_capacity(exercise.tasks.len());
        for (j, task) in exercise.tasks.iter().enumerate() {
            let key = format!("course.toml: exercise[{exercise_index}].task[{j}].filter");
            let tests = match cache.get(&task.filter) {
                Some(tests) => tests,
                None => self
                    .nextest
                    .list_matching(package, &task.filter)
                    .map_err(|e| format!("{key}: {e}"))?,
            };
            if tests.is_empty() {
                return Err(format!(
                    "{key}: `{}` matches no test in package {package} \
                     (if a test file was edited or deleted, `git checkout` it back)",
                    task.filter
                ));
            }
            selections.push(tests);
        }
        cache.store(
            exercise
                .tasks
                .iter()
                .map(|t| t.filter.as_str())
                .zip(&selections),
        );
        Ok(selections)
    }

    /// How many tasks, from the first, have their tests run.
    fn focused_tasks(&self, exercise: &Exercise) -> usize {
        self.focus.unwrap_or(usize::MAX).min(exercise.tasks.len())
    }

    /// Grades the tasks from `results` (tests of tasks past `focus` are
    /// reported not run yet), then the perf checks unless skipped.
    fn grade_results(
        &mut self,
        exercise: &Exercise,
        package: &str,
        selections: Vec<Vec<TestId>>,
        focus: usize,
        results: &BTreeMap<TestId, TestResult>,
    ) -> ExerciseGrade {
        let mut sources = TestSources::new(&self.course.root, &exercise.name);
        let tasks: Vec<TaskGrade> = exercise
            .tasks
            .iter()
            .zip(selections)
            .enumerate()
            .map(|(index, (task, tests))| {
                let tests: Vec<TestResult> = tests
                    .iter()
                    .map(|id| {
                        let (file, line) = sources.locate(id);
                        let mut result = result_of(results, id);
                        if index >= focus {
                            result.message = Some(
                                "not run yet: `checker watch` grades the tasks in order, up to the first one not done"
                                    .into(),
                            );
                        }
                        TestResult {
                            file,
                            line,
                            ..result
                        }
                    })
                    .collect();
                let done = tests.iter().all(|t| t.status == TestStatus::Passed);
                TaskGrade {
                    name: task.name.clone(),
                    score: if done { task.points } else { 0 },
                    max_score: task.points,
                    hint: task.hint.clone(),
                    tests,
                }
            })
            .collect();

        if !self.with_perf {
            let perf = exercise
                .perf
                .iter()
                .map(|check| {
                    perf::not_run(
                        check,
                        self.cores,
                        "not timed here: `cargo checker verify` runs the perf checks",
                    )
                })
                .collect();
            return assemble(exercise, package, None, tasks, perf);
        }
        let count = exercise.perf.len();
        let perf: Vec<PerfGrade> = exercise
            .perf
            .iter()
            .enumerate()
            .map(|(j, check)| {
                self.say(format_args!(
                    "  perf check {}/{count}: {}…",
                    j + 1,
                    check.name
                ));
                let grade = self.grade_perf(package, check);
                self.say(format_args!("    {}", perf_line(&grade)));
                grade
            })
            .collect();
        assemble(exercise, package, None, tasks, perf)
    }

    fn grade_perf(&mut self, package: &str, check: &PerfCheck) -> PerfGrade {
        self.measure_perf(package, check, 0, perf::MAX_ATTEMPTS)
    }

    /// Grades `check` with at most `attempts` measurements, after `earlier`
    /// ones already made in this run (numbered on from them, in the record
    /// folders and the grade's `attempts`).
    fn measure_perf(
        &mut self,
        package: &str,
        check: &PerfCheck,
        earlier: u32,
        attempts: u32,
    ) -> PerfGrade {
        let cores = self.cores;
        let nextest = self.nextest.clone();
        let record_root = self
            .course
            .root
            .join("target/checker/perf")
            .join(package)
            .join(&check.name);
        let mut remeasures = Vec::new();
        let seed = self.seed;
        let started = Instant::now();
        let mut grade = perf::grade_within(check, cores, attempts, |attempt| {
            let attempt = earlier + attempt;
            if attempt > 1 {
                remeasures.push(attempt);
            }
            measure_once(
                &nextest,
                package,
                check,
                &record_root.join(format!("attempt-{attempt}")),
                seed,
                None,
            )
        });
        grade.attempts += earlier;
        grade.duration_ms = millis_since(started);
        for attempt in remeasures {
            self.say(format_args!(
                "    re-measured {} (attempt {attempt})",
                check.name
            ));
        }
        grade
    }

    fn unrunnable(
        &mut self,
        exercise: &Exercise,
        package: &str,
        status: ExerciseStatus,
        message: String,
    ) -> ExerciseGrade {
        self.say(format_args!(
            "  {}",
            message.lines().next().unwrap_or_default()
        ));
        let tasks = exercise
            .tasks
            .iter()
            .map(|task| TaskGrade {
                name: task.name.clone(),
                score: 0,
                max_score: task.points,
                hint: task.hint.clone(),
                tests: Vec::new(),
            })
            .collect();
        let why = match status {
            ExerciseStatus::CompileError => "the exercise does not compile",
            _ => "the exercise could not be run",
        };
        let perf = exercise
            .perf
            .iter()
            .map(|check| perf::not_run(check, self.cores, why))
            .collect();
        let mut grade = assemble(exercise, package, Some(message), tasks, perf);
        grade.status = status;
        grade
    }
}

/// Runs one perf test with a fresh record directory and reads what it wrote;
/// with `threads`, the test gives the code under test that many threads or
/// workers instead of its own count (`checker scale` only: never a grade).
pub(crate) fn measure_once(
    nextest: &Nextest,
    package: &str,
    check: &PerfCheck,
    dir: &Path,
    seed: Option<u64>,
    threads: Option<u32>,
) -> Measurement {
    if let Err(e) = std::fs::remove_dir_all(dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Measurement::Failed(format!("failed to clear {}: {e}", dir.display()));
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Measurement::Failed(format!("failed to create {}: {e}", dir.display()));
    }
    let filter = format!("test(={})", check.test);
    let seed = seed.map(|s| s.to_string());
    let mut env = vec![(PERF_DIR_ENV, dir.as_os_str())];
    if let Some(seed) = &seed {
        env.push((PERF_SEED_ENV, std::ffi::OsStr::new(seed)));
    }
    let threads = threads.map(|n| n.to_string());
    if let Some(threads) = &threads {
        env.push((PERF_THREADS_ENV, std::ffi::OsStr::new(threads)));
    }
    let results = match nextest.run(package, &filter, &env) {
        Ok(results) => results,
        Err(e) => return Measurement::Failed(e.to_string()),
    };
    let Some(result) = results
        .values()
        .find(|r| r.name.ends_with(&format!("::{}", check.test)))
    else {
        return Measurement::Failed(format!(
            "no test named `{}` ran in package {package}; check course.toml's `test` key",
            check.test
        ));
    };
    let records = match record_files(dir) {
        Ok(records) => records,
        Err(e) => return Measurement::Failed(format!("failed to read {}: {e}", dir.display())),
    };
    match (records.as_slice(), result.status) {
        (_, TestStatus::Timeout) => Measurement::Failed(format!(
            "the perf test `{}` was killed after the timeout: possible deadlock",
            check.test
        )),
        ([only], _) => match PerfRecord::read(only) {
            Ok(record) if result.status == TestStatus::Passed || !record.answers_match() => {
                Measurement::Record(record)
            }
            Ok(_) => Measurement::Failed(failure_text(result)),
            Err(e) => Measurement::Failed(e.to_string()),
        },
        ([], TestStatus::Passed) => Measurement::Failed(format!(
            "the perf test `{}` passed but wrote no perf record: it must call fixtures::perf::measure",
            check.test
        )),
        ([], _) => Measurement::Failed(failure_text(result)),
        (many, _) => Measurement::Failed(format!(
            "the perf test `{}` wrote {} perf records, expected exactly one",
            check.test,
            many.len()
        )),
    }
}

/// The filterset of the correctness tests of the first `focus` tasks (all
/// of them when `focus` covers every task).
fn correctness_filter(exercise: &Exercise, focus: usize) -> String {
    if focus < exercise.tasks.len() {
        let chosen: Vec<String> = exercise.tasks[..focus]
            .iter()
            .map(|t| format!("({})", t.filter))
            .collect();
        format!("(not {PERF_TESTS}) & ({})", chosen.join(" | "))
    } else {
        format!("not {PERF_TESTS}")
    }
}

fn failure_text(result: &TestResult) -> String {
    format!(
        "the perf test failed: {}",
        result.message.as_deref().unwrap_or("no message")
    )
}

fn record_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn result_of(results: &BTreeMap<TestId, TestResult>, id: &TestId) -> TestResult {
    results.get(id).cloned().unwrap_or_else(|| TestResult {
        name: id.to_string(),
        status: TestStatus::NotRun,
        duration_ms: 0,
        message: Some("listed but did not run (the test run was cut short)".into()),
        file: None,
        line: None,
    })
}

/// Replaces each pending (inconclusive) perf grade of `grades` by
/// `regrade(package, check, pending grade)` and rebuilds the exercise's
/// grade through [`assemble`], so its score, maximum and status follow the
/// new result by the same rules as a first grade. Grades without a pending
/// check, and checks not pending, are left as they are.
/// Milliseconds since `started`, for the report's timings.
pub fn millis_since(started: Instant) -> u64 {
    millis(started.elapsed())
}

/// `duration` in whole milliseconds, as the report keeps its timings.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn regrade_pending(
    exercises: &[&Exercise],
    grades: &mut [ExerciseGrade],
    mut regrade: impl FnMut(&str, &PerfCheck, &PerfGrade) -> PerfGrade,
) {
    for grade in grades.iter_mut() {
        if !grade.perf.iter().any(|p| p.status.is_pending()) {
            continue;
        }
        let Some(exercise) = exercises.iter().find(|e| e.name == grade.name) else {
            continue;
        };
        let perf = grade
            .perf
            .iter()
            .map(
                |old| match exercise.perf.iter().find(|c| c.name == old.name) {
                    Some(check) if old.status.is_pending() => regrade(&grade.package, check, old),
                    _ => old.clone(),
                },
            )
            .collect();
        let review = std::mem::take(&mut grade.review);
        let tasks = std::mem::take(&mut grade.tasks);
        *grade = ExerciseGrade {
            review,
            ..assemble(exercise, &grade.package, grade.message.take(), tasks, perf)
        };
    }
}

fn assemble(
    exercise: &Exercise,
    package: &str,
    message: Option<String>,
    tasks: Vec<TaskGrade>,
    perf: Vec<PerfGrade>,
) -> ExerciseGrade {
    let score =
        tasks.iter().map(|t| t.score).sum::<u32>() + perf.iter().map(|p| p.score).sum::<u32>();
    let max_score = tasks.iter().map(|t| t.max_score).sum::<u32>()
        + perf.iter().map(|p| p.max_score).sum::<u32>();
    let timed_out = tasks
        .iter()
        .flat_map(|t| &t.tests)
        .any(|t| t.status == TestStatus::Timeout);
    let tasks_done = tasks.iter().all(TaskGrade::is_done);
    let perf_ok = perf.iter().all(|p| p.status.is_earned());
    let status = if timed_out {
        ExerciseStatus::Timeout
    } else if tasks_done && perf_ok {
        ExerciseStatus::Passed
    } else {
        ExerciseStatus::Failed
    };
    ExerciseGrade {
        name: exercise.name.clone(),
        title: exercise.title.clone(),
        package: package.to_owned(),
        status,
        score,
        max_score,
        message,
        tasks,
        perf,
        review: Vec::new(),
    }
}

fn perf_line(grade: &PerfGrade) -> String {
    let status = serde_json::to_value(grade.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    match (grade.speedup, grade.required) {
        (Some(speedup), Some(required)) => {
            format!("{status}: {speedup:.2}× (needs {required:.2}×)")
        }
        _ => status,
    }
}

/// Facts about this machine for the report.
pub fn machine(cores: usize) -> Machine {
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    Machine {
        cores,
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        rustc,
        not_enforced: crate::protections::not_enforced(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::{PerfKind, Task};
    use crate::report::PerfStatus;

    fn exercise() -> Exercise {
        let check = |name: &str| PerfCheck {
            name: name.into(),
            test: format!("perf_{name}"),
            kind: PerfKind::Cpu,
            points: 10,
            efficiency: 0.7,
            workers: None,
            work_units: None,
            hint: "use every core".into(),
        };
        Exercise {
            name: "01-primes".into(),
            package: "primes".into(),
            title: "Primes".into(),
            notebook: 1,
            tasks: vec![Task {
                name: "counts".into(),
                filter: "binary(counts)".into(),
                points: 5,
                hint: "-".into(),
            }],
            perf: vec![check("fast"), check("busy")],
            review_allows: Vec::new(),
        }
    }

    /// A task done: its points, on a test that ran and passed.
    fn done_task() -> TaskGrade {
        TaskGrade {
            name: "counts".into(),
            score: 5,
            max_score: 5,
            hint: "-".into(),
            tests: vec![TestResult {
                name: "counts::t".into(),
                status: TestStatus::Passed,
                duration_ms: 1,
                message: None,
                file: None,
                line: None,
            }],
        }
    }

    /// A grade of `check` in `status`, scored by the one rule.
    fn perf_grade(check: &PerfCheck, status: PerfStatus, attempts: u32) -> PerfGrade {
        let max_score = if status == PerfStatus::NotApplicable {
            0
        } else {
            check.points
        };
        PerfGrade {
            name: check.name.clone(),
            kind: check.kind,
            speedup: Some(1.5),
            interval: None,
            required: Some(1.4),
            ideal: Some(2.0),
            rule: check.rule(),
            cpu_utilization: Some(1.6),
            calibration_speedup: Some(1.9),
            peak_threads: Some(3),
            peak_processes: None,
            status,
            score: if status.is_earned() { max_score } else { 0 },
            max_score,
            attempts,
            rounds: 7,
            round_speedups: vec![1.5; 7],
            calibration_round_speedups: vec![1.9; 7],
            seed: Some(1),
            duration_ms: 0,
            message: None,
        }
    }

    /// [`exercise`] assembled from its task done, its first perf check
    /// passed in one measurement and its second in `second` after `attempts`.
    fn assembled(exercise: &Exercise, second: PerfStatus, attempts: u32) -> ExerciseGrade {
        assemble(
            exercise,
            "primes",
            None,
            vec![done_task()],
            vec![
                perf_grade(&exercise.perf[0], PerfStatus::Passed, 1),
                perf_grade(&exercise.perf[1], second, attempts),
            ],
        )
    }

    #[test]
    fn an_inconclusive_check_withholds_its_points_and_the_pass() {
        let exercise = exercise();
        let pending = assembled(&exercise, PerfStatus::Inconclusive, 3);
        assert_eq!(
            (pending.status, pending.score, pending.max_score),
            (ExerciseStatus::Failed, 15, 25)
        );
        // Not applicable keeps today's rule: nothing to earn, nothing withheld.
        let free = assembled(&exercise, PerfStatus::NotApplicable, 0);
        assert_eq!(
            (free.status, free.score, free.max_score),
            (ExerciseStatus::Passed, 15, 15)
        );
    }

    #[test]
    fn the_final_pass_regrades_only_pending_checks_and_rebuilds_the_grade() {
        let exercise = exercise();
        let first = || {
            let mut grade = assembled(&exercise, PerfStatus::Inconclusive, 3);
            grade.review = vec![ReviewFlag {
                rule: crate::review::ReviewRule::Unsafe,
                file: "exercises/01-primes/src/lib.rs".into(),
                line: 3,
                excerpt: "unsafe {}".into(),
                reason: "-".into(),
            }];
            vec![grade]
        };
        for (now, status, score) in [
            (PerfStatus::Passed, ExerciseStatus::Passed, 25),
            (PerfStatus::Inconclusive, ExerciseStatus::Failed, 15),
            (PerfStatus::BelowThreshold, ExerciseStatus::Failed, 15),
        ] {
            let mut grades = first();
            let mut asked = Vec::new();
            regrade_pending(&[&exercise], &mut grades, |package, check, earlier| {
                asked.push((package.to_owned(), check.name.clone(), earlier.attempts));
                perf_grade(check, now, earlier.attempts + 1)
            });
            assert_eq!(asked, [("primes".to_owned(), "busy".to_owned(), 3)]);
            let grade = &grades[0];
            assert_eq!(
                (grade.status, grade.score, grade.max_score),
                (status, score, 25),
                "{now:?}"
            );
            assert_eq!(
                grade.perf[0],
                perf_grade(&exercise.perf[0], PerfStatus::Passed, 1)
            );
            assert_eq!((grade.perf[1].status, grade.perf[1].attempts), (now, 4));
            assert_eq!(grade.review.len(), 1, "the review flags are kept");
        }
    }

    #[test]
    fn the_final_pass_leaves_settled_grades_alone() {
        let exercise = exercise();
        let settled = assembled(&exercise, PerfStatus::BelowThreshold, 3);
        let mut grades = vec![settled.clone()];
        regrade_pending(&[&exercise], &mut grades, |_, _, _| {
            unreachable!("nothing is pending")
        });
        assert_eq!(grades, [settled]);
    }
}
