//! Task 3: `parallel::{product_split_with, factorial_threads,
//! product_join_with, mul_split_with, mul_parallel, balanced_split,
//! factorial_parallel}`.

mod common;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Barrier, Mutex};
use std::thread;

use common::{LIVENESS, Meeting, Noted, slow_product, within};
use factorial::parallel::{
    MUL_SPLIT_MIN_BITS, balanced_split, factorial_parallel, factorial_threads, mul_parallel,
    mul_split_with, product_join_with, product_split_with,
};
use fixtures::factorials::{exact_values, known};
use fixtures::perf::peak_during;
use num_bigint::BigUint;

/// Checks that `pieces` cover `range` exactly, without overlap or empty
/// pieces, and returns their lengths in range order.
fn assert_covers(mut pieces: Vec<Range<u64>>, range: Range<u64>) -> Vec<u64> {
    pieces.sort_by_key(|p| p.start);
    let mut at = range.start;
    for piece in &pieces {
        assert!(!piece.is_empty(), "an empty piece {piece:?} in {pieces:?}");
        assert_eq!(piece.start, at, "gap or overlap at {at} in {pieces:?}");
        at = piece.end;
    }
    assert_eq!(
        at, range.end,
        "the pieces {pieces:?} do not reach the end of {range:?}"
    );
    pieces.iter().map(|p| p.end - p.start).collect()
}

#[test]
fn thread_factorials_match_the_known_values() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "factorial_threads", || {
        let mut results = Vec::new();
        for threads in [1, 2, 3, 8] {
            for (n, _) in exact_values() {
                results.push((n, threads, factorial_threads(n, threads)));
            }
        }
        let big = factorial_threads(20_000, 3);
        (results, big)
    });
    let (results, big) = results;
    for (n, threads, got) in results {
        let expected = fixtures::factorials::exact(n).expect("known");
        assert_eq!(got.to_string(), expected, "{n}! on {threads} threads");
    }
    assert_eq!(known(20_000).expect("known").check(&big), Ok(()));
}

#[test]
fn the_split_covers_the_range_in_equal_parts() {
    let _proof = fixtures::proof::test_body();
    for (range, threads, parts) in [
        (1..101, 4, 4),
        (10..13, 8, 3),
        (5..6, 3, 1),
        (1..1_000, 7, 7),
    ] {
        let leaves = Noted::new();
        let product = within(LIVENESS, "product_split_with", {
            let range = range.clone();
            move || {
                let product = product_split_with(range, threads, |part| {
                    leaves.note(part.clone());
                    slow_product(part)
                });
                (product, leaves.into_vec())
            }
        });
        let (product, pieces) = product;
        assert_eq!(product, slow_product(range.clone()), "product of {range:?}");
        assert_eq!(
            pieces.len(),
            parts,
            "parts of {range:?} on {threads} threads"
        );
        let lengths = assert_covers(pieces, range.clone());
        let (min, max) = (lengths.iter().min(), lengths.iter().max());
        assert!(
            max.zip(min).is_some_and(|(max, min)| max - min <= 1),
            "part lengths {lengths:?} of {range:?} differ by more than one"
        );
    }
}

#[test]
fn empty_ranges_and_zero_threads() {
    let _proof = fixtures::proof::test_body();
    let (empty, zero_threads) = within(LIVENESS, "product_split_with", || {
        let empty = product_split_with(4..4, 3, |part| -> BigUint {
            panic!("leaf called with {part:?} for an empty range")
        });
        (empty, factorial_threads(10, 0))
    });
    assert_eq!(empty, BigUint::from(1_u32));
    assert_eq!(
        zero_threads,
        BigUint::from(3_628_800_u32),
        "threads == 0 counts as 1"
    );
}

