//! Task 3 — one big factorial on several cores.
//!
//! **What.** Two ways to spread one product over threads.
//!
//! - [`product_split_with`]: cut the range into `threads` contiguous parts
//!   of (almost) equal length, compute each part's product on its own
//!   scoped thread, then multiply the parts together. [`factorial_threads`]
//!   is that with [`product_range`] as the work per part.
//! - [`product_join_with`]: the product tree of task 2 with its two halves
//!   run by [`rayon::join`], down to pieces of at most `grain` numbers.
//!   `join` runs one half on the current thread and offers the other to any
//!   idle thread of rayon's pool, so a tree of joins keeps every core busy
//!   without you choosing the split. [`factorial_parallel`] is that with the
//!   default grain.
//!
//! **Why.** The halves of a product tree are independent, so they can be
//! computed at the same time, and Rust threads run on every core (no GIL).
//! But look at the tree again: its last step multiplies the two halves, one
//! multiplication of two numbers each half as long as n!, and nothing else
//! can happen meanwhile. That step is more than a quarter of all the work.
//! Amdahl's law: if a fraction *s* of the work is sequential, *p* cores
//! finish at best 1 / (s + (1 − s)/p) times sooner — about 1.5× on 2 cores
//! here, not 2× (the reference solution measures 1.42-1.47×). The perf check
//! `perf_parallel_factorial` times your [`factorial_parallel`] against the
//! sequential product tree (`fixtures::baselines::factorial_product_tree`)
//! and asks for 1.2×, whatever the number of cores.
//!
//! A stretch, not graded: the last multiplication can be split too. With
//! b = b_hi · 2^k + b_lo, a · b = (a · b_hi) · 2^k + a · b_lo: two
//! independent multiplications of half the size, joined, then a shift and
//! an addition. It does more work in all, but two cores share it (about
//! 1.65× here in place of 1.45×).
//!
//! For a contiguous split the parts are not quite equal work (the numbers
//! near n are longer than those near 1), but the difference is a few
//! percent: the length of a number grows with its logarithm, slowly. That
//! is unlike counting primes (exercise 01), where halves were very unfair.
//! Multiply the parts together as a tree too (`product_all` of task 2),
//! not left to right, or the last steps become the slow loop again.
//!
//! **When to choose it.** `thread::scope` with an explicit split when the
//! work divides evenly and you want to control the threads; `rayon::join`
//! (or rayon's parallel iterators) for recursive divide-and-conquer, where
//! picking the split by hand is awkward. Keep a sequential grain: below a
//! few thousand numbers, a join costs more than it saves.
//!
//! **Python.** Threads cannot do this (the GIL lets one thread run Python
//! at a time; `int` multiplication does not release it), so the notebook
//! splits the range over a `multiprocessing.Pool` and multiplies the
//! returned parts in the parent, paying to pickle each part back (task 6
//! does the same with processes here).
//!
//! [`product_range`]: crate::product_tree::product_range
//! [`product_all`]: crate::product_tree::product_all

use std::ops::Range;

use num_bigint::BigUint;

/// Numbers per sequential piece in [`factorial_parallel`]: big enough that
/// a piece costs far more than a `rayon::join`, small enough that there are
/// many more pieces than cores for large n.
pub const GRAIN: u64 = 4_096;

/// The product of every number in `range`, computed as `leaf(part)` for
/// `threads` contiguous parts on as many scoped threads at once, then the
/// parts multiplied together.
///
/// Contract:
/// - the parts are contiguous, do not overlap, cover `range` exactly, and
///   their lengths differ by at most one;
/// - there are `min(threads, len)` parts, none empty, each given to `leaf`
///   exactly once, each on its own thread, all running at the same time
///   (`threads == 0` counts as 1);
/// - the parts' products are multiplied as a tree
///   ([`product_all`](crate::product_tree::product_all));
/// - an empty range calls `leaf` never and gives 1.
pub fn product_split_with<F>(range: Range<u64>, threads: usize, leaf: F) -> BigUint
where
    F: Fn(Range<u64>) -> BigUint + Sync,
{
    // TODO: compute `len` and the number of parts (`threads` clamped to
    // 1..=len); the first `len % parts` parts get one number more than the
    // others. Inside `thread::scope`, spawn one thread per part calling
    // `leaf` (spawn them all before joining any), join them in order, then
    // multiply the results with `product_all` from task 2.
    use crate::product_tree::product_all;
    use std::thread;

    let len = range.end.saturating_sub(range.start);
    if len == 0 {
        return BigUint::from(1_u32);
    }
    let parts = u64::try_from(threads).unwrap_or(u64::MAX).clamp(1, len);
    let (base, extra) = (len / parts, len % parts);
    let mut bounds = Vec::new();
    let mut from = range.start;
    for part in 0..parts {
        let to = from + base + u64::from(part < extra);
        bounds.push(from..to);
        from = to;
    }
    let leaf = &leaf;
    let products: Vec<BigUint> = thread::scope(|scope| {
        let workers: Vec<_> = bounds
            .into_iter()
            .map(|part| scope.spawn(move || leaf(part)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .collect()
    });
    product_all(products)
}

/// n! on `threads` scoped threads: [`product_split_with`] over `1..=n` with
/// [`product_range`](crate::product_tree::product_range) for each part.
pub fn factorial_threads(n: u64, threads: usize) -> BigUint {
    // TODO: one call.
    use crate::product_tree::product_range;

    product_split_with(1..n.saturating_add(1), threads, product_range)
}

/// The product of every number in `range`, as a product tree whose two
/// halves run under [`rayon::join`], down to pieces of at most `grain`
/// numbers, each given to `leaf`.
///
/// Contract:
/// - a range of at most `grain` numbers (`grain == 0` counts as 1) is one
///   piece: `leaf(range)` is the answer, nothing is split;
/// - a longer range splits at its middle, `start + len / 2`, and both halves
///   are computed with `rayon::join`, then multiplied;
/// - so the pieces cover `range` exactly, without overlap, none empty, and
///   run on the threads of the current rayon pool (the global pool, or the
///   one you `install` it in), several at the same time;
/// - an empty range is one (empty) piece: it gives `leaf(range)`.
pub fn product_join_with<F>(range: Range<u64>, grain: u64, leaf: &F) -> BigUint
where
    F: Fn(Range<u64>) -> BigUint + Sync,
{
    // TODO: if the range has at most `grain.max(1)` numbers, return
    // `leaf(range)`. Otherwise split it at the middle, compute both halves
    // with `rayon::join` (each a recursive call), and multiply the results.
    let len = range.end.saturating_sub(range.start);
    if len <= grain.max(1) {
        return leaf(range);
    }
    let mid = range.start + len / 2;
    let (low, high) = rayon::join(
        || product_join_with(range.start..mid, grain, leaf),
        || product_join_with(mid..range.end, grain, leaf),
    );
    low * high
}

/// n! on every core: [`product_join_with`] over `1..=n` with grain
/// [`GRAIN`] and [`product_range`] for each piece, in the current rayon
/// pool. This is what the perf check times.
///
/// [`product_range`]: crate::product_tree::product_range
pub fn factorial_parallel(n: u64) -> BigUint {
    // TODO: one call.
    use crate::product_tree::product_range;

    product_join_with(1..n.saturating_add(1), GRAIN, &product_range)
}
