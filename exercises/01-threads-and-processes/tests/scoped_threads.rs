//! Task 2: `scoped_threads` (split_evenly, map_chunks, parallel_sum, byte_histogram).

mod common;

use std::fmt::Debug;
use std::sync::Barrier;

use common::{LIVENESS, within};
use fixtures::perf::peak_during;
use threads_and_processes::scoped_threads::{
    byte_histogram, map_chunks, parallel_sum, split_evenly,
};

fn lengths<T>(chunks: &[&[T]]) -> Vec<usize> {
    chunks.iter().map(|c| c.len()).collect()
}

#[test]
fn split_evenly_gives_near_equal_chunks_in_order() {
    let _proof = fixtures::proof::test_body();
    let data: Vec<u32> = (0..10).collect();
    let chunks = split_evenly(&data, 3);
    assert_eq!(lengths(&chunks), vec![4, 3, 3]);
    assert_eq!(chunks.concat(), data);

    let chunks = split_evenly(&data, 5);
    assert_eq!(lengths(&chunks), vec![2, 2, 2, 2, 2]);
    assert_eq!(chunks.concat(), data);
}

#[test]
fn split_evenly_handles_edge_cases() {
    let _proof = fixtures::proof::test_body();
    let data = [1, 2, 3];
    assert_eq!(
        lengths(&split_evenly(&data, 8)),
        vec![1, 1, 1],
        "more parts than items"
    );
    assert_eq!(
        lengths(&split_evenly(&data, 0)),
        vec![3],
        "zero parts means one"
    );
    assert!(split_evenly::<u8>(&[], 4).is_empty(), "no items, no chunks");
}

#[test]
fn map_chunks_returns_results_in_chunk_order() {
    let _proof = fixtures::proof::test_body();
    let data: Vec<u64> = (1..=1001).collect();
    let firsts = within(LIVENESS, "map_chunks", move || {
        map_chunks(&data, 7, |c| c[0])
    });
    // 1001 = 7 × 143: chunks start at 1, 144, 287, …
    assert_eq!(firsts, vec![1, 144, 287, 430, 573, 716, 859]);
}

#[test]
fn map_chunks_runs_the_chunks_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    within(LIVENESS, "map_chunks with a Barrier", || {
        let data = [1u8, 2, 3, 4];
        // Both chunk threads must be alive at once to pass the barrier.
        let barrier = Barrier::new(2);
        let sums = map_chunks(&data, 2, |chunk| {
            barrier.wait();
            chunk.iter().map(|&b| u32::from(b)).sum::<u32>()
        });
        assert_eq!(sums, vec![3, 7]);
    });
}

#[test]
fn map_chunks_on_empty_input_returns_nothing() {
    let _proof = fixtures::proof::test_body();
    let out = within(LIVENESS, "map_chunks", || {
        map_chunks::<u8, usize, _>(&[], 4, |c| c.len())
    });
    assert!(out.is_empty());
}

/// What `parallel_sum` and `byte_histogram` both promise, checked once: the
/// number of threads changes how the work is split, never the answer. Runs
/// `f(&data, threads)` for each count in `thread_counts` (all inside one
/// bounded wait) and compares every answer with `expected`, the sequential
/// one. `what` names `f`.
fn assert_same_answer_on_any_thread_count<T, R>(
    what: &str,
    f: fn(&[T], usize) -> R,
    data: Vec<T>,
    thread_counts: &'static [usize],
    expected: R,
) where
    T: Send + 'static,
    R: PartialEq + Debug + Send + 'static,
{
    let answers = within(LIVENESS, what, move || {
        thread_counts
            .iter()
            .map(|&threads| f(&data, threads))
            .collect::<Vec<_>>()
    });
    for (answer, threads) in answers.into_iter().zip(thread_counts) {
        assert_eq!(answer, expected, "{what} on {threads} threads");
    }
}

#[test]
fn parallel_sum_is_exact_for_uneven_chunks() {
    let _proof = fixtures::proof::test_body();
    let data: Vec<u64> = (1..=100_003).collect();
    let expected: u64 = data.iter().sum();
    assert_same_answer_on_any_thread_count(
        "parallel_sum",
        parallel_sum,
        data,
        &[1, 2, 3, 7, 16],
        expected,
    );
}

#[test]
fn parallel_sum_handles_empty_input_and_more_threads_than_items() {
    let _proof = fixtures::proof::test_body();
    let (empty, tiny) = within(LIVENESS, "parallel_sum", || {
        (parallel_sum(&[], 4), parallel_sum(&[5, 6, 7], 64))
    });
    assert_eq!(empty, 0);
    assert_eq!(tiny, 18);
}

#[test]
fn byte_histogram_matches_a_sequential_count() {
    let _proof = fixtures::proof::test_body();
    let data: Vec<u8> = (0..200_001u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut expected = [0u64; 256];
    for &b in &data {
        expected[usize::from(b)] += 1;
    }
    assert_same_answer_on_any_thread_count(
        "byte_histogram",
        byte_histogram,
        data,
        &[1, 2, 3, 5],
        expected,
    );
}

#[test]
fn byte_histogram_of_nothing_is_all_zeros() {
    let _proof = fixtures::proof::test_body();
    let table = within(LIVENESS, "byte_histogram", || byte_histogram(&[], 3));
    assert_eq!(table, [0u64; 256]);
}

/// "On up to `threads` threads": never more than `threads` threads beyond
/// those alive before the call, for 1 thread (fewer than the cores) and 3.
/// Checked under nextest only (see `fixtures::perf::peak_during`). One call
/// lasts a few milliseconds, so each is repeated to be sampled often enough.
#[test]
fn parallel_sum_and_byte_histogram_use_at_most_the_threads_asked_for() {
    let _proof = fixtures::proof::test_body();
    let runs = within(LIVENESS, "parallel_sum and byte_histogram", || {
        let numbers: Vec<u64> = (0..8_000_000).collect();
        let bytes: Vec<u8> = (0..32_000_000_u32).map(|n| (n % 251) as u8).collect();
        [1, 3].map(|threads| {
            let (sums, sum_usage) =
                peak_during(|| [(); 8].map(|()| parallel_sum(&numbers, threads)));
            let (tables, table_usage) =
                peak_during(|| [(); 4].map(|()| byte_histogram(&bytes, threads)[0]));
            (threads, sums, sum_usage, tables, table_usage)
        })
    });
    for (threads, sums, sum_usage, zeros, table_usage) in runs {
        assert_eq!(sums, [7_999_999 * 8_000_000 / 2; 8]);
        assert_eq!(zeros, [32_000_000_u64.div_ceil(251); 4]);
        sum_usage.assert_threads_at_most(threads, &format!("parallel_sum(8M numbers, {threads})"));
        table_usage.assert_threads_at_most(threads, &format!("byte_histogram(32 MB, {threads})"));
    }
}
