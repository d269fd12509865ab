//! One self-contained HTML page: the grade as the other formats give it, and
//! for each perf check a plot of its rounds (`plot::rounds`) with the verdict
//! and its reason beside it.
//!
//! No script, no network: the styles are inline, the plots are inline SVG,
//! and the page reads the same opened from a CI artifact, mailed or printed.
//! It follows the reader's light or dark setting and prints in light. It is
//! also well-formed XML (every element closed, all text escaped), so a test
//! can parse it with an XML reader.

use std::io::{self, Write};

use super::plot::{self, escape};
use super::{exercise_status, required_range, test_status, times};
use crate::class::Summary;
use crate::report::{ExerciseGrade, PerfGrade, Report};
use crate::scaling::Curve;

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let title = format!("Course grade: {}/{}", report.score, report.max_score);
    let mut body = String::new();
    body.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    let m = &report.machine;
    body.push_str(&format!(
        "<p class=\"muted\">Graded <code>{}</code> on {}, {} cores, {}, in {}.</p>\n",
        escape(&report.source),
        escape(&m.os),
        m.cores,
        escape(&m.rustc),
        escape(&super::timing(report))
    ));
    if let Some(line) = super::not_enforced_line(report) {
        body.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&line)));
    }
    if let Some(line) = super::protected_line(report) {
        body.push_str(&format!("<p class=\"warning\">{}</p>\n", escape(&line)));
    }
    for exercise in &report.exercises {
        exercise_section(exercise, &mut body);
    }
    write_page(&title, &body, out)
}

/// A page of its own for `checker scale`'s curve: the plot, the chart's
/// numbers as a table, and the fitted serial fraction.
pub fn scaling_page(curve: &Curve, out: &mut dyn Write) -> io::Result<()> {
    let title = format!("Scaling of {}", curve.check);
    let mut body = format!("<h1>{}</h1>\n", escape(&title));
    body.push_str(&format!(
        "<p class=\"muted\">Measured on {} cores. A learning tool: it never changes a grade.</p>\n",
        curve.cores
    ));
    body.push_str(&format!(
        "<figure>{}<figcaption>{}</figcaption></figure>\n",
        plot::scaling(curve),
        escape(&curve.describe())
    ));
    body.push_str(&format!(
        "<table><thead><tr><th>{}</th><th>speedup</th><th>90 % interval</th><th>ideal</th></tr></thead><tbody>\n",
        curve.unit_plural()
    ));
    for point in &curve.points {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}×</td></tr>\n",
            point.threads,
            times(Some(point.speedup)),
            point.interval.map_or_else(
                || "-".to_owned(),
                |[low, high]| format!("{low:.2}–{high:.2}×")
            ),
            curve.ideal(point.threads)
        ));
    }
    body.push_str("</tbody></table>\n");
    write_page(&title, &body, out)
}

