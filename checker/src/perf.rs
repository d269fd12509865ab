//! Turning perf records into perf grades.
//!
//! The rules, all on the median of the per-round ratios of one measurement:
//! - the candidate's answers must equal the reference's in every round;
//! - its speedup must reach the requirement of [`PerfCheck::requirement`];
//! - a CPU speedup must be backed by CPU use: real parallel work keeps about
//!   `speedup` cores busy, so a speedup with CPU time ÷ wall time below
//!   [`UTILIZATION_FLOOR`] × speedup (a cache, a skipped computation) is
//!   flagged `unexplained` and not credited;
//! - a shortfall while the calibration job also fell short is `inconclusive`
//!   (the machine was busy): never failed and never credited, so the check
//!   leaves both the score and the maximum, as a not-applicable one does;
//! - a shortfall or an inconclusive measurement is re-measured, at most
//!   [`MAX_ATTEMPTS`] measurements in all.

use fixtures::perf::PerfRecord;

use crate::course::{PerfCheck, PerfKind, Requirement};
use crate::report::{PerfGrade, PerfStatus};

/// Measurements per check at most: the first and two re-measures.
pub const MAX_ATTEMPTS: u32 = 3;
/// Least CPU utilisation, as a fraction of the speedup, a CPU check accepts.
pub const UTILIZATION_FLOOR: f64 = 0.8;

/// What running a perf test once produced.
#[derive(Debug)]
pub enum Measurement {
    /// The test wrote exactly one usable record (it may still have failed,
    /// e.g. on a wrong answer; the record says so).
    Record(PerfRecord),
    /// The test failed, timed out or wrote no usable record.
    Failed(String),
}

/// Grades `check` on a machine with `cores` cores, calling `measure(attempt)`
/// (attempt counts from 1) as often as the rules allow.
pub fn grade(
    check: &PerfCheck,
    cores: usize,
    mut measure: impl FnMut(u32) -> Measurement,
) -> PerfGrade {
    let required = match check.requirement(cores) {
        Requirement::NotApplicable => return not_applicable(check, cores),
        Requirement::Speedup(required) => required,
    };
    let mut decided: Option<PerfGrade> = None;
    let mut made = 0;
    for attempt in 1..=MAX_ATTEMPTS {
        made = attempt;
        let grade = judge(check, required, attempt, measure(attempt));
        let settled = !matches!(
            grade.status,
            PerfStatus::BelowThreshold | PerfStatus::Inconclusive
        );
        // A real shortfall outranks a busy-machine shrug when nothing passes.
        let keep = match (&decided, grade.status) {
            (None, _) => true,
            (Some(prev), PerfStatus::BelowThreshold) => {
                prev.status != PerfStatus::BelowThreshold || settled
            }
            (Some(prev), _) => prev.status == PerfStatus::Inconclusive,
        };
        if keep {
            decided = Some(grade);
        }
        if settled {
            break;
        }
    }
    let mut grade = decided.unwrap_or_else(|| blank(check, Some(required), PerfStatus::Error, 0));
    // `attempts` counts every measurement made, whichever one decided.
    grade.attempts = made;
    grade
}

fn not_applicable(check: &PerfCheck, cores: usize) -> PerfGrade {
    PerfGrade {
        message: Some(format!(
            "not applicable: a CPU speedup needs at least 2 cores and this machine gives {cores}"
        )),
        ..blank(check, None, PerfStatus::NotApplicable, 0)
    }
}

