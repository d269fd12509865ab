//! The report: one serde model that every renderer reads.
//!
//! `Report → ExerciseGrade → TaskGrade / PerfGrade`. The JSON rendering is
//! this model as is; its JSON Schema (`checker/report.schema.json`) is
//! generated from these types, so the two cannot drift apart.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::course::PerfKind;
pub use crate::review::ReviewFlag;

/// Version of the JSON report layout.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// Everything one `checker verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always [`REPORT_FORMAT_VERSION`].
    pub format_version: u32,
    /// Points earned over all graded exercises.
    pub score: u32,
    /// Points available on this machine (not-applicable checks excluded;
    /// inconclusive ones count, their points withheld).
    pub max_score: u32,
    /// Whether the starters (`exercises`) or the reference solutions were graded.
    pub source: String,
    /// The checker's version (its crate's), which made this report: a class's
    /// reports graded by different checkers may not compare.
    #[serde(default)]
    pub checker_version: String,
    /// When the grade was made: UTC, RFC 3339 to the second
    /// (`2026-12-03T12:30:05Z`).
    #[serde(default)]
    pub date: String,
    /// Wall time of the whole run, from the checker's start to the report:
    /// building, testing and measuring included (the cargo build of the
    /// checker itself, before it starts, is not).
    pub elapsed_ms: u64,
    /// The part of `elapsed_ms` spent building the exercises' tests (cargo
    /// compiling them and nextest listing them), on its own so a slow first
    /// grade shows where its minutes went.
    #[serde(default)]
    pub build_ms: u64,
    /// Facts about the machine the grades were measured on.
    pub machine: Machine,
    /// One entry per graded exercise, in course order.
    pub exercises: Vec<ExerciseGrade>,
    /// Protected files changed since the template (absent when not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<ProtectedFiles>,
}

/// The result of comparing protected files with the template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtectedFiles {
    /// The template commit compared against.
    pub base: String,
    /// The template commit's tree: GitHub gives every repository made from
    /// a template a root commit of its own, with the same tree, so a class's
    /// reports should all name the same one (a different one means a
    /// rewritten history).
    #[serde(default)]
    pub base_tree: String,
    /// Protected paths added, changed or deleted since `base`. The grade was
    /// made with the template's versions of them either way.
    pub changed: Vec<String>,
    /// Whether the template's versions were left in the working tree
    /// (`--restore-protected`, CI); otherwise the student's edits were put
    /// back after grading.
    pub restored: bool,
}

/// The machine the grades were measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// Cores this process may use (`available_parallelism`).
    pub cores: usize,
    /// Operating system and architecture, e.g. `linux x86_64`.
    pub os: String,
    /// `rustc --version` output.
    pub rustc: String,
    /// The grade's protections this system does not enforce (`checker
    /// doctor` lists them all): a grade made here trusts the student's code
    /// further than one made on Linux. Absent where every one holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_enforced: Vec<Unenforced>,
}

/// A protection of the grade this system does not enforce, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unenforced {
    /// The protection, as `checker doctor` names it (e.g. `leftovers`).
    pub protection: String,
    /// Why it does not hold here, and what bounds the risk instead.
    pub why: String,
}

/// How an exercise as a whole went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseStatus {
    /// Every test passed and every applicable perf check was credited.
    Passed,
    /// Something was graded below full marks.
    Failed,
    /// The crate or its tests did not compile; nothing ran.
    CompileError,
    /// At least one test was killed for running too long.
    Timeout,
    /// The exercise could not be run at all (see `message`).
    NotRun,
}

/// One exercise's grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExerciseGrade {
    /// The exercise's folder name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// The Cargo package that was graded.
    pub package: String,
    /// Overall outcome.
    pub status: ExerciseStatus,
    /// Points earned.
    pub score: u32,
    /// Points available on this machine.
    pub max_score: u32,
    /// Why the exercise did not run or compile, when it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Correctness tasks.
    pub tasks: Vec<TaskGrade>,
    /// Perf checks.
    pub perf: Vec<PerfGrade>,
    /// Student code a person should look at; never affects the score
    /// (absent when there is none, so older readers see no change).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<ReviewFlag>,
}