/// The class view of `checker class`: who is where on each task, each perf
/// check's speedups across the class as a plot, the flagged submissions.
pub fn class_page(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let n = summary.students;
    let title = format!("Class summary: {n} report{}", if n == 1 { "" } else { "s" });
    let mut body = format!("<h1>{}</h1>\n", escape(&title));
    if !summary.refused.is_empty() {
        body.push_str(&format!(
            "<h2>Files not read ({})</h2>\n<ul>\n",
            summary.refused.len()
        ));
        for refusal in &summary.refused {
            body.push_str(&format!(
                "<li><code>{}</code>: {}</li>\n",
                escape(&refusal.file),
                escape(&refusal.why)
            ));
        }
        body.push_str("</ul>\n");
    }
    body.push_str("<h2>Tasks</h2>\n<table><thead><tr><th>task</th><th>points</th><th>full marks</th><th>partial</th><th>failing</th><th>not compiling</th><th>not graded</th></tr></thead><tbody>\n");
    for task in &summary.tasks {
        body.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&task.name),
            task.points,
            task.full,
            task.partial,
            task.failing,
            task.not_compiling,
            task.missing
        ));
    }
    body.push_str("</tbody></table>\n<h2>Perf checks</h2>\n");
    for check in &summary.perf {
        let q = |at| times(check.quantile(at));
        body.push_str(&format!(
            "<figure class=\"perf\">\n<figcaption><h3>perf <code>{}</code> <span class=\"score\">{} points, needs {}</span></h3>\n\
             <p class=\"muted\">{} measured · min {} · quartiles {} / {} / {} · max {} · passed {} · below {} · inconclusive {} · unexplained {} · other {}</p>\n</figcaption>\n",
            escape(&check.name),
            check.points,
            required_range(check.required),
            check.speedups.len(),
            q(0.0),
            q(0.25),
            q(0.5),
            q(0.75),
            q(1.0),
            check.passed,
            check.below,
            check.inconclusive,
            check.unexplained,
            check.other
        ));
        let required = check.required.map(|[low, _]| low);
        if let Some(svg) = plot::class_speedups(&check.name, &check.speedups, required, check.ideal)
        {
            body.push_str(&svg);
            body.push('\n');
        }
        body.push_str("</figure>\n");
    }
    body.push_str(&format!(
        "<h2>Flagged submissions ({})</h2>\n",
        summary.flagged.len()
    ));
    if summary.flagged.is_empty() {
        body.push_str("<p>None.</p>\n");
    } else {
        body.push_str("<ul>\n");
        for flagged in &summary.flagged {
            body.push_str(&format!(
                "<li><strong>{}</strong><ul>",
                escape(&flagged.student)
            ));
            for reason in &flagged.reasons {
                body.push_str(&format!("<li>{}</li>", escape(reason)));
            }
            body.push_str("</ul></li>\n");
        }
        body.push_str("</ul>\n");
    }
    write_page(&title, &body, out)
}

fn exercise_section(exercise: &ExerciseGrade, body: &mut String) {
    body.push_str(&format!(
        "<section>\n<h2>{} <span class=\"score\">{}/{}</span> <span class=\"status {}\">{}</span></h2>\n",
        escape(&super::exercise_heading(&exercise.name, &exercise.title)),
        exercise.score,
        exercise.max_score,
        if exercise.full_marks() { "ok" } else { "bad" },
        exercise_status(exercise.status)
    ));
    if let Some(message) = &exercise.message {
        body.push_str(&format!("<pre>{}</pre>\n", escape(message)));
    }
    if !exercise.tasks.is_empty() {
        body.push_str(
            "<table><thead><tr><th></th><th>task</th><th>score</th><th>details</th></tr></thead><tbody>\n",
        );
        for task in &exercise.tasks {
            let done = task.is_done();
            let details = match task.first_failure() {
                Some(test) => format!(
                    "<code>{}</code> {}<pre>{}</pre>",
                    escape(&test.name),
                    test_status(test.status),
                    escape(test.message.as_deref().unwrap_or("did not pass"))
                ),
                None if task.tests.is_empty() => "not run".to_owned(),
                None => format!("{} of {} tests passed", task.tests.len(), task.tests.len()),
            };
            let hint = if done || task.hint.is_empty() {
                String::new()
            } else {
                format!(
                    "<details><summary>hint</summary><p>{}</p></details>",
                    escape(&task.hint)
                )
            };
            body.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}/{}</td><td>{details}{hint}</td></tr>\n",
                mark(done, false),
                escape(&task.name),
                task.score,
                task.max_score
            ));
        }
        body.push_str("</tbody></table>\n");
    }
    for check in &exercise.perf {
        perf_figure(&exercise.name, check, body);
    }
    if !exercise.review.is_empty() {
        body.push_str(
            "<h3>Needs review (not graded)</h3>\n<table><thead><tr><th>where</th><th>rule</th><th>why</th><th>code</th></tr></thead><tbody>\n",
        );
        for flag in &exercise.review {
            body.push_str(&format!(
                "<tr><td><code>{}:{}</code></td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>\n",
                escape(&flag.file),
                flag.line,
                flag.rule.name(),
                escape(&flag.reason),
                escape(&flag.excerpt)
            ));
        }
        body.push_str("</tbody></table>\n");
    }
    body.push_str("</section>\n");
}

