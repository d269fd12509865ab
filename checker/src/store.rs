//! The student's progress: the latest grade of each exercise, as the last
//! `verify` or `watch` of the starters left it, under
//! `target/checker/results/<exercise>.json`.
//!
//! Nothing here is state of its own: it is the last results, re-made by the
//! next run, and deleting `target/` loses nothing that grading cannot redo.

use std::path::{Path, PathBuf};

use crate::report::{ExerciseGrade, Report};

fn dir(root: &Path) -> PathBuf {
    root.join("target/checker/results")
}

/// Keeps each exercise's grade from `report` (starters only).
pub fn save(root: &Path, report: &Report) -> std::io::Result<()> {
    if report.source != "exercises" {
        return Ok(());
    }
    let dir = dir(root);
    std::fs::create_dir_all(&dir)?;
    for grade in &report.exercises {
        let json = serde_json::to_vec_pretty(grade).map_err(std::io::Error::other)?;
        let path = dir.join(format!("{}.json", grade.name));
        crate::atomic_file::write(&path, &json)?;
    }
    Ok(())
}

/// The last grade of `exercise`, if it was ever graded (and still parses).
pub fn load(root: &Path, exercise: &str) -> Option<ExerciseGrade> {
    let text = std::fs::read_to_string(dir(root).join(format!("{exercise}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}
