//! Task 5: `errors::{parse_n, checked_factorial, factorial_batch_checked}`.

mod common;

use std::time::Duration;

use common::{LIVENESS, within};
use factorial::errors::{
    DEFAULT_LIMIT, FactorialError, checked_factorial, factorial_batch_checked, parse_n,
};
use fixtures::factorials::exact;
use num_bigint::BigUint;

fn not_a_number(input: &str) -> FactorialError {
    FactorialError::NotANumber {
        input: input.to_owned(),
    }
}

fn too_large(input: &str, limit: u64) -> FactorialError {
    FactorialError::TooLarge {
        input: input.to_owned(),
        limit,
    }
}

#[test]
fn whole_numbers_parse() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(parse_n("0", 10), Ok(0));
    assert_eq!(parse_n("7", 10), Ok(7));
    assert_eq!(parse_n("  10\n", 10), Ok(10), "spaces around are fine");
    assert_eq!(parse_n("+3", 10), Ok(3), "a leading + is fine");
    assert_eq!(parse_n("007", 10), Ok(7));
}

#[test]
fn things_that_are_not_whole_numbers_are_not_a_number() {
    let _proof = fixtures::proof::test_body();
    for input in [
        "", "   ", "abc", "3.5", "3.0", "1e5", "12a", "- 3", "--3", "-", "+", "0x10",
    ] {
        assert_eq!(
            parse_n(input, DEFAULT_LIMIT),
            Err(not_a_number(input)),
            "{input:?}"
        );
    }
}

#[test]
fn negative_numbers_are_negative() {
    let _proof = fixtures::proof::test_body();
    for input in ["-1", "-3", " -42 ", "-99999999999999999999999"] {
        assert_eq!(
            parse_n(input, DEFAULT_LIMIT),
            Err(FactorialError::Negative {
                input: input.to_owned()
            }),
            "{input:?}"
        );
    }
}

#[test]
fn numbers_over_the_limit_are_too_large() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(parse_n("10", 10), Ok(10), "the limit itself is allowed");
    assert_eq!(parse_n("11", 10), Err(too_large("11", 10)));
    assert_eq!(
        parse_n("18446744073709551615", DEFAULT_LIMIT),
        Err(too_large("18446744073709551615", DEFAULT_LIMIT)),
        "u64::MAX"
    );
    // Too big for a u64 is still a (too large) number, not "not a number".
    for input in ["18446744073709551616", "99999999999999999999999999999"] {
        assert_eq!(
            parse_n(input, u64::MAX),
            Err(too_large(input, u64::MAX)),
            "{input}"
        );
    }
}

#[test]
fn errors_say_what_was_wrong() {
    let _proof = fixtures::proof::test_body();
    let not_a_number = parse_n("3.5", 10).expect_err("3.5 is not a whole number");
    let too_large = parse_n("11", 10).expect_err("11 is over the limit");
    for (err, words) in [(not_a_number, ["3.5", "3.5"]), (too_large, ["11", "10"])] {
        let message = err.to_string();
        assert!(words.iter().all(|w| message.contains(w)), "{message}");
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert_eq!(boxed.to_string(), message);
    }
}

#[test]
fn a_huge_n_is_refused_at_once_not_computed() {
    let _proof = fixtures::proof::test_body();
    // u64::MAX! would need more memory than exists: it must be refused
    // before any work starts, not after the machine runs out of memory.
    let result = within(
        Duration::from_secs(2),
        "checked_factorial(u64::MAX)",
        || checked_factorial(u64::MAX, DEFAULT_LIMIT),
    );
    assert_eq!(result, Err(too_large(&u64::MAX.to_string(), DEFAULT_LIMIT)));
    let just_over = within(Duration::from_secs(2), "checked_factorial", || {
        checked_factorial(1_000_000_000_000, 5_000)
    });
    assert_eq!(just_over, Err(too_large("1000000000000", 5_000)));
}

#[test]
fn checked_factorials_within_the_limit_are_exact() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "checked_factorial", || {
        [
            checked_factorial(0, 0),
            checked_factorial(25, 25),
            checked_factorial(100, DEFAULT_LIMIT),
        ]
    });
    assert_eq!(got[0], Ok(BigUint::from(1_u32)));
    assert_eq!(
        got[1].as_ref().map(ToString::to_string),
        Ok(exact(25).unwrap().to_owned())
    );
    assert_eq!(
        got[2].as_ref().map(ToString::to_string),
        Ok(exact(100).unwrap().to_owned())
    );
}

#[test]
fn a_batch_answers_every_input_in_order() {
    let _proof = fixtures::proof::test_body();
    let inputs = [
        "5",
        "abc",
        "-2",
        "20",
        "",
        "1001",
        " 0 ",
        "99999999999999999999",
        "100",
    ];
    let got = within(LIVENESS, "factorial_batch_checked", move || {
        factorial_batch_checked(&inputs, 1_000, 3)
    });
    let text = |i: usize| got[i].as_ref().map(ToString::to_string);
    assert_eq!(got.len(), inputs.len());
    assert_eq!(text(0), Ok("120".to_owned()));
    assert_eq!(got[1], Err(not_a_number("abc")));
    assert_eq!(
        got[2],
        Err(FactorialError::Negative {
            input: "-2".to_owned()
        })
    );
    assert_eq!(text(3), Ok(exact(20).unwrap().to_owned()));
    assert_eq!(got[4], Err(not_a_number("")));
    assert_eq!(got[5], Err(too_large("1001", 1_000)));
    assert_eq!(text(6), Ok("1".to_owned()));
    assert_eq!(got[7], Err(too_large("99999999999999999999", 1_000)));
    assert_eq!(text(8), Ok(exact(100).unwrap().to_owned()));
}

#[test]
fn a_batch_of_only_bad_inputs_computes_nothing_and_returns_quickly() {
    let _proof = fixtures::proof::test_body();
    let inputs = ["18446744073709551615"; 8];
    let got = within(
        Duration::from_secs(2),
        "factorial_batch_checked",
        move || factorial_batch_checked(&inputs, DEFAULT_LIMIT, 2),
    );
    assert!(
        got.iter()
            .all(|r| *r == Err(too_large("18446744073709551615", DEFAULT_LIMIT)))
    );
}
