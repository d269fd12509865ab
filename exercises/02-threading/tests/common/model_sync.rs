//! `crate::sync` for the model-checked copies of the Condvar modules:
//! shuttle's drop-in `Mutex` and `Condvar` instead of std's.
//!
//! A test file that checks `src/<module>.rs` under shuttle declares this as
//! its root `sync` module and includes the module's copy from `OUT_DIR`
//! (written by `build.rs`):
//!
//! ```ignore
//! #[path = "common/model_sync.rs"]
//! mod sync;
//! mod model {
//!     include!(concat!(env!("OUT_DIR"), "/model/bounded_queue.rs"));
//! }
//! ```

#![allow(
    unused_imports,
    reason = "the same names as src/sync.rs; each model uses a subset"
)]

pub use shuttle::sync::{Condvar, Mutex, MutexGuard, PoisonError};
