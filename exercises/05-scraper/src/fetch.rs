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
    // TODO: Read `Retry-After` as whole seconds.
    todo!()
}

/// GETs `url`: a [`Page`] for a `2xx` answer, a [`FetchError`] otherwise.
/// Never panics.
pub fn fetch_page(client: &Client, url: &Url) -> Result<Page, FetchError> {
    // TODO: GET the URL; a non-2xx status and every reqwest error become a FetchError.
    todo!()
}

/// Fetches every URL on `workers` threads (at least one, at most one per
/// URL); the outcomes come back in the order of `urls`.
pub fn fetch_all(client: &Client, urls: &[Url], workers: usize) -> Vec<Result<Page, FetchError>> {
    // TODO: Fetch on `workers` scoped threads, results in input order.
    todo!()
}
