//! The catalogue: `course.toml`, parsed into typed structs and validated once.
//!
//! Nothing about the course is hard-coded in the checker; exercise order,
//! tasks, points, hints and perf thresholds all come from here. Downstream
//! code receives a [`Course`] and never re-reads the file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::review::ReviewRule;

/// The only `format_version` this checker reads.
pub const FORMAT_VERSION: u32 = 1;
/// Name of the catalogue file at the course root.
pub const COURSE_FILE: &str = "course.toml";

/// A validated course.
#[derive(Debug, Clone)]
pub struct Course {
    /// Directory holding `course.toml` and the workspace `Cargo.toml`.
    pub root: PathBuf,
    /// Git glob pathspecs of the files students must not change.
    pub protected: Vec<String>,
    /// Cargo profile `checker watch` builds with (fast to compile), if any.
    pub watch_profile: Option<String>,
    /// Exercises in the order students do them.
    pub exercises: Vec<Exercise>,
}

/// One exercise crate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Folder name under `exercises/` and `solutions/`, e.g. `01-threads-and-processes`.
    pub name: String,
    /// Cargo package of the starter; the solution's is `<package>-solution`.
    pub package: String,
    /// Human title.
    pub title: String,
    /// Number of the seed notebook this topic translates.
    pub notebook: u32,
    /// Graded correctness tasks.
    #[serde(default, rename = "task")]
    pub tasks: Vec<Task>,
    /// Graded perf checks.
    #[serde(default, rename = "perf")]
    pub perf: Vec<PerfCheck>,
    /// Review rules whose code this exercise calls for (e.g. `unsafe` for
    /// shared memory), so they raise no "needs review" flag. An unknown rule
    /// name is a parse error naming the line and the known names.
    #[serde(default)]
    pub review_allows: Vec<ReviewRule>,
}

/// A group of tests worth some points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Unique within the course; `checker hint NAME` uses it.
    pub name: String,
    /// Nextest filterset selecting this task's tests, e.g. `binary(spawn_join)`.
    pub filter: String,
    /// Points for passing every selected test.
    pub points: u32,
    /// Shown when the task fails.
    pub hint: String,
}

/// A timed comparison of the student's parallel code with the reference baseline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfCheck {
    /// Unique within the course.
    pub name: String,
    /// Exact name of the `perf_*` test that measures it.
    pub test: String,
    /// What limits the speedup: cores or workers.
    pub kind: PerfKind,
    /// Points when the required speedup is reached.
    pub points: u32,
    /// Fraction of the ideal speedup required (0 < efficiency ≤ 1).
    pub efficiency: f64,
    /// I/O checks: the worker count the test uses (the ideal speedup).
    #[serde(default)]
    pub workers: Option<u32>,
    /// CPU checks: independent work units, capping the ideal speedup.
    #[serde(default)]
    pub work_units: Option<u32>,
    /// Shown when the check falls short.
    pub hint: String,
}

/// What bounds a perf check's ideal speedup.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PerfKind {
    /// CPU-bound: the cores this process may use.
    Cpu,
    /// I/O-bound: the number of workers waiting at once.
    Io,
}

/// What a perf check requires on a machine with `cores` usable cores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Requirement {
    /// This median speedup or better.
    Speedup(f64),
    /// The machine cannot show this kind of speedup (one core).
    NotApplicable,
}

impl PerfCheck {
    /// The threshold rule: CPU checks need `efficiency × min(cores, work_units)`
    /// and do not apply on one core; I/O checks need `efficiency × workers`
    /// whatever the cores.
    pub fn requirement(&self, cores: usize) -> Requirement {
        let ideal = self.ideal(cores);
        if self.kind == PerfKind::Cpu && ideal <= 1.0 {
            Requirement::NotApplicable
        } else {
            Requirement::Speedup(self.efficiency * ideal)
        }
    }

    /// The speedup perfect parallel work would show on `cores` cores: one per
    /// core the work can use (`min(cores, work_units)`) for a CPU check, one
    /// per worker for an I/O check, whatever the cores (waiting takes none).
    pub fn ideal(&self, cores: usize) -> f64 {
        match self.kind {
            PerfKind::Cpu => {
                let units = self.work_units.map_or(usize::MAX, |u| u as usize);
                cores.min(units) as f64
            }
            PerfKind::Io => f64::from(self.workers.unwrap_or(1)),
        }
    }