fn judge(check: &PerfCheck, required: f64, attempt: u32, measurement: Measurement) -> PerfGrade {
    let record = match measurement {
        Measurement::Failed(message) => {
            return PerfGrade {
                message: Some(message),
                ..blank(check, Some(required), PerfStatus::Error, attempt)
            };
        }
        Measurement::Record(record) => record,
    };
    let speedup = record.median_speedup();
    let utilization = record.median_cpu_utilization();
    let calibration = record.median_calibration_speedup();
    let mut grade = PerfGrade {
        speedup,
        cpu_utilization: utilization,
        calibration_speedup: calibration,
        peak_threads: record.peak_threads,
        rounds: u32::try_from(record.rounds.len()).unwrap_or(u32::MAX),
        seed: Some(record.seed),
        ..blank(check, Some(required), PerfStatus::Error, attempt)
    };
    let speedup = speedup.unwrap_or(0.0);
    let utilization = utilization.unwrap_or(0.0);
    let (status, message) = if !record.answers_match() {
        (
            PerfStatus::WrongAnswer,
            "the answer differed from the reference baseline's; fix the correctness tests first"
                .to_owned(),
        )
    } else if speedup >= required {
        if check.kind == PerfKind::Cpu && utilization < UTILIZATION_FLOOR * speedup {
            (
                PerfStatus::Unexplained,
                format!(
                    "a {speedup:.2}× speedup with CPU utilisation {utilization:.2} is not parallel work \
                     (it needs about {speedup:.1} busy cores); is something cached or skipped?"
                ),
            )
        } else {
            (PerfStatus::Passed, String::new())
        }
    } else if calibration.is_some_and(|c| c < required) {
        (
            PerfStatus::Inconclusive,
            format!(
                "measured {speedup:.2}× but the calibration job only reached {:.2}× in the same rounds: \
                 the machine is busy; close other programs and run again",
                calibration.unwrap_or_default()
            ),
        )
    } else {
        (
            PerfStatus::BelowThreshold,
            shortfall_advice(check, speedup, required, utilization),
        )
    };
    grade.status = status;
    grade.score = if status == PerfStatus::Passed {
        check.points
    } else {
        0
    };
    // Neither failed nor credited: the check leaves the total, as on one core.
    if status == PerfStatus::Inconclusive {
        grade.max_score = 0;
    }
    grade.message = (!message.is_empty()).then_some(message);
    grade
}

fn shortfall_advice(check: &PerfCheck, speedup: f64, required: f64, utilization: f64) -> String {
    let next = match check.kind {
        PerfKind::Cpu if utilization < 1.3 => {
            "your code kept about one core busy: spawn all the workers before joining any, \
             and make sure each does its share of the work"
        }
        PerfKind::Cpu => {
            "the cores were busy but the work took longer: look for an uneven split \
             (the last chunk costing most) or a lock held while working"
        }
        PerfKind::Io => {
            "the waits did not overlap enough: are all the workers waiting at the same time?"
        }
    };
    format!(
        "measured {speedup:.2}×, needs {required:.2}× ({}); CPU utilisation {utilization:.2}. {next}. Hint: {}",
        check.rule(),
        check.hint
    )
}

fn blank(check: &PerfCheck, required: Option<f64>, status: PerfStatus, attempts: u32) -> PerfGrade {
    PerfGrade {
        name: check.name.clone(),
        kind: check.kind,
        speedup: None,
        required,
        rule: check.rule(),
        cpu_utilization: None,
        calibration_speedup: None,
        peak_threads: None,
        status,
        score: 0,
        max_score: if status == PerfStatus::NotApplicable {
            0
        } else {
            check.points
        },
        attempts,
        rounds: 0,
        seed: None,
        message: None,
    }
}

/// A grade for a check that could not run (the exercise did not build).
pub fn not_run(check: &PerfCheck, cores: usize, why: &str) -> PerfGrade {
    match check.requirement(cores) {
        Requirement::NotApplicable => not_applicable(check, cores),
        Requirement::Speedup(required) => PerfGrade {
            message: Some(why.to_owned()),
            ..blank(check, Some(required), PerfStatus::NotRun, 0)
        },
    }
}

#[cfg(test)]
mod tests {
    use fixtures::perf::{CalibrationSample, MIN_ROUNDS, Round, Sample};

    use super::*;

    fn check(kind: PerfKind) -> PerfCheck {
        PerfCheck {
            name: "c".into(),
            test: "perf_c".into(),
            kind,
            points: 10,
            efficiency: 0.7,
            workers: (kind == PerfKind::Io).then_some(10),
            work_units: None,
            hint: "split the work".into(),
        }
    }

    /// A record whose every round has these wall times (ms) and candidate CPU time.
    fn record(
        baseline_ms: u64,
        candidate_ms: u64,
        candidate_cpu_ms: u64,
        calibration: Option<f64>,
    ) -> PerfRecord {
        let ms = 1_000_000;
        let round = Round {
            seed: 1,
            baseline: Sample {
                wall_ns: baseline_ms * ms,
                cpu_ns: baseline_ms * ms,
            },
            candidate: Sample {
                wall_ns: candidate_ms * ms,
                cpu_ns: candidate_cpu_ms * ms,
            },
            calibration: calibration.map(|speedup| CalibrationSample {
                wall_ns: 100 * ms,
                cpu_ns: 0,
                sequential_ns: (speedup * 100.0) as u64 * ms,
            }),
            answers_match: true,
        };
        PerfRecord {
            format_version: 1,
            name: "c".into(),
            seed: 42,
            available_parallelism: 2,
            warmup_rounds: 1,
            threads_at_start: Some(2),
            peak_threads: Some(4),
            rounds: vec![round; MIN_ROUNDS],
        }
    }