/// One perf check: its verdict and reason, its numbers, and the plot of its
/// rounds when it was measured.
fn perf_figure(exercise: &str, check: &PerfGrade, body: &mut String) {
    let verdict = super::perf_text(exercise, check);
    body.push_str(&format!(
        "<figure class=\"perf\">\n<figcaption><h3>{} perf <code>{}</code> <span class=\"score\">{}/{}</span></h3>\n<p class=\"verdict\">{}</p>\n",
        mark(check.status.is_earned(), check.status.is_pending()),
        escape(&check.name),
        check.score,
        check.max_score,
        escape(&verdict).replace('\n', "<br/>")
    ));
    let mut numbers = vec![
        format!("speedup {}", times(check.speedup)),
        format!("needs {} ({})", times(check.required), escape(&check.rule)),
    ];
    if let Some([low, high]) = check.interval {
        numbers.push(format!("90 % interval {low:.2}–{high:.2}×"));
    }
    if let Some(ideal) = check.ideal {
        numbers.push(format!("ideal {ideal}×"));
    }
    numbers.push(format!(
        "CPU use {}",
        times(check.cpu_utilization).trim_end_matches('×')
    ));
    numbers.push(format!("calibration {}", times(check.calibration_speedup)));
    if check.rounds > 0 {
        numbers.push(format!(
            "{} rounds, {} measurement{}",
            check.rounds,
            check.attempts,
            if check.attempts == 1 { "" } else { "s" }
        ));
    }
    if let Some(seed) = check.seed {
        numbers.push(format!("seed {seed}"));
    }
    body.push_str(&format!(
        "<p class=\"muted\">{}</p>\n</figcaption>\n",
        numbers.join(" · ")
    ));
    if let Some(svg) = plot::rounds(check) {
        body.push_str(&svg);
        body.push('\n');
    }
    body.push_str("</figure>\n");
}

/// Whether `page` is well-formed XML with only XML's own entities: what
/// every page of this module must be, so any XML reader can take it apart.
/// The tests call it on every page they render.
#[doc(hidden)]
pub fn well_formed(page: &str) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(page);
    let mut open: Vec<Vec<u8>> = Vec::new();
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Start(e)) => open.push(e.name().as_ref().to_vec()),
            Ok(Event::End(e)) => {
                if open.pop().as_deref() != Some(e.name().as_ref()) {
                    return Err(format!("an end tag that closes nothing open, at byte {at}"));
                }
            }
            Ok(Event::GeneralRef(entity)) => {
                let name = String::from_utf8_lossy(&entity);
                if !(name.starts_with('#') || ["amp", "lt", "gt", "quot", "apos"].contains(&&*name))
                {
                    return Err(format!("the entity &{name}; is not XML's, at byte {at}"));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("not well-formed at byte {at}: {e}")),
        }
    }
    match open.last() {
        None => Ok(()),
        Some(tag) => Err(format!(
            "<{}> is never closed",
            String::from_utf8_lossy(tag)
        )),
    }
}

/// ✓, ✗ or ○ (pending), with words for screen readers.
fn mark(done: bool, pending: bool) -> &'static str {
    match (done, pending) {
        (_, true) => "<span class=\"pending\" title=\"pending\">○</span>",
        (true, _) => "<span class=\"ok\" title=\"done\">✓</span>",
        (false, _) => "<span class=\"bad\" title=\"not done\">✗</span>",
    }
}

