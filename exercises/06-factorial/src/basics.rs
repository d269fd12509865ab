//! Task 1 — factorial basics: machine words overflow, big numbers do not.
//!
//! **What.** Two factorials. [`factorial_u64`] multiplies in a `u64` and
//! says `None` as soon as the answer does not fit (from 21! on), using
//! [`u64::checked_mul`]. [`factorial_iterative`] is the loop every textbook
//! shows, on a [`BigUint`], which never overflows: `acc *= k` for k = 2 … n.
//!
//! **Why.** A plain `u64` multiplication that overflows panics in a debug
//! build and silently wraps in a release build; `checked_mul` makes the
//! overflow a value you must handle. `BigUint` removes the limit, at a cost:
//! every operation allocates and walks a vector of digits, so it is worth
//! knowing when a `u64` is enough.
//!
//! The loop is correct and simple, but slow for large n: each step
//! multiplies a number as long as (k−1)! by one small factor, so its cost
//! grows with k and the total is quadratic in the length of n! (task 2
//! fixes that). Keep it anyway: it is the reference you can trust, and the
//! tests check it against values computed by CPython.
//!
//! **When to choose it.** `u64` (or `u128`) whenever the values provably
//! fit; `BigUint` when they do not. The naive loop is fine up to a few
//! thousand; beyond that use a product tree.
//!
//! **Python.** `math.factorial(n)` returns an `int` of whatever size it
//! needs, computed in C by a divide-and-conquer algorithm (binary splitting
//! over the odd factors plus a shift for the powers of two); a Python loop
//! `for k in range(2, n + 1): acc *= k` is the naive loop, with interpreter
//! overhead on top.

use num_bigint::BigUint;

/// n! as a `u64`, or `None` if it does not fit (n ≥ 21).
///
/// 0! = 1. Returns `None` at the first multiplication that would overflow,
/// so even `n = u64::MAX` answers at once: it never loops n times.
pub fn factorial_u64(n: u64) -> Option<u64> {
    // TODO: start from 1 and multiply by 2, 3, …, n with `checked_mul`,
    // giving up with `None` on the first overflow (`try_fold` or `?`).
    todo!()
}

/// n! as a [`BigUint`], by the naive loop: `acc *= k` for k = 2 … n.
///
/// 0! = 1! = 1. Exact for every n; the time grows with the square of the
/// answer's length (about 1 s for 100 000! in a test build).
pub fn factorial_iterative(n: u64) -> BigUint {
    // TODO: start from `BigUint::from(1_u32)` and multiply by each k in
    // 2..=n (`BigUint` implements `MulAssign<u64>`).
    todo!()
}
