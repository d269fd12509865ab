//! Prepares the model-checked copies of the crate's condition-variable modules.
//!
//! The tests of `bounded_queue`, `event`, `semaphore` and `latch` check each
//! of those modules twice: as the library, on real threads and `std::sync`,
//! and compiled a second time into the test itself against `shuttle::sync`,
//! whose scheduler runs the threads one step at a time in thousands of
//! different orders, so it finds the lost wake-up that real threads hit once
//! in a million runs. A module file cannot be `include!`d as it is (its `//!`
//! docs are inner attributes), so this script writes a copy with them turned
//! into plain comments, line for line, to `$OUT_DIR/model/<module>.rs`.
//!
//! It reads the `src/` of the package being built (`CARGO_MANIFEST_DIR`):
//! the solution's tests model the solution, the starter's the starter.

use std::path::PathBuf;
use std::{env, fs};

/// The modules the tests compile against shuttle.
const MODELLED: [&str; 4] = ["bounded_queue", "event", "semaphore", "latch"];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it")).join("model");
    fs::create_dir_all(&out_dir).expect("OUT_DIR is writable");
    for module in MODELLED {
        let source = manifest_dir.join("src").join(format!("{module}.rs"));
        println!("cargo::rerun-if-changed={}", source.display());
        let text = fs::read_to_string(&source)
            .unwrap_or_else(|err| panic!("failed to read {}: {err}", source.display()));
        let mut copy = String::with_capacity(text.len());
        for line in text.lines() {
            match line.trim_start().strip_prefix("//!") {
                // Same line, same length: compiler messages point at the
                // right line of the real file.
                Some(rest) => {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    copy.push_str(indent);
                    copy.push_str("// ");
                    copy.push_str(rest);
                }
                None => copy.push_str(line),
            }
            copy.push('\n');
        }
        let target = out_dir.join(format!("{module}.rs"));
        fs::write(&target, copy)
            .unwrap_or_else(|err| panic!("failed to write {}: {err}", target.display()));
    }
}
