//! One module per subcommand: the grade (`verify`), the student's loop
//! (`list`, `watch`, `hint`, `reset`, `doctor`, `scale`) and the
//! instructor's (`dev_check`, `class`). `crate::run` only dispatches to them.

pub mod class;
pub mod dev_check;
pub mod doctor;
pub mod hint;
pub mod list;
pub mod reset;
pub mod scale;
pub mod verify;
pub mod watch;

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::course::Course;
use crate::protected::Template;

/// The course's rules for the commands that put no file in place (`list`,
/// `hint`, `watch`, `doctor`, …): the template's `course.toml` where the
/// repository has a template, so their points and thresholds agree with
/// `verify`'s; the working tree's otherwise.
pub fn load_course(explicit: Option<&Path>) -> anyhow::Result<Course> {
    let root = course_root(explicit)?;
    Ok(match Template::find(&root, None) {
        Ok(template) => Course::parse(&root, &template.course_text()?)?,
        Err(_) => Course::load(&root)?,
    })
}

/// The course root: the one named, or the nearest folder upwards with a
/// `course.toml`.
pub fn course_root(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    match explicit {
        Some(root) => Ok(root.to_owned()),
        None => Ok(Course::find_root(
            &std::env::current_dir().context("failed to read the current directory")?,
        )?),
    }
}
