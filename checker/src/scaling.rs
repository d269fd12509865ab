//! A scaling curve: one perf check's speedup measured at 1, 2, … threads
//! (workers for I/O), the ideal beside it, and the serial fraction that
//! Amdahl's law fits to it. `checker scale` measures it; this module only
//! holds the numbers and what follows from them, so the fit, the text chart
//! and the plot read one model.

use std::fmt::Write as _;

use crate::course::PerfKind;

/// Speedups of one perf check at several thread counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The perf check's name in `course.toml`.
    pub check: String,
    /// CPU- or I/O-bound: what "ideal" means.
    pub kind: PerfKind,
    /// Cores this machine gives the process.
    pub cores: usize,
    /// One point per thread count, in increasing order.
    pub points: Vec<ScalePoint>,
}

/// The measured speedup at one thread count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalePoint {
    /// Threads (CPU) or workers (I/O) the student's code was given.
    pub threads: u32,
    /// Median speedup over the sequential baseline.
    pub speedup: f64,
    /// 90 % interval of that median.
    pub interval: Option<[f64; 2]>,
    /// The calibration job's median speedup in the same rounds: what the
    /// machine gave known-parallel work meanwhile.
    pub calibration: Option<f64>,
}

impl Curve {
    /// The thread counts `checker scale` measures: 1 to twice the cores for
    /// a CPU check (past the cores the curve must flatten), 1 to twice the
    /// contract's workers for an I/O check, doubling past 4.
    pub fn thread_counts(kind: PerfKind, cores: usize, workers: Option<u32>) -> Vec<u32> {
        let most = match kind {
            PerfKind::Cpu => u32::try_from(cores.max(1) * 2).unwrap_or(u32::MAX),
            PerfKind::Io => workers.unwrap_or(1).max(1) * 2,
        };
        let mut counts: Vec<u32> = (1..=most.min(4)).collect();
        let mut next = 8;
        while next < most {
            counts.push(next);
            next *= 2;
        }
        if most > 4 {
            if let Some(w) = workers.filter(|w| kind == PerfKind::Io && *w > 4 && *w < most) {
                counts.push(w);
            }
            counts.push(most);
        }
        counts.sort_unstable();
        counts.dedup();
        counts
    }

    /// What perfect parallel work would show at `threads`: no more than the
    /// cores for CPU work; one per worker for waiting.
    pub fn ideal(&self, threads: u32) -> f64 {
        f64::from(self.parallelism(threads))
    }

    /// Amdahl's law with serial fraction `serial` at `threads`.
    pub fn amdahl(&self, serial: f64, threads: u32) -> f64 {
        let p = f64::from(self.parallelism(threads));
        1.0 / (serial + (1.0 - serial) / p)
    }

    /// The serial fraction (0 to 1) whose Amdahl curve is nearest the
    /// measured points (least squares); `None` without a point where more
    /// than one thread could run at once. A CPU check is fitted on its
    /// points up to the cores: past them threads share cores, and what that
    /// costs (a thread of three waiting for a core) is no serial part of
    /// the code, which the law would count it as.
    pub fn serial_fraction(&self) -> Option<f64> {
        let fitted: Vec<&ScalePoint> = self
            .points
            .iter()
            .filter(|p| self.kind == PerfKind::Io || p.threads as usize <= self.cores)
            .collect();
        if !fitted.iter().any(|p| self.parallelism(p.threads) > 1) {
            return None;
        }
        let error = |serial: f64| -> f64 {
            fitted
                .iter()
                .map(|p| (p.speedup - self.amdahl(serial, p.threads)).powi(2))
                .sum()
        };
        (0..=2000)
            .map(|i| f64::from(i) / 2000.0)
            .min_by(|a, b| error(*a).total_cmp(&error(*b)))
    }

    /// The thread counts measured on a busy machine: where even the
    /// calibration job stayed below what the grade's rule asks of it
    /// ([`crate::perf::busy_below`] the ideal). Their speedups say nothing of
    /// the code.
    pub fn busy(&self) -> Vec<u32> {
        self.points
            .iter()
            .filter(|p| {
                p.calibration
                    .is_some_and(|c| c < crate::perf::busy_below(self.ideal(p.threads)))
            })
            .map(|p| p.threads)
            .collect()
    }