    /// The rule in words, for reports.
    pub fn rule(&self) -> String {
        match self.kind {
            PerfKind::Cpu => match self.work_units {
                Some(units) => format!("{} × min(cores, {units})", self.efficiency),
                None => format!("{} × cores", self.efficiency),
            },
            PerfKind::Io => format!(
                "{} × {} workers",
                self.efficiency,
                self.workers.unwrap_or(1)
            ),
        }
    }
}

impl Exercise {
    /// The Cargo package graded: the starter's, or the solution's.
    pub fn package_for(&self, source: Source) -> String {
        match source {
            Source::Exercises => self.package.clone(),
            Source::Solutions => format!("{}-solution", self.package),
        }
    }

    /// Most points this exercise can give, before any check is not applicable.
    pub fn max_points(&self) -> u32 {
        self.tasks.iter().map(|t| t.points).sum::<u32>()
            + self.perf.iter().map(|p| p.points).sum::<u32>()
    }
}

/// Which tree is graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `exercises/`: the student's code.
    Exercises,
    /// `solutions/`: the reference solutions.
    Solutions,
}

impl Source {
    /// The folder under the course root.
    pub fn dir(self) -> &'static str {
        match self {
            Source::Exercises => "exercises",
            Source::Solutions => "solutions",
        }
    }
}

/// Why a course could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    /// No `course.toml` here or in any parent directory.
    #[error(
        "no {COURSE_FILE} found in {start} or any parent directory; run the checker inside the course repository"
    )]
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// The file could not be read.
    #[error("failed to read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML for the catalogue.
    #[error("failed to parse {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said, with line and column.
        message: String,
    },
    /// The file parsed but says something impossible.
    #[error("invalid {path}: {key}: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The offending key, e.g. `exercise[0].task[2].name`.
        key: String,
        /// What is wrong with it.
        problem: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    format_version: u32,
    #[serde(default)]
    protected: Vec<String>,
    #[serde(default)]
    watch_profile: Option<String>,
    #[serde(default, rename = "exercise")]
    exercises: Vec<Exercise>,
}

/// Just the `protected` list of catalogue text, read before the rest of the
/// catalogue can be validated (the template's files must be in place first).
pub fn protected_patterns(root: &Path, text: &str) -> Result<Vec<String>, CourseError> {
    #[derive(Deserialize)]
    struct ProtectedOnly {
        #[serde(default)]
        protected: Vec<String>,
    }
    toml::from_str::<ProtectedOnly>(text)
        .map(|only| only.protected)
        .map_err(|err| CourseError::Parse {
            path: root.join(COURSE_FILE),
            message: err.to_string().trim_end().to_owned(),
        })
}

impl Course {
    /// The course root: `start` or its nearest ancestor with a `course.toml`.
    pub fn find_root(start: &Path) -> Result<PathBuf, CourseError> {
        start
            .ancestors()
            .find(|dir| dir.join(COURSE_FILE).is_file())
            .map(Path::to_owned)
            .ok_or_else(|| CourseError::NotFound {
                start: start.to_owned(),
            })
    }

    /// Loads and validates `<root>/course.toml`.
    pub fn load(root: &Path) -> Result<Self, CourseError> {
        let path = root.join(COURSE_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| CourseError::Read {
            path: path.clone(),
            source,
        })?;
        Self::parse(root, &text)
    }

    /// Parses and validates catalogue text for the course at `root`.
    pub fn parse(root: &Path, text: &str) -> Result<Self, CourseError> {
        let path = root.join(COURSE_FILE);
        let raw: RawCourse = toml::from_str(text).map_err(|err| CourseError::Parse {
            path: path.clone(),
            message: err.to_string().trim_end().to_owned(),
        })?;
        check_rules(root, &raw).map_err(|Broken { key, problem }| CourseError::Invalid {
            path,
            key,
            problem,
        })?;
        Ok(Self {
            root: root.to_owned(),
            protected: raw.protected,
            watch_profile: raw.watch_profile,
            exercises: raw.exercises,
        })
    }

    /// The exercises named on the command line, in course order; all when
    /// `names` is empty. An unknown name is an error listing the known ones.
    pub fn select(&self, names: &[String]) -> Result<Vec<&Exercise>, UnknownExercise> {
        for name in names {
            if !self
                .exercises
                .iter()
                .any(|e| &e.name == name || &e.package == name)
            {
                return Err(UnknownExercise {
                    name: name.clone(),
                    known: self.exercises.iter().map(|e| e.name.clone()).collect(),
                });
            }
        }
        Ok(self
            .exercises
            .iter()
            .filter(|e| names.is_empty() || names.iter().any(|n| n == &e.name || n == &e.package))
            .collect())
    }
}

