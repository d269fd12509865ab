//! Flags for a person: student code that is not wrong as such but deserves a
//! human look, because it runs inside the test process.
//!
//! A student's `src/` is compiled into the test binaries, so it can end the
//! process the harness runs in, read the environment the checker steers the
//! perf harness with, look at `/proc/self` where the harness counts threads
//! and CPU time, or use `unsafe`. None of that changes a grade: it is listed
//! as "needs review" ([`ReviewFlag`]) for a teacher to judge.
//!
//! The source is tokenized with `proc-macro2`, not matched with regexes, so
//! comments (and doc comments, which are attributes) never raise a flag, and
//! every line number is exact.

use std::path::Path;

use proc_macro2::{Delimiter, Group, Ident, Literal, Spacing, TokenStream, TokenTree};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest excerpt of a flagged line kept in a report, in characters.
const EXCERPT_CHARS: usize = 120;

/// Why a piece of student code needs review. The kebab-case names are the
/// ones `course.toml`'s `review_allows` and the report use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewRule {
    /// Exits, aborts or signals the process (`std::process::exit`,
    /// `process::abort`, `libc::exit`/`_exit`/`abort`/`kill`/`raise`).
    ProcessExit,
    /// A string naming the grader's environment variables (`COURSE_…`, `NEXTEST_…`).
    CourseEnv,
    /// A string naming a `/proc/` path, where the perf harness measures.
    ProcFs,
    /// The `unsafe` keyword, anywhere.
    Unsafe,
    /// The file does not tokenize (so it does not compile either).
    Unreadable,
}

impl ReviewRule {
    /// The rule's name, as in `course.toml` and the report.
    pub fn name(self) -> &'static str {
        match self {
            ReviewRule::ProcessExit => "process-exit",
            ReviewRule::CourseEnv => "course-env",
            ReviewRule::ProcFs => "proc-fs",
            ReviewRule::Unsafe => "unsafe",
            ReviewRule::Unreadable => "unreadable",
        }
    }
}

/// Student code that is not wrong as such but runs inside the test process
/// and deserves a human look ("needs review"). Informational only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewFlag {
    /// Which rule raised it.
    pub rule: ReviewRule,
    /// The source file, relative to the course root, with `/` separators.
    pub file: String,
    /// The line in `file` (1-based).
    pub line: u32,
    /// That line, trimmed and cut to about 120 characters.
    pub excerpt: String,
    /// Why it deserves a look, in one line.
    pub reason: String,
}

/// The one decision whether a flag of `rule` is raised: always, unless the
/// exercise's `review_allows` says it calls for that kind of code (topic 03
/// maps shared memory with `unsafe` and its worker processes exit).
pub fn raises(rule: ReviewRule, allows: &[ReviewRule]) -> bool {
    !allows.contains(&rule)
}

/// Every `.rs` file under `root/dir`, scanned; `file` paths are relative to
/// `root` with `/` separators. A file or folder that cannot be read is
/// skipped: the build reports it, and a review list is no place for I/O errors.
pub fn scan_tree(root: &Path, dir: &Path, allows: &[ReviewRule]) -> Vec<ReviewFlag> {
    let mut files = Vec::new();
    collect_rust_files(&root.join(dir), &mut files);
    files.sort();
    let mut flags = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let file = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        flags.extend(scan_source(&file, &text, allows));
    }
    flags
}

fn collect_rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // `file_type` does not follow symlinks: a link loop cannot hang the scan.
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_rust_files(&path, files),
            Ok(kind) if kind.is_file() && path.extension().is_some_and(|e| e == "rs") => {
                files.push(path);
            }
            _ => {}
        }
    }
}

