//! Task 3 — one big factorial on several cores.
//!
//! **What.** Three ways to spread one product over threads.
//!
//! - [`product_split_with`]: cut the range into `threads` contiguous parts
//!   of (almost) equal length, compute each part's product on its own
//!   scoped thread, then multiply the parts together. [`factorial_threads`]
//!   is that with [`product_range`] as the work per part.
//! - [`product_join_with`]: the product tree of task 2 with its two halves
//!   run by [`rayon::join`], down to pieces of at most `grain` numbers.
//!   `join` runs one half on the current thread and offers the other to any
//!   idle thread of rayon's pool, so a tree of joins keeps every core busy
//!   without you choosing the split.
//! - [`mul_split_with`]: one multiplication of two big numbers, split into
//!   three smaller ones that run at the same time (below).
//! - [`balanced_split`]: where to cut `1..=n` so that both halves are the
//!   same *work* (below).
//!
//! **Why.** The halves of a product tree are independent, so they can be
//! computed at the same time, and Rust threads run on every core (no GIL).
//! But look at the tree again: its last step multiplies the two halves, one
//! multiplication of two numbers each half as long as n!, and nothing else
//! can happen meanwhile. That step is more than a quarter of all the work.
//! Amdahl's law: if a fraction *s* of the work is sequential, *p* cores
//! finish at best 1 / (s + (1 − s)/p) times sooner — about 1.5× on 2 cores
//! here, not 2× (a tree of joins alone measures 1.42-1.47×).
//!
//! **Parallelism inside one operation.** So split the last multiplication
//! itself: [`mul_split_with`] does one step of Karatsuba's method. Cut both
//! numbers at k bits, a = a₁·2ᵏ + a₀ and b = b₁·2ᵏ + b₀; then
//!
//! ```text
//! a·b = z₂·2²ᵏ + (z₁ − z₂ − z₀)·2ᵏ + z₀
//! where z₂ = a₁·b₁,  z₀ = a₀·b₀,  z₁ = (a₁ + a₀)·(b₁ + b₀)
//! ```
//!
//! Three independent multiplications of half the length (plus shifts and
//! additions, which cost almost nothing next to them), so `rayon::join`
//! can run them on different cores, and each can be split again. It does
//! a little more work in all than one big multiplication (three halves cost
//! more than a half of the whole, because multiplication is superlinear),
//! but two cores share it.
//!
//! **Halve the work, not the count.** The middle of `1..=n` does not halve
//! the product: the numbers above n/2 are longer, so for 100 000! the high
//! half's product has 808 000 bits and the low half's 708 000. The core
//! with the low half waits for the other, and the last multiplication gets
//! unequal operands. Cut instead where both products are about as long:
//! at the m where ln (m − 1)! is half of ln n!, which Stirling's formula
//! (ln m! ≈ m ln m − m + ½ ln 2πm) finds without multiplying anything:
//! m = 53 194 for n = 100 000, two products of 758 000 bits. It is exercise
//! 01's lesson again (count primes by equal work, not by equal ranges).
//! [`factorial_parallel`] computes the two halves of [`balanced_split`]
//! with [`product_join_with`] and multiplies them with [`mul_parallel`],
//! [`MUL_DEPTH`] levels deep: 1.75-1.85× on 2 cores (cut at the middle,
//! 1.62-1.71×).
//!
//! The perf check `perf_parallel_factorial` times your
//! [`factorial_parallel`] against the sequential product tree
//! (`fixtures::baselines::factorial_product_tree`) and asks for 1.2×,
//! whatever the number of cores: the plain tree of joins clears it, the
//! split last multiplication clears it by far.
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

/// Operands shorter than this many bits are multiplied whole by
/// [`mul_split_with`]: below it, splitting costs more than it saves.
pub const MUL_SPLIT_MIN_BITS: u64 = 4_096;

/// How many levels [`factorial_parallel`] splits its last multiplication:
/// 3 then 9 products, enough for a few cores to share it (measured on 2
/// cores: 1 level is clearly slower, 3 no faster).
pub const MUL_DEPTH: u32 = 2;

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

