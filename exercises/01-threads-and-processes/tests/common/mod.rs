//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different subset of these"
)]

pub use fixtures::testing::{LIVENESS, eventually, within};
