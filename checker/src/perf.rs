//! Turning perf records into perf grades.
//!
//! The rules, all on the median of the per-round ratios of one measurement:
//! - the candidate's answers must equal the reference's in every round;
//! - its speedup must reach the requirement of [`PerfCheck::requirement`];
//! - a CPU speedup must be backed by CPU use (judged after the busy-machine
//!   check, since a starved run can fake a speedup): real parallel work keeps about
//!   `speedup` cores busy, so a speedup with CPU time ÷ wall time below
//!   [`UTILIZATION_FLOOR`] × speedup (a cache, a skipped computation) is
//!   flagged `unexplained` and not credited;
//! - an I/O speedup above what the contract's worker cap allows (more than
//!   [`CAP_TOLERANCE`] × workers: `workers` calls in flight at once can at
//!   best divide the sequential time by `workers`) is flagged `unexplained`
//!   and not credited: more calls were in flight than the contract allows,
//!   which a real server or connection limit would refuse. (A CPU speedup is
//!   bounded by the CPU-use rule instead: more threads than cores gain
//!   nothing, and a speedup past the cores without the CPU time to match is
//!   skipped work);
//! - a measurement in which the calibration job fell short of what an idle
//!   machine shows ([`CALIBRATION_FLOOR`] of the ideal speedup, or the
//!   requirement if that is higher) is `inconclusive` (the machine was
//!   busy), whatever the candidate's speedup: never failed, but not earned
//!   either ([`PerfStatus::is_earned`]): the check keeps its points in the
//!   maximum and scores 0, pending a measurement on an idle machine. A busy
//!   machine can fake a pass as well as a shortfall: a preempted baseline
//!   round inflates the ratio, and a one-thread version then clears a low
//!   requirement with the one core's worth of CPU use it really has; and
//!   dropping the check from the total instead would give that version full
//!   marks on a machine made busy on purpose;
//! - a shortfall, an inconclusive measurement, or a pass whose bootstrap
//!   interval straddles the requirement is re-measured, at most
//!   [`MAX_ATTEMPTS`] measurements in all (see [`grade`]); a check still
//!   inconclusive when every exercise has been graded is measured once more
//!   (`Grader` in `grade.rs`, through [`grade_within`]).

use fixtures::perf::PerfRecord;

use crate::course::{PerfCheck, PerfKind, Requirement};
use crate::report::{PerfGrade, PerfStatus};

/// Measurements per check at most: the first and two re-measures.
pub const MAX_ATTEMPTS: u32 = 3;
/// Least CPU utilisation, as a fraction of the speedup, a CPU check accepts.
pub const UTILIZATION_FLOOR: f64 = 0.8;
/// How far past the worker cap an I/O median may land before it is taken
/// as more calls in flight than the contract allows. Honest solutions
/// measure 9.87–9.96× against 10 workers on 2 cores; one thread per request
/// measured 18.9×.
pub const CAP_TOLERANCE: f64 = 1.1;
/// Least speedup, as a fraction of the ideal one (the cores, or the I/O
/// workers), the calibration job must show in a measurement for the
/// machine to count as able to show parallelism. Measured on 2 cores: 0.94
/// to 0.99 of the ideal when idle, 0.61 to 0.68 while `yes` holds a core.
/// Judging the calibration against the check's own requirement instead
/// would let a low requirement (0.6 × cores, for work with a sequential
/// tail) call a machine that shows only a third of its parallelism idle,
/// and fail a correct solution slowed down with it.
pub const CALIBRATION_FLOOR: f64 = 0.8;

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
///
/// A measurement settles the grade when it is a clear pass (the whole
/// bootstrap interval of its median at or above the requirement), a wrong
/// answer, an error or an unexplained speedup. Anything else — a shortfall,
/// an inconclusive measurement, a pass whose interval straddles the
/// requirement — is measured again. After [`MAX_ATTEMPTS`] the rounds of
/// every measurement the calibration job vouched for are pooled and judged
/// together: a pass on their median, a shortfall only when their whole
/// interval is below the requirement, inconclusive otherwise or when the
/// calibration vouched for none.
pub fn grade(
    check: &PerfCheck,
    cores: usize,
    measure: impl FnMut(u32) -> Measurement,
) -> PerfGrade {
    grade_within(check, cores, MAX_ATTEMPTS, measure)
}

