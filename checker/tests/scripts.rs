//! The course's Python scripts' own tests (`scripts/test_*.py`: the class
//! collection script against recorded `gh` output and a stand-in `gh`), run
//! with the project's tests so the README's test command covers them.

use std::path::Path;
use std::process::Command;

#[test]
fn the_class_collection_script_passes_its_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course");
    let run = Command::new("python3")
        .args([
            "-m",
            "unittest",
            "discover",
            "-s",
            "scripts",
            "-p",
            "test_*.py",
        ])
        .current_dir(root)
        .output();
    let Ok(out) = run else {
        eprintln!("python3 is not installed here: scripts/test_*.py did not run");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Ran ") && stderr.contains("OK"),
        "unittest ran tests and they passed:\n{stderr}"
    );
}
