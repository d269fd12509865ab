//! Naive loop, product tree and parallel product tree, timed side by side
//! for n = 20 000, 100 000 and 300 000, with CPython's `math.factorial`
//! beside them when `python3` is on the PATH, and GMP's (`gmpy2.fac`) where
//! that `python3` can import `gmpy2` (say `PYTHON=/path/to/venv/bin/python`
//! to use another interpreter).
//!
//! ```text
//! cargo run -p factorial --example table                  # your code
//! cargo run -p factorial-solution --example table         # the reference
//! cargo run -p factorial --example table -- 50000 200000  # other n
//! ```
//!
//! The naive column is `fixtures::baselines::factorial_naive` (the loop of
//! task 1); the other two are your `product_tree::factorial_tree` and
//! `parallel::factorial_parallel`, checked against the known values. Each
//! time is the best of a few runs (one for the slow ones). The naive loop is
//! quadratic, so it is time-boxed: past `NAIVE_BUDGET` it is abandoned and
//! shown as "> 20 s" (its thread is left to finish while the table goes on,
//! and ends with the program).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use factorial::parallel::factorial_parallel;
use factorial::product_tree::factorial_tree;
use fixtures::baselines::{factorial_naive, factorial_product_tree};
use fixtures::factorials::known;
use num_bigint::BigUint;

/// Longest the naive loop may run for one n.
const NAIVE_BUDGET: Duration = Duration::from_secs(20);
/// Runs of each fast program per n; the best counts. Seven, not three: at
/// 12 ms a run, one scheduler hiccup in three runs moved the parallel
/// column by 10 % (1.63× once among 1.74-1.82×).
const RUNS: usize = 7;
/// How long the parallel column runs untimed before it is timed: a core
/// that sat idle through the one-thread columns needs a moment to come back
/// to full speed (on this course's 2-core VMs, 100000! in parallel took 19-25
/// ms for its first few runs after a sequential phase, then 14 ms).
const PARALLEL_WARM_UP: Duration = Duration::from_millis(200);

fn main() {
    let ns: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.replace('_', "").parse().ok())
        .collect();
    let ns = if ns.is_empty() {
        vec![20_000, 100_000, 300_000]
    } else {
        ns
    };
    quiet_todo_panics();
    let cores = thread::available_parallelism().map_or(1, usize::from);
    println!("n! three ways ({cores} cores; best of {RUNS} runs, naive: one run)\n");
    let python = python();
    println!(
        "{:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>10} {:>9} {:>9}",
        "n",
        "digits",
        "naive",
        "baseline",
        "tree",
        "parallel",
        "base÷par",
        "tree÷par",
        "CPython",
        "CPy÷par",
        "GMP"
    );
    let mut gmp_missing = false;
    for n in ns {
        let baseline = best_of(n, "baseline", factorial_product_tree);
        let tree = best_of(n, "tree", factorial_tree);
        warm_up(n, factorial_parallel);
        let parallel = best_of(n, "parallel", factorial_parallel);
        let naive = naive_within_budget(n);
        let cpython = python_time(&python, "import math\nf = math.factorial", n);
        let gmp = python_time(&python, "import gmpy2\nf = gmpy2.fac", n);
        gmp_missing |= gmp.is_none();
        let digits = known(n).map_or_else(|| "-".to_owned(), |k| k.decimal_digits.to_string());
        println!(
            "{n:>9} {digits:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>10} {:>9} {:>9}",
            naive.map_or_else(|| format!("> {}", secs(NAIVE_BUDGET)), secs),
            baseline.map_or_else(|| "-".to_owned(), secs),
            tree.map_or_else(|| "todo".to_owned(), secs),
            parallel.map_or_else(|| "todo".to_owned(), secs),
            ratio(baseline, parallel),
            ratio(tree, parallel),
            cpython.map_or_else(|| "-".to_owned(), secs),
            ratio(cpython, parallel),
            gmp.map_or_else(|| "-".to_owned(), secs),
        );
    }
    println!(
        "\nbaseline is the perf check's sequential product tree (fixtures); base÷par is the \
         speedup the check measures, tree÷par the same against your own one-thread tree.\n\
         CPython and GMP: math.factorial(n) and gmpy2.fac(n) on the same machine, timed inside \
         {python} (start-up excluded)."
    );
    if gmp_missing {
        println!(
            "GMP: `gmpy2` cannot be imported by {python}; `python3 -m venv v && v/bin/pip install \
             gmpy2`, then run with PYTHON=v/bin/python."
        );
    }
}

/// The Python interpreter to time CPython and GMP with: `$PYTHON`, or
/// `python3`.
fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// The best of [`RUNS`] timed runs of `f(n)`, or `None` when `f` is still a
/// `todo!()` (or panics). A wrong answer for a known n stops the program.
fn best_of(n: u64, what: &str, f: fn(u64) -> BigUint) -> Option<Duration> {
    let mut best = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let value = catch_unwind(AssertUnwindSafe(|| f(n))).ok()?;
        let elapsed = started.elapsed();
        if let Some(known) = known(n)
            && let Err(err) = known.check(&value)
        {
            eprintln!("{what}: wrong answer: {err}");
            std::process::exit(1);
        }
        best = Some(best.map_or(elapsed, |b: Duration| b.min(elapsed)));
    }
    best
}

/// Runs `f(n)` untimed for [`PARALLEL_WARM_UP`] (at least once), unless it
/// is still a `todo!()`.
fn warm_up(n: u64, f: fn(u64) -> BigUint) {
    let started = Instant::now();
    while started.elapsed() < PARALLEL_WARM_UP {
        if catch_unwind(AssertUnwindSafe(|| f(n))).is_err() {
            return;
        }
    }
}

/// Keeps the default panic report, except for the `todo!()` of a task not
/// done yet: the table shows those as "todo".
fn quiet_todo_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str));
        if !message.is_some_and(|m| m.starts_with("not yet implemented")) {
            default(info);
        }
    }));
}

/// One run of the naive loop on its own thread, abandoned after
/// [`NAIVE_BUDGET`].
fn naive_within_budget(n: u64) -> Option<Duration> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let started = Instant::now();
        let value = factorial_naive(n);
        // The receiver is gone only after the budget ran out.
        let _ = tx.send((started.elapsed(), value));
    });
    let (elapsed, value) = rx.recv_timeout(NAIVE_BUDGET).ok()?;
    if let Some(known) = known(n) {
        assert_eq!(known.check(&value), Ok(()), "the naive reference is wrong");
    }
    Some(elapsed)
}

/// `f(n)` timed inside `python`, the best of [`RUNS`], where `setup` binds
/// `f`; `None` if there is no such interpreter or `setup` fails (a module
/// it cannot import).
fn python_time(python: &str, setup: &str, n: u64) -> Option<Duration> {
    let script = format!(
        "{setup}\nimport time\nbest = None\nfor _ in range({RUNS}):\n    t = time.perf_counter()\n    \
         f({n})\n    e = time.perf_counter() - t\n    best = e if best is None else \
         min(best, e)\nprint(best)"
    );
    let output = Command::new(python)
        .args(["-c", &script])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let seconds: f64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs_f64(seconds))
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn ratio(slow: Option<Duration>, fast: Option<Duration>) -> String {
    match (slow, fast) {
        (Some(slow), Some(fast)) => format!("{:.2}×", slow.as_secs_f64() / fast.as_secs_f64()),
        _ => "-".to_owned(),
    }
}