/// The flags of one source file named `file`, in line order, at most one per
/// line and rule.
pub fn scan_source(file: &str, text: &str, allows: &[ReviewRule]) -> Vec<ReviewFlag> {
    let mut hits = Vec::new();
    match text.parse::<TokenStream>() {
        Ok(tokens) => walk(tokens, &mut hits),
        Err(error) => {
            let line = error.span().start().line.max(1);
            hits.push(Hit {
                rule: ReviewRule::Unreadable,
                line,
                reason: format!("does not tokenize ({error}), so it does not compile either"),
            });
        }
    }
    // The scanner's spans are no longer needed; `watch` scans on every save,
    // and proc-macro2 would otherwise keep every file's text for the thread's life.
    proc_macro2::extra::invalidate_current_thread_spans();
    hits.sort_by_key(|hit| (hit.line, hit.rule));
    hits.dedup_by_key(|hit| (hit.line, hit.rule));
    let lines: Vec<&str> = text.lines().collect();
    hits.into_iter()
        .filter(|hit| raises(hit.rule, allows))
        .map(|hit| ReviewFlag {
            rule: hit.rule,
            file: file.to_owned(),
            line: u32::try_from(hit.line).unwrap_or(u32::MAX),
            excerpt: excerpt(lines.get(hit.line.saturating_sub(1)).copied()),
            reason: hit.reason,
        })
        .collect()
}

/// A flag before it is tied to a file.
struct Hit {
    rule: ReviewRule,
    line: usize,
    reason: String,
}

/// The trimmed line, cut to [`EXCERPT_CHARS`] so a minified line cannot
/// bloat the report.
fn excerpt(line: Option<&str>) -> String {
    let line = line.unwrap_or_default().trim();
    if line.chars().count() <= EXCERPT_CHARS {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(EXCERPT_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Walks one token level and, recursively, every group in it.
fn walk(stream: TokenStream, hits: &mut Vec<Hit>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // Doc comments arrive as `#[doc = "…"]` / `#![doc = "…"]`:
                // prose, not code, so skip them whole.
                let bang = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let at = i + 1 + usize::from(bang);
                if let Some(TokenTree::Group(group)) = tokens.get(at)
                    && is_doc_attribute(group)
                {
                    i = at + 1;
                    continue;
                }
            }
            TokenTree::Group(group) => walk(group.stream(), hits),
            TokenTree::Ident(ident) if ident == "unsafe" => hits.push(Hit {
                rule: ReviewRule::Unsafe,
                line: ident.span().start().line,
                reason: "uses `unsafe`, which this exercise does not call for: soundness rests on the student's reasoning".into(),
            }),
            TokenTree::Ident(ident) if ident == "process" || ident == "libc" => {
                exits(ident, &tokens[i + 1..], hits);
            }
            TokenTree::Literal(literal) => strings(literal, hits),
            _ => {}
        }
        i += 1;
    }
}

fn is_doc_attribute(group: &Group) -> bool {
    if group.delimiter() != Delimiter::Bracket {
        return false;
    }
    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
    matches!(
        inner.as_slice(),
        [TokenTree::Ident(doc), TokenTree::Punct(eq), TokenTree::Literal(_)]
            if doc == "doc" && eq.as_char() == '='
    )
}