    fn graded(kind: PerfKind, records: Vec<Measurement>) -> (PerfGrade, u32) {
        let mut calls = 0;
        let mut records = records.into_iter();
        let grade = grade(&check(kind), 2, |_| {
            calls += 1;
            records.next().expect("no more measurements planned")
        });
        (grade, calls)
    }

    #[test]
    fn a_real_two_core_speedup_passes_first_time() {
        let (grade, calls) = graded(
            PerfKind::Cpu,
            vec![Measurement::Record(record(300, 160, 310, Some(1.9)))],
        );
        assert_eq!(
            (grade.status, grade.score, calls),
            (PerfStatus::Passed, 10, 1)
        );
        assert_eq!(grade.required, Some(1.4));
        assert_eq!(grade.seed, Some(42));
    }

    #[test]
    fn a_one_thread_version_is_remeasured_then_fails_with_advice() {
        let one_thread = || Measurement::Record(record(300, 300, 300, Some(1.9)));
        let (grade, calls) = graded(
            PerfKind::Cpu,
            vec![one_thread(), one_thread(), one_thread()],
        );
        assert_eq!(
            (grade.status, grade.score, calls),
            (PerfStatus::BelowThreshold, 0, 3)
        );
        let message = grade.message.unwrap();
        assert!(message.contains("about one core"), "{message}");
        assert!(message.contains("split the work"), "{message}");
    }

    #[test]
    fn a_busy_machine_is_inconclusive_not_failed() {
        let busy = || Measurement::Record(record(300, 280, 320, Some(1.1)));
        let (grade, calls) = graded(PerfKind::Cpu, vec![busy(), busy(), busy()]);
        assert_eq!(
            (grade.status, grade.score, grade.max_score, calls),
            (PerfStatus::Inconclusive, 0, 0, 3)
        );
    }

    #[test]
    fn a_pass_on_remeasure_counts() {
        let busy = Measurement::Record(record(300, 280, 320, Some(1.1)));
        let good = Measurement::Record(record(300, 160, 310, Some(1.9)));
        let (grade, calls) = graded(PerfKind::Cpu, vec![busy, good]);
        assert_eq!(
            (grade.status, grade.attempts, calls),
            (PerfStatus::Passed, 2, 2)
        );
    }

    #[test]
    fn a_shortfall_outranks_inconclusive_attempts() {
        let busy = || Measurement::Record(record(300, 280, 320, Some(1.1)));
        let slow = Measurement::Record(record(300, 300, 300, Some(1.9)));
        let (grade, _) = graded(PerfKind::Cpu, vec![busy(), slow, busy()]);
        assert_eq!(grade.status, PerfStatus::BelowThreshold);
    }

    #[test]
    fn a_speedup_without_cpu_use_is_not_credited() {
        // A memoising cheat: fast, but only one core's worth of CPU per wall second.
        let (grade, calls) = graded(
            PerfKind::Cpu,
            vec![Measurement::Record(record(300, 10, 10, Some(1.9)))],
        );
        assert_eq!(
            (grade.status, grade.score, calls),
            (PerfStatus::Unexplained, 0, 1)
        );
    }

    #[test]
    fn io_checks_need_no_cpu_and_scale_with_workers() {
        let (grade, _) = graded(
            PerfKind::Io,
            vec![Measurement::Record(record(400, 50, 1, Some(9.0)))],
        );
        assert_eq!(
            (grade.status, grade.required),
            (PerfStatus::Passed, Some(7.0))
        );
    }

    #[test]
    fn wrong_answers_and_failures_are_settled_at_once() {
        let mut wrong = record(300, 160, 310, Some(1.9));
        wrong.rounds[3].answers_match = false;
        let (grade, calls) = graded(PerfKind::Cpu, vec![Measurement::Record(wrong)]);
        assert_eq!((grade.status, calls), (PerfStatus::WrongAnswer, 1));
        let (grade, calls) = graded(PerfKind::Cpu, vec![Measurement::Failed("panicked".into())]);
        assert_eq!(
            (grade.status, grade.message.as_deref(), calls),
            (PerfStatus::Error, Some("panicked"), 1)
        );
    }

    #[test]
    fn one_core_makes_cpu_checks_not_applicable_and_free() {
        let grade = grade(&check(PerfKind::Cpu), 1, |_| {
            unreachable!("nothing to measure")
        });
        assert_eq!(
            (grade.status, grade.max_score),
            (PerfStatus::NotApplicable, 0)
        );
    }
}