fn write_page(title: &str, body: &str, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// Light by default, dark when the reader asks for it, light on paper.
/// Lines differ by dash as well as colour, so the plots read in grey too.
const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --box: #f6f8fa;
  --you: #0969da; --calibration: #8250df; --need: #cf222e; --ideal: #1a7f37; --fit: #9a6700;
  --grid: #d1d9e0; --ok: #1a7f37; --bad: #cf222e; --pending: #9a6700; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f0f6fc; --bg: #0d1117; --muted: #9198a1; --box: #151b23;
    --you: #4493f8; --calibration: #ab7df8; --need: #f85149; --ideal: #3fb950; --fit: #d29922;
    --grid: #3d444d; --ok: #3fb950; --bad: #f85149; --pending: #d29922; } }
@media print {
  :root { --fg: #000000; --bg: #ffffff; --muted: #444444; --box: #ffffff; }
  section, figure { break-inside: avoid; } details { display: none; } }
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; } h3 { font-size: 1rem; margin: 0; }
.muted { color: var(--muted); } .score { font-weight: normal; color: var(--muted); }
.note, .warning { padding: .5rem .75rem; border-left: 4px solid var(--you); background: var(--box); }
.warning { border-color: var(--bad); }
.ok, .status.ok { color: var(--ok); } .bad, .status.bad { color: var(--bad); } .pending { color: var(--pending); }
table { border-collapse: collapse; width: 100%; margin: .75rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--grid); }
pre { white-space: pre-wrap; background: var(--box); padding: .4rem .6rem; margin: .3rem 0; font-size: .85rem; }
figure { margin: 1.25rem 0; padding: .75rem; border: 1px solid var(--grid); border-radius: 6px; }
figcaption p { margin: .3rem 0; }
svg.plot { width: 100%; height: auto; max-width: 40rem; display: block; margin-top: .5rem; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg text.need { fill: var(--need); } svg text.ideal { fill: var(--ideal); }
svg .axis { stroke: var(--muted); } svg .grid { stroke: var(--grid); }
svg circle.you { fill: var(--you); fill-opacity: .75; }
svg line.you, svg polyline.you { stroke: var(--you); stroke-width: 2; }
svg circle.calibration { fill: none; stroke: var(--calibration); stroke-width: 1.5; }
svg rect.interval { fill: var(--you); fill-opacity: .25; }
svg line.median { stroke: var(--you); stroke-width: 3; }
svg line.need { stroke: var(--need); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg line.ideal, svg polyline.ideal { stroke: var(--ideal); stroke-width: 1.5; stroke-dasharray: 2 3; }
svg line.fit, svg polyline.fit { stroke: var(--fit); stroke-width: 2; stroke-dasharray: 8 3 2 3; }
"#;

#[cfg(test)]
mod tests {
    use crate::render::{Format, sample};

    fn assert_well_formed(html: &str) {
        if let Err(e) = super::well_formed(html) {
            panic!("{e}\n{html}");
        }
    }

    #[test]
    fn html_report_snapshot() {
        let html = sample::rendered(Format::Html);
        assert_well_formed(&html);
        insta::assert_snapshot!(html);
    }

    #[test]
    fn every_measured_check_is_plotted_with_a_text_alternative() {
        let html = sample::rendered(Format::Html);
        // The three measured checks of the sample; the one that did not run
        // (its exercise did not compile) has numbers only.
        assert_eq!(html.matches("<svg ").count(), 3, "{html}");
        assert_eq!(html.matches("<desc>Your code: median speedup").count(), 3);
        assert!(
            html.contains("needs 1.4×"),
            "the requirement line is labelled"
        );
        assert!(html.contains("ideal 2×"), "the ideal line is labelled");
        // The pending check says why and what to do, as every format does.
        assert!(html.contains("measured on a busy machine: 15 points withheld"));
    }

    #[test]
    fn scaling_page_snapshot() {
        let curve = crate::scaling::Curve {
            check: "cpu-count-primes".into(),
            kind: crate::course::PerfKind::Cpu,
            cores: 2,
            points: [(1, 0.99), (2, 1.9), (3, 1.93), (4, 1.91)]
                .map(|(threads, speedup)| crate::scaling::ScalePoint {
                    threads,
                    speedup,
                    interval: Some([speedup - 0.02, speedup + 0.01]),
                    calibration: Some(1.93),
                })
                .to_vec(),
        };
        let mut out = Vec::new();
        super::scaling_page(&curve, &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_well_formed(&html);
        assert!(html.contains("<desc>Speedup of cpu-count-primes against threads on 2 cores"));
        assert!(html.contains("Amdahl fit: serial fraction"));
        insta::assert_snapshot!(html);
    }

    #[test]
    fn student_text_is_escaped() {
        let mut report = sample::report();
        report.exercises[0].tasks[1].tests[0].message =
            Some("</pre><script>alert(1)</script> & \u{0}".into());
        let mut out = Vec::new();
        crate::render::render(&report, Format::Html, &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;/pre&gt;&lt;script&gt;"));
        assert_well_formed(&html);
    }
}