/// `process::exit`, `libc::kill` and the like, also as `use process::{exit, …}`;
/// `rest` is what follows the `process` or `libc` ident.
fn exits(module: &Ident, rest: &[TokenTree], hits: &mut Vec<Hit>) {
    let path_sep = matches!(
        rest,
        [TokenTree::Punct(a), TokenTree::Punct(b), ..]
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    );
    if !path_sep {
        return;
    }
    let names: Vec<Ident> = match rest.get(2) {
        Some(TokenTree::Ident(name)) => vec![name.clone()],
        Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => group
            .stream()
            .into_iter()
            .filter_map(|t| match t {
                TokenTree::Ident(name) => Some(name),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    let libc = module == "libc";
    for name in names {
        let what = match (name.to_string().as_str(), libc) {
            ("exit", _) | ("_exit", true) => {
                "ends the whole test process, the test harness with it"
            }
            ("abort", _) => "aborts the whole test process, the test harness with it",
            ("kill" | "raise", true) => {
                "sends a signal, which can stop the test process or the grader"
            }
            _ => continue,
        };
        hits.push(Hit {
            rule: ReviewRule::ProcessExit,
            line: name.span().start().line,
            reason: format!("`{module}::{name}` {what}"),
        });
    }
}

/// String literals naming the grader's environment or `/proc/`. The flag's
/// line is the line of the match, also inside a multi-line string.
fn strings(literal: &Literal, hits: &mut Vec<Hit>) {
    let text = literal.to_string();
    let start = literal.span().start().line;
    let line_of = |at: usize| start + text[..at].matches('\n').count();
    for marker in ["COURSE_", "NEXTEST_"] {
        if let Some(at) = text.find(marker) {
            hits.push(Hit {
                rule: ReviewRule::CourseEnv,
                line: line_of(at),
                reason: format!(
                    "names the grader's environment (`{marker}…`), which steers tests and perf measurement"
                ),
            });
        }
    }
    if let Some(at) = text.find("/proc/") {
        hits.push(Hit {
            rule: ReviewRule::ProcFs,
            line: line_of(at),
            reason: "reads `/proc/`, where the perf harness counts threads and CPU time".into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::{Course, Source};

    fn rules_and_lines(text: &str, allows: &[ReviewRule]) -> Vec<(ReviewRule, u32)> {
        scan_source("src/lib.rs", text, allows)
            .into_iter()
            .map(|flag| (flag.rule, flag.line))
            .collect()
    }

    #[test]
    fn exits_and_aborts_are_flagged_on_their_line() {
        let text = r#"
use std::process;

pub fn run(ok: bool) {
    if !ok {
        process::exit(3);
    }
    std::process::abort();
}
"#;
        assert_eq!(
            rules_and_lines(text, &[]),
            [(ReviewRule::ProcessExit, 6), (ReviewRule::ProcessExit, 8)]
        );
    }

    #[test]
    fn libc_exits_signals_and_their_uses_are_flagged() {
        let text = "use libc::{c_int, kill};\n\
                    use std::process::exit as quit;\n\
                    fn f(pid: i32) { unsafe { libc::_exit(0); libc::raise(9); } }\n\
                    fn g(child: &mut std::process::Child) { child.kill().ok(); }\n";
        let flags = scan_source("src/lib.rs", text, &[]);
        let found: Vec<_> = flags.iter().map(|f| (f.rule, f.line)).collect();
        assert_eq!(
            found,
            [
                (ReviewRule::ProcessExit, 1),
                (ReviewRule::ProcessExit, 2),
                (ReviewRule::ProcessExit, 3),
                (ReviewRule::Unsafe, 3),
            ]
        );
        assert!(
            flags[0].reason.contains("`libc::kill`"),
            "{}",
            flags[0].reason
        );
        assert_eq!(flags[1].excerpt, "use std::process::exit as quit;");
    }

    #[test]
    fn course_environment_and_proc_strings_are_flagged() {
        let text = r#"
fn seed() -> Option<String> {
    std::env::var("COURSE_PERF_SEED").ok()
}

fn threads(pid: u32) -> String {
    let path = format!("/proc/self/status");
    let other = format!(
        "{pid} in /proc/{pid}/task",
    );
    std::env::var("NEXTEST_RUN_ID").unwrap_or(path + &other)
}
"#;
        assert_eq!(
            rules_and_lines(text, &[]),
            [
                (ReviewRule::CourseEnv, 3),
                (ReviewRule::ProcFs, 7),
                (ReviewRule::ProcFs, 9),
                (ReviewRule::CourseEnv, 11),
            ]
        );
    }

    #[test]
    fn unsafe_is_flagged_in_every_position() {
        let text = "unsafe impl Send for S {}\n\
                    pub unsafe fn f() {}\n\
                    #[unsafe(no_mangle)]\n\
                    pub extern \"C\" fn g() { let _ = unsafe { f() }; }\n";
        assert_eq!(
            rules_and_lines(text, &[]),
            [
                (ReviewRule::Unsafe, 1),
                (ReviewRule::Unsafe, 2),
                (ReviewRule::Unsafe, 3),
                (ReviewRule::Unsafe, 4),
            ]
        );
    }

    #[test]
    fn comments_and_doc_comments_never_raise_a_flag() {
        let text = r#"
//! Never `unsafe`; never `std::process::exit`; never reads /proc/self.
// unsafe { libc::kill(0, 9) } and COURSE_PERF_DIR
/* process::exit(1) */
/// Like `std::process::abort`, but reads `COURSE_PERF_SEED` from /proc/self/environ.
#[doc = "unsafe /proc/ NEXTEST_"]
pub fn calm() {}
"#;
        assert_eq!(rules_and_lines(text, &[]), []);
    }

    #[test]
    fn the_allow_list_suppresses_its_rules_only() {
        let text = "fn f() { unsafe { std::process::exit(1) } }\nconst P: &str = \"/proc/self\";\n";
        let allows = [ReviewRule::Unsafe, ReviewRule::ProcessExit];
        assert_eq!(rules_and_lines(text, &allows), [(ReviewRule::ProcFs, 2)]);
        assert!(raises(ReviewRule::Unsafe, &[]));
        assert!(!raises(ReviewRule::Unsafe, &allows));
    }

    #[test]
    fn a_file_that_does_not_tokenize_is_one_unreadable_flag() {
        let flags = scan_source("src/lib.rs", "fn f() {\n    let s = \"open;\n", &[]);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].rule, ReviewRule::Unreadable);
        assert!(flags[0].line >= 1);
    }

    #[test]
    fn excerpts_are_trimmed_and_bounded() {
        let long = format!("    let x = \"/proc/self\"; // {}", "y".repeat(300));
        let flags = scan_source("src/lib.rs", &long, &[]);
        assert_eq!(flags[0].excerpt.chars().count(), EXCERPT_CHARS);
        assert!(flags[0].excerpt.starts_with("let x") && flags[0].excerpt.ends_with('…'));
    }

    #[test]
    fn rule_names_are_the_serde_names() {
        for rule in [
            ReviewRule::ProcessExit,
            ReviewRule::CourseEnv,
            ReviewRule::ProcFs,
            ReviewRule::Unsafe,
            ReviewRule::Unreadable,
        ] {
            assert_eq!(serde_json::to_value(rule).unwrap(), rule.name());
        }
    }

    #[test]
    fn scan_tree_names_files_from_the_root_and_skips_what_it_cannot_read() {
        let root = tempfile::tempdir().unwrap();
        let src = root.path().join("exercises/01-a/src/nested");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("mod.rs"), "fn f() { std::process::exit(0) }\n").unwrap();
        std::fs::write(src.join("notes.txt"), "unsafe").unwrap();
        std::fs::write(src.join("bad.rs"), [0xff, 0xfe, 0x00]).unwrap();
        let flags = scan_tree(root.path(), Path::new("exercises/01-a/src"), &[]);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].file, "exercises/01-a/src/nested/mod.rs");
        assert!(scan_tree(root.path(), Path::new("missing"), &[]).is_empty());
    }

    /// The course's own starters and solutions need no review: anything they
    /// legitimately do is in `course.toml`'s `review_allows`.
    #[test]
    fn the_course_itself_raises_no_flag() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the checker lives in the course root");
        let course = Course::load(root).unwrap();
        let mut scanned = 0;
        for exercise in &course.exercises {
            for source in [Source::Exercises, Source::Solutions] {
                let src = Path::new(source.dir()).join(&exercise.name).join("src");
                assert!(root.join(&src).is_dir(), "{}", src.display());
                let flags = scan_tree(root, &src, &exercise.review_allows);
                assert!(flags.is_empty(), "{flags:#?}");
                scanned += 1;
            }
        }
        assert_eq!(scanned, 2 * course.exercises.len());
        // …and it is the allow list that keeps topic 03 quiet.
        let flags = scan_tree(root, Path::new("solutions/03-multiprocessing/src"), &[]);
        let flagged = |rule, file: &str| {
            flags
                .iter()
                .any(|f| f.rule == rule && f.file.ends_with(file))
        };
        assert!(
            flagged(ReviewRule::ProcessExit, "/protocol.rs")
                && flagged(ReviewRule::Unsafe, "/shared_memory.rs"),
            "{flags:#?}"
        );
    }
}
