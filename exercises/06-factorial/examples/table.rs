//! Naive loop, product tree and parallel product tree, timed side by side
//! for n = 20 000, 100 000 and 300 000, with CPython's `math.factorial`
//! beside them when `python3` is on the PATH.
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
use fixtures::baselines::factorial_naive;
use fixtures::factorials::known;
use num_bigint::BigUint;

/// Longest the naive loop may run for one n.
const NAIVE_BUDGET: Duration = Duration::from_secs(20);
/// Runs of each fast program per n; the best counts.
const RUNS: usize = 3;

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
    println!(
        "{:>9} {:>10} {:>12} {:>12} {:>12} {:>14} {:>13} {:>10}",
        "n", "digits", "naive", "tree", "parallel", "tree÷parallel", "naive÷tree", "CPython"
    );
    for n in ns {
        let tree = best_of(n, "tree", factorial_tree);
        let parallel = best_of(n, "parallel", factorial_parallel);
        let naive = naive_within_budget(n);
        let python = cpython_time(n);
        let digits = known(n).map_or_else(|| "-".to_owned(), |k| k.decimal_digits.to_string());
        println!(
            "{n:>9} {digits:>10} {:>12} {:>12} {:>12} {:>14} {:>13} {:>10}",
            naive.map_or_else(|| format!("> {}", secs(NAIVE_BUDGET)), secs),
            tree.map_or_else(|| "todo".to_owned(), secs),
            parallel.map_or_else(|| "todo".to_owned(), secs),
            ratio(tree, parallel),
            ratio(naive, tree),
            python.map_or_else(|| "-".to_owned(), secs),
        );
    }
    println!(
        "\ntree÷parallel is the parallel speedup (the perf check's measure); naive÷tree is \
         the algorithm's gain, on one core.\nCPython: math.factorial(n) in the same machine, \
         timed inside python3 (start-up excluded)."
    );
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

/// `math.factorial(n)` timed inside `python3`, if there is one.
fn cpython_time(n: u64) -> Option<Duration> {
    let script = format!(
        "import math, time\nbest = None\nfor _ in range({RUNS}):\n    t = time.perf_counter()\n    \
         math.factorial({n})\n    e = time.perf_counter() - t\n    best = e if best is None else \
         min(best, e)\nprint(best)"
    );
    let output = Command::new("python3")
        .args(["-c", &script])
        .output()
        .ok()?;
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
        (Some(slow), Some(fast)) => format!("{:.1}×", slow.as_secs_f64() / fast.as_secs_f64()),
        _ => "-".to_owned(),
    }
}
