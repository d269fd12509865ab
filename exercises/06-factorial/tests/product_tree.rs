//! Task 2: `product_tree::{product_range, product_all, factorial_tree}`.

mod common;

use std::time::Duration;

use common::{LIVENESS, slow_product, within};
use factorial::product_tree::{factorial_tree, product_all, product_range};
use fixtures::factorials::{exact_values, known};
use num_bigint::BigUint;

#[test]
fn products_of_small_ranges_are_exact() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(product_range(5..8), BigUint::from(210_u32), "5 · 6 · 7");
    assert_eq!(product_range(1..2), BigUint::from(1_u32));
    assert_eq!(product_range(9..10), BigUint::from(9_u32));
    assert_eq!(product_range(2..4), BigUint::from(6_u32));
    // Every split point of every short range: odd and even lengths, both
    // halves, nothing lost or counted twice at the seam.
    for start in 1..40 {
        for end in start..start + 40 {
            assert_eq!(
                product_range(start..end),
                slow_product(start..end),
                "product of {start}..{end}"
            );
        }
    }
}

#[test]
fn an_empty_range_is_the_empty_product_one() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(product_range(7..7), BigUint::from(1_u32));
    #[expect(clippy::reversed_empty_ranges, reason = "an empty range on purpose")]
    let backwards = product_range(10..5);
    assert_eq!(backwards, BigUint::from(1_u32));
}

#[test]
fn a_range_with_zero_is_zero() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(product_range(0..5), BigUint::ZERO);
}

#[test]
fn numbers_near_u64_max_multiply_exactly() {
    let _proof = fixtures::proof::test_body();
    // Two numbers just below 2^64: their product needs 128 bits.
    let top = u64::MAX;
    let expected = BigUint::from(top - 2) * BigUint::from(top - 1);
    assert_eq!(product_range(top - 2..top), expected);
    let four = product_range(top - 4..top);
    assert_eq!(four, slow_product(top - 4..top));
}

#[test]
fn product_all_multiplies_every_value() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(
        product_all(Vec::new()),
        BigUint::from(1_u32),
        "empty product"
    );
    assert_eq!(
        product_all(vec![BigUint::from(7_u32)]),
        BigUint::from(7_u32)
    );
    let values: Vec<BigUint> = (1..=13_u32).map(|k| BigUint::from(k) << (k * 10)).collect();
    let expected = values.iter().fold(BigUint::from(1_u32), |acc, v| acc * v);
    for count in 0..values.len() {
        let some = values[..count].to_vec();
        let want = values[..count]
            .iter()
            .fold(BigUint::from(1_u32), |acc, v| acc * v);
        assert_eq!(product_all(some), want, "{count} values");
    }
    assert_eq!(product_all(values), expected);
}

#[test]
fn tree_factorials_match_the_known_values() {
    let _proof = fixtures::proof::test_body();
    for (n, value) in exact_values() {
        assert_eq!(factorial_tree(n).to_string(), value, "{n}!");
    }
    for n in [1_000, 10_000, 100_000] {
        let value = within(LIVENESS, "factorial_tree", move || factorial_tree(n));
        let known = known(n).expect("fingerprinted");
        assert_eq!(known.check(&value), Ok(()));
    }
}

#[test]
fn five_hundred_thousand_factorial_is_within_reach() {
    let _proof = fixtures::proof::test_body();
    // A product tree computes 500 000! in about 0.3 s here. The naive loop
    // needs about 25 times as long as for 100 000!: some 20 s. This bound is
    // generous for the tree (20× its time) and out of reach for the loop.
    let value = within(
        Duration::from_secs(8),
        "factorial_tree(500_000) (is it still the one-factor-at-a-time loop?)",
        || factorial_tree(500_000),
    );
    let known = known(500_000).expect("500000! is fingerprinted");
    assert_eq!(known.check(&value), Ok(()));
}
