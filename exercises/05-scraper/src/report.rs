//! Task 6 — The crawl report: errors across threads, and metrics.
//!
//! **What.**
//!
//! - [`ErrorKind`] sorts a [`FetchError`] into what a report reader cares
//!   about: `404` is [`ErrorKind::NotFound`], `429`
//!   [`ErrorKind::RateLimited`], other `4xx` [`ErrorKind::ClientError`],
//!   `5xx` [`ErrorKind::ServerError`], then time-outs, connection failures
//!   and the rest.
//! - [`MetricsRecorder`]: counters that every worker thread updates at
//!   once, through `&self`, without a lock: pages, bytes, errors, retries
//!   and requests. An `AtomicU64` with `fetch_add` is one indivisible
//!   read-modify-write; a `load` followed by a `store` is two, and two
//!   threads doing that at once lose one of the updates. The tests hammer
//!   it from eight threads and count.
//! - [`Metrics`]: the totals, with the crawl's wall time, and what they
//!   imply: [`Metrics::throughput`] in pages per second (zero, not NaN or
//!   infinity, for a zero wall time).
//! - [`CrawlReport::summary`]: a short text for people: one line of
//!   totals, then one line per error naming the URL, the kind and the
//!   attempts.
//!
//! A [`CrawlReport`] is what [`crate::crawler::crawl`] returns: every page
//! it fetched, every error, every URL `robots.txt` kept it from, and the
//! metrics. The crawler is right when the report accounts for every page:
//! each reachable URL exactly once, in `pages` or in `errors` or in
//! `skipped`, and the counters agree with the lists and with the server's
//! log. The crawl tests of this task check exactly that, so they need
//! task 5.
//!
//! **Why.** With many threads, an exception in one of them is easy to
//! lose: Python prints it on stderr and the thread ends, and the page is
//! simply missing from the results. Here each worker turns every failure
//! into an [`ErrorRecord`] value and hands it back, so nothing is lost
//! and nothing panics. And a scraper without numbers cannot be tuned: the
//! metrics say whether more workers help, how much was retried, and how
//! close to the rate limit the crawl ran.
//!
//! **Python.** A `results` list and an `errors` list appended to from
//! every thread (safe under the GIL), counters updated with `+=` under a
//! `threading.Lock`, and `time.time()` around the crawl.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Url;

use crate::fetch::FetchError;

/// What kind of failure an [`ErrorRecord`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `404 Not Found`: a broken link.
    NotFound,
    /// `429 Too Many Requests`, still after every attempt.
    RateLimited,
    /// Another `4xx` status.
    ClientError(u16),
    /// A `5xx` status, still after every attempt.
    ServerError(u16),
    /// No answer within the client's time-out.
    Timeout,
    /// The connection could not be made.
    Connect,
    /// Anything else (including a status outside 400-599).
    Other,
}

impl From<&FetchError> for ErrorKind {
    fn from(error: &FetchError) -> Self {
        // TODO: 404, 429, other 4xx, 5xx, then the FetchError variants.
        todo!()
    }
}

/// A page the crawl fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRecord {
    /// Its URL.
    pub url: Url,
    /// Links followed from the start page to find it (the start is 0).
    pub depth: usize,
    /// The body's size in bytes.
    pub bytes: usize,
    /// Attempts it took (1 without retries).
    pub attempts: u32,
}

/// A URL the crawl could not fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecord {
    /// The URL.
    pub url: Url,
    /// Links followed from the start page to find it.
    pub depth: usize,
    /// What went wrong.
    pub kind: ErrorKind,
    /// Attempts made before giving up.
    pub attempts: u32,
    /// The last error's text.
    pub message: String,
}

/// The totals of a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    /// Pages fetched.
    pub pages: u64,
    /// Bytes of the pages fetched.
    pub bytes: u64,
    /// URLs given up on.
    pub errors: u64,
    /// Attempts beyond the first, over all URLs.
    pub retries: u64,
    /// HTTP requests sent, `robots.txt` included.
    pub requests: u64,
    /// Wall time of the whole crawl.
    pub wall: Duration,
}

impl Metrics {
    /// Pages per second of wall time; 0 when no time passed.
    pub fn throughput(&self) -> f64 {
        // TODO: Pages per second of wall time, 0 for no time.
        todo!()
    }
}

/// Counters shared by every worker of a crawl.
#[derive(Debug, Default)]
pub struct MetricsRecorder {
    pages: AtomicU64,
    bytes: AtomicU64,
    errors: AtomicU64,
    retries: AtomicU64,
    requests: AtomicU64,
}

impl MetricsRecorder {
    /// All counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// A page of `bytes` fetched in `attempts` attempts.
    pub fn record_page(&self, bytes: usize, attempts: u32) {
        // TODO: Count a page, its bytes, its request(s) and retries.
        todo!()
    }

    /// A URL given up on after `attempts` attempts.
    pub fn record_error(&self, attempts: u32) {
        // TODO: Count an error, its request(s) and retries.
        todo!()
    }

    /// A request outside pages and errors (`robots.txt`).
    pub fn record_request(&self) {
        // TODO: Count one request.
        todo!()
    }

    /// The totals so far, with the crawl's wall time.
    pub fn finish(&self, wall: Duration) -> Metrics {
        // TODO: The totals so far.
        todo!()
    }
}

/// Everything a crawl did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrawlReport {
    /// Pages fetched, sorted by URL.
    pub pages: Vec<PageRecord>,
    /// URLs given up on, sorted by URL.
    pub errors: Vec<ErrorRecord>,
    /// URLs found but disallowed by `robots.txt`, sorted.
    pub skipped: Vec<Url>,
    /// The totals.
    pub metrics: Metrics,
}

impl CrawlReport {
    /// One line of totals, then one line per error:
    ///
    /// ```text
    /// 35 pages (74512 bytes), 4 errors, 3 retries, 43 requests in 1.21 s: 28.9 pages/s
    /// error: http://127.0.0.1:41005/books/missing.html NotFound after 1 attempt(s)
    /// ```
    pub fn summary(&self) -> String {
        // TODO: A line of totals, then a line per error.
        todo!()
    }
}