/// [`grade`] with at most `attempts` measurements (at least one), judged by
/// the same rules: with one, a measurement that settles nothing is judged
/// as a pool of its own rounds. The final pass of a `verify` measures a
/// still-inconclusive check this way once more, so a machine that stays busy
/// costs one measurement per check, not [`MAX_ATTEMPTS`] again.
pub fn grade_within(
    check: &PerfCheck,
    cores: usize,
    attempts: u32,
    measure: impl FnMut(u32) -> Measurement,
) -> PerfGrade {
    let mut grade = decide(check, cores, attempts, measure);
    if grade.required.is_some() {
        grade.ideal = Some(check.ideal(cores));
    }
    grade
}

/// The rules of [`grade_within`], without the ideal speedup every grade
/// with a requirement also carries.
fn decide(
    check: &PerfCheck,
    cores: usize,
    attempts: u32,
    mut measure: impl FnMut(u32) -> Measurement,
) -> PerfGrade {
    let attempts = attempts.max(1);
    let required = match check.requirement(cores) {
        Requirement::NotApplicable => return not_applicable(check, cores),
        Requirement::Speedup(required) => required,
    };
    let ideal = check.ideal(cores);
    let mut vouched: Vec<PerfRecord> = Vec::new();
    let mut last = None;
    for attempt in 1..=attempts {
        let record = match measure(attempt) {
            Measurement::Failed(message) => {
                return PerfGrade {
                    message: Some(message),
                    ..blank(check, Some(required), PerfStatus::Error, attempt)
                };
            }
            Measurement::Record(record) => record,
        };
        let grade = judge(check, (required, ideal), attempt, &record);
        let clear_pass = grade.status == PerfStatus::Passed
            && grade.interval.is_none_or(|[low, _]| low >= required);
        match grade.status {
            _ if clear_pass => return grade,
            PerfStatus::WrongAnswer | PerfStatus::Error | PerfStatus::Unexplained => return grade,
            PerfStatus::Inconclusive => {}
            _ => vouched.push(record),
        }
        last = Some(grade);
    }
    let Some(pooled) = pool(&vouched) else {
        // Only busy-machine measurements: report the last one.
        return last
            .unwrap_or_else(|| blank(check, Some(required), PerfStatus::Inconclusive, attempts));
    };
    let mut grade = judge(check, (required, ideal), attempts, &pooled);
    // Still short, but the interval reaches the requirement: the rounds
    // disagree too much to fail anyone on them. An honest but noisy run ends
    // here; a one-thread or uneven version has a tight interval below.
    if grade.status == PerfStatus::BelowThreshold
        && grade.interval.is_some_and(|[_, high]| high >= required)
    {
        grade.status = PerfStatus::Inconclusive;
        grade.message = Some(format!(
            "too noisy to tell: median {:.2}× with interval {} straddles the {required:.2}× required",
            grade.speedup.unwrap_or_default(),
            grade
                .interval
                .map_or_else(String::new, |[low, high]| format!("[{low:.2}–{high:.2}]")),
        ));
    }
    grade.message = Some(match grade.message.take() {
        Some(message) => format!(
            "decided on the {} rounds of {} measurement(s) the calibration vouched for: {message}",
            pooled.rounds.len(),
            vouched.len()
        ),
        None => format!(
            "decided on the {} rounds of {} measurement(s) the calibration vouched for",
            pooled.rounds.len(),
            vouched.len()
        ),
    });
    grade
}

/// All rounds of several measurements of one check, as one record.
fn pool(records: &[PerfRecord]) -> Option<PerfRecord> {
    let first = records.first()?;
    Some(PerfRecord {
        rounds: records
            .iter()
            .flat_map(|r| r.rounds.iter().cloned())
            .collect(),
        peak_threads: records.iter().filter_map(|r| r.peak_threads).max(),
        peak_processes: records.iter().filter_map(|r| r.peak_processes).max(),
        ..first.clone()
    })
}

