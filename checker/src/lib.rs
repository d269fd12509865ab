//! The course checker: grades exercise crates with cargo-nextest and perf
//! records, and renders the grades.
//!
//! Grading is a pipeline of plain data:
//! [`course`] (catalogue) → [`nextest`] (JUnit results, test lists) and
//! [`perf`] (records → perf grades) → [`grade`] (assembles the
//! [`report::Report`]) → [`render`] (human, JSON, JUnit, Markdown, HTML, …).
//! [`run`] is the CLI edge that maps all of it onto exit codes.

pub mod atomic_file;
pub mod bench;
pub mod build_progress;
pub mod cargo_messages;
pub mod cargo_metadata;
pub mod class;
pub mod cli;
pub mod commands;
pub mod course;
pub mod dev;
pub mod git;
pub mod grade;
pub mod interrupt;
pub mod locate;
pub mod nextest;
pub mod perf;
pub mod process;
pub mod protected;
pub mod protections;
pub mod render;
pub mod report;
pub mod review;
pub mod run;
pub mod runner;
pub mod scaling;
pub mod store;
pub mod task_map;
pub mod term;
pub mod workflow_files;
