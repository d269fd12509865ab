//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    unused_macros,
    reason = "each test binary uses a different subset of these"
)]

pub use fixtures::testing::{LIVENESS, SharedBuffer, eventually, within};

/// The fixed seed of every schedule-exploring run, so a run that found a bug
/// finds it again (the failing schedule is printed, for `shuttle::replay`).
pub const MODEL_SEED: u64 = 0x0245_2024_C0DE_0002;

/// Schedules per model. The bugs planted in the four modules while the
/// tests were written (an `if` around a wait, a `notify_one` where every
/// waiter must wake, a missing `notify_all`, an off-by-one capacity) were
/// each found within the first 600; 20 000 leave a wide margin for other
/// variants and take about 0.3 s a model here.
pub const MODEL_ITERATIONS: usize = 20_000;

/// PCT's bug depth: the scheduler makes `MODEL_DEPTH - 1` random priority
/// changes per schedule. The planted bugs above were found at this depth.
pub const MODEL_DEPTH: usize = 3;

/// Runs `f` [`MODEL_ITERATIONS`] times under shuttle's PCT scheduler
/// (probabilistic concurrency testing: random thread priorities with
/// `MODEL_DEPTH - 1` random priority changes per run), from [`MODEL_SEED`].
///
/// Inside `f`, threads come from `shuttle::thread` and locks from the model
/// `sync` module ([`shuttle_model!`]); shuttle runs one thread at a time and
/// chooses who goes next at every lock, wait and notify. It fails the test
/// when an assertion fails in any schedule, or when every thread is
/// blocked: a lost wake-up surfaces as "deadlock!".
pub fn explore(f: impl Fn() + Send + Sync + 'static) {
    let mut config = shuttle::Config::new();
    // Our models use no shuttle atomics or lazy statics; the warnings are noise.
    config.silence_warnings = true;
    let scheduler =
        shuttle::scheduler::PctScheduler::new_from_seed(MODEL_SEED, MODEL_DEPTH, MODEL_ITERATIONS);
    shuttle::Runner::new(scheduler, config).run(f);
}

/// Compiles `src/<module>.rs` a second time into the test, as `mod model`,
/// against shuttle: the test crate's root `sync` module (what `src/sync.rs`
/// is to the library) becomes shuttle's drop-in `Mutex` and `Condvar`, and
/// `model` includes the copy of the module that `build.rs` wrote to
/// `$OUT_DIR/model/<module>.rs`. Invoked once, at the root of a test file:
/// `common::shuttle_model!("latch");`.
macro_rules! shuttle_model {
    ($module:literal) => {
        /// `crate::sync` of the model: shuttle's locks instead of std's.
        #[allow(
            unused_imports,
            reason = "the same names as src/sync.rs; each model uses a subset"
        )]
        mod sync {
            pub use shuttle::sync::{Condvar, Mutex, MutexGuard, PoisonError};
        }

        #[allow(
            dead_code,
            unused_variables,
            reason = "the starter's stubs, and methods these models do not call"
        )]
        mod model {
            include!(concat!(env!("OUT_DIR"), "/model/", $module, ".rs"));
        }
    };
}
pub(crate) use shuttle_model;

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