/// A rule of the catalogue that it breaks: where, and what is wrong.
struct Broken {
    /// The offending key, e.g. `exercise[0].task[2].name`.
    key: String,
    /// What is wrong with it.
    problem: String,
}

/// `Ok` when the rule `holds`; otherwise the rule broken at `key`.
fn require(holds: bool, key: impl Into<String>, problem: impl Into<String>) -> Result<(), Broken> {
    if holds {
        Ok(())
    } else {
        Err(Broken {
            key: key.into(),
            problem: problem.into(),
        })
    }
}

/// The rules a parsed catalogue must keep, checked in order; the first one
/// broken is the error. Task and perf names share one namespace: `checker
/// hint NAME` looks them up.
fn check_rules(root: &Path, raw: &RawCourse) -> Result<(), Broken> {
    require(
        raw.format_version == FORMAT_VERSION,
        "format_version",
        format!(
            "this checker reads format_version {FORMAT_VERSION}, found {}",
            raw.format_version
        ),
    )?;
    require(
        !raw.exercises.is_empty(),
        "exercise",
        "the course has no exercises",
    )?;
    let mut exercise_names = HashSet::new();
    let mut item_names = HashSet::new();
    for (i, exercise) in raw.exercises.iter().enumerate() {
        let key = format!("exercise[{i}]");
        require(
            exercise_names.insert(exercise.name.as_str()),
            format!("{key}.name"),
            format!("duplicate exercise name `{}`", exercise.name),
        )?;
        require(
            root.join("exercises").join(&exercise.name).is_dir(),
            format!("{key}.name"),
            format!(
                "no folder exercises/{} for exercise `{}`",
                exercise.name, exercise.name
            ),
        )?;
        require(
            !exercise.tasks.is_empty(),
            format!("{key}.task"),
            "an exercise needs at least one task",
        )?;
        for (j, task) in exercise.tasks.iter().enumerate() {
            let key = format!("{key}.task[{j}]");
            require(
                item_names.insert(task.name.as_str()),
                format!("{key}.name"),
                format!("duplicate task name `{}`", task.name),
            )?;
            check_task(&key, task)?;
        }
        for (j, check) in exercise.perf.iter().enumerate() {
            let key = format!("{key}.perf[{j}]");
            require(
                item_names.insert(check.name.as_str()),
                format!("{key}.name"),
                format!("duplicate name `{}`", check.name),
            )?;
            check_perf(&key, check)?;
        }
    }
    Ok(())
}

/// The rules of one task, at `key`.
fn check_task(key: &str, task: &Task) -> Result<(), Broken> {
    require(
        !task.filter.trim().is_empty(),
        format!("{key}.filter"),
        "the filter is empty",
    )?;
    require(
        task.points > 0,
        format!("{key}.points"),
        "a task must be worth at least 1 point",
    )
}

/// The rules of one perf check, at `key`: an I/O check is sized by
/// `workers`, a CPU check by the cores (and optionally `work_units`).
fn check_perf(key: &str, check: &PerfCheck) -> Result<(), Broken> {
    let io = check.kind == PerfKind::Io;
    require(
        check.test.starts_with("perf_"),
        format!("{key}.test"),
        format!("perf tests are named `perf_*`, found `{}`", check.test),
    )?;
    require(
        check.efficiency > 0.0 && check.efficiency <= 1.0,
        format!("{key}.efficiency"),
        format!("must be in (0, 1], found {}", check.efficiency),
    )?;
    require(
        !io || check.workers.is_some(),
        format!("{key}.workers"),
        "an io check needs `workers`",
    )?;
    require(
        !io || check.work_units.is_none(),
        format!("{key}.work_units"),
        "only cpu checks take `work_units`",
    )?;
    require(
        io || check.workers.is_none(),
        format!("{key}.workers"),
        "only io checks take `workers`",
    )?;
    require(
        check.workers != Some(0) && check.work_units != Some(0),
        key,
        "`workers` and `work_units` must be at least 1",
    )
}

/// An exercise name on the command line that the course does not have.
#[derive(Debug, thiserror::Error)]
#[error("unknown exercise `{name}`; the course has: {}", known.join(", "))]
pub struct UnknownExercise {
    /// The name given.
    pub name: String,
    /// The names the course has.
    pub known: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course_dir(exercises: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in exercises {
            std::fs::create_dir_all(dir.path().join("exercises").join(name)).unwrap();
        }
        dir
    }

