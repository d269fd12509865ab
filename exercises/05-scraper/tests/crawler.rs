//! Task 5 — the queue-based crawler: every allowed page once, W at a time,
//! within the rate limit, and a prompt end.

mod common;

use std::time::{Duration, Instant};

use common::{BROKEN, DISALLOWED, REACHABLE, paths, site, url, within};
use fixtures::site::{Site, SiteConfig};
use scraper::crawler::{CrawlConfig, crawl};
use scraper::fetch::USER_AGENT;
use scraper::report::{CrawlReport, ErrorKind};
use scraper::retry::RetryPolicy;

const LIMIT: Duration = Duration::from_secs(60);

fn config(workers: usize, max_depth: usize) -> CrawlConfig {
    CrawlConfig {
        workers,
        max_depth,
        requests_per_second: None,
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
        },
        timeout: Duration::from_secs(5),
    }
}

/// A crawl of `site` from the page `path` with `config`, bounded by
/// [`LIMIT`]: most tests here differ only in the site, the start page and
/// the configuration.
fn crawl_from(site: &Site, path: &str, config: CrawlConfig) -> CrawlReport {
    let start = url(site, path);
    within(LIMIT, &format!("crawl from {path}"), move || {
        crawl(&start, &config)
    })
}

#[test]
fn every_allowed_page_is_fetched_exactly_once() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().latency(Duration::from_millis(5)));
    let report = crawl_from(&site, "/index.html", config(4, 20));

    assert_eq!(
        paths(report.pages.iter().map(|p| &p.url)),
        REACHABLE,
        "pages fetched"
    );
    assert_eq!(
        paths(report.errors.iter().map(|e| &e.url)),
        BROKEN,
        "broken links"
    );
    assert!(report.errors.iter().all(|e| e.kind == ErrorKind::NotFound));
    assert_eq!(
        paths(&report.skipped),
        DISALLOWED,
        "links robots.txt disallows"
    );

    let counts = site.counts();
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "asked for more than once: {twice:?}");
    for path in DISALLOWED {
        assert!(
            !counts.contains_key(path),
            "{path} is disallowed by robots.txt"
        );
    }
    assert!(
        !counts.contains_key("/orphan.html"),
        "no link leads to /orphan.html"
    );
    assert_eq!(
        counts.get("/robots.txt"),
        Some(&1),
        "robots.txt is read once"
    );
    assert_eq!(
        site.requests().first().map(|r| r.path.as_str()),
        Some("/robots.txt"),
        "robots.txt comes before any page"
    );
    assert_eq!(
        counts.len(),
        1 + REACHABLE.len() + BROKEN.len(),
        "{counts:?}"
    );
    assert!(
        site.requests()
            .iter()
            .all(|r| r.user_agent.as_deref() == Some(USER_AGENT)),
        "every request names the crawler"
    );
}

#[test]
fn links_are_followed_only_to_max_depth() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().latency(Duration::from_millis(5)));
    let report = crawl_from(&site, "/about.html", config(4, 2));
    assert_eq!(
        paths(report.pages.iter().map(|p| &p.url)),
        [
            "/about.html",
            "/authors/index.html",
            "/blog/index.html",
            "/books/index.html",
            "/deep/level-1.html",
            "/deep/level-2.html",
            "/index.html",
            "/private/index.html",
        ],
        "pages at most 2 links from /about.html"
    );
    let depth = |path: &str| {
        report
            .pages
            .iter()
            .find(|p| p.url.path() == path)
            .map(|p| p.depth)
    };
    assert_eq!(depth("/about.html"), Some(0));
    assert_eq!(depth("/deep/level-1.html"), Some(1));
    assert_eq!(depth("/deep/level-2.html"), Some(2));
    assert_eq!(site.count("/deep/level-3.html"), 0, "3 links away");

    let report = crawl_from(&site, "/blog/index.html", config(4, 0));
    assert_eq!(
        paths(report.pages.iter().map(|p| &p.url)),
        ["/blog/index.html"]
    );
    assert_eq!(
        site.count("/blog/post-1.html"),
        0,
        "depth 0 is the start page only"
    );
}

#[test]
fn exactly_the_configured_workers_fetch_at_once() {
    let _proof = fixtures::proof::test_body();
    const WORKERS: usize = 4;
    let site = site(SiteConfig::new().latency(Duration::from_millis(60)));
    let report = crawl_from(&site, "/index.html", config(WORKERS, 20));
    assert_eq!(report.pages.len(), REACHABLE.len());
    assert_eq!(
        site.peak_concurrency(),
        WORKERS,
        "the server saw this many requests at once at its busiest; {WORKERS} workers \
         must keep exactly {WORKERS} in flight while the frontier has that many pages"
    );
}

#[test]
fn the_crawl_ends_as_soon_as_the_last_page_is_in() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().latency(Duration::from_millis(20)));
    let start = url(&site, "/blog/index.html");
    let ended = within(LIMIT, "crawl", move || {
        let report = crawl(&start, &config(4, 20));
        (report, Instant::now())
    });
    let (report, ended) = ended;
    assert!(!report.pages.is_empty());
    let last_answer = site
        .requests()
        .iter()
        .map(|r| r.arrived + r.delay)
        .max()
        .expect("the crawl made requests");
    let lag = ended.saturating_duration_since(last_answer);
    assert!(
        lag < Duration::from_millis(500),
        "crawl returned {lag:?} after the server's last answer: the workers must stop \
         when no job is pending anywhere, not after a time-out on an empty queue"
    );
}

#[test]
fn a_start_page_that_fails_ends_the_crawl_at_once() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new());
    let report = crawl_from(&site, "/books/missing.html", config(4, 20));
    assert!(report.pages.is_empty());
    assert_eq!(
        paths(report.errors.iter().map(|e| &e.url)),
        ["/books/missing.html"]
    );
    assert_eq!(report.errors[0].kind, ErrorKind::NotFound);
}

#[test]
fn nothing_is_fetched_when_robots_txt_fails() {
    let _proof = fixtures::proof::test_body();
    use fixtures::site::{Fault, FaultKind};
    let site = site(SiteConfig::new().fault("/robots.txt", Fault::always(FaultKind::Status(503))));
    let report = crawl_from(&site, "/index.html", config(4, 20));
    assert!(report.pages.is_empty(), "{:?}", report.pages);
    assert!(
        site.requests().iter().all(|r| r.path == "/robots.txt"),
        "without its robots.txt the site's rules are unknown: fetch nothing"
    );
    assert_eq!(paths(report.errors.iter().map(|e| &e.url)), ["/robots.txt"]);
}

#[test]
fn the_rate_limit_holds_in_every_second_as_the_server_sees_it() {
    let _proof = fixtures::proof::test_body();
    const RATE: u32 = 12;
    let site = site(
        SiteConfig::new()
            .latency(Duration::from_millis(10))
            .rate_limit(RATE),
    );
    let start = url(&site, "/index.html");
    let mut limited = config(8, 2);
    limited.requests_per_second = Some(RATE);
    let report = within(LIMIT, "crawl with a rate limit", move || {
        crawl(&start, &limited)
    });
    assert!(report.pages.len() >= 10, "{:?}", report.pages);
    let peak = site.peak_requests_in(Duration::from_secs(1));
    assert!(
        peak <= RATE as usize,
        "the server received {peak} requests within one second; the limit is {RATE} per \
         second for the whole crawl (all 8 workers together, robots.txt and retries included)"
    );
}
