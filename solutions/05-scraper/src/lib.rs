//! # 05 — A polite multi-threaded crawler
//!
//! Fetching a web page is almost all waiting: the request crosses the
//! network, the server thinks, the answer comes back. One thread fetching
//! 100 pages at 100 ms each waits ten seconds; ten threads wait one. That is
//! the whole performance story of a scraper, and threads tell it well: the
//! work is I/O-bound, so even on one core the waits overlap.
//!
//! The rest of the story is manners and failure. A crawler that is fast is
//! also a crawler that can flatten a small web site, so this one asks
//! `robots.txt` what it may fetch, never sends more than R requests a
//! second however many threads it has, backs off when the server says it
//! is overloaded, and gives up cleanly. Servers fail (503), refuse (429),
//! stall and lose pages (404); every such failure ends up as a line in a
//! report, never as a panic or a page silently missing.
//!
//! Everything runs against a real HTTP server: the tests start the course's
//! web site from `fixtures` (38 pages, a `robots.txt`, broken links) on a
//! free port of 127.0.0.1, with the latency, faults and rate limit each test
//! needs, and then read the server's log of every request your code made.
//! The HTTP client is `reqwest::blocking`, the synchronous API: each call
//! blocks its thread until the answer is in, exactly like Python's
//! `requests.get`.
//!
//! ## Python and Rust
//!
//! | Python (notebook 248) | Rust, here |
//! |---|---|
//! | `requests.get(url, timeout=5)` | [`fetch::fetch_page`] on a [`reqwest::blocking::Client`] made by [`fetch::client`] |
//! | `ThreadPoolExecutor(10).map(fetch, urls)` | [`fetch::fetch_all`]: a fixed number of scoped threads, results in input order |
//! | `queue.Queue` of URLs, worker threads, a `visited` set | [`crawler::crawl`]: a crossbeam channel as the frontier, a `Mutex<HashSet>` |
//! | `urllib.robotparser` | [`robots::Robots`] |
//! | `time.sleep(1 / rate)` in each thread | [`rate_limit::RateLimiter`]: one token bucket shared by every thread |
//! | a `for attempt in range(3)` loop with `sleep(2 ** attempt)` | [`retry::fetch_with_retry`], [`retry::RetryPolicy::backoff`] with jitter |
//! | exceptions caught per URL, appended to a list | [`report::ErrorRecord`]s in a [`report::CrawlReport`] |
//! | `time.time()` before and after, pages / seconds | [`report::MetricsRecorder`], [`report::Metrics`] |
//!
//! Two differences run through the exercise. Errors are values: a failed
//! fetch is a [`fetch::FetchError`], so the type system makes you decide
//! what happens to it. And a thread that finishes its part can only hand
//! results back through something shared (a channel, a `Mutex`, an atomic):
//! no list is appended to "from anywhere".
//!
//! ## Best practices (the notebook's ethics section)
//!
//! - Identify yourself: every request carries [`fetch::USER_AGENT`].
//! - Read `robots.txt` first and obey it; if it cannot be read because the
//!   server fails, fetch nothing.
//! - Limit the rate globally (not per thread) and keep the worker count
//!   modest: ten workers to one small site is already a lot.
//! - Back off on 429 and 5xx, honour `Retry-After`, and stop after a few
//!   attempts. Never retry a 404: it will not appear by asking again.
//! - Fetch each page once, and stay on the site you were asked to crawl.
//!
//! ## Tasks
//!
//! 1. [`fetch`]: one page, its errors as values, then many pages on W threads.
//! 2. [`robots`]: parse `robots.txt` and decide what may be fetched.
//! 3. [`rate_limit`]: a token bucket that all threads share.
//! 4. [`retry`]: exponential backoff with jitter, what to retry and what not.
//! 5. [`crawler`]: the queue-based crawler that puts 1-4 together and stops
//!    by itself when there is nothing left to fetch.
//! 6. [`report`]: metrics counted from many threads, and the crawl report.
//!
//! [`links`] is given: it finds the links of a page. Read it, but the
//! exercise is elsewhere.

pub mod crawler;
pub mod fetch;
pub mod links;
pub mod rate_limit;
pub mod report;
pub mod retry;
pub mod robots;

/// URLs, as reqwest parses them (the `url` crate's type).
pub use reqwest::Url;