    /// "thread" or "worker", for `threads` of them.
    pub fn unit(&self, threads: u32) -> &'static str {
        unit(self.kind, threads)
    }

    /// "threads" or "workers", for an axis.
    pub fn unit_plural(&self) -> &'static str {
        self.unit(2)
    }

    /// The curve in one paragraph, for text alternatives.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "Speedup of {} against {} on {} cores:",
            self.check,
            self.unit_plural(),
            self.cores
        );
        for (i, point) in self.points.iter().enumerate() {
            let _ = write!(
                text,
                "{} {} {} {:.2}× (ideal {})",
                if i == 0 { "" } else { "," },
                point.threads,
                self.unit(point.threads),
                point.speedup,
                self.parallelism(point.threads)
            );
        }
        text.push('.');
        if let Some(serial) = self.serial_fraction() {
            let _ = write!(text, " {}", serial_sentence(serial));
        }
        text
    }

    /// A compact chart for the terminal: one bar per thread count, the
    /// ideal marked on it, then the fitted serial fraction.
    pub fn text_chart(&self) -> String {
        const BAR: usize = 40;
        let largest = self
            .points
            .iter()
            .map(|p| p.speedup.max(self.ideal(p.threads)))
            .fold(1.0_f64, f64::max);
        let cells = |value: f64| ((value / largest) * BAR as f64).round() as usize;
        let mut out = format!(
            "{}: speedup against {} ({} cores; │ marks the ideal)\n",
            self.check,
            self.unit_plural(),
            self.cores
        );
        for point in &self.points {
            let filled = cells(point.speedup.max(0.0)).min(BAR);
            let ideal = cells(self.ideal(point.threads)).clamp(1, BAR) - 1;
            let bar: String = (0..BAR)
                .map(|i| match (i == ideal, i < filled) {
                    (true, _) => '│',
                    (false, true) => '█',
                    (false, false) => ' ',
                })
                .collect();
            let _ = writeln!(
                out,
                "{:>4} {:<7} {bar} {:>6.2}×  (ideal {})",
                point.threads,
                self.unit(point.threads),
                point.speedup,
                self.parallelism(point.threads)
            );
        }
        match self.serial_fraction() {
            Some(serial) => {
                let _ = writeln!(out, "{}", serial_sentence(serial));
            }
            None => out.push_str("no point ran more than one thread at once: nothing to fit\n"),
        }
        let busy = self.busy();
        if !busy.is_empty() {
            let counts: Vec<String> = busy.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "measured on a busy machine at {} {}: the calibration job could not show \
                 parallelism either; close other programs and run it again",
                counts.join(", "),
                self.unit_plural()
            );
        }
        out
    }

    /// How many of `threads` can make progress at once.
    fn parallelism(&self, threads: u32) -> u32 {
        match self.kind {
            PerfKind::Cpu => threads.min(u32::try_from(self.cores).unwrap_or(u32::MAX)),
            PerfKind::Io => threads,
        }
        .max(1)
    }
}

/// What a check of `kind` counts: "threads" (CPU) or "workers" (I/O),
/// singular for one.
pub fn unit(kind: PerfKind, threads: u32) -> &'static str {
    match (kind, threads) {
        (PerfKind::Cpu, 1) => "thread",
        (PerfKind::Cpu, _) => "threads",
        (PerfKind::Io, 1) => "worker",
        (PerfKind::Io, _) => "workers",
    }
}

/// The fitted serial fraction in words, with what it implies.
fn serial_sentence(serial: f64) -> String {
    let limit = if serial > 0.0 {
        format!("at most {:.1}× on any number of cores", 1.0 / serial)
    } else {
        "no limit in sight".to_owned()
    };
    format!(
        "Amdahl fit: serial fraction {:.1} % ({limit})",
        serial * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(kind: PerfKind, cores: usize, speedups: &[(u32, f64)]) -> Curve {
        Curve {
            check: "cpu-count-primes".into(),
            kind,
            cores,
            points: speedups
                .iter()
                .map(|&(threads, speedup)| ScalePoint {
                    threads,
                    speedup,
                    interval: Some([speedup - 0.02, speedup + 0.02]),
                    calibration: Some(f64::from(threads.min(2)) * 0.95),
                })
                .collect(),
        }
    }

    #[test]
    fn thread_counts_reach_twice_the_cores_or_the_workers() {
        assert_eq!(Curve::thread_counts(PerfKind::Cpu, 2, None), [1, 2, 3, 4]);
        assert_eq!(
            Curve::thread_counts(PerfKind::Cpu, 8, None),
            [1, 2, 3, 4, 8, 16]
        );
        assert_eq!(
            Curve::thread_counts(PerfKind::Io, 2, Some(10)),
            [1, 2, 3, 4, 8, 10, 16, 20]
        );
    }

    #[test]
    fn the_fit_recovers_the_serial_fraction_of_an_amdahl_curve() {
        let exact = curve(PerfKind::Io, 2, &[]);
        let points: Vec<(u32, f64)> = [1, 2, 4, 8, 16].map(|n| (n, exact.amdahl(0.1, n))).to_vec();
        let fitted = curve(PerfKind::Io, 2, &points).serial_fraction().unwrap();
        assert!((fitted - 0.1).abs() < 0.001, "{fitted}");
    }

    #[test]
    fn a_one_thread_version_is_flat_and_fits_as_all_serial() {
        let flat = curve(
            PerfKind::Cpu,
            2,
            &[(1, 1.0), (2, 1.01), (3, 0.99), (4, 1.0)],
        );
        let serial = flat.serial_fraction().unwrap();
        assert!(serial > 0.95, "{serial}");
        let chart = flat.text_chart();
        let printed = format!("serial fraction {:.1} %", serial * 100.0);
        assert!(chart.contains(&printed), "{chart}");
        // On 2 cores, the ideal stops at 2 past two threads.
        assert!(chart.contains("(ideal 2)\n   4"), "{chart}");
    }

    #[test]
    fn points_where_the_calibration_job_was_starved_are_called_busy() {
        let mut rising = curve(PerfKind::Cpu, 2, &[(1, 1.0), (2, 1.9), (3, 1.2), (4, 1.9)]);
        assert!(rising.busy().is_empty());
        rising.points[2].calibration = Some(1.1);
        assert_eq!(rising.busy(), [3]);
        assert!(
            rising
                .text_chart()
                .contains("measured on a busy machine at 3 threads")
        );
    }

    #[test]
    fn threads_past_the_cores_do_not_move_the_fit() {
        let shared = curve(PerfKind::Cpu, 2, &[(1, 1.0), (2, 1.9), (3, 1.3), (4, 1.4)]);
        let alone = curve(PerfKind::Cpu, 2, &[(1, 1.0), (2, 1.9)]);
        assert_eq!(shared.serial_fraction(), alone.serial_fraction());
    }

    #[test]
    fn one_thread_alone_has_nothing_to_fit() {
        let single = curve(PerfKind::Cpu, 1, &[(1, 1.0), (2, 1.0)]);
        assert_eq!(single.serial_fraction(), None);
        assert!(single.text_chart().contains("nothing to fit"));
    }
}