    const GOOD: &str = r#"
format_version = 1

[[exercise]]
name = "01-a"
package = "a"
title = "A"
notebook = 244

[[exercise.task]]
name = "t1"
filter = "binary(t1)"
points = 5
hint = "h"

[[exercise.perf]]
name = "p1"
test = "perf_x"
kind = "cpu"
points = 3
efficiency = 0.7
hint = "h"
"#;

    fn error_of(text: &str) -> String {
        let dir = course_dir(&["01-a", "02-b"]);
        Course::parse(dir.path(), text).unwrap_err().to_string()
    }

    #[test]
    fn a_good_course_loads() {
        let dir = course_dir(&["01-a"]);
        let course = Course::parse(dir.path(), GOOD).unwrap();
        assert_eq!(course.exercises[0].tasks[0].points, 5);
        assert_eq!(course.exercises[0].max_points(), 8);
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let err = error_of("format_version = \n");
        assert!(
            err.starts_with("failed to parse") && err.contains("course.toml"),
            "{err}"
        );
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn unknown_keys_are_rejected_by_name() {
        let err = error_of(&GOOD.replace("points = 5", "points = 5\npionts = 6"));
        assert!(err.contains("pionts"), "{err}");
    }

    #[test]
    fn duplicate_task_names_name_the_key() {
        let text = format!(
            "{GOOD}\n[[exercise.task]]\nname = \"t1\"\nfilter = \"all()\"\npoints = 1\nhint = \"\"\n"
        );
        let err = error_of(&text);
        assert!(
            err.contains("exercise[0].task[1].name") && err.contains("duplicate"),
            "{err}"
        );
    }

    #[test]
    fn an_exercise_without_its_folder_is_rejected() {
        let err = error_of(&GOOD.replace("01-a", "09-missing"));
        assert!(
            err.contains("exercise[0].name") && err.contains("exercises/09-missing"),
            "{err}"
        );
    }

    #[test]
    fn io_checks_need_workers_and_versions_must_match() {
        let err = error_of(&GOOD.replace("kind = \"cpu\"", "kind = \"io\""));
        assert!(err.contains("perf[0].workers"), "{err}");
        let err = error_of(&GOOD.replace("format_version = 1", "format_version = 2"));
        assert!(err.contains("format_version"), "{err}");
    }

    #[test]
    fn cpu_thresholds_scale_with_cores_and_vanish_on_one() {
        let dir = course_dir(&["01-a"]);
        let course = Course::parse(dir.path(), GOOD).unwrap();
        let check = &course.exercises[0].perf[0];
        assert_eq!(check.requirement(1), Requirement::NotApplicable);
        assert_eq!(check.requirement(2), Requirement::Speedup(1.4));
        let capped = PerfCheck {
            work_units: Some(3),
            ..check.clone()
        };
        assert_eq!(capped.requirement(16), Requirement::Speedup(0.7 * 3.0));
        let io = PerfCheck {
            kind: PerfKind::Io,
            workers: Some(10),
            efficiency: 0.5,
            ..check.clone()
        };
        assert_eq!(io.requirement(1), Requirement::Speedup(5.0));
    }

    #[test]
    fn review_allows_takes_rule_names_only() {
        let dir = course_dir(&["01-a"]);
        let allow = |list: &str| {
            GOOD.replace(
                "notebook = 244",
                &format!("notebook = 244\nreview_allows = {list}"),
            )
        };
        let course = Course::parse(dir.path(), &allow(r#"["unsafe", "process-exit"]"#)).unwrap();
        assert_eq!(
            course.exercises[0].review_allows,
            [ReviewRule::Unsafe, ReviewRule::ProcessExit]
        );
        let err = error_of(&allow(r#"["unsafely"]"#));
        assert!(
            err.contains("course.toml") && err.contains("unsafely") && err.contains("process-exit"),
            "{err}"
        );
    }

    #[test]
    fn selecting_an_unknown_exercise_lists_the_known_ones() {
        let dir = course_dir(&["01-a"]);
        let course = Course::parse(dir.path(), GOOD).unwrap();
        let err = course.select(&["nope".into()]).unwrap_err().to_string();
        assert!(err.contains("`nope`") && err.contains("01-a"), "{err}");
        assert_eq!(course.select(&[]).unwrap().len(), 1);
        assert_eq!(course.select(&["a".into()]).unwrap().len(), 1);
    }
}
