//! Task 4 — retries with exponential backoff and jitter.

mod common;

use std::time::{Duration, Instant};

use common::{site, status_error, url, within};
use fixtures::site::{Fault, FaultKind, LoggedRequest, SiteConfig};
use scraper::Url;
use scraper::fetch::{FetchError, client};
use scraper::rate_limit::RateLimiter;
use scraper::retry::{Failed, Fetched, RetryPolicy, fetch_with_retry, is_retryable};

const LIMIT: Duration = Duration::from_secs(30);

fn policy(max_attempts: u32, base_ms: u64) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(base_ms),
        max_delay: Duration::from_secs(2),
    }
}

/// `fetch_with_retry` for `page` under `policy`, with a fresh client whose
/// time-out is `timeout` and no rate limiter, bounded by [`LIMIT`]: the
/// single-page tests differ only in the site's faults and the policy.
fn fetch_retrying(page: Url, timeout: Duration, policy: RetryPolicy) -> Result<Fetched, Failed> {
    let what = format!("fetch_with_retry with a {timeout:?} time-out");
    within(LIMIT, &what, move || {
        let client = client(timeout).expect("client");
        fetch_with_retry(&client, &page, &policy, None)
    })
}

/// The gaps between the arrivals of the requests for `path`.
fn gaps(requests: &[LoggedRequest], path: &str) -> Vec<Duration> {
    let arrivals: Vec<Instant> = requests
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.arrived)
        .collect();
    arrivals.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn backoff_doubles_up_to_the_cap_with_half_of_it_random() {
    let _proof = fixtures::proof::test_body();
    let p = RetryPolicy {
        max_attempts: 10,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(500),
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let close = |got: Duration, want: f64| (ms(got) - want).abs() < 1.0;
    assert!(close(p.backoff(1, 0.0), 50.0), "{:?}", p.backoff(1, 0.0));
    assert!(
        close(p.backoff(1, 0.999_999), 100.0),
        "{:?}",
        p.backoff(1, 0.999_999)
    );
    assert!(close(p.backoff(2, 0.0), 100.0), "{:?}", p.backoff(2, 0.0));
    assert!(close(p.backoff(3, 0.0), 200.0), "{:?}", p.backoff(3, 0.0));
    assert!(close(p.backoff(3, 0.5), 300.0), "{:?}", p.backoff(3, 0.5));
    assert!(
        close(p.backoff(4, 0.0), 250.0),
        "capped at 500 ms: {:?}",
        p.backoff(4, 0.0)
    );
    assert!(
        close(p.backoff(4, 0.999_999), 500.0),
        "{:?}",
        p.backoff(4, 0.999_999)
    );
    for retry in [5, 31, 32, 64, 1000, u32::MAX] {
        let d = p.backoff(retry, 0.5);
        assert!(close(d, 375.0), "retry {retry} must not overflow: {d:?}");
    }
}

#[test]
fn what_is_retried_and_what_is_not() {
    let _proof = fixtures::proof::test_body();
    for retryable in [
        FetchError::Timeout,
        FetchError::Connect("refused".into()),
        status_error(429),
        status_error(500),
        status_error(502),
        status_error(503),
    ] {
        assert!(
            is_retryable(&retryable),
            "{retryable:?} may go away: retry it"
        );
    }
    for final_error in [
        status_error(404),
        status_error(403),
        status_error(400),
        status_error(410),
        FetchError::Other("bad body".into()),
    ] {
        assert!(
            !is_retryable(&final_error),
            "{final_error:?} will not change: never retry it"
        );
    }
}

#[test]
fn a_503_is_retried_with_growing_waits_until_it_succeeds() {
    let _proof = fixtures::proof::test_body();
    let site =
        site(SiteConfig::new().fault("/about.html", Fault::first(2, FaultKind::Status(503))));
    let page = url(&site, "/about.html");
    let got = fetch_retrying(page, Duration::from_secs(5), policy(4, 60))
        .expect("the third attempt succeeds");
    assert_eq!(got.attempts, 3);
    assert_eq!(got.page.status, 200);
    assert_eq!(site.count("/about.html"), 3);
    let gaps = gaps(&site.requests(), "/about.html");
    assert!(
        gaps[0] >= Duration::from_millis(30) && gaps[1] >= Duration::from_millis(60),
        "with a base of 60 ms the waits are at least 30 ms, then 60 ms: {gaps:?}"
    );
}

#[test]
fn a_404_is_never_retried() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new());
    let page = url(&site, "/books/missing.html");
    let got = fetch_retrying(page, Duration::from_secs(5), policy(5, 10));
    assert_eq!(
        got,
        Err(Failed {
            error: status_error(404),
            attempts: 1
        })
    );
    assert_eq!(
        site.count("/books/missing.html"),
        1,
        "the server saw the 404 retried"
    );
}

