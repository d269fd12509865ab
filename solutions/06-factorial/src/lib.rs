//! # 06 — Factorials: big numbers, a product tree, threads, processes
//!
//! n! = 1 · 2 · 3 · … · n grows faster than any machine word: 20! is the
//! largest that fits in a `u64`, 100! has 158 digits, and 100 000! has
//! 456 574. Python hides this (its `int` grows as needed), Rust makes it a
//! choice: [`num_bigint::BigUint`] is an unsigned integer of any size, stored
//! as a vector of 64-bit "digits". This exercise computes big factorials
//! four ways and measures them, which makes it a small lesson in algorithms
//! *and* in parallelism, and in telling the two apart.
//!
//! ## Why the obvious loop is slow
//!
//! `acc *= k` for k = 2 … n multiplies one huge number by one small one, n
//! times. Step k costs time proportional to the length of (k−1)!, which grows
//! with k, so the loop is *quadratic* in the length of the answer: about
//! 0.7 s for 100 000! here, nine times that for 300 000!.
//!
//! A **product tree** (binary splitting) multiplies the same numbers in a
//! different order: the product of `1..=n` is the product of its two halves,
//! each computed the same way. Now every multiplication has operands of
//! about equal length, and for equal lengths `num-bigint` switches from the
//! schoolbook method to Karatsuba and Toom-3, which cost far less than
//! `len²`. Same numbers, same answer, about 25× faster at n = 100 000 — on
//! *one* core. No thread did that; the algorithm did.
//!
//! ## Parallel, and where it stops helping
//!
//! The two halves of a product tree are independent, so they can run on two
//! threads, and their halves on more (`rayon::join` down the tree, or a
//! fixed split over scoped threads). But the last step, one multiplication
//! of the two halves, runs on one core, and it is more than a quarter of
//! all the work. Amdahl's law: with a fraction *s* of the work sequential,
//! p cores give at most 1 / (s + (1 − s)/p), about 1.5× on 2 cores here.
//! Unless the last step is split too: one multiplication of two big numbers
//! can itself be written as three smaller ones that run at the same time
//! (Karatsuba's step), which lifts 2 cores to about 1.75×.
//! A **batch** of many independent factorials has no such step and gets
//! close to 2× — if the work is handed out by cost, not by count. (Here
//! "close" is about 1.75×: two threads multiplying big numbers also share
//! caches and memory bandwidth, which a pure arithmetic loop does not.)
//!
//! Rust threads run Rust code on every core at once. CPython's threads do
//! not (the GIL), so the notebook reaches for `multiprocessing`: worker
//! processes that receive their range and send back their partial product,
//! pickled. Rust needs processes only for isolation, but the pattern is
//! worth knowing, so task 6 builds it: chunk products computed in worker
//! processes and sent back as bytes (`to_bytes_le`), multiplied together
//! in the parent.
//!
//! ## How this exercise measures
//!
//! The perf checks time your *parallel* code against a *sequential product
//! tree* in `fixtures` (never against the naive loop): a speedup must come
//! from cores, and the checker only credits speedups that the CPU time
//! backs up. The algorithmic gain over the naive loop is real too, but it is
//! not parallelism; `cargo run -p factorial --example table` prints both,
//! with CPython's `math.factorial` beside them.
//!
//! ## The tasks
//!
//! 1. [`basics`]: n! in a `u64` (with overflow as `None`) and the naive
//!    `BigUint` loop.
//! 2. [`product_tree`]: the product of a range by binary splitting.
//! 3. [`parallel`]: the range split over scoped threads, the tree run
//!    with `rayon::join`, and its last multiplication split across cores.
//! 4. [`batch`]: many factorials on a few threads, handed out one at a time,
//!    answers in input order.
//! 5. [`errors`]: bad input (not a number, negative, over the limit) is an
//!    error value, never a panic, and never a computation that cannot end.
//! 6. [`processes`]: a pool of worker processes computing chunk products
//!    and sending them back as bytes.
//!
//! Each module's docs say what to build; every place to change says `TODO`.

pub mod basics;
pub mod batch;
pub mod errors;
pub mod parallel;
pub mod processes;
pub mod product_tree;