/// One task's grade: all of its tests must pass for its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskGrade {
    /// The task's name in course.toml.
    pub name: String,
    /// Points earned (all or nothing).
    pub score: u32,
    /// Points available.
    pub max_score: u32,
    /// The task's hint, shown when it is not done.
    pub hint: String,
    /// The tests its filter selected.
    pub tests: Vec<TestResult>,
}

/// One test's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestResult {
    /// Binary and test name, e.g. `spawn_join::results_in_order`.
    pub name: String,
    /// Outcome.
    pub status: TestStatus,
    /// How long it ran.
    pub duration_ms: u64,
    /// Failure message (trimmed), when it did not pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The test's source file, relative to the course root, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line of the test function in `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A test's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    /// Passed.
    Passed,
    /// Failed (assertion, panic, crash).
    Failed,
    /// Killed after the grading profile's timeout: possibly a deadlock.
    Timeout,
    /// Never ran (the build failed, or the run was cut short).
    NotRun,
}

/// One perf check's grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerfGrade {
    /// The check's name in course.toml.
    pub name: String,
    /// CPU- or I/O-bound.
    pub kind: PerfKind,
    /// Median of the per-round speedups over the reference baseline.
    pub speedup: Option<f64>,
    /// 90 % bootstrap interval of that median, `[low, high]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
    /// Speedup required on this machine (absent when not applicable).
    pub required: Option<f64>,
    /// The speedup perfect parallel work would show here: the cores the work
    /// can use (CPU) or the workers (I/O). Absent when not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<f64>,
    /// The threshold rule, e.g. `0.7 × cores`.
    pub rule: String,
    /// Median CPU time ÷ wall time of the student's code.
    pub cpu_utilization: Option<f64>,
    /// Median speedup of the calibration job in the same rounds.
    pub calibration_speedup: Option<f64>,
    /// Most threads seen in the candidate process (the student's code, timed
    /// in a process of its own) while it worked.
    pub peak_threads: Option<u32>,
    /// Most live child processes of the candidate process while it worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_processes: Option<u32>,
    /// Outcome.
    pub status: PerfStatus,
    /// Points earned.
    pub score: u32,
    /// Points available (0 when not applicable; an inconclusive check keeps
    /// its points here, withheld from `score`).
    pub max_score: u32,
    /// Measurements made (1 + re-measures).
    pub attempts: u32,
    /// Rounds in the deciding measurement.
    pub rounds: u32,
    /// The student's code's speedup in each of those rounds, in round order:
    /// what the median and its interval were taken from (the HTML report
    /// plots them). Absent when nothing was measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub round_speedups: Vec<f64>,
    /// The calibration job's speedup in each of those rounds: what this
    /// machine's cores gave known-parallel work at the same time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calibration_round_speedups: Vec<f64>,
    /// Wall time of every measurement of this check, re-measures included.
    #[serde(default)]
    pub duration_ms: u64,
    /// Base seed of the deciding measurement (`COURSE_PERF_SEED` replays it).
    pub seed: Option<u64>,
    /// What went wrong or what to try next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A perf check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PerfStatus {
    /// The median speedup reached the requirement.
    Passed,
    /// The median speedup fell short, while the calibration job showed the
    /// machine could do better.
    BelowThreshold,
    /// A speedup the work cannot explain: without the CPU use that real
    /// parallel work needs, or above what the contract's worker cap allows.
    Unexplained,
    /// Neither the student's code nor the calibration job could show
    /// parallelism: the machine was busy. Pending: never failed, but its
    /// points are withheld (score 0 of its points) until a measurement on an
    /// idle machine.
    Inconclusive,
    /// The machine cannot show this speedup (a CPU check on one core).
    NotApplicable,
    /// The student's answer differed from the reference.
    WrongAnswer,
    /// The perf test failed, crashed, timed out or wrote no usable record.
    Error,
    /// The check did not run (the exercise did not compile).
    NotRun,
}