#[test]
fn retry_after_is_honoured() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().fault(
        "/index.html",
        Fault::first(
            1,
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
        ),
    ));
    let page = url(&site, "/index.html");
    let got = fetch_retrying(page, Duration::from_secs(5), policy(3, 10))
        .expect("the second attempt succeeds");
    assert_eq!(got.attempts, 2);
    let gaps = gaps(&site.requests(), "/index.html");
    assert!(
        gaps[0] >= Duration::from_secs(1),
        "the server said `Retry-After: 1` and the retry came after {:?}",
        gaps[0]
    );
}

#[test]
fn attempts_stop_at_the_cap() {
    let _proof = fixtures::proof::test_body();
    let site =
        site(SiteConfig::new().fault("/blog/index.html", Fault::always(FaultKind::Status(500))));
    let page = url(&site, "/blog/index.html");
    let got = within(LIMIT, "fetch_with_retry", move || {
        let client = client(Duration::from_secs(5)).expect("client");
        let once = fetch_with_retry(&client, &page, &policy(1, 10), None);
        let thrice = fetch_with_retry(&client, &page, &policy(3, 10), None);
        (once, thrice)
    });
    let server_error = status_error(500);
    assert_eq!(
        got.0,
        Err(Failed {
            error: server_error.clone(),
            attempts: 1
        }),
        "max_attempts 1 means no retry"
    );
    assert_eq!(
        got.1,
        Err(Failed {
            error: server_error,
            attempts: 3
        })
    );
    assert_eq!(site.count("/blog/index.html"), 4);
}

#[test]
fn a_stalled_page_times_out_on_every_attempt() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().fault(
        "/about.html",
        Fault::always(FaultKind::Stall(Duration::from_secs(30))),
    ));
    let page = url(&site, "/about.html");
    let got = fetch_retrying(page, Duration::from_millis(150), policy(2, 10));
    assert_eq!(
        got,
        Err(Failed {
            error: FetchError::Timeout,
            attempts: 2
        })
    );
    assert_eq!(site.count("/about.html"), 2);
}

#[test]
fn every_attempt_takes_a_permit() {
    let _proof = fixtures::proof::test_body();
    let site =
        site(SiteConfig::new().fault("/about.html", Fault::first(2, FaultKind::Status(503))));
    let page = url(&site, "/about.html");
    let elapsed = within(LIMIT, "fetch_with_retry with a limiter", move || {
        let client = client(Duration::from_secs(5)).expect("client");
        let limiter = RateLimiter::per_second(4);
        let start = Instant::now();
        let got = fetch_with_retry(&client, &page, &policy(4, 1), Some(&limiter));
        (got.map(|f| f.attempts), start.elapsed())
    });
    assert_eq!(elapsed.0, Ok(3));
    assert!(
        elapsed.1 >= Duration::from_millis(500),
        "three attempts at 4 per second take at least 500 ms; they took {:?}: \
         does every attempt, retries included, acquire a permit?",
        elapsed.1
    );
}

#[test]
fn jitter_spreads_the_retries_apart() {
    let _proof = fixtures::proof::test_body();
    let mut config = SiteConfig::new();
    let pages: Vec<String> = (1..=6).map(|n| format!("/books/book-{n}.html")).collect();
    for page in &pages {
        config = config.fault(page, Fault::first(1, FaultKind::Status(503)));
    }
    let site = site(config);
    let urls: Vec<_> = pages.iter().map(|p| url(&site, p)).collect();
    within(LIMIT, "fetch_with_retry", move || {
        let client = client(Duration::from_secs(5)).expect("client");
        for url in &urls {
            fetch_with_retry(&client, url, &policy(2, 40), None).expect("the retry succeeds");
        }
    });
    let requests = site.requests();
    let waits: Vec<Duration> = pages.iter().map(|p| gaps(&requests, p)[0]).collect();
    let shortest = waits.iter().min().copied().unwrap_or_default();
    let longest = waits.iter().max().copied().unwrap_or_default();
    assert!(
        shortest >= Duration::from_millis(20),
        "the first retry waits at least half the base delay: {waits:?}"
    );
    assert!(
        longest - shortest >= Duration::from_millis(2),
        "six first retries all waited the same {waits:?}: where is the jitter?"
    );
}
