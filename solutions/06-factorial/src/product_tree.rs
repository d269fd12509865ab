//! Task 2 — the product tree (binary splitting).
//!
//! **What.** [`product_range`]: the product of a range of numbers, computed
//! as the product of its two halves, each computed the same way
//! ([`factorial_tree`] is the range `1..=n`):
//!
//! ```text
//!                  1·2·…·8
//!              ┌──────┴──────┐
//!          1·2·3·4        5·6·7·8
//!          ┌──┴──┐        ┌──┴──┐
//!         1·2   3·4      5·6   7·8
//! ```
//!
//! **Why.** The naive loop (task 1) does n multiplications of a *huge*
//! number by a *small* one. Multiplying an m-digit number by a one-digit
//! number costs m steps, and m grows all the time, so the loop costs about
//! n · len(n!) / 2 digit steps in all: quadratic in the length of the
//! answer, since len(n!) grows a little faster than n. The tree does the
//! same number of multiplications, but at every level the operands are
//! about equally long. For equal lengths `num-bigint` uses Karatsuba
//! (three half-size multiplications instead of four) and Toom-3 above
//! that, so multiplying two m-digit numbers costs about m^1.47 instead of
//! m². The top of the tree dominates, and the whole tree costs a small
//! multiple of its last multiplication: about 25× less than the loop at
//! n = 100 000, on one core.
//!
//! [`product_all`] applies the same idea to a list of numbers that are
//! already big (the partial products of tasks 3 and 6): multiply neighbours
//! in pairs, then the pairs' products in pairs, and so on.
//!
//! A refinement you may add: below a few dozen numbers, multiply into a
//! `u64` first (with `checked_mul`) and turn it into a `BigUint` only when
//! it would overflow; small big-number multiplications are mostly overhead.
//! The tests do not require it.
//!
//! **When to choose it.** Whenever you multiply many numbers into one big
//! product (factorials, binomial coefficients, products of primes). The
//! same balanced shape is also what makes the work easy to split over
//! threads (task 3).
//!
//! **Python.** `math.prod(range(lo, hi))` is the naive loop in C;
//! `math.factorial` uses binary splitting internally, which is why it is
//! much faster than either Python loop.

use std::ops::Range;

use num_bigint::BigUint;

/// The product of every number in `range` (half-open, as always in Rust),
/// by binary splitting: split the range at its middle, compute both halves
/// recursively, multiply them.
///
/// An empty range (`start >= end`) gives 1, the empty product; a range that
/// contains 0 gives 0. Numbers up to `u64::MAX - 1` work: the product of two
/// `u64`s needs 128 bits, so never multiply them as `u64`s unchecked.
pub fn product_range(range: Range<u64>) -> BigUint {
    // TODO: base cases first: an empty range is 1 and a one-number range
    // is that number. Otherwise split at `start + len / 2` (this cannot
    // overflow, unlike `(start + end) / 2`), recurse on both halves and
    // multiply the two `BigUint`s.
    let Range { start, end } = range;
    match end.saturating_sub(start) {
        0 => BigUint::from(1_u32),
        1 => BigUint::from(start),
        // Beyond the task: up to 64 numbers are multiplied in a machine
        // word for as long as the product fits, and only then as `BigUint`s.
        // Same answer, a third fewer small allocations, as the perf check's
        // sequential baseline does.
        len if len <= 64 => {
            let mut product = BigUint::from(1_u32);
            let mut word = 1_u64;
            for k in start..end {
                match word.checked_mul(k) {
                    Some(wider) => word = wider,
                    None => {
                        product *= word;
                        word = k;
                    }
                }
            }
            product * word
        }
        len => {
            let mid = start + len / 2;
            product_range(start..mid) * product_range(mid..end)
        }
    }
}

/// The product of all `values`, multiplied as a balanced tree: neighbours
/// in pairs, then those products in pairs, and so on until one is left.
/// No values give 1.
///
/// Use it to combine partial products (tasks 3 and 6): multiplying them
/// left to right would make each step one long number times a shorter one,
/// the slow shape of the naive loop again.
pub fn product_all(values: Vec<BigUint>) -> BigUint {
    // TODO: while more than one value is left, replace the list by the
    // products of its neighbours (a last value without a partner moves up
    // as it is). Then the one value left is the answer, or 1 if none.
    let mut values = values;
    while values.len() > 1 {
        let mut next = Vec::with_capacity(values.len().div_ceil(2));
        let mut pairs = values.into_iter();
        while let Some(a) = pairs.next() {
            next.push(match pairs.next() {
                Some(b) => a * b,
                None => a,
            });
        }
        values = next;
    }
    values.pop().unwrap_or_else(|| BigUint::from(1_u32))
}

/// n! by [`product_range`] over `1..=n`. 0! = 1.
///
/// Exact for every n it can finish; about 25 ms for 100 000! and 0.3 s for
/// 500 000! in a test build. `n = u64::MAX` is computed as (u64::MAX − 1)!,
/// which no machine finishes anyway (see task 5 for limits).
pub fn factorial_tree(n: u64) -> BigUint {
    // TODO: the product of 1 up to and including n.
    product_range(1..n.saturating_add(1))
}
