//! Task 6 — the crawl report: errors collected across threads, and metrics.
//! The crawl tests here need task 5.

mod common;

use std::time::Duration;

use common::{BROKEN, REACHABLE, paths, site, status_error, url, within};
use fixtures::site::{Fault, FaultKind, SiteConfig};
use scraper::crawler::{CrawlConfig, crawl};
use scraper::fetch::FetchError;
use scraper::report::{CrawlReport, ErrorKind, ErrorRecord, Metrics, MetricsRecorder};
use scraper::retry::RetryPolicy;

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn errors_are_sorted_into_kinds() {
    let _proof = fixtures::proof::test_body();
    let cases = [
        (status_error(404), ErrorKind::NotFound),
        (status_error(429), ErrorKind::RateLimited),
        (status_error(403), ErrorKind::ClientError(403)),
        (status_error(410), ErrorKind::ClientError(410)),
        (status_error(500), ErrorKind::ServerError(500)),
        (status_error(503), ErrorKind::ServerError(503)),
        (status_error(302), ErrorKind::Other),
        (FetchError::Timeout, ErrorKind::Timeout),
        (FetchError::Connect("refused".into()), ErrorKind::Connect),
        (FetchError::Other("body".into()), ErrorKind::Other),
    ];
    for (error, kind) in cases {
        assert_eq!(ErrorKind::from(&error), kind, "{error:?}");
    }
}

#[test]
fn counters_lose_nothing_under_eight_threads() {
    let _proof = fixtures::proof::test_body();
    let recorder = MetricsRecorder::new();
    within(LIMIT, "8 threads recording", move || {
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..20_000 {
                        recorder.record_page(3, 2);
                        recorder.record_error(1);
                        recorder.record_request();
                    }
                });
            }
        });
        let m = recorder.finish(Duration::from_secs(4));
        assert_eq!(
            (m.pages, m.bytes, m.errors, m.retries, m.requests),
            (160_000, 480_000, 160_000, 160_000, 160_000 * 4),
            "every count from every thread: a load and a store are two steps, \
             and another thread's update falls between them"
        );
        assert_eq!(m.wall, Duration::from_secs(4));
    });
}

#[test]
fn throughput_is_pages_per_second_and_zero_for_no_time() {
    let _proof = fixtures::proof::test_body();
    let metrics = Metrics {
        pages: 50,
        wall: Duration::from_secs(2),
        ..Metrics::default()
    };
    assert!((metrics.throughput() - 25.0).abs() < 1e-9);
    let instant = Metrics {
        pages: 5,
        ..Metrics::default()
    };
    assert_eq!(instant.throughput(), 0.0);
}

#[test]
fn the_summary_gives_the_totals_and_every_error() {
    let _proof = fixtures::proof::test_body();
    let url = scraper::Url::parse("http://127.0.0.1:1/books/missing.html").expect("url");
    let report = CrawlReport {
        pages: Vec::new(),
        errors: vec![ErrorRecord {
            url: url.clone(),
            depth: 1,
            kind: ErrorKind::NotFound,
            attempts: 1,
            message: "HTTP status 404".into(),
        }],
        skipped: Vec::new(),
        metrics: Metrics {
            pages: 35,
            bytes: 74_512,
            errors: 1,
            retries: 3,
            requests: 40,
            wall: Duration::from_secs(2),
        },
    };
    let text = report.summary();
    for needle in [
        "35 pages",
        "74512 bytes",
        "1 errors",
        "3 retries",
        "40 requests",
        "17.5 pages/s",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    let error_line = text
        .lines()
        .find(|l| l.contains("/books/missing.html"))
        .unwrap_or_else(|| panic!("no line for the error in:\n{text}"));
    assert!(
        error_line.contains("NotFound") && error_line.contains('1'),
        "{error_line}"
    );
}

/// A crawl of a site having a bad day: a fifth of the pages fail once
/// (503 or 429 with `Retry-After: 1`), one page always answers 500, one
/// stalls past the time-out.
#[test]
fn a_bad_day_loses_no_page_and_the_report_adds_up() {
    let _proof = fixtures::proof::test_body();
    let site = site(
        SiteConfig::new()
            .latency(Duration::from_millis(5))
            .random_faults(0.2, 248)
            .fault("/books/book-3.html", Fault::always(FaultKind::Status(500)))
            .fault(
                "/blog/post-2.html",
                Fault::always(FaultKind::Stall(Duration::from_secs(30))),
            ),
    );
    let start = url(&site, "/index.html");
    let config = CrawlConfig {
        workers: 6,
        max_depth: 20,
        requests_per_second: None,
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
        },
        timeout: Duration::from_millis(300),
    };
    let report = within(LIMIT, "crawl on a bad day", move || crawl(&start, &config));

    let mut expected_errors: Vec<&str> = BROKEN.to_vec();
    expected_errors.extend(["/blog/post-2.html", "/books/book-3.html"]);
    expected_errors.sort();
    assert_eq!(paths(report.errors.iter().map(|e| &e.url)), expected_errors);
    let mut expected_pages: Vec<&str> = REACHABLE.to_vec();
    expected_pages.retain(|p| !expected_errors.contains(p));
    assert_eq!(
        paths(report.pages.iter().map(|p| &p.url)),
        expected_pages,
        "every page that can be fetched is, whatever failed around it"
    );

    let error = |path: &str| {
        report
            .errors
            .iter()
            .find(|e| e.url.path() == path)
            .map(|e| (e.kind, e.attempts))
    };
    assert_eq!(error("/books/missing.html"), Some((ErrorKind::NotFound, 1)));
    assert_eq!(
        error("/books/book-3.html"),
        Some((ErrorKind::ServerError(500), 3))
    );
    assert_eq!(error("/blog/post-2.html"), Some((ErrorKind::Timeout, 3)));

    let counts = site.counts();
    for page in &report.pages {
        assert_eq!(
            counts.get(page.url.path()).copied(),
            Some(page.attempts as usize),
            "{}: the attempts in the report are the requests the server saw",
            page.url
        );
    }
    let m = report.metrics;
    let requests: usize = counts.values().sum();
    let bytes: usize = report.pages.iter().map(|p| p.bytes).sum();
    let retried: usize = report
        .pages
        .iter()
        .map(|p| p.attempts as usize - 1)
        .sum::<usize>()
        + report
            .errors
            .iter()
            .map(|e| e.attempts as usize - 1)
            .sum::<usize>();
    assert_eq!(m.pages as usize, report.pages.len());
    assert_eq!(m.errors as usize, report.errors.len());
    assert_eq!(
        m.requests as usize, requests,
        "requests, robots.txt included"
    );
    assert_eq!(m.retries as usize, retried);
    assert!(
        m.retries >= 4,
        "the two bad pages were retried twice each: {m:?}"
    );
    assert_eq!(m.bytes as usize, bytes);
    for page in &report.pages {
        assert_eq!(
            Some(page.bytes),
            site.size_of(page.url.path()),
            "{}",
            page.url
        );
    }
    assert!(m.wall > Duration::ZERO && m.throughput() > 0.0, "{m:?}");
}