/// A 90 % bootstrap interval of the median of `values` (2000 resamples,
/// seeded, so the same record always gives the same interval).
pub fn median_interval(values: &[f64], seed: u64) -> Option<[f64; 2]> {
    if values.is_empty() {
        return None;
    }
    const RESAMPLES: usize = 2000;
    let mut rng = fixtures::inputs::SeededRng::new(seed);
    let mut medians: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let sample =
                (0..values.len()).map(|_| values[(rng.next_u64() % values.len() as u64) as usize]);
            fixtures::perf::median(sample).unwrap_or_default()
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    Some([
        medians[RESAMPLES * 5 / 100],
        medians[RESAMPLES * 95 / 100 - 1],
    ])
}

fn not_applicable(check: &PerfCheck, cores: usize) -> PerfGrade {
    PerfGrade {
        message: Some(format!(
            "not applicable: a CPU speedup needs at least 2 cores and this machine gives {cores}"
        )),
        ..blank(check, None, PerfStatus::NotApplicable, 0)
    }
}

/// Grades one record against `required`, the machine's `ideal` beside it.
fn judge(
    check: &PerfCheck,
    (required, ideal): (f64, f64),
    attempt: u32,
    record: &PerfRecord,
) -> PerfGrade {
    let speedup = record.median_speedup();
    let utilization = record.median_cpu_utilization();
    let calibration = record.median_calibration_speedup();
    let speedups: Vec<f64> = record.rounds.iter().map(|r| r.speedup()).collect();
    let mut grade = PerfGrade {
        speedup,
        interval: median_interval(&speedups, record.seed),
        cpu_utilization: utilization,
        calibration_speedup: calibration,
        peak_threads: record.peak_threads,
        peak_processes: record.peak_processes,
        rounds: u32::try_from(record.rounds.len()).unwrap_or(u32::MAX),
        calibration_round_speedups: record
            .rounds
            .iter()
            .filter_map(|round| round.calibration_speedup())
            .collect(),
        round_speedups: speedups.clone(),
        seed: Some(record.seed),
        ..blank(check, Some(required), PerfStatus::Error, attempt)
    };
    let speedup = speedup.unwrap_or(0.0);
    let utilization = utilization.unwrap_or(0.0);
    let backed_by_cpu = check.kind != PerfKind::Cpu || utilization >= UTILIZATION_FLOOR * speedup;
    let machine_busy = calibration.is_some_and(|c| c < calibration_needed(required, ideal));
    let (status, message) = if !record.answers_match() {
        (
            PerfStatus::WrongAnswer,
            "the answer differed from the reference baseline's; fix the correctness tests first"
                .to_owned(),
        )
    } else if machine_busy {
        // Judged before the pass and the CPU-use rule: on a starved machine a
        // preempted baseline round can fake a speedup (credited, it would let
        // a one-thread version through a low requirement) or one that the CPU
        // time then "refutes".
        (
            PerfStatus::Inconclusive,
            format!(
                "measured {speedup:.2}× but the calibration job only reached {:.2}× in the same rounds: \
                 the machine is busy",
                calibration.unwrap_or_default()
            ),
        )
    } else if let Some(cap) = over_the_cap(check, speedup) {
        (PerfStatus::Unexplained, cap)
    } else if speedup >= required && backed_by_cpu {
        (PerfStatus::Passed, String::new())
    } else if speedup >= required {
        (
            PerfStatus::Unexplained,
            format!(
                "a {speedup:.2}× speedup with CPU utilisation {utilization:.2} is not parallel work \
                 (it needs about {speedup:.1} busy cores); is something cached or skipped?"
            ),
        )
    } else {
        (
            PerfStatus::BelowThreshold,
            shortfall_advice(check, speedup, required, utilization),
        )
    };
    grade.status = status;
    // An inconclusive check keeps its points in `max_score` (from `blank`):
    // withheld, not dropped, until an idle machine measures it.
    grade.score = if status.is_earned() {
        grade.max_score
    } else {
        0
    };
    grade.message = (!message.is_empty()).then_some(message);
    grade
}

