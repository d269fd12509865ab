//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different subset of these"
)]

pub use fixtures::testing::{LIVENESS, within};

/// The fixed seed of every schedule-exploring run, so a run that found a bug
/// finds it again (the failing schedule is printed, for `shuttle::replay`).
pub const MODEL_SEED: u64 = 0x0245_2024_C0DE_0002;

/// Runs `f` `iterations` times under shuttle's PCT scheduler (probabilistic
/// concurrency testing: random thread priorities with `depth - 1` random
/// priority changes per run), from [`MODEL_SEED`].
///
/// Inside `f`, threads come from `shuttle::thread` and locks from the model
/// `sync` module; shuttle runs one thread at a time and chooses who goes
/// next at every lock, wait and notify. It fails the test when an assertion
/// fails in any schedule, or when every thread is blocked: a lost wake-up
/// surfaces as "deadlock!".
pub fn explore(iterations: usize, depth: usize, f: impl Fn() + Send + Sync + 'static) {
    let mut config = shuttle::Config::new();
    // Our models use no shuttle atomics or lazy statics; the warnings are noise.
    config.silence_warnings = true;
    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(MODEL_SEED, depth, iterations);
    shuttle::Runner::new(scheduler, config).run(f);
}

/// The value a joined thread returned; if it panicked, its panic goes on
/// here, so the test fails with the thread's own message ("not yet
/// implemented", an assertion) rather than a generic one.
pub trait OrResume<T> {
    /// The value, or the thread's panic, resumed.
    fn or_resume(self) -> T;
}

impl<T> OrResume<T> for std::thread::Result<T> {
    fn or_resume(self) -> T {
        self.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    }
}