/// a · b by one step of Karatsuba's method, its three products computed at
/// the same time, each by `mul_split_with(…, depth - 1, mul)`.
///
/// Contract:
/// - with `depth == 0`, or an operand shorter than [`MUL_SPLIT_MIN_BITS`]
///   bits, the answer is `mul(a, b)`, and nothing is split;
/// - otherwise k is half the bit length of the longer operand, rounded down
///   to a multiple of 64 (a whole number of `BigUint` digits); a and b are
///   cut there (a₁ = a >> k, a₀ = a − (a₁ << k), the same for b), and the
///   three products z₂ = a₁·b₁, z₀ = a₀·b₀ and z₁ = (a₁ + a₀)·(b₁ + b₀) are
///   computed with nested [`rayon::join`]s, all three offered to the pool
///   at once; the answer is z₂·2²ᵏ + (z₁ − z₂ − z₀)·2ᵏ + z₀;
/// - so `mul` is called 3^depth times for operands long enough, and the
///   answer is exact for any a and b (0 included).
pub fn mul_split_with<F>(a: &BigUint, b: &BigUint, depth: u32, mul: &F) -> BigUint
where
    F: Fn(&BigUint, &BigUint) -> BigUint + Sync,
{
    // TODO: the base case first. Then k, the four halves (`>>`, `<<` and
    // `-` on `&BigUint`), the three products under `rayon::join(||
    // rayon::join(z2, z0), z1)`, and the sum. z1 − z2 − z0 is never
    // negative: (a₁ + a₀)(b₁ + b₀) = z₂ + z₀ + a₁b₀ + a₀b₁.
    if depth == 0 || a.bits().min(b.bits()) < MUL_SPLIT_MIN_BITS {
        return mul(a, b);
    }
    let k = (a.bits().max(b.bits()) / 2) / 64 * 64;
    let (a1, a0) = cut(a, k);
    let (b1, b0) = cut(b, k);
    let ((z2, z0), z1) = rayon::join(
        || {
            rayon::join(
                || mul_split_with(&a1, &b1, depth - 1, mul),
                || mul_split_with(&a0, &b0, depth - 1, mul),
            )
        },
        || mul_split_with(&(&a1 + &a0), &(&b1 + &b0), depth - 1, mul),
    );
    let middle = z1 - &z2 - &z0;
    (z2 << (2 * k)) + (middle << k) + z0
}

/// `(x >> k, x mod 2^k)`: x cut at bit k.
fn cut(x: &BigUint, k: u64) -> (BigUint, BigUint) {
    let high = x >> k;
    let low = x - (&high << k);
    (high, low)
}

/// a · b on every core: [`mul_split_with`] with plain `*` as the
/// multiplication at the bottom.
pub fn mul_parallel(a: &BigUint, b: &BigUint, depth: u32) -> BigUint {
    // TODO: one call.
    mul_split_with(a, b, depth, &|x: &BigUint, y: &BigUint| x * y)
}

/// Where to cut `1..=n` into `1..m` and `m..n + 1` so that the two
/// products are about equally long: the first m whose ln m! reaches half
/// of ln n!, by Stirling's formula (ln m! ≈ m ln m − m + ½ ln 2πm).
///
/// Contract:
/// - 1 for n < 2; otherwise an m in `2..=n`;
/// - the two products' bit lengths differ by less than 1 % for n ≥ 1 000
///   (53 194 for n = 100 000: 758 343 and 758 363 bits);
/// - no big number is computed: it costs microseconds.
pub fn balanced_split(n: u64) -> u64 {
    if n < 2 {
        return 1;
    }
    let half = ln_factorial(n as f64) / 2.0;
    let (mut low, mut high) = (1, n);
    while low < high {
        let mid = low + (high - low) / 2;
        if ln_factorial(mid as f64) < half {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// ln m! by Stirling's formula (0 below 1).
fn ln_factorial(m: f64) -> f64 {
    if m < 1.0 {
        return 0.0;
    }
    m * m.ln() - m + 0.5 * (2.0 * std::f64::consts::PI * m).ln()
}

/// n! on every core, in the current rayon pool: the two halves of `1..=n`
/// (cut at [`balanced_split`]`(n)`) each by [`product_join_with`]
/// with grain [`GRAIN`] and [`product_range`] for each piece, both at once
/// under [`rayon::join`]; then their product by [`mul_parallel`],
/// [`MUL_DEPTH`] levels deep. This is what the perf check times.
///
/// All of it runs as one job of the pool, inside [`rayon::scope`] (which
/// returns what its closure returns). Called from a thread outside the
/// pool, each `rayon::join` hands its work to the pool and sleeps until it
/// is done; two such calls in a row (the halves, then the multiplication)
/// let the pool's threads fall asleep in between, and waking them can cost
/// more than the multiplication saves: 14 ms or 20 ms at random for
/// 100 000! on 2 cores, against 14 ms every time inside one scope.
///
/// [`product_range`]: crate::product_tree::product_range
pub fn factorial_parallel(n: u64) -> BigUint {
    // TODO: inside `rayon::scope(|_| ...)`: split `1..n + 1` at `balanced_split(n)`,
    // `rayon::join` the two `product_join_with` calls, then `mul_parallel`
    // their results.
    use crate::product_tree::product_range;

    let range = 1..n.saturating_add(1);
    let middle = balanced_split(n).clamp(range.start, range.end);
    rayon::scope(|_| {
        let (low, high) = rayon::join(
            || product_join_with(range.start..middle, GRAIN, &product_range),
            || product_join_with(middle..range.end, GRAIN, &product_range),
        );
        mul_parallel(&low, &high, MUL_DEPTH)
    })
}