/// Why a speedup is more than the contract's worker cap allows, or `None`.
/// Only I/O checks have a cap in their contract (`workers`).
fn over_the_cap(check: &PerfCheck, speedup: f64) -> Option<String> {
    let workers = match (check.kind, check.workers) {
        (PerfKind::Io, Some(workers)) => f64::from(workers),
        _ => return None,
    };
    (speedup > CAP_TOLERANCE * workers).then(|| {
        format!(
            "a {speedup:.2}× speedup is more than {workers} workers can give (at most {workers}×): \
             the contract allows at most {workers} calls in flight at once; \
             keep to the workers you were given"
        )
    })
}

/// What the calibration job must reach for a measurement to count: the
/// requirement, and at least what [`busy_below`] asks of the ideal speedup
/// ([`PerfCheck::ideal`]).
fn calibration_needed(required: f64, ideal: f64) -> f64 {
    required.max(busy_below(ideal))
}

/// A calibration job below this shows a busy machine, whatever a check
/// requires: [`CALIBRATION_FLOOR`] of the `ideal` speedup. `scale` marks its
/// points by it too.
pub fn busy_below(ideal: f64) -> f64 {
    CALIBRATION_FLOOR * ideal
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
        interval: None,
        required,
        ideal: None,
        rule: check.rule(),
        cpu_utilization: None,
        calibration_speedup: None,
        peak_threads: None,
        peak_processes: None,
        status,
        score: 0,
        max_score: if status == PerfStatus::NotApplicable {
            0
        } else {
            check.points
        },
        attempts,
        rounds: 0,
        round_speedups: Vec::new(),
        calibration_round_speedups: Vec::new(),
        seed: None,
        duration_ms: 0,
        message: None,
    }
}

