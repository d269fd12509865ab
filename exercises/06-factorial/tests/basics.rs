//! Task 1: `basics::{factorial_u64, factorial_iterative}`.
//!
//! Known values come from `fixtures::factorials`, computed by CPython.

mod common;

use common::{LIVENESS, within};
use factorial::basics::{factorial_iterative, factorial_u64};
use fixtures::factorials::{exact, exact_values, known};

/// Computes `n!` with `factorial_iterative`, bounded by [`LIVENESS`], and
/// checks it against the fixtures' fingerprint of `n!`: the big values are
/// checked this way, as they are too long to store digit by digit.
fn assert_iterative_matches_fingerprint(n: u64) {
    let value = within(LIVENESS, &format!("factorial_iterative({n})"), move || {
        factorial_iterative(n)
    });
    let known = known(n).unwrap_or_else(|| panic!("{n}! is fingerprinted"));
    assert_eq!(known.check(&value), Ok(()), "{n}!");
}

#[test]
fn u64_factorials_are_exact_up_to_20() {
    let _proof = fixtures::proof::test_body();
    for n in 0..=20 {
        let expected: u64 = exact(n).expect("0! to 20! are known").parse().unwrap();
        assert_eq!(factorial_u64(n), Some(expected), "{n}!");
    }
}

#[test]
fn u64_factorial_overflow_is_none_not_a_panic_or_a_wrapped_value() {
    let _proof = fixtures::proof::test_body();
    // 21! = 51 090 942 171 709 440 000 > u64::MAX: `*` would panic in a test
    // build and wrap (to 14 197 454 024 290 336 768) in a release build.
    assert_eq!(factorial_u64(21), None, "21! does not fit in a u64");
    assert_eq!(factorial_u64(25), None);
    // Gives up at the first overflow instead of looping 2^64 times.
    let huge = within(LIVENESS, "factorial_u64(u64::MAX)", || {
        factorial_u64(u64::MAX)
    });
    assert_eq!(huge, None);
}

#[test]
fn big_factorials_match_the_known_exact_values() {
    let _proof = fixtures::proof::test_body();
    for (n, value) in exact_values() {
        assert_eq!(factorial_iterative(n).to_string(), value, "{n}!");
    }
}

#[test]
fn zero_and_one_factorial_are_one() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(factorial_iterative(0).to_string(), "1");
    assert_eq!(factorial_iterative(1).to_string(), "1");
}

#[test]
fn ten_thousand_factorial_has_35660_digits() {
    let _proof = fixtures::proof::test_body();
    let known = known(10_000).expect("10000! is fingerprinted");
    assert_eq!(known.decimal_digits, 35_660);
    assert_iterative_matches_fingerprint(10_000);
}

#[test]
fn twenty_thousand_factorial_matches_its_fingerprint() {
    let _proof = fixtures::proof::test_body();
    // About 70 ms with the naive loop: slow-ish, not yet painful.
    assert_iterative_matches_fingerprint(20_000);
}
