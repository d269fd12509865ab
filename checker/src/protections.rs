//! What this system enforces of the grade's protections, and what it does
//! not: one list, which `checker doctor` prints and the runner's choices
//! follow. The checker grades on Linux, macOS and Windows, but several
//! protections rest on Linux interfaces (`/proc`, subreapers, Landlock).

/// One protection and whether it holds here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protection {
    /// What it protects, in a few words.
    pub name: &'static str,
    /// Whether this system enforces it.
    pub enforced: bool,
    /// How, or why not.
    pub detail: String,
}

/// The protections, as this system has them.
pub fn on_this_system() -> Vec<Protection> {
    let linux = cfg!(target_os = "linux");
    let landlock = fixtures::contain::landlock_abi();
    let root = is_root();
    vec![
        Protection {
            name: "proven passes",
            enforced: linux,
            detail: if linux {
                "a test passes only with the runner's secret back from its body's end".into()
            } else {
                "not enforced here: tests run without the checker's runner (Linux only)".into()
            },
        },
        Protection {
            name: "file writes",
            enforced: landlock.is_some(),
            detail: match landlock {
                Some(abi) => format!(
                    "tests write only in a private TMPDIR and /dev/shm, perf candidates nowhere (Landlock ABI {abi})"
                ),
                None => {
                    "not enforced here: tests may write anywhere (needs Linux 5.13+ Landlock); \
                         perf candidates get a file-size limit of 0 where Unix has one"
                        .into()
                }
            },
        },
        Protection {
            name: "leftovers",
            enforced: linux,
            detail: if linux {
                "what a test detaches is ended with its test (child subreaper)".into()
            } else {
                "not enforced here: processes a test detaches may outlive it".into()
            },
        },
        Protection {
            name: "process cap",
            enforced: crate::process::process_cap_enforced() && !root,
            detail: if !crate::process::process_cap_enforced() {
                "not enforced here: no RLIMIT_NPROC; the grading timeout bounds a fork storm".into()
            } else if root {
                "not enforced for root: the grading timeout bounds a fork storm".into()
            } else {
                "graded runs get RLIMIT_NPROC = your processes + 2048".into()
            },
        },
        Protection {
            name: "thread counts",
            enforced: linux,
            detail: if linux {
                "thread and child caps are checked from /proc".into()
            } else {
                "not checked here: cap tests print that they checked nothing".into()
            },
        },
    ]
}

#[cfg(unix)]
fn is_root() -> bool {
    // Safety: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protection_says_how_or_why_not() {
        let all = on_this_system();
        assert_eq!(all.len(), 5);
        for protection in &all {
            assert!(!protection.detail.is_empty());
            assert_eq!(
                protection.enforced,
                !protection.detail.starts_with("not "),
                "{protection:?}"
            );
        }
    }
}
