//! The student's loop besides `verify`: `list`, `reset`, `doctor`, `watch`,
//! `scale`, which draws a perf check's speedup against threads, and the
//! instructor's `class`, which reads a whole class's reports.

pub mod class;
pub mod doctor;
pub mod list;
pub mod reset;
pub mod scale;
pub mod watch;
