//! The student's loop besides `verify`: `list`, `reset`, `doctor`, `watch`.

pub mod doctor;
pub mod list;
pub mod reset;
pub mod watch;