/// Runs `product_split_with` over `1..=1000` on `threads` threads with a
/// leaf that waits at a barrier for all of them, so they must run at once.
fn split_threads_meet(threads: usize) -> usize {
    within(LIVENESS, "product_split_with with a Barrier", move || {
        let barrier = Barrier::new(threads);
        let seen = Mutex::new(HashSet::new());
        let product = product_split_with(1..1_001, threads, |part| {
            seen.lock()
                .expect("no panic while locked")
                .insert(thread::current().id());
            barrier.wait();
            slow_product(part)
        });
        assert_eq!(product, slow_product(1..1_001));
        seen.into_inner().expect("no panic while locked").len()
    })
}

#[test]
fn split_parts_really_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(split_threads_meet(2), 2);
    assert_eq!(split_threads_meet(4), 4);
}

#[test]
fn join_pieces_stop_at_the_grain_and_cover_the_range() {
    let _proof = fixtures::proof::test_body();
    for (range, grain) in [(1..1_001, 100), (1..1_001, 1_000), (3..50, 7), (1..10, 0)] {
        let leaves = Noted::new();
        let product = within(LIVENESS, "product_join_with", {
            let range = range.clone();
            move || {
                let product = product_join_with(range, grain, &|piece: Range<u64>| {
                    leaves.note(piece.clone());
                    slow_product(piece)
                });
                (product, leaves.into_vec())
            }
        });
        let (product, pieces) = product;
        assert_eq!(product, slow_product(range.clone()), "product of {range:?}");
        let lengths = assert_covers(pieces, range.clone());
        let grain = grain.max(1);
        assert!(
            lengths.iter().all(|&len| len <= grain),
            "pieces {lengths:?} longer than the grain {grain}"
        );
        // Halving stops as soon as a piece fits: no piece is needlessly small.
        let len = range.end - range.start;
        if len <= grain {
            assert_eq!(lengths, [len], "a range within the grain is not split");
        } else {
            assert!(
                lengths.iter().all(|&l| l * 2 + 1 > grain),
                "pieces {lengths:?} were split below half the grain {grain}"
            );
        }
    }
}

#[test]
fn a_range_within_the_grain_is_one_leaf_call() {
    let _proof = fixtures::proof::test_body();
    let calls = within(LIVENESS, "product_join_with", || {
        let calls = Noted::new();
        let product = product_join_with(5..5, 4, &|piece: Range<u64>| {
            calls.note(piece.clone());
            slow_product(piece)
        });
        assert_eq!(product, BigUint::from(1_u32));
        calls.into_vec()
    });
    assert_eq!(
        calls.len(),
        1,
        "an empty range is one (empty) piece: {calls:?}"
    );
    assert_eq!(calls[0], 5..5);
}

/// Runs `product_join_with` in a rayon pool of `threads` threads with a leaf
/// that makes the first visit of each of `threads` distinct threads wait at
/// a barrier (a [`Meeting`]): only a tree whose halves really run in
/// parallel gets past it. Returns how many distinct threads ran leaves.
fn join_threads_meet(threads: usize) -> usize {
    within(LIVENESS, "product_join_with with a Barrier", move || {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a rayon pool");
        let meeting = Meeting::new(threads);
        let product = pool.install(|| {
            product_join_with(1..4_001, 250, &|piece: Range<u64>| {
                meeting.arrive();
                slow_product(piece)
            })
        });
        assert_eq!(product, slow_product(1..4_001));
        meeting.threads_seen()
    })
}

#[test]
fn join_halves_really_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(join_threads_meet(2), 2);
    assert_eq!(join_threads_meet(3), 3);
}

/// A number of exactly `bits` bits (top bit set), its other bits from a
/// seeded generator: every size of operand, reproducibly.
fn number_of_bits(bits: u64, seed: u64) -> BigUint {
    if bits == 0 {
        return BigUint::ZERO;
    }
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let digits: Vec<u32> = (0..bits.div_ceil(32))
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 16) as u32
        })
        .collect();
    let mut number = BigUint::new(digits) >> (bits.div_ceil(32) * 32 - bits);
    number.set_bit(bits - 1, true);
    number
}