impl PerfStatus {
    /// Whether a check in this status counts as done: its points (none, when
    /// not applicable) are earned. The one rule every part of the checker
    /// asks — the perf score, the exercise's status, the renderers, `dev
    /// check` — so they cannot disagree. An inconclusive check is not earned:
    /// crediting it would give full marks to a one-thread solution graded on
    /// a machine made busy on purpose.
    pub fn is_earned(self) -> bool {
        matches!(self, Self::Passed | Self::NotApplicable)
    }

    /// Whether the check is pending: measured on a busy machine, neither
    /// failed nor earned, its points withheld until a measurement on an idle
    /// machine. Reports show it apart from a failure, with how to get it
    /// measured.
    pub fn is_pending(self) -> bool {
        self == Self::Inconclusive
    }

    /// Whether the student's code must change to earn the check: neither
    /// earned nor pending (code cannot fix a busy machine, so a pending check
    /// is never what to do next).
    pub fn needs_work(self) -> bool {
        !self.is_earned() && !self.is_pending()
    }
}

impl TaskGrade {
    /// Whether the task is done: its points earned on tests that ran (a
    /// task whose filter selected nothing is never done). The one rule the
    /// renderers, `list`, `watch`, `class` and the exercise's status ask.
    pub fn is_done(&self) -> bool {
        self.score == self.max_score && !self.tests.is_empty()
    }

    /// Its first test that did not pass: what a report shows of it.
    pub fn first_failure(&self) -> Option<&TestResult> {
        self.tests.iter().find(|t| t.status != TestStatus::Passed)
    }
}

/// What a student should work on next in an exercise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NextStep<'a> {
    /// A task not done.
    Task(&'a TaskGrade),
    /// A perf check whose code must change ([`PerfStatus::needs_work`]).
    Perf(&'a PerfGrade),
}

impl ExerciseGrade {
    /// Whether every available point of the exercise was earned.
    pub fn full_marks(&self) -> bool {
        self.score == self.max_score
    }

    /// The first task not done, else the first perf check that needs work;
    /// `None` when only pending checks (or nothing) are left.
    pub fn next_step(&self) -> Option<NextStep<'_>> {
        self.tasks
            .iter()
            .find(|t| !t.is_done())
            .map(NextStep::Task)
            .or_else(|| {
                self.perf
                    .iter()
                    .find(|p| p.status.needs_work())
                    .map(NextStep::Perf)
            })
    }
}

impl Report {
    /// Whether every available point was earned.
    pub fn full_marks(&self) -> bool {
        self.score == self.max_score
    }

    /// Protected files changed since the template. The grade ignores the
    /// changes (it was made with the template's versions), but they fail the
    /// run: a person should know.
    pub fn tampered(&self) -> &[String] {
        self.protected.as_ref().map_or(&[], |p| &p.changed)
    }
}

/// The version of this checker, as reports carry it.
pub const CHECKER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `at` in UTC as RFC 3339 to the second, e.g. `2026-12-03T12:30:05Z`.
pub fn rfc3339_utc(at: std::time::SystemTime) -> String {
    let seconds = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let of_day = seconds % 86_400;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// The JSON Schema of [`Report`], as published in `checker/report.schema.json`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn dates_are_utc_rfc3339() {
        let at = |seconds| UNIX_EPOCH + Duration::from_secs(seconds);
        assert_eq!(super::rfc3339_utc(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339_utc(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(
            super::rfc3339_utc(at(1_796_301_005)),
            "2026-12-03T12:30:05Z"
        );
    }
}
