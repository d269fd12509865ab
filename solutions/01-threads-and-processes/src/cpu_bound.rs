//! Task 4 — CPU-bound work on every core, split fairly.
//!
//! **What.** Count the primes in a range on `threads` threads. The work is
//! pure computation: no waiting, no I/O, so the only way to finish sooner is
//! to use more cores at once.
//!
//! **Why.** This is the job Python's GIL cannot speed up with threads, and
//! Rust can. On 2 cores a good split counts primes about 1.9× faster than
//! one thread (the perf check `perf_count_primes` measures it against
//! [`fixtures::baselines::count_primes`]).
//!
//! *A fair split is the whole game.* [`fixtures::baselines::is_prime`] tries
//! divisors up to √n, so big numbers cost more than small ones. Cut `0..N`
//! into two halves and the upper half takes about 1.8× as long as the lower
//! one: the first thread idles while the second finishes, and the speedup is
//! about 1.58×, not 2×. Dealing out every other number (a stride of 2) is
//! worse: one thread gets all the even numbers, which are answered at once.
//! What works: many small chunks handed out one at a time (a shared atomic
//! "next chunk" counter), so whoever finishes early takes more, or chunks
//! dealt round-robin, small enough that every thread gets a similar mix.
//!
//! **When to choose it.** Threads for CPU-bound work whenever the work can be
//! cut into independent pieces. Size each piece so that it costs much more
//! than starting a thread (tens of microseconds) and there are many more
//! pieces than threads.
//!
//! **Python.** Threads give no speedup here (the GIL); Python needs
//! `multiprocessing` or `ProcessPoolExecutor`, and pays process start-up and
//! pickling for it.

use std::ops::Range;

/// How many numbers `n` in `range` satisfy `matches(n)`, with the range
/// spread over `threads` threads that all run at the same time.
///
/// Contract:
/// - the answer equals the sequential `range.filter(|&n| matches(n)).count()`;
/// - `matches` is called exactly once per number, from at most `threads`
///   distinct threads (the calling thread may be one of them);
/// - when the range has at least `threads` numbers, every one of the
///   `threads` threads gets some of them, so they really run together;
/// - the split is fair for costs that grow along the range (see the module
///   docs): not two halves, and not a stride that gives one thread all the
///   even numbers;
/// - an empty range (including `start > end`) gives 0; `threads == 0` is
///   treated as 1.
pub fn count_matching<F>(range: Range<u64>, threads: usize, matches: F) -> u64
where
    F: Fn(u64) -> bool + Sync,
{
    // TODO: cut the range into many small chunks, let `threads` scoped
    // threads take chunks until none are left (an `AtomicU64` "next chunk"
    // counter is enough), count locally in each thread, and add up the counts.
    use std::sync::atomic::AtomicU64;
    use std::sync::atomic::Ordering::Relaxed;
    use std::thread;

    let Range { start, end } = range;
    let len = end.saturating_sub(start);
    if len == 0 {
        return 0;
    }
    let threads = u64::try_from(threads).unwrap_or(u64::MAX).clamp(1, len);
    // About 64 chunks per thread: enough that the last chunk, taken while
    // the other threads finish theirs, is a small part of the work; few enough
    // that taking a chunk is noise.
    let chunk = (len / (threads * 64)).max(1);
    let chunks = len.div_ceil(chunk);
    let next = AtomicU64::new(0);
    let (next, matches) = (&next, &matches);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut count = 0;
                    loop {
                        // Relaxed is enough: the counter only hands out
                        // distinct chunk numbers, it guards no other data.
                        let i = next.fetch_add(1, Relaxed);
                        if i >= chunks {
                            break count;
                        }
                        let from = start + i * chunk;
                        let to = (from + chunk).min(end);
                        count += (from..to).filter(|&n| matches(n)).count() as u64;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .sum()
    })
}

/// How many primes are in `range`, counted on `threads` threads with
/// [`fixtures::baselines::is_prime`]. Same contract as [`count_matching`].
pub fn count_primes_parallel(range: Range<u64>, threads: usize) -> u64 {
    // TODO: this is `count_matching` with the right predicate.
    count_matching(range, threads, fixtures::baselines::is_prime)
}
