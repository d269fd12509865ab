//! Plots as SVG text: pure functions of numbers, for the HTML report (a perf
//! check's rounds) and `checker scale` (speedup against threads).
//!
//! Colours are CSS classes (`you`, `calibration`, `need`, `ideal`, `fit`,
//! `axis`) that the page styles for light, dark and print, so a plot carries
//! no palette of its own. Each plot is an `role="img"` with a `<title>` and a
//! `<desc>` saying in words what it shows, for screen readers and for anyone
//! who reads the numbers rather than the picture.

use std::fmt::Write as _;

use crate::report::PerfGrade;
use crate::scaling::Curve;

const WIDTH: f64 = 640.0;
const LEFT: f64 = 104.0;
const RIGHT: f64 = 24.0;

/// A perf check's rounds on one speedup axis: the student's code and the
/// calibration job as points (one per round), the median with its interval,
/// the requirement and the ideal as lines. `None` when nothing was measured.
pub fn rounds(check: &PerfGrade) -> Option<String> {
    if check.round_speedups.is_empty() {
        return None;
    }
    Some(strip(&Strip {
        title: format!("perf {}", check.name),
        description: rounds_description(check),
        rows: [
            ("your code", "you", check.round_speedups.as_slice()),
            (
                "calibration",
                "calibration",
                &check.calibration_round_speedups,
            ),
        ],
        point: "round",
        median: check.speedup,
        band: check
            .interval
            .map(|band| (band, "90 % interval of the median")),
        required: check.required,
        ideal: check.ideal,
    }))
}

/// A class's speedups on one perf check: one point per student, the median
/// and the quartiles as a band, the requirement and the ideal as lines.
/// `None` when no student's code was measured.
pub fn class_speedups(
    name: &str,
    speedups: &[f64],
    required: Option<f64>,
    ideal: Option<f64>,
) -> Option<String> {
    let quartile = |q| crate::class::quantile(speedups, q);
    let median = quartile(0.5)?;
    let band = quartile(0.25).zip(quartile(0.75)).map(|(q1, q3)| [q1, q3]);
    let mut description = format!(
        "{} students measured: median speedup {median:.2}×",
        speedups.len()
    );
    if let Some([q1, q3]) = band {
        let _ = write!(description, ", middle half from {q1:.2}× to {q3:.2}×");
    }
    let (least, most) = min_max(speedups);
    let _ = write!(description, ", all from {least:.2}× to {most:.2}×.");
    if let Some(required) = required {
        let _ = write!(description, " Required: {required:.2}×.");
    }
    Some(strip(&Strip {
        title: format!("class speedups on {name}"),
        description,
        rows: [("students", "you", speedups), ("", "calibration", &[])],
        point: "student",
        median: Some(median),
        band: band.map(|band| (band, "middle half of the class (quartiles)")),
        required,
        ideal,
    }))
}