/// A grade for a check that could not run (the exercise did not build).
pub fn not_run(check: &PerfCheck, cores: usize, why: &str) -> PerfGrade {
    match check.requirement(cores) {
        Requirement::NotApplicable => not_applicable(check, cores),
        Requirement::Speedup(required) => PerfGrade {
            message: Some(why.to_owned()),
            ideal: Some(check.ideal(cores)),
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
            peak_processes: None,
            rounds: vec![round; MIN_ROUNDS],
        }
    }

    fn graded(kind: PerfKind, records: Vec<Measurement>) -> (PerfGrade, u32) {
        graded_check(&check(kind), records)
    }

    /// [`graded`] with one record, the only measurement asked for.
    fn graded_record(kind: PerfKind, record: PerfRecord) -> (PerfGrade, u32) {
        graded(kind, vec![Measurement::Record(record)])
    }

    /// Grades `check` on 2 cores with these measurements, in order; also
    /// says how many were asked for.
    fn graded_check(check: &PerfCheck, records: Vec<Measurement>) -> (PerfGrade, u32) {
        let mut calls = 0;
        let mut records = records.into_iter();
        let grade = grade(check, 2, |_| {
            calls += 1;
            records.next().expect("no more measurements planned")
        });
        (grade, calls)
    }

    #[test]
    fn a_real_two_core_speedup_passes_first_time() {
        let (grade, calls) = graded_record(PerfKind::Cpu, record(300, 160, 310, Some(1.9)));
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
            (PerfStatus::Inconclusive, 0, 10, 3),
            "the points are withheld, not dropped"
        );
    }

    /// Measured with `yes` holding one of 2 cores: the calibration reached
    /// 1.30×, above a 0.6 × cores requirement (1.2×) but far from the
    /// 1.9× it shows idle, and the parallel factorial's 1.42× fell to 1.13×.
    #[test]
    fn a_calibration_far_below_idle_is_busy_even_above_a_low_requirement() {
        let mut low = check(PerfKind::Cpu);
        low.efficiency = 0.6;
        let slowed = || Measurement::Record(record(300, 265, 320, Some(1.30)));
        let (busy, calls) = graded_check(&low, vec![slowed(), slowed(), slowed()]);
        assert_eq!(busy.required, Some(1.2));
        assert_eq!(
            (busy.status, busy.score, busy.max_score, calls),
            (PerfStatus::Inconclusive, 0, 10, 3),
            "{:?}",
            busy.message
        );
        // The same shortfall with an idle machine's calibration still fails.
        let idle = || Measurement::Record(record(300, 265, 320, Some(1.9)));
        let (failed, _) = graded_check(&low, vec![idle(), idle(), idle()]);
        assert_eq!(failed.status, PerfStatus::BelowThreshold);
    }

    /// Measured with `yes` holding one of 2 cores: the parallel factorial
    /// reached 1.21–1.24× against 1.2× required while the calibration showed
    /// 1.26–1.31×. A one-thread version with a preempted baseline can show
    /// the same: on a busy machine a pass is not credited either.
    #[test]
    fn a_pass_on_a_busy_machine_is_inconclusive_not_credited() {
        let mut low = check(PerfKind::Cpu);
        low.efficiency = 0.6;
        let lucky = || Measurement::Record(record(300, 245, 300, Some(1.30)));
        let (grade, calls) = graded_check(&low, vec![lucky(), lucky(), lucky()]);
        assert!(grade.speedup.is_some_and(|s| s >= 1.2), "{grade:?}");
        assert_eq!(
            (grade.status, grade.score, grade.max_score, calls),
            (PerfStatus::Inconclusive, 0, 10, 3),
            "{:?}",
            grade.message
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
    fn a_starved_run_on_a_busy_machine_is_inconclusive_not_unexplained() {
        // A preempted baseline fakes 1.5×; the candidate got under one core.
        let busy = || Measurement::Record(record(300, 200, 170, Some(0.65)));
        let (grade, calls) = graded(PerfKind::Cpu, vec![busy(), busy(), busy()]);
        assert_eq!(
            (grade.status, grade.score, grade.max_score, calls),
            (PerfStatus::Inconclusive, 0, 10, 3)
        );
    }

    #[test]
    fn a_speedup_without_cpu_use_is_not_credited() {
        // A memoising cheat: fast, but only one core's worth of CPU per wall second.
        let (grade, calls) = graded_record(PerfKind::Cpu, record(300, 10, 10, Some(1.9)));
        assert_eq!(
            (grade.status, grade.score, calls),
            (PerfStatus::Unexplained, 0, 1)
        );
    }

    #[test]
    fn io_checks_need_no_cpu_and_scale_with_workers() {
        let (grade, _) = graded_record(PerfKind::Io, record(400, 50, 1, Some(9.0)));
        assert_eq!(
            (grade.status, grade.required),
            (PerfStatus::Passed, Some(7.0))
        );
    }

    #[test]
    fn an_io_speedup_past_the_worker_cap_is_not_credited() {
        // 10 workers; one thread per request: 400 ms of calls in 21 ms.
        let (grade, calls) = graded_record(PerfKind::Io, record(400, 21, 1, Some(9.8)));
        assert_eq!(
            (grade.status, grade.score, calls),
            (PerfStatus::Unexplained, 0, 1)
        );
        let message = grade.message.unwrap_or_default();
        assert!(
            message.contains("more than 10 workers can give")
                && message.contains("at most 10 calls in flight"),
            "{message}"
        );
        // Right at the cap (and a little past it, timer noise) is a pass.
        let (grade, _) = graded_record(PerfKind::Io, record(400, 38, 1, Some(9.8)));
        assert_eq!(grade.status, PerfStatus::Passed, "{:?}", grade.message);
    }

    #[test]
    fn wrong_answers_and_failures_are_settled_at_once() {
        let mut wrong = record(300, 160, 310, Some(1.9));
        wrong.rounds[3].answers_match = false;
        let (grade, calls) = graded_record(PerfKind::Cpu, wrong);
        assert_eq!((grade.status, calls), (PerfStatus::WrongAnswer, 1));
        let (grade, calls) = graded(PerfKind::Cpu, vec![Measurement::Failed("panicked".into())]);
        assert_eq!(
            (grade.status, grade.message.as_deref(), calls),
            (PerfStatus::Error, Some("panicked"), 1)
        );
    }

    /// A record whose rounds alternate between two candidate wall times.
    fn noisy(fast_ms: u64, slow_ms: u64) -> PerfRecord {
        let mut noisy = record(300, fast_ms, 2 * fast_ms, Some(1.9));
        for (i, round) in noisy.rounds.iter_mut().enumerate() {
            let ms = if i % 2 == 0 { fast_ms } else { slow_ms };
            round.candidate.wall_ns = ms * 1_000_000;
            round.candidate.cpu_ns = 2 * ms * 1_000_000;
        }
        noisy
    }

    #[test]
    fn the_interval_is_of_the_median_and_reproducible() {
        let values = [1.0, 1.9, 1.9, 1.9, 1.9, 1.9, 1.9];
        let [low, high] = median_interval(&values, 7).unwrap();
        assert_eq!(
            (low, high),
            (1.9, 1.9),
            "one outlier round does not move the median"
        );
        let spread = [1.2, 1.9, 1.2, 1.9, 1.2, 1.9, 1.2, 1.9, 1.9];
        let [low, high] = median_interval(&spread, 7).unwrap();
        assert!(low < 1.4 && high > 1.4, "[{low}, {high}]");
        assert_eq!(median_interval(&spread, 7), median_interval(&spread, 7));
        assert_eq!(median_interval(&[], 7), None);
    }

    #[test]
    fn a_pass_that_straddles_the_requirement_is_measured_again_and_pooled() {
        // Rounds alternate 1.2× and 2.0×: the median passes 1.4×, its interval does not.
        let (grade, calls) = graded(
            PerfKind::Cpu,
            vec![
                Measurement::Record(noisy(150, 250)),
                Measurement::Record(noisy(150, 250)),
                Measurement::Record(noisy(150, 250)),
            ],
        );
        assert_eq!(calls, 3);
        assert_eq!(grade.status, PerfStatus::Passed, "{grade:?}");
        assert_eq!(grade.rounds, 21, "decided on all pooled rounds");
        assert!(
            grade
                .message
                .unwrap_or_default()
                .contains("21 rounds of 3 measurement")
        );
    }

    #[test]
    fn a_noisy_shortfall_whose_interval_reaches_the_requirement_is_inconclusive() {
        // Rounds alternate 1.0× and 1.5×: median below 1.4×, interval across it.
        let noisy = || Measurement::Record(noisy(300, 200));
        let (grade, calls) = graded(PerfKind::Cpu, vec![noisy(), noisy(), noisy()]);
        assert_eq!(calls, 3);
        assert_eq!(
            (grade.status, grade.score, grade.max_score),
            (PerfStatus::Inconclusive, 0, 10),
            "{grade:?}"
        );
        assert!(
            grade
                .message
                .unwrap_or_default()
                .contains("too noisy to tell")
        );
    }

    #[test]
    fn one_core_makes_cpu_checks_not_applicable_and_free() {
        let grade = grade(&check(PerfKind::Cpu), 1, |_| {
            unreachable!("nothing to measure")
        });
        assert_eq!(
            (grade.status, grade.score, grade.max_score),
            (PerfStatus::NotApplicable, 0, 0)
        );
        assert!(grade.status.is_earned(), "nothing to earn is not withheld");
    }

    /// The final pass of a `verify`: one measurement, judged by the same
    /// rules (a lone measurement that settles nothing is judged as a pool).
    #[test]
    fn one_more_measurement_decides_with_the_same_rules() {
        let once = |measurement: Measurement| {
            let mut measurement = Some(measurement);
            let mut calls = 0;
            let grade = grade_within(&check(PerfKind::Cpu), 2, 1, |_| {
                calls += 1;
                measurement.take().expect("measured once")
            });
            (grade, calls)
        };
        let (idle, calls) = once(Measurement::Record(record(300, 160, 310, Some(1.9))));
        assert_eq!(
            (
                idle.status,
                idle.score,
                idle.max_score,
                idle.attempts,
                calls
            ),
            (PerfStatus::Passed, 10, 10, 1, 1)
        );
        let (busy, _) = once(Measurement::Record(record(300, 280, 320, Some(1.1))));
        assert_eq!(
            (busy.status, busy.score, busy.max_score, busy.attempts),
            (PerfStatus::Inconclusive, 0, 10, 1)
        );
        let (slow, _) = once(Measurement::Record(record(300, 300, 300, Some(1.9))));
        assert_eq!(
            (slow.status, slow.score, slow.max_score),
            (PerfStatus::BelowThreshold, 0, 10)
        );
    }
}
