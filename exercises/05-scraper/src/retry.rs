//! Task 4 — Retries: exponential backoff with jitter, and knowing when not
//! to retry.
//!
//! **What.**
//!
//! - [`is_retryable`]: a failure that may go away by itself is worth
//!   another attempt: a time-out, a refused connection, `429 Too Many
//!   Requests` and every `5xx` (the server is overloaded or restarting).
//!   Every other `4xx` (`404 Not Found`, `403 Forbidden`, …) and
//!   [`FetchError::Other`] will give the same answer however often you
//!   ask: never retry them.
//! - [`RetryPolicy::backoff`]: the wait before retry number `retry` (1 for
//!   the first retry). Exponential: `d = min(max_delay, base_delay ·
//!   2^(retry - 1))`, so 100 ms, 200 ms, 400 ms, … up to the cap. With
//!   jitter ("equal jitter"): half of `d` fixed and half random, `d/2 +
//!   unit · d/2` for a random `unit` in `[0, 1)`. Must not overflow or
//!   panic for any `retry`.
//! - [`fetch_with_retry`]: up to `max_attempts` attempts at one URL. Each
//!   attempt first takes a permit from the limiter, if there is one (a
//!   retry is a request like any other). After a retryable failure that
//!   is not the last attempt, wait — the server's `Retry-After` if it sent
//!   one, else `backoff(retry, jitter_unit())` — and try again. The result
//!   says how many attempts it took, success or not.
//!
//! **Why.** A server that answers 503 is usually overloaded. If every
//! client retries at once, it stays overloaded; if they all wait the same
//! fixed time, they come back at once, again (a "thundering herd").
//! Doubling the wait backs off quickly; the random half spreads clients
//! (and the threads of one crawler) apart in time. `Retry-After` is the
//! server saying exactly how long it wants: a polite client honours it.
//! And retrying a 404 only makes the server's log longer.
//!
//! **When to choose it.** Around any call across a network that may fail
//! for a moment. Always with a cap on attempts, so a dead server costs a
//! bounded time, and only for operations that are safe to repeat (a GET
//! is; a payment is not, without an idempotency key).
//!
//! **Python.** The notebook's loop: `for attempt in range(max_retries):
//! try: return requests.get(url) except: time.sleep(2 ** attempt)`; the
//! `tenacity` and `urllib3.Retry` libraries add jitter and `Retry-After`.

use std::cell::Cell;
use std::time::Duration;

use reqwest::Url;
use reqwest::blocking::Client;

use crate::fetch::{FetchError, Page, fetch_page};
use crate::rate_limit::RateLimiter;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 means no retry).
    pub max_attempts: u32,
    /// The backoff before the first retry, before jitter.
    pub base_delay: Duration,
    /// The longest backoff, before jitter.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, backing off from 100 ms up to 2 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based) for a random `unit`
    /// in `[0, 1)`: `d/2 + unit · d/2` with `d = min(max_delay, base_delay
    /// · 2^(retry - 1))`.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        // TODO: d = min(max_delay, base_delay * 2^(retry - 1)); d/2 + unit * d/2.
        todo!()
    }
}

/// Whether a failure is worth another attempt: time-outs, connection
/// failures, 429 and 5xx.
pub fn is_retryable(error: &FetchError) -> bool {
    // TODO: Timeouts, connection failures, 429 and 5xx.
    todo!()
}

/// A page and the attempts it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The page.
    pub page: Page,
    /// Attempts made, the successful one included.
    pub attempts: u32,
}

/// The last error and the attempts made before giving up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// The error of the last attempt.
    pub error: FetchError,
    /// Attempts made.
    pub attempts: u32,
}

/// Fetches `url`, retrying per `policy`; each attempt takes a permit from
/// `limiter` first, when there is one.
pub fn fetch_with_retry(
    client: &Client,
    url: &Url,
    policy: &RetryPolicy,
    limiter: Option<&RateLimiter>,
) -> Result<Fetched, Failed> {
    // TODO: A permit, an attempt, and a wait (Retry-After or backoff) before the next.
    todo!()
}

/// A random number in `[0, 1)` for jitter, from a small generator per
/// thread (SplitMix64, seeded by std's random hash keys). (Given.)
pub fn jitter_unit() -> f64 {
    thread_local! {
        static STATE: Cell<u64> = Cell::new(seed());
    }
    STATE.with(|state| {
        let next = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        state.set(next);
        let mut z = next;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    })
}

fn seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::thread::current().id())
}