#[test]
fn split_products_are_exact_for_every_shape() {
    let _proof = fixtures::proof::test_body();
    let big = MUL_SPLIT_MIN_BITS;
    // Equal, unequal, just below and above the split, a power of two (a
    // low half of zeros), and zero.
    let shapes = [
        (big, big),
        (big - 1, 10 * big),
        (big + 1, big + 64),
        (3 * big + 17, 3 * big + 17),
        (40 * big, 7 * big),
        (5 * big, 0),
    ];
    let results = within(LIVENESS, "mul_split_with and mul_parallel", move || {
        let mut results = Vec::new();
        for (i, &(a_bits, b_bits)) in shapes.iter().enumerate() {
            let seed = u64::try_from(i).expect("few shapes");
            let a = number_of_bits(a_bits, seed);
            let b = number_of_bits(b_bits, seed + 100);
            for depth in 0..=3 {
                let split = mul_split_with(&a, &b, depth, &|x: &BigUint, y: &BigUint| x * y);
                let parallel = mul_parallel(&b, &a, depth);
                results.push((a_bits, b_bits, depth, &a * &b, split, parallel));
            }
        }
        let power = BigUint::from(1_u32) << (8 * big);
        let odd = number_of_bits(8 * big, 7);
        results.push((
            8 * big,
            8 * big,
            2,
            &power * &odd,
            mul_parallel(&power, &odd, 2),
            mul_parallel(&odd, &power, 2),
        ));
        results
    });
    for (a_bits, b_bits, depth, expected, split, parallel) in results {
        assert!(
            split == expected && parallel == expected,
            "a product of a {a_bits}-bit and a {b_bits}-bit number, depth {depth}, is wrong"
        );
    }
}

/// The operand sizes `mul` saw, one call per product, for a multiplication
/// long enough to split at every level.
fn split_calls(depth: u32) -> Vec<(u64, u64)> {
    let a = number_of_bits(64 * MUL_SPLIT_MIN_BITS, 1);
    let b = number_of_bits(64 * MUL_SPLIT_MIN_BITS - 100, 2);
    let calls = Noted::new();
    let product = mul_split_with(&a, &b, depth, &|x: &BigUint, y: &BigUint| {
        calls.note((x.bits(), y.bits()));
        x * y
    });
    assert!(product == &a * &b, "depth {depth}: a wrong product");
    calls.into_vec()
}

#[test]
fn each_level_splits_one_product_into_three_of_half_the_length() {
    let _proof = fixtures::proof::test_body();
    let runs = within(LIVENESS, "mul_split_with", || [0, 1, 2].map(split_calls));
    let whole = 64 * MUL_SPLIT_MIN_BITS;
    for (depth, calls) in runs.iter().enumerate() {
        assert_eq!(
            calls.len(),
            3_usize.pow(u32::try_from(depth).expect("small")),
            "depth {depth}: {calls:?}"
        );
        // Each level halves the operands (z₁'s sums may carry one bit more).
        let most = whole.div_ceil(1 << depth) + 2 * u64::try_from(depth).expect("small");
        for &(x, y) in calls {
            assert!(
                x <= most && y <= most,
                "depth {depth}: operands of {x} and {y} bits, at most {most} expected"
            );
        }
    }
    let shorter = within(LIVENESS, "mul_split_with below the split", || {
        let a = number_of_bits(MUL_SPLIT_MIN_BITS - 1, 3);
        let b = number_of_bits(100 * MUL_SPLIT_MIN_BITS, 4);
        let calls = Mutex::new(0);
        mul_split_with(&a, &b, 3, &|x: &BigUint, y: &BigUint| {
            *calls.lock().expect("no panic while locked") += 1;
            x * y
        });
        calls.into_inner().expect("no panic while locked")
    });
    assert_eq!(
        shorter, 1,
        "an operand shorter than MUL_SPLIT_MIN_BITS is multiplied whole"
    );
}

