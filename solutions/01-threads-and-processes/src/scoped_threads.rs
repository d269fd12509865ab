//! Task 2 — scoped threads that borrow the caller's data.
//!
//! **What.** [`std::thread::scope`] opens a scope in which threads may borrow
//! local variables, because the scope does not return until every thread
//! spawned in it has finished. The borrow checker can then prove the borrowed
//! slice outlives the threads: no `Arc`, no `clone`, no `'static`.
//!
//! **Why.** Most parallel loops look like this: split a slice into chunks,
//! let each thread work on its chunk, combine the per-chunk results. Each
//! thread builds its *own* partial result (a sum, a histogram) and the caller
//! merges them after the join, so the threads share nothing mutable and need
//! no lock at all.
//!
//! **When to choose it.** Whenever the threads are done before the function
//! returns, which is most of the time. Use `thread::spawn` (task 1) for
//! threads that must outlive the caller, and `rayon` (exercise 04) once you
//! want work stealing and a ready-made pool.
//!
//! **Python.** No equivalent: Python threads share every object already (the
//! GIL serialises them), and `multiprocessing` copies the data to each child
//! by pickling. Rust shares the slice itself, read-only, with every core
//! working at full speed and zero copies.

/// Splits `data` into `min(parts, data.len())` contiguous chunks, in order,
/// whose lengths differ by at most one (the longer chunks first).
///
/// Concatenated, the chunks are `data` again. Empty `data` gives no chunks;
/// `parts == 0` is treated as 1.
pub fn split_evenly<T>(data: &[T], parts: usize) -> Vec<&[T]> {
    // TODO: compute the chunk lengths (`len / parts`, plus one for the first
    // `len % parts` chunks) and cut `data` with `split_at`.
    let parts = parts.max(1).min(data.len());
    let mut chunks = Vec::with_capacity(parts);
    let mut rest = data;
    for i in 0..parts {
        let len = data.len() / parts + usize::from(i < data.len() % parts);
        let (chunk, tail) = rest.split_at(len);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

/// Runs `f` on each chunk of [`split_evenly`]`(data, threads)`, every chunk on
/// its own scoped thread, all at the same time, and returns the results in
/// chunk order.
///
/// `data` is borrowed, never copied. Empty `data` returns an empty `Vec`
/// without starting a thread. If `f` panics, the panic is re-raised in the
/// caller once every thread has stopped.
pub fn map_chunks<T, R, F>(data: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync,
{
    // TODO: inside `std::thread::scope`, spawn one thread per chunk (they can
    // all borrow `f`), collect the handles, then join them in order.
    use std::thread;

    let f = &f;
    thread::scope(|scope| {
        let handles: Vec<_> = split_evenly(data, threads)
            .into_iter()
            .map(|chunk| scope.spawn(move || f(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .collect()
    })
}

/// The sum of `data`, computed on up to `threads` threads (see [`map_chunks`]).
///
/// Empty `data` sums to 0. The total must fit in a `u64`.
pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
    // TODO: sum each chunk on its own thread, then add up the partial sums.
    map_chunks(data, threads, |chunk| chunk.iter().sum::<u64>())
        .into_iter()
        .sum()
}

/// How often each byte value occurs in `data` (element `b` counts byte `b`),
/// computed on up to `threads` threads.
///
/// Each thread counts its own chunk into its own table; the caller adds the
/// tables up. No locks, no atomics.
pub fn byte_histogram(data: &[u8], threads: usize) -> [u64; 256] {
    // TODO: build one local table per chunk, then merge them element-wise.
    let tables = map_chunks(data, threads, |chunk| {
        let mut table = [0u64; 256];
        for &byte in chunk {
            table[usize::from(byte)] += 1;
        }
        table
    });
    let mut total = [0u64; 256];
    for table in tables {
        for (sum, count) in total.iter_mut().zip(table) {
            *sum += count;
        }
    }
    total
}
