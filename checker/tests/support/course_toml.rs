//! The `course.toml` of a fixture course, from the parts a test cares
//! about. Every other line is the same in all of them (format version 1, a
//! hint of "-", a perf check's test named after it), so it is written here
//! once.
//!
//! ```ignore
//! course_toml::course("", &[
//!     course_toml::exercise("01-primes", "primes", "Primes", 244),
//!     course_toml::task("counts", "binary(counts)", 1),
//!     course_toml::perf("two-threads", 10, course_toml::CPU_70),
//! ])
//! ```

/// The settings of a CPU check held to 70 % of the cores.
pub const CPU_70: &str = "kind = \"cpu\"\nefficiency = 0.7";

/// `format_version = 1`, the top-level lines `top` (a `protected` list, or
/// nothing), then `tables` in order.
pub fn course(top: &str, tables: &[String]) -> String {
    let mut toml = format!("format_version = 1\n{top}\n");
    for table in tables {
        toml.push('\n');
        toml.push_str(table);
    }
    toml
}

/// An `[[exercise]]` table: the tasks and perf checks that follow it are its.
pub fn exercise(name: &str, package: &str, title: &str, notebook: u32) -> String {
    format!(
        "[[exercise]]\nname = \"{name}\"\npackage = \"{package}\"\ntitle = \"{title}\"\nnotebook = {notebook}\n"
    )
}

/// An `[[exercise.task]]` table with the hint "-".
pub fn task(name: &str, filter: &str, points: u32) -> String {
    hinted_task(name, filter, points, "-")
}

/// An `[[exercise.task]]` table whose hint a test reads back.
pub fn hinted_task(name: &str, filter: &str, points: u32, hint: &str) -> String {
    format!(
        "[[exercise.task]]\nname = \"{name}\"\nfilter = \"{filter}\"\npoints = {points}\nhint = \"{hint}\"\n"
    )
}

/// An `[[exercise.perf]]` table timed by the test `perf_<name>` (dashes as
/// underscores); `settings` are its other lines: `kind`, `efficiency` and,
/// where they apply, `workers` or `work_units`.
pub fn perf(name: &str, points: u32, settings: &str) -> String {
    let test = format!("perf_{}", name.replace('-', "_"));
    perf_timed_by(name, &test, points, settings)
}

/// [`perf`] for a check whose test is not named after it.
pub fn perf_timed_by(name: &str, test: &str, points: u32, settings: &str) -> String {
    format!(
        "[[exercise.perf]]\nname = \"{name}\"\ntest = \"{test}\"\npoints = {points}\n{settings}\nhint = \"-\"\n"
    )
}
