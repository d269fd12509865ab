//! `cargo metadata` kept in a file, for nextest's `--cargo-metadata`.
//!
//! Every `cargo nextest run` starts by asking cargo for the workspace's
//! metadata: 0.25–0.5 s on this course, a sixth of what `checker watch` takes
//! to answer a save. The metadata only changes with a manifest or
//! `Cargo.lock`, so `watch` keeps it in `target/checker/cargo-metadata.json`
//! and makes it again whenever one of those is newer than the file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use serde::Deserialize;

use crate::nextest::cargo;
use crate::process::run_bounded;

/// Largest metadata document read back (this course's is about 1 MiB).
const METADATA_LIMIT: usize = 64 * 1024 * 1024;

/// The stored metadata of one workspace, and the files it was made from.
pub struct CargoMetadataCache {
    root: PathBuf,
    path: PathBuf,
    /// Every path package's manifest, the workspace's and `Cargo.lock`.
    inputs: Vec<PathBuf>,
}

impl CargoMetadataCache {
    /// The cache of the workspace at `root` (nothing is read or run yet).
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            path: root.join("target/checker/cargo-metadata.json"),
            inputs: Vec::new(),
        }
    }

    /// The metadata file, made again first if it is missing or older than
    /// one of its inputs. `None` when cargo cannot make it: nextest then
    /// asks cargo itself, as without the cache.
    pub fn fresh_path(&mut self) -> Option<&Path> {
        if !self.is_fresh() {
            self.regenerate().ok()?;
        }
        Some(&self.path)
    }

    fn is_fresh(&self) -> bool {
        let Some(made) = modified(&self.path) else {
            return false;
        };
        !self.inputs.is_empty()
            && self
                .inputs
                .iter()
                .all(|input| modified(input).is_some_and(|changed| changed < made))
    }

    fn regenerate(&mut self) -> Result<(), String> {
        let mut cmd = Command::new(cargo());
        cmd.current_dir(&self.root)
            .args(["metadata", "--format-version", "1", "--all-features"])
            .env("CARGO_TERM_COLOR", "never");
        // As nextest asks: the host's dependencies only (all platforms' would
        // download crates no build here needs).
        if let Some(host) = host_triple() {
            cmd.args(["--filter-platform", &host]);
        }
        let out = run_bounded(&mut cmd, METADATA_LIMIT).map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(out.stderr);
        }
        let metadata: Metadata = serde_json::from_str(&out.stdout).map_err(|e| e.to_string())?;
        let mut inputs: Vec<PathBuf> = metadata
            .packages
            .into_iter()
            .filter(|package| package.source.is_none())
            .map(|package| package.manifest_path)
            .collect();
        inputs.push(self.root.join("Cargo.toml"));
        inputs.push(self.root.join("Cargo.lock"));
        let dir = self.path.parent().ok_or("no parent directory")?;
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        crate::atomic_file::write(&self.path, out.stdout.as_bytes()).map_err(|e| e.to_string())?;
        self.inputs = inputs;
        Ok(())
    }
}

/// What the cache's freshness reads of `cargo metadata`: the manifests of
/// the packages in this repository (those with no registry or git source).
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

/// One package of the metadata.
#[derive(Debug, Deserialize)]
struct Package {
    /// `None` for a path package (the workspace's own).
    #[serde(default)]
    source: Option<String>,
    manifest_path: PathBuf,
}

/// The host target triple, from `rustc -vV`.
fn host_triple() -> Option<String> {
    let out = Command::new("rustc").arg("-vV").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"a\"]\n",
        );
        write(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        );
        write("a/src/lib.rs", "");
        dir
    }

    #[test]
    fn the_metadata_is_made_once_and_again_when_a_manifest_changes() {
        let dir = workspace();
        let mut cache = CargoMetadataCache::new(dir.path());
        let path = cache.fresh_path().expect("cargo metadata runs").to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"workspace_members\""), "{text}");
        let made = modified(&path).unwrap();
        assert!(cache.is_fresh(), "inputs: {:?}", cache.inputs);
        assert!(cache.inputs.iter().any(|p| p.ends_with("a/Cargo.toml")));

        cache.fresh_path().unwrap();
        assert_eq!(
            modified(&path),
            Some(made),
            "a fresh file is not made again"
        );

        std::thread::sleep(std::time::Duration::from_millis(20));
        let manifest = dir.path().join("a/Cargo.toml");
        let edited = std::fs::read_to_string(&manifest).unwrap() + "description = \"x\"\n";
        std::fs::write(&manifest, edited).unwrap();
        assert!(!cache.is_fresh());
        cache.fresh_path().unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"description\":\"x\"")
        );
    }

    #[test]
    fn a_broken_workspace_gives_no_path() {
        let dir = workspace();
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace").unwrap();
        assert!(CargoMetadataCache::new(dir.path()).fresh_path().is_none());
    }
}
