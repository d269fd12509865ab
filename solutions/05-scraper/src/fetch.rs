//! Task 1 — Fetching: one page, then many on a fixed number of threads.
//!
//! **What.**
//!
//! - [`fetch_page`] GETs one URL with a shared [`Client`]. A `2xx` answer
//!   is a [`Page`]; everything else is a [`FetchError`] value: a status
//!   that is not `2xx` becomes [`FetchError::Status`] (with the
//!   `Retry-After` header read by [`parse_retry_after`], which task 4
//!   needs), a client time-out [`FetchError::Timeout`], a refused
//!   connection [`FetchError::Connect`], anything else [`FetchError::Other`].
//!   reqwest's error says which it is: `is_timeout()`, `is_connect()`.
//! - [`fetch_all`] fetches a list of URLs on exactly `workers` threads (or
//!   fewer when there are fewer URLs) and returns the outcomes **in input
//!   order**, whatever order they finished in.
//!
//! **Why.** Each fetch spends almost all its time waiting for the server.
//! A waiting thread uses no CPU, so W threads keep W requests in flight and
//! the list takes about `n / W` round trips instead of `n` — on one core as
//! well as on sixteen. The count is fixed on purpose: one thread per URL
//! would open a thousand connections to a server for a thousand URLs, which
//! is rude to the server and no faster past a point. The tests read the
//! server's log: exactly W requests in flight at the busiest moment.
//!
//! Three classic bugs the tests catch: fetching one URL after another (one
//! request in flight), a thread per URL (more than W in flight), and
//! results collected in completion order (a slow first page ends up last).
//!
//! **How.** `std::thread::scope` lets the threads borrow `urls` and the
//! client. Hand out indices with one shared `AtomicUsize` (`fetch_add(1)`
//! gives each index to exactly one thread), or feed a crossbeam channel of
//! `(index, url)`. Each thread returns or sends `(index, outcome)`; put
//! each outcome at its index.
//!
//! **When to choose it.** A known list of URLs (a sitemap, an API's pages).
//! When the list grows as you go — links found on pages — you need a queue
//! and a way to know when it is really empty: that is task 5.
//!
//! **Python.** `ThreadPoolExecutor(max_workers=W).map(requests.get, urls)`.
//! One [`Client`] is shared by all threads, like a `requests.Session`: it
//! keeps a pool of open connections, so the second request to the server
//! does not pay for a new TCP connection. Cloning a `Client` is cheap and
//! shares that pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Url;
use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Who we are, sent with every request: a polite crawler says so.
pub const USER_AGENT: &str = concat!("course-scraper/", env!("CARGO_PKG_VERSION"));

/// A page fetched with a `2xx` status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The URL asked for.
    pub url: Url,
    /// The HTTP status (200-299).
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

impl Page {
    /// The body's size in bytes.
    pub fn bytes(&self) -> usize {
        self.body.len()
    }
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No complete answer within the client's time-out.
    #[error("timed out")]
    Timeout,
    /// The server answered with a status that is not `2xx`.
    #[error("HTTP status {status}")]
    Status {
        /// The status code.
        status: u16,
        /// The `Retry-After` header, when the server sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// The connection could not be made (nobody listening, refused).
    #[error("could not connect: {0}")]
    Connect(String),
    /// Anything else (a body that is not text, a broken connection).
    #[error("request failed: {0}")]
    Other(String),
}

/// A blocking client whose every request gives up after `timeout` and
/// carries [`USER_AGENT`]. (Given.)
pub fn client(timeout: Duration) -> Result<Client, FetchError> {
    Client::builder()
        .timeout(timeout)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|error| FetchError::Other(error.to_string()))
}

/// The `Retry-After` header as a duration, when it is a number of seconds
/// (`Retry-After: 2`). The header may also be an HTTP date; this crawler
/// treats that, and anything unreadable, as absent.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// GETs `url`: a [`Page`] for a `2xx` answer, a [`FetchError`] otherwise.
/// Never panics.
pub fn fetch_page(client: &Client, url: &Url) -> Result<Page, FetchError> {
    let response = client.get(url.clone()).send().map_err(classify)?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status {
            status: status.as_u16(),
            retry_after: parse_retry_after(response.headers()),
        });
    }
    let body = response.text().map_err(classify)?;
    Ok(Page {
        url: url.clone(),
        status: status.as_u16(),
        body,
    })
}

/// Fetches every URL on `workers` threads (at least one, at most one per
/// URL); the outcomes come back in the order of `urls`.
pub fn fetch_all(client: &Client, urls: &[Url], workers: usize) -> Vec<Result<Page, FetchError>> {
    let workers = workers.clamp(1, urls.len().max(1));
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<Option<Result<Page, FetchError>>> = vec![None; urls.len()];
    let finished: Vec<Vec<(usize, Result<Page, FetchError>)>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(url) = urls.get(index) else {
                            return mine;
                        };
                        mine.push((index, fetch_page(client, url)));
                    }
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().unwrap_or_default())
            .collect()
    });
    for (index, outcome) in finished.into_iter().flatten() {
        outcomes[index] = Some(outcome);
    }
    outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| Err(FetchError::Other("a fetching thread failed".into())))
        })
        .collect()
}

/// Which [`FetchError`] a reqwest error is.
fn classify(error: reqwest::Error) -> FetchError {
    if error.is_timeout() {
        FetchError::Timeout
    } else if error.is_connect() {
        FetchError::Connect(error.to_string())
    } else {
        FetchError::Other(error.to_string())
    }
}
