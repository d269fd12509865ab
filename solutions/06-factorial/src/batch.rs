//! Task 4 — a batch of factorials on a few threads, answers in input order.
//!
//! **What.** [`map_in_order`] applies a function to every item of a slice on
//! `threads` scoped threads and returns the results in the items' order.
//! The threads take items *one at a time* from a shared atomic counter
//! ("next item, please"), so a thread that drew a cheap item comes back for
//! more while another still works on an expensive one. Each result goes
//! back with its index, and the indices put them in order at the end.
//! [`factorial_batch`] maps [`factorial_tree`] over a list of n.
//!
//! **Why.** A batch is the easy case of parallelism: the items are
//! independent, there is no last sequential step, and two cores can finish
//! nearly twice as fast (compare task 3's single factorial, held back by its
//! final multiplication). The trap is the *split*. The cost of n! grows
//! faster than n, so 40 000! costs about a hundred times 1 000!. Dealing out
//! equal *numbers* of items (first half, second half; or every other item)
//! hands one thread most of the work whenever the big ones bunch up, and the
//! other thread idles. Handing items out on demand balances the work
//! whatever the mix. The perf check `perf_factorial_batch` measures it
//! against the sequential `fixtures::baselines::factorials_sequential`.
//!
//! Order matters because the caller pairs answers with questions by
//! position. Threads finish in any order, so each result carries its index;
//! collecting into a `Vec<Option<R>>` by index (or sorting the pairs) puts
//! them back.
//!
//! **When to choose it.** Many independent jobs of uneven size: hand them
//! out on demand, one at a time if each job is much bigger than the hand-out
//! (here: microseconds of atomics against milliseconds of work), in chunks
//! otherwise. Rayon's `par_iter().map(..).collect()` does exactly this, with
//! work stealing, and keeps the order too; build it once by hand to see how.
//!
//! **Python.** `Pool.map(math.factorial, ns)` returns results in input order
//! and splits the list into chunks up front (`chunksize`); `imap_unordered`
//! trades order for handing out work as workers free up. Every result is
//! pickled back to the parent; here the threads share memory and a result
//! is moved, not copied.
//!
//! [`factorial_tree`]: crate::product_tree::factorial_tree

use num_bigint::BigUint;

/// `f(&items[i])` for every i, computed on `threads` scoped threads that take
/// the next unclaimed item one at a time; `result[i]` belongs to `items[i]`.
///
/// Contract:
/// - `f` is called exactly once per item;
/// - `min(threads, items.len())` threads run at the same time
///   (`threads == 0` counts as 1; an empty slice starts none);
/// - items are handed out on demand, never split up front, so a thread busy
///   with one slow item does not hold up the others;
/// - a panic in `f` propagates to the caller (after the other threads stop).
pub fn map_in_order<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    // TODO: inside `thread::scope`, start `min(threads, items.len())`
    // threads (0 treated as 1). Each loops: take an index from a shared
    // `AtomicUsize` with `fetch_add(1, Relaxed)`, stop when it is past the
    // end, otherwise push `(index, f(&items[index]))` to its own `Vec`.
    // Join them all, then put every result at its index.
    use std::sync::atomic::AtomicUsize;
    use std::sync::atomic::Ordering::Relaxed;
    use std::thread;

    let threads = threads.clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let (next, f) = (&next, &f);
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        // Relaxed is enough: the counter only hands out
                        // distinct indices; the results travel by `join`.
                        let i = next.fetch_add(1, Relaxed);
                        let Some(item) = items.get(i) else {
                            break done;
                        };
                        done.push((i, f(item)));
                    }
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
            for (i, result) in done {
                slots[i] = Some(result);
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| unreachable!("every index is handed out once")))
        .collect()
}

/// `ns[i]!` for every i, by [`factorial_tree`], on `threads` threads with
/// [`map_in_order`]; `result[i]` is `ns[i]!`.
///
/// [`factorial_tree`]: crate::product_tree::factorial_tree
pub fn factorial_batch(ns: &[u64], threads: usize) -> Vec<BigUint> {
    // TODO: one call. (Each factorial stays sequential: the batch already
    // keeps every core busy, and nesting parallelism would only add threads.)
    use crate::product_tree::factorial_tree;

    map_in_order(ns, threads, |&n| factorial_tree(n))
}
