//! Markdown: one table per exercise, for step summaries and comments.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{exercise_status, perf_status, required_range, times};
use crate::class::Summary;
use crate::report::Report;

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# Course grade: {}/{}", report.score, report.max_score)?;
    writeln!(out)?;
    let m = &report.machine;
    writeln!(
        out,
        "Graded `{}` on {}, {} cores, {}, in {}.",
        report.source,
        m.os,
        m.cores,
        m.rustc,
        super::timing(report)
    )?;
    if let Some(line) = super::not_enforced_line(report) {
        writeln!(out)?;
        writeln!(out, "> [!NOTE]\n> {}", line.replace('|', "\\|"))?;
    }
    if let Some(line) = super::protected_line(report) {
        writeln!(out)?;
        writeln!(out, "> [!WARNING]\n> {}", line.replace('|', "\\|"))?;
    }
    for exercise in &report.exercises {
        writeln!(out)?;
        writeln!(
            out,
            "## {} — {}/{} ({})",
            super::exercise_heading(&exercise.name, &exercise.title),
            exercise.score,
            exercise.max_score,
            exercise_status(exercise.status)
        )?;
        writeln!(out)?;
        if let Some(message) = &exercise.message {
            writeln!(out, "```text\n{}\n```\n", message.replace("```", "'''"))?;
        }
        writeln!(out, "| | Item | Score | Details |")?;
        writeln!(out, "|---|---|---|---|")?;
        for task in &exercise.tasks {
            let details = match task.first_failure() {
                Some(test) => format!(
                    "`{}`: {}",
                    test.name,
                    cell(test.message.as_deref().unwrap_or("did not pass"))
                ),
                None if task.tests.is_empty() => "not run".to_owned(),
                None => format!(
                    "{} test{} passed",
                    task.tests.len(),
                    if task.tests.len() == 1 { "" } else { "s" }
                ),
            };
            let mark = if task.is_done() { "✅" } else { "❌" };
            writeln!(
                out,
                "| {mark} | task `{}` | {}/{} | {details} |",
                task.name, task.score, task.max_score
            )?;
        }
        for check in &exercise.perf {
            let (mark, pending) = if check.status.is_pending() {
                let sentence = super::withheld(&exercise.name, check);
                ("⏳", format!("; {}", cell(&sentence)))
            } else if check.status.is_earned() {
                ("✅", String::new())
            } else {
                // Why no credit: the JSON's reason, which the numbers alone
                // do not give (a test that failed has no speedup at all).
                let reason = check.message.as_deref().map(cell);
                ("❌", reason.map(|r| format!("; {r}")).unwrap_or_default())
            };
            writeln!(
                out,
                "| {mark} | perf `{}` | {}/{} | {}: speedup {} (needs {}){pending} |",
                check.name,
                check.score,
                check.max_score,
                perf_status(check.status),
                times(check.speedup),
                times(check.required)
            )?;
        }
        if !exercise.review.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "**Needs review** (not graded): code that runs inside the test process and deserves a look."
            )?;
            writeln!(out)?;
            writeln!(out, "| Where | Rule | Why | Code |")?;
            writeln!(out, "|---|---|---|---|")?;
            for flag in &exercise.review {
                writeln!(
                    out,
                    "| `{}:{}` | `{}` | {} | {} |",
                    flag.file,
                    flag.line,
                    flag.rule.name(),
                    cell(&flag.reason),
                    code_cell(&flag.excerpt)
                )?;
            }
        }
    }
    Ok(())
}

/// A class's summary (`checker class`) as Markdown.
pub fn class_summary(summary: &Summary) -> String {
    let mut md = format!(
        "# Class summary: {} report{}\n",
        summary.students,
        if summary.students == 1 { "" } else { "s" }
    );
    let n = summary.students;
    if !summary.refused.is_empty() {
        let _ = writeln!(md, "\n## Files not read ({})\n", summary.refused.len());
        for refusal in &summary.refused {
            let _ = writeln!(md, "- `{}`: {}", refusal.file, cell(&refusal.why));
        }
    }
    md.push_str("\n## Tasks\n\n");
    table_head(
        &mut md,
        &[
            "Task",
            "Points",
            "Full marks",
            "Partial",
            "Failing",
            "Not compiling",
            "Not graded",
        ],
    );
    for t in &summary.tasks {
        let shares = [t.full, t.partial, t.failing, t.not_compiling, t.missing];
        let mut cells = vec![format!("`{}`", t.name), t.points.to_string()];
        cells.extend(shares.map(|count| share(count, n)));
        table_row(&mut md, &cells);
    }
    md.push_str("\n## Perf checks\n\nSpeedups of the students whose code was measured: min, quartiles, max.\n\n");
    table_head(
        &mut md,
        &[
            "Check",
            "Needs",
            "Measured",
            "Min",
            "Q1",
            "Median",
            "Q3",
            "Max",
            "Passed",
            "Below",
            "Inconclusive",
            "Unexplained",
            "Other",
        ],
    );
    for p in &summary.perf {
        let mut cells = vec![
            format!("`{}`", p.name),
            required_range(p.required),
            p.speedups.len().to_string(),
        ];
        cells.extend([0.0, 0.25, 0.5, 0.75, 1.0].map(|q| times(p.quantile(q))));
        let shares = [p.passed, p.below, p.inconclusive, p.unexplained, p.other];
        cells.extend(shares.map(|count| share(count, n)));
        table_row(&mut md, &cells);
    }
    let _ = writeln!(md, "\n## Flagged submissions ({})\n", summary.flagged.len());
    if summary.flagged.is_empty() {
        md.push_str("None.\n");
    }
    for flagged in &summary.flagged {
        let _ = writeln!(md, "- **{}**", cell(&flagged.student));
        for reason in &flagged.reasons {
            let _ = writeln!(md, "  - {}", cell(reason));
        }
    }
    md
}

/// A table's header row and its separator.
fn table_head(md: &mut String, names: &[&str]) {
    md.push_str(&format!("| {} |\n", names.join(" | ")));
    md.push_str(&format!("|{}\n", "---|".repeat(names.len())));
}

/// One table row of `cells`, already escaped.
fn table_row(md: &mut String, cells: &[String]) {
    md.push_str(&format!("| {} |\n", cells.join(" | ")));
}

/// `n (p %)`: how many of `of` students, and what share.
fn share(n: usize, of: usize) -> String {
    if of == 0 {
        return "0".to_owned();
    }
    format!("{n} ({:.0} %)", n as f64 * 100.0 / of as f64)
}

/// Source text as inline code in one table cell; double backticks let the
/// code hold single ones.
fn code_cell(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Text safe inside one table cell: one line, no pipes.
fn cell(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    first.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use crate::render::{Format, sample};

    #[test]
    fn markdown_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(Format::Markdown));
    }

    #[test]
    fn markdown_needs_review_snapshot() {
        let mut out = Vec::new();
        crate::render::render(&sample::flagged(), Format::Markdown, &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
