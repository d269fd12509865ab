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
    /// How it is enforced, or why it is not.
    pub detail: String,
}

impl Protection {
    /// The detail as a reader should see it, saying when it does not hold.
    pub fn describe(&self) -> String {
        if self.enforced {
            self.detail.clone()
        } else {
            format!("not enforced here: {}", self.detail)
        }
    }
}

/// The protections this system does not enforce, for the report: a grade
/// made here trusts the student's code further than one made on Linux.
pub fn not_enforced() -> Vec<crate::report::Unenforced> {
    on_this_system()
        .into_iter()
        .filter(|protection| !protection.enforced)
        .map(|protection| crate::report::Unenforced {
            protection: protection.name.into(),
            why: protection.detail,
        })
        .collect()
}

/// The protections, as this system has them.
pub fn on_this_system() -> Vec<Protection> {
    let linux = cfg!(target_os = "linux");
    let macos = cfg!(target_os = "macos");
    let windows = cfg!(windows);
    let landlock = fixtures::contain::landlock_abi();
    let root = is_root();
    let headroom = crate::process::PROCESS_HEADROOM;
    vec![
        Protection {
            name: "proven passes",
            enforced: linux,
            detail: if linux {
                "a test passes only with the runner's secret back from its body's end".into()
            } else {
                "tests run without the checker's runner (Linux only)".into()
            },
        },
        Protection {
            name: "file writes",
            enforced: landlock.is_some(),
            detail: match landlock {
                Some(abi) => format!(
                    "tests write only in a private TMPDIR and /dev/shm, perf candidates nowhere (Landlock ABI {abi})"
                ),
                None => "tests may write anywhere (needs Linux 5.13+ Landlock); \
                         perf candidates get a file-size limit of 0 where Unix has one"
                    .into(),
            },
        },
        Protection {
            name: "leftovers",
            enforced: linux || windows,
            detail: if linux {
                "what a test detaches is ended with its test (child subreaper)".into()
            } else if windows {
                "what a test leaves running is ended with its nextest run (a Job Object), \
                 not with its test"
                    .into()
            } else {
                "processes a test detaches may outlive it".into()
            },
        },
        Protection {
            name: "process cap",
            enforced: crate::process::process_cap_enforced() && !root,
            detail: if !crate::process::process_cap_enforced() {
                "no RLIMIT_NPROC here; the grading timeout bounds a fork storm".into()
            } else if root {
                "root is exempt from RLIMIT_NPROC; the grading timeout bounds a fork storm".into()
            } else if windows {
                format!("graded runs' Job Object allows {headroom} processes at once")
            } else {
                format!("graded runs get RLIMIT_NPROC = your processes + {headroom}")
            },
        },
        Protection {
            name: "thread counts",
            enforced: linux || macos,
            detail: if linux {
                "thread and child caps are checked from /proc".into()
            } else if macos {
                "thread and child caps are checked through libproc".into()
            } else {
                "nothing counts threads here: cap tests print that they checked nothing".into()
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
                protection.describe().starts_with("not enforced here: "),
                !protection.enforced,
                "{protection:?}"
            );
        }
    }

    #[test]
    fn the_report_lists_exactly_what_is_not_enforced() {
        let missing: Vec<String> = on_this_system()
            .into_iter()
            .filter(|protection| !protection.enforced)
            .map(|protection| protection.name.to_owned())
            .collect();
        let reported: Vec<String> = not_enforced().into_iter().map(|u| u.protection).collect();
        assert_eq!(reported, missing);
    }
}