/// What a strip plot shows.
struct Strip<'a> {
    title: String,
    description: String,
    /// Up to two rows of points: label, class, values.
    rows: [(&'a str, &'a str, &'a [f64]); 2],
    /// What one point is, for its tooltip ("round 3", "student 12").
    point: &'a str,
    /// A tick on the first row.
    median: Option<f64>,
    /// A band on the first row, and what it is.
    band: Option<([f64; 2], &'a str)>,
    required: Option<f64>,
    ideal: Option<f64>,
}

/// Points on one speedup axis from 0, in rows, with the requirement and the
/// ideal as labelled lines.
fn strip(spec: &Strip) -> String {
    let height = 150.0;
    let (first_y, second_y, axis_y) = (60.0, 98.0, 124.0);
    let top = 34.0;
    let largest = spec
        .rows
        .iter()
        .flat_map(|(_, _, values)| values.iter())
        .chain(spec.required.iter())
        .chain(spec.ideal.iter())
        .copied()
        .fold(1.0_f64, f64::max);
    let axis = Axis::up_to(largest * 1.05);
    let x = |v: f64| axis.position(v, LEFT, WIDTH - RIGHT);

    let mut svg = open_svg(height, &spec.title, &spec.description);
    for ((label, _, _), y) in spec.rows.iter().zip([first_y, second_y]) {
        let _ = write!(
            svg,
            r#"<text class="label" x="{}" y="{}" text-anchor="end">{label}</text>"#,
            num(LEFT - 10.0),
            num(y + 4.0)
        );
    }
    axis.draw(&mut svg, LEFT, WIDTH - RIGHT, axis_y, |v| {
        format!("{}×", tick(v))
    });
    // Two label heights, so the two labels never overlap however close.
    for (class, word, value, label_y) in [
        ("need", "needs", spec.required, 13.0),
        ("ideal", "ideal", spec.ideal, 26.0),
    ] {
        let Some(value) = value else { continue };
        vertical_line(&mut svg, class, x(value), top, axis_y);
        let _ = write!(
            svg,
            r#"<text class="{class}" x="{}" y="{}" text-anchor="middle">{word} {}×</text>"#,
            num(x(value)),
            num(label_y),
            tick(value)
        );
    }
    if let Some(([low, high], what)) = spec.band {
        let _ = write!(
            svg,
            r#"<rect class="interval" x="{}" y="{}" width="{}" height="12"><title>{what}: {:.2}–{:.2}×</title></rect>"#,
            num(x(low)),
            num(first_y - 6.0),
            num((x(high) - x(low)).max(1.0)),
            low,
            high
        );
    }
    for ((_, class, values), y) in spec.rows.iter().zip([first_y, second_y]) {
        dots(&mut svg, (class, spec.point), values, y, &x);
    }
    if let Some(median) = spec.median {
        let _ = write!(
            svg,
            r#"<line class="median" x1="{0}" x2="{0}" y1="{1}" y2="{2}"><title>median {3:.2}×</title></line>"#,
            num(x(median)),
            num(first_y - 13.0),
            num(first_y + 13.0),
            median
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Speedup against threads (workers for I/O): the measured medians with
/// their intervals, the ideal and the Amdahl curve of the fitted serial
/// fraction.
pub fn scaling(curve: &Curve) -> String {
    let height = 310.0;
    let (top, bottom) = (34.0, 260.0);
    let most_threads = curve.points.iter().map(|p| p.threads).max().unwrap_or(1);
    let largest = curve
        .points
        .iter()
        .map(|p| p.interval.map_or(p.speedup, |[_, high]| high))
        .chain((1..=most_threads).map(|n| curve.ideal(n)))
        .fold(1.0_f64, f64::max);
    let x_axis = Axis::threads(most_threads);
    let y_axis = Axis::up_to(largest * 1.05);
    let x = |n: f64| x_axis.position(n, LEFT, WIDTH - RIGHT);
    let y = |s: f64| bottom - y_axis.position(s, 0.0, bottom - top);

    let mut svg = open_svg(
        height,
        &format!("scaling of {}", curve.check),
        &curve.describe(),
    );
    x_axis.draw(&mut svg, LEFT, WIDTH - RIGHT, bottom, tick);
    let _ = write!(
        svg,
        r#"<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>"#,
        num((LEFT + WIDTH - RIGHT) / 2.0),
        num(bottom + 40.0),
        curve.unit_plural()
    );
    for value in y_axis.ticks() {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{x1}" x2="{x2}" y1="{at}" y2="{at}"/><text class="label" x="{label_x}" y="{label_y}" text-anchor="end">{label}×</text>"#,
            x1 = num(LEFT),
            x2 = num(WIDTH - RIGHT),
            at = num(y(value)),
            label_x = num(LEFT - 8.0),
            label_y = num(y(value) + 4.0),
            label = tick(value)
        );
    }
    let line = |class: &str, f: &dyn Fn(u32) -> f64| {
        let points: Vec<String> = (1..=most_threads)
            .map(|n| format!("{},{}", num(x(f64::from(n))), num(y(f(n)))))
            .collect();
        format!(
            r#"<polyline class="{class}" fill="none" points="{}"/>"#,
            points.join(" ")
        )
    };
    svg.push_str(&line("ideal", &|n| curve.ideal(n)));
    if let Some(serial) = curve.serial_fraction() {
        svg.push_str(&line("fit", &|n| curve.amdahl(serial, n)));
    }
    for point in &curve.points {
        let px = x(f64::from(point.threads));
        if let Some([low, high]) = point.interval {
            let _ = write!(
                svg,
                r#"<line class="you" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>"#,
                num(px),
                num(y(low)),
                num(y(high))
            );
        }
        let _ = write!(
            svg,
            r#"<circle class="you" cx="{}" cy="{}" r="4.5"><title>{} {}: {:.2}×</title></circle>"#,
            num(px),
            num(y(point.speedup)),
            point.threads,
            curve.unit(point.threads),
            point.speedup
        );
    }
    legend(&mut svg, curve.serial_fraction().is_some());
    svg.push_str("</svg>");
    svg
}

/// A linear axis from 0 with round ticks.
struct Axis {
    max: f64,
    step: f64,
}

impl Axis {
    /// An axis from 0 to a round value at or above `value`, with at most
    /// about eight ticks.
    fn up_to(value: f64) -> Self {
        let step = [0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 50.0, 100.0]
            .into_iter()
            .find(|step| value / step <= 8.0)
            .unwrap_or(value / 8.0);
        Self {
            max: (value / step).ceil().max(1.0) * step,
            step,
        }
    }

    /// An axis of thread counts, 0 to `most`, ticks on whole numbers.
    fn threads(most: u32) -> Self {
        let most = f64::from(most.max(1));
        let step = (most / 8.0).ceil().max(1.0);
        Self {
            max: (most / step).ceil() * step,
            step,
        }
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let count = (self.max / self.step).round() as u32;
        (0..=count).map(|i| f64::from(i) * self.step)
    }

    /// Where `value` lands between `from` and `to`.
    fn position(&self, value: f64, from: f64, to: f64) -> f64 {
        from + (value / self.max).clamp(0.0, 1.05) * (to - from)
    }

    /// The axis line at height `y` with its ticks, labelled by `label`.
    fn draw(&self, svg: &mut String, from: f64, to: f64, y: f64, label: impl Fn(f64) -> String) {
        let _ = write!(
            svg,
            r#"<line class="axis" x1="{x1}" x2="{x2}" y1="{at}" y2="{at}"/>"#,
            x1 = num(from),
            x2 = num(to),
            at = num(y)
        );
        for value in self.ticks() {
            let x = self.position(value, from, to);
            let _ = write!(
                svg,
                r#"<line class="axis" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/><text class="label" x="{0}" y="{3}" text-anchor="middle">{4}</text>"#,
                num(x),
                num(y),
                num(y + 5.0),
                num(y + 19.0),
                label(value)
            );
        }
    }
}

fn open_svg(height: f64, title: &str, description: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {} {}" role="img"><title>{}</title><desc>{}</desc>"#,
        num(WIDTH),
        num(height),
        escape(title),
        escape(description)
    )
}

fn vertical_line(svg: &mut String, class: &str, x: f64, top: f64, bottom: f64) {
    let _ = write!(
        svg,
        r#"<line class="{class}" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>"#,
        num(x),
        num(top),
        num(bottom)
    );
}

/// One point per round on the row at `y`, spread a little up and down (by
/// round number, so the same report draws the same picture) so that equal
/// speedups stay visible as several points.
fn dots(
    svg: &mut String,
    (class, word): (&str, &str),
    values: &[f64],
    y: f64,
    x: &dyn Fn(f64) -> f64,
) {
    for (round, value) in values.iter().enumerate() {
        let spread = (round * 7 % 5) as f64 - 2.0;
        let _ = write!(
            svg,
            r#"<circle class="{class}" cx="{}" cy="{}" r="3.5"><title>{word} {}: {:.2}×</title></circle>"#,
            num(x(*value)),
            num(y + spread * 3.0),
            round + 1,
            value
        );
    }
}

fn legend(svg: &mut String, with_fit: bool) {
    let mut items = vec![
        ("you", "measured (median, 90 % interval)"),
        ("ideal", "ideal"),
    ];
    if with_fit {
        items.push(("fit", "Amdahl fit"));
    }
    let mut x = LEFT + 8.0;
    for (class, text) in items {
        let _ = write!(
            svg,
            r#"<line class="{class}" x1="{}" x2="{}" y1="12" y2="12"/><text class="label" x="{}" y="16">{text}</text>"#,
            num(x),
            num(x + 18.0),
            num(x + 24.0)
        );
        // About 6.5 px a character at 12 px, then a gap.
        x += 24.0 + 6.5 * text.chars().count() as f64 + 24.0;
    }
}

/// What the rounds plot shows, in words.
fn rounds_description(check: &PerfGrade) -> String {
    let mut text = String::new();
    if let Some(median) = check.speedup {
        let _ = write!(
            text,
            "Your code: median speedup {median:.2}× over {} rounds",
            check.round_speedups.len()
        );
    }
    if let Some([low, high]) = check.interval {
        let _ = write!(text, " (90 % interval {low:.2}–{high:.2}×)");
    }
    let (least, most) = min_max(&check.round_speedups);
    let _ = write!(text, ", rounds from {least:.2}× to {most:.2}×.");
    if !check.calibration_round_speedups.is_empty() {
        let (least, most) = min_max(&check.calibration_round_speedups);
        let _ = write!(
            text,
            " Calibration job: rounds from {least:.2}× to {most:.2}×."
        );
    }
    if let Some(required) = check.required {
        let _ = write!(text, " Required: {required:.2}×.");
    }
    if let Some(ideal) = check.ideal {
        let _ = write!(text, " Ideal: {}×.", tick(ideal));
    }
    text
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// A coordinate, one decimal: plenty at this size, and stable in snapshots.
fn num(value: f64) -> String {
    format!("{value:.1}")
}

/// A tick or line label: `2`, `1.5`, `0.25`.
fn tick(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Text safe inside XML and HTML, in content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Not allowed in XML 1.0 at all; a panic message may hold them.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_a_round_value_with_a_few_ticks() {
        let axis = Axis::up_to(2.1);
        assert_eq!((axis.max, axis.step), (2.5, 0.5));
        assert_eq!(axis.ticks().count(), 6);
        let axis = Axis::up_to(10.4);
        assert_eq!((axis.max, axis.step), (12.0, 2.0));
        assert_eq!(
            Axis::threads(4).ticks().collect::<Vec<_>>(),
            [0.0, 1.0, 2.0, 3.0, 4.0]
        );
    }

    #[test]
    fn labels_drop_trailing_zeros_and_text_is_escaped() {
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(1.5), "1.5");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(
            escape("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}"
        );
    }

    #[test]
    fn nothing_measured_draws_nothing() {
        let mut check = crate::render::sample::report().exercises[1].perf[0].clone();
        check.round_speedups.clear();
        assert_eq!(rounds(&check), None);
    }
}
