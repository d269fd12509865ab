//! Following a build while it runs. A first grade compiles for minutes, and
//! a screen that only says "building…" meanwhile looks hung. Cargo's JSON
//! messages (which `nextest list --cargo-message-format json` passes on)
//! name each unit as it is done; [`BuildWatch`] turns them into a line
//! saying what was compiled last, how many units are done (of how many,
//! when an earlier build of the same package counted them) and for how
//! long. A build with nothing to compile says nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cargo_messages::CargoMessage;

/// Counts the units of one build from its JSON messages.
#[derive(Debug)]
pub struct BuildWatch {
    started: Instant,
    every: Duration,
    next_report: Instant,
    expected: Option<usize>,
    units: usize,
    compiled: usize,
    last: String,
}

impl BuildWatch {
    /// A watch of a build expected to have `expected` units (from
    /// [`remembered_units`]), reporting at most once per `every`.
    pub fn new(expected: Option<usize>, every: Duration) -> Self {
        let started = Instant::now();
        Self {
            started,
            every,
            next_report: started + every,
            expected,
            units: 0,
            compiled: 0,
            last: String::new(),
        }
    }

    /// Feeds one line of the build's standard output; returns a status line
    /// when one is due (something was compiled and `every` has passed since
    /// the last one).
    pub fn observe(&mut self, line: &str) -> Option<String> {
        if !self.count(line) || self.compiled == 0 {
            return None;
        }
        let now = Instant::now();
        if now < self.next_report {
            return None;
        }
        self.next_report = now + self.every;
        Some(self.status(now - self.started))
    }

    /// Units seen so far, fresh ones included: the count a later build of
    /// the same package can expect.
    pub fn units(&self) -> usize {
        self.units
    }

    /// Counts `line` if it is a unit's message; whether it was one.
    fn count(&mut self, line: &str) -> bool {
        match CargoMessage::parse(line) {
            Some(CargoMessage::CompilerArtifact { fresh, target }) => {
                self.units += 1;
                if !fresh {
                    self.compiled += 1;
                    if !target.name.is_empty() {
                        self.last = target.name;
                    }
                }
                true
            }
            Some(CargoMessage::BuildScriptExecuted {}) => {
                self.units += 1;
                true
            }
            _ => false,
        }
    }

    /// `building: 143/231 units, last num-bigint, 1 min 12 s`.
    fn status(&self, elapsed: Duration) -> String {
        let done = match self.expected {
            Some(expected) if expected >= self.units => format!("{}/{expected}", self.units),
            _ => self.units.to_string(),
        };
        let secs = elapsed.as_secs();
        let time = if secs >= 60 {
            format!("{} min {} s", secs / 60, secs % 60)
        } else {
            format!("{secs} s")
        };
        format!("building: {done} units, last {}, {time}", self.last)
    }
}

fn units_file(root: &Path, package: &str) -> PathBuf {
    root.join("target/checker/build-units").join(package)
}

/// How many units the last complete build of `package`'s tests had, if one
/// was counted.
pub fn remembered_units(root: &Path, package: &str) -> Option<usize> {
    std::fs::read_to_string(units_file(root, package))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Keeps `units` as the count of `package`'s test build, best effort: a
/// missing count only leaves the next status line without its total.
pub fn remember_units(root: &Path, package: &str, units: usize) {
    let path = units_file(root, package);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(path, units.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(name: &str, fresh: bool) -> String {
        serde_json::json!({
            "reason": "compiler-artifact",
            "target": {"name": name, "kind": ["lib"]},
            "fresh": fresh,
        })
        .to_string()
    }

    #[test]
    fn units_are_counted_and_reported_with_the_last_compiled() {
        let mut watch = BuildWatch::new(Some(4), Duration::ZERO);
        assert_eq!(watch.observe(&artifact("libc", true)), None, "fresh only");
        assert_eq!(watch.observe("not json"), None);
        assert_eq!(watch.observe(r#"{"reason":"compiler-message"}"#), None);
        let line = watch.observe(&artifact("num-bigint", false)).expect("due");
        assert!(
            line.starts_with("building: 2/4 units, last num-bigint, "),
            "{line}"
        );
        let line = watch
            .observe(r#"{"reason":"build-script-executed","package_id":"x"}"#)
            .expect("due");
        assert!(line.starts_with("building: 3/4 units"), "{line}");
        assert_eq!(watch.units(), 3);
    }

    #[test]
    fn reports_are_spaced_and_a_wrong_total_is_dropped() {
        let mut watch = BuildWatch::new(Some(1), Duration::from_secs(3600));
        assert_eq!(watch.observe(&artifact("a", false)), None, "not due yet");
        let mut watch = BuildWatch::new(Some(1), Duration::ZERO);
        watch.observe(&artifact("a", false));
        let line = watch.observe(&artifact("b", false)).expect("due");
        assert!(line.starts_with("building: 2 units, last b"), "{line}");
    }

    #[test]
    fn the_count_is_remembered_per_package() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(remembered_units(dir.path(), "p"), None);
        remember_units(dir.path(), "p", 231);
        assert_eq!(remembered_units(dir.path(), "p"), Some(231));
    }
}