/// Runs `mul_split_with` at depth 1 in a rayon pool of two threads with a
/// `mul` that makes the first visit of each of two threads wait at a
/// barrier (a [`Meeting`]): only a split whose products really run at the
/// same time gets past it. Returns how many distinct threads ran `mul`.
fn split_products_meet() -> usize {
    within(LIVENESS, "mul_split_with with a Barrier", || {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a rayon pool");
        let meeting = Meeting::new(2);
        let a = number_of_bits(4 * MUL_SPLIT_MIN_BITS, 5);
        let product = pool.install(|| {
            mul_split_with(&a, &a, 1, &|x: &BigUint, y: &BigUint| {
                meeting.arrive();
                x * y
            })
        });
        assert!(product == &a * &a, "a wrong square");
        meeting.threads_seen()
    })
}

#[test]
fn split_products_really_run_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(split_products_meet(), 2);
}

/// log₂ of the product of `range`, summed factor by factor: its bit
/// length, less than one.
fn log2_product(range: Range<u64>) -> f64 {
    range.map(|k| (k as f64).log2()).sum()
}

#[test]
fn balanced_split_halves_the_product_not_the_count() {
    let _proof = fixtures::proof::test_body();
    let (small, large) = within(LIVENESS, "balanced_split", || {
        let small: Vec<(u64, u64)> = (0..=50).map(|n| (n, balanced_split(n))).collect();
        let large: Vec<(u64, u64)> = [1_000, 10_000, 100_000, 300_000]
            .map(|n| (n, balanced_split(n)))
            .to_vec();
        (small, large)
    });
    for (n, m) in small {
        if n < 2 {
            assert_eq!(m, 1, "balanced_split({n})");
        } else {
            assert!(
                (2..=n).contains(&m),
                "balanced_split({n}) = {m}, not in 2..={n}"
            );
        }
    }
    for (n, m) in large {
        let (low, high) = (log2_product(1..m), log2_product(m..n + 1));
        assert!(
            (low - high).abs() < 0.01 * low.max(high),
            "balanced_split({n}) = {m}: the products have about {low:.0} and {high:.0} bits \
             (the middle, {}, gives unequal halves: the numbers above it are longer)",
            n / 2
        );
    }
}

#[test]
fn parallel_factorials_match_the_known_values() {
    let _proof = fixtures::proof::test_body();
    let (small, big) = within(LIVENESS, "factorial_parallel", || {
        let small: Vec<_> = exact_values()
            .map(|(n, _)| (n, factorial_parallel(n)))
            .collect();
        (small, factorial_parallel(100_000))
    });
    for (n, got) in small {
        let expected = fixtures::factorials::exact(n).expect("known");
        assert_eq!(got.to_string(), expected, "{n}!");
    }
    assert_eq!(known(100_000).expect("known").check(&big), Ok(()));
}

/// `factorial_threads(n, threads)` runs `min(threads, n)` parts, each on its
/// own thread: never more than `threads` threads beyond those alive before
/// the call. 1 thread (fewer than the cores of any machine that grades)
/// catches code that uses the cores (or rayon's global pool) instead; 3
/// catches a thread per small piece. Checked under nextest only (see
/// `fixtures::perf::peak_during`).
#[test]
fn factorial_threads_uses_at_most_the_threads_asked_for() {
    let _proof = fixtures::proof::test_body();
    let runs = within(LIVENESS, "factorial_threads", || {
        [1, 3].map(|threads| {
            let (value, usage) = peak_during(|| factorial_threads(150_000, threads));
            (threads, value, usage)
        })
    });
    let [(_, one, _), (_, three, _)] = &runs;
    assert_eq!(one, three, "150 000! on 1 and on 3 threads");
    for (threads, _, usage) in &runs {
        usage.assert_threads_at_most(*threads, &format!("factorial_threads(150_000, {threads})"));
    }
}
