//! Task 5 — bad input is an error value: never a panic, never an endless job.
//!
//! **What.** [`parse_n`] turns text into an n, or says why it cannot:
//! [`FactorialError::NotANumber`], [`FactorialError::Negative`], or
//! [`FactorialError::TooLarge`] (above a configured limit, or too big even
//! for a `u64`). [`checked_factorial`] refuses an n over the limit *before*
//! computing anything. [`factorial_batch_checked`] does a whole batch of
//! text inputs: each answer is `Ok(n!)` or the error for that input, in
//! input order, and one bad input never spoils the others.
//!
//! **Why.** In a batch, a panic on one bad line loses every other answer,
//! and on a worker thread it surfaces far from its cause. Worse than a
//! panic is a computation that cannot end: n = 10¹² is a perfectly valid
//! `u64`, and its factorial has about 1.2 · 10¹³ digits, some 4.8 TB.
//! Nothing reports an error; the program allocates until the machine gives
//! up. A limit checked first turns that into an instant, explainable `Err`.
//! The limit belongs to the caller (how long may a job take here? how much
//! memory is there?), so it is a parameter; [`DEFAULT_LIMIT`] is one
//! sensible choice (1 000 000! has 5.6 million digits: about 1 s here).
//!
//! Errors are an enum, one variant per cause, each carrying the offending
//! input, so the caller can react per cause and the message can say what
//! was wrong. `Display` and `std::error::Error` are written for you.
//!
//! **When to choose it.** Always at the boundary where text comes in; past
//! it, the types (`u64`, a checked limit) carry the guarantee.
//!
//! **Python.** `math.factorial(-1)` raises `ValueError`, `math.factorial(3.5)`
//! raises `TypeError`, and `math.factorial(10**20)` raises `OverflowError`,
//! but `math.factorial(10**12)` simply starts and never finishes. With a
//! `ProcessPoolExecutor` an exception in a worker is pickled back and
//! re-raised by `future.result()`; here an error is an ordinary value in the
//! result list.

use std::fmt;

use num_bigint::BigUint;

/// A limit that keeps one factorial to about a second here.
pub const DEFAULT_LIMIT: u64 = 1_000_000;

/// Why an input has no factorial here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactorialError {
    /// Not a whole number: empty, letters, a fraction, an exponent, …
    NotANumber {
        /// The input as given.
        input: String,
    },
    /// A whole number below zero: n! is defined for n ≥ 0 only.
    Negative {
        /// The input as given.
        input: String,
    },
    /// A whole number above `limit` (including any too big for a `u64`).
    TooLarge {
        /// The input as given (for [`checked_factorial`]: n in decimal).
        input: String,
        /// The limit it exceeds.
        limit: u64,
    },
}

impl fmt::Display for FactorialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotANumber { input } => write!(f, "{input:?} is not a whole number"),
            Self::Negative { input } => {
                write!(f, "{input:?} is negative: n! is defined for n >= 0 only")
            }
            Self::TooLarge { input, limit } => {
                write!(f, "{input:?} is larger than the limit of {limit}")
            }
        }
    }
}

impl std::error::Error for FactorialError {}

/// Reads n from `input`, allowing spaces around it and a leading `+`.
///
/// - `Ok(n)` for a whole number `0 ≤ n ≤ limit`;
/// - [`FactorialError::Negative`] for a whole number below zero (`"-3"`);
/// - [`FactorialError::TooLarge`] for a whole number above `limit`, even
///   one too large for a `u64` (`"99999999999999999999999"`);
/// - [`FactorialError::NotANumber`] for anything else (`""`, `"abc"`,
///   `"3.5"`, `"1e5"`, `"12a"`).
///
/// Every error carries `input` exactly as given (untrimmed).
pub fn parse_n(input: &str, limit: u64) -> Result<u64, FactorialError> {
    // TODO: trim, then `parse::<u64>()`. On success compare with `limit`.
    // On failure look at `err.kind()` (`std::num::IntErrorKind`):
    // `PosOverflow` means a number too large; otherwise, a text that is `-`
    // followed by digits is negative; anything else is not a number.
    todo!()
}

/// n! by [`factorial_tree`] if `n <= limit`; otherwise
/// [`FactorialError::TooLarge`] (with n in decimal as its input) at once,
/// without computing or allocating anything big.
///
/// [`factorial_tree`]: crate::product_tree::factorial_tree
pub fn checked_factorial(n: u64, limit: u64) -> Result<BigUint, FactorialError> {
    // TODO: check first, compute second.
    todo!()
}

/// For every input, its factorial or why it has none, in input order:
/// `result[i]` is `parse_n(inputs[i], limit)` followed by `n!`.
///
/// The valid inputs are computed on `threads` threads with
/// [`map_in_order`]; an invalid input costs nothing and does not stop the
/// others.
///
/// [`map_in_order`]: crate::batch::map_in_order
pub fn factorial_batch_checked(
    inputs: &[&str],
    limit: u64,
    threads: usize,
) -> Vec<Result<BigUint, FactorialError>> {
    // TODO: `map_in_order` over the inputs with a closure that parses and
    // then computes (`?` or `and_then` chains the two).
    todo!()
}
