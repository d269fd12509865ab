//! Task 1 — fetching one page, then many on a fixed number of threads.

mod common;

use std::time::Duration;

use common::{site, url, within};
use fixtures::site::{Fault, FaultKind, SiteConfig};
use scraper::Url;
use scraper::fetch::{FetchError, Page, USER_AGENT, client, fetch_all, fetch_page};

const LIMIT: Duration = Duration::from_secs(20);

/// `fetch_page` for `page` with a fresh client whose time-out is `timeout`,
/// bounded by [`LIMIT`]: the single-page tests differ only in the site and
/// the page.
fn fetch_one(page: Url, timeout: Duration) -> Result<Page, FetchError> {
    let what = format!("fetch_page with a {timeout:?} time-out");
    within(LIMIT, &what, move || {
        fetch_page(&client(timeout).expect("client"), &page)
    })
}

#[test]
fn fetch_page_returns_the_body_of_a_page() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new());
    let page = url(&site, "/about.html");
    let expected = site
        .size_of("/about.html")
        .expect("the site has /about.html");
    let got = fetch_one(page, Duration::from_secs(5)).expect("/about.html is there");
    assert_eq!(got.status, 200);
    assert_eq!(got.bytes(), expected);
    assert!(got.body.contains("About us"), "{}", got.body);
    assert_eq!(got.url.path(), "/about.html");
    let seen = site.requests();
    assert_eq!(seen.len(), 1, "one request for one page: {seen:?}");
    assert_eq!(seen[0].user_agent.as_deref(), Some(USER_AGENT));
}

#[test]
fn a_missing_page_is_a_status_error_not_a_page() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new());
    let page = url(&site, "/books/missing.html");
    let got = fetch_one(page, Duration::from_secs(5));
    assert_eq!(
        got,
        Err(FetchError::Status {
            status: 404,
            retry_after: None
        })
    );
}

#[test]
fn a_429_carries_its_retry_after() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().fault(
        "/index.html",
        Fault::always(FaultKind::TooManyRequests {
            retry_after_secs: 7,
        }),
    ));
    let page = url(&site, "/index.html");
    let got = fetch_one(page, Duration::from_secs(5));
    assert_eq!(
        got,
        Err(FetchError::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(7))
        })
    );
}

#[test]
fn a_stalled_page_is_a_timeout() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().fault(
        "/about.html",
        Fault::always(FaultKind::Stall(Duration::from_secs(30))),
    ));
    let page = url(&site, "/about.html");
    let got = fetch_one(page, Duration::from_millis(200));
    assert_eq!(got, Err(FetchError::Timeout));
}

#[test]
fn nobody_listening_is_a_connect_error() {
    let _proof = fixtures::proof::test_body();
    // A port that was free a moment ago: nothing listens on it now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let page = Url::parse(&format!("http://127.0.0.1:{port}/")).expect("url");
    let got = fetch_one(page, Duration::from_secs(5));
    assert!(matches!(got, Err(FetchError::Connect(_))), "{got:?}");
}

#[test]
fn fetch_all_keeps_exactly_w_requests_in_flight_and_the_input_order() {
    let _proof = fixtures::proof::test_body();
    const WORKERS: usize = 5;
    let site = site(SiteConfig::new().latency(Duration::from_millis(100)));
    let mut paths: Vec<String> = site
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .take(19)
        .collect();
    paths.insert(7, "/books/missing.html".into());
    let urls: Vec<_> = paths.iter().map(|p| url(&site, p)).collect();
    let asked = urls.clone();
    let got = within(LIMIT, "fetch_all", move || {
        fetch_all(
            &client(Duration::from_secs(5)).expect("client"),
            &asked,
            WORKERS,
        )
    });
    assert_eq!(got.len(), urls.len());
    for ((outcome, asked), path) in got.iter().zip(&urls).zip(&paths) {
        match outcome {
            Ok(page) => {
                assert_eq!(&page.url, asked, "results must be in input order");
                assert_eq!(Some(page.bytes()), site.size_of(path));
            }
            Err(error) => assert_eq!(
                (path.as_str(), error),
                (
                    "/books/missing.html",
                    &FetchError::Status {
                        status: 404,
                        retry_after: None
                    }
                ),
                "only the missing page fails, at its own place"
            ),
        }
    }
    assert!(got[7].is_err(), "the missing page is the eighth result");
    let counts = site.counts();
    assert!(
        paths.iter().all(|p| counts.get(p) == Some(&1)),
        "every URL exactly once: {counts:?}"
    );
    assert_eq!(
        site.peak_concurrency(),
        WORKERS,
        "the server saw this many requests at once at its busiest; with {WORKERS} \
         workers it must be exactly {WORKERS} (1: one after another; more: too many threads)"
    );
}

#[test]
fn fetch_all_uses_no_more_threads_than_urls_and_handles_none() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().latency(Duration::from_millis(100)));
    let urls = vec![
        url(&site, "/index.html"),
        url(&site, "/about.html"),
        url(&site, "/blog/index.html"),
    ];
    let got = within(LIMIT, "fetch_all", move || {
        let client = client(Duration::from_secs(5)).expect("client");
        let none = fetch_all(&client, &[], 10);
        (none.len(), fetch_all(&client, &urls, 10))
    });
    assert_eq!(got.0, 0, "no URLs, no results");
    assert!(got.1.iter().all(Result::is_ok), "{:?}", got.1);
    assert_eq!(site.peak_concurrency(), 3);
}
