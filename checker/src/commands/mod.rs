//! The student's loop besides `verify`: `list`, `reset`, `doctor`, `watch`,
//! and `scale`, which draws a perf check's speedup against threads.

pub mod doctor;
pub mod list;
pub mod reset;
pub mod scale;
pub mod watch;
