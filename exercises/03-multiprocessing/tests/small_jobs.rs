//! Task 5: `small_jobs::{pick_chunk_size, prime_flags_in_pool}`.
//!
//! Whether your chunk size is *fast* is for the perf check
//! `perf_pool_small_jobs`; these tests check the contract and the answers.

mod common;

use common::{LIVENESS, assert_no_children, within, worker};
use fixtures::baselines::is_prime;
use multiprocessing::small_jobs::{pick_chunk_size, prime_flags_in_pool};

#[test]
fn chunk_sizes_batch_the_jobs_and_feed_every_worker() {
    let _proof = fixtures::proof::test_body();
    let cases = within(LIVENESS, "pick_chunk_size", || {
        let mut cases = Vec::new();
        for workers in [0, 1, 2, 3, 4, 8, 16, 64] {
            for jobs in [
                0, 1, 2, 3, 5, 7, 8, 15, 64, 100, 999, 1000, 4097, 60_000, 1_000_000,
            ] {
                cases.push((jobs, workers, pick_chunk_size(jobs, workers)));
            }
        }
        cases
    });
    for (jobs, workers, size) in cases {
        assert!(
            size >= 1,
            "pick_chunk_size({jobs}, {workers}) = 0: chunks need a job"
        );
        let chunks = jobs.div_ceil(size);
        let w = workers.max(1);
        assert!(
            chunks >= jobs.min(w),
            "pick_chunk_size({jobs}, {workers}) = {size} makes {chunks} chunks: \
             some of the {w} workers get nothing"
        );
        assert!(
            chunks <= 32 * w,
            "pick_chunk_size({jobs}, {workers}) = {size} makes {chunks} chunks, more than \
             32 per worker: every chunk is a message round trip, batch more jobs per message"
        );
    }
}

#[test]
fn prime_flags_come_back_right_and_in_order() {
    let _proof = fixtures::proof::test_body();
    let numbers: Vec<u64> = (0..5_000_u64).map(|i| i * 7_919 % 100_003).collect();
    let want: Vec<bool> = numbers.iter().map(|&n| is_prime(n)).collect();
    let (flags, empty) = within(LIVENESS, "prime_flags_in_pool", move || {
        (
            prime_flags_in_pool(worker(), &numbers, 2),
            prime_flags_in_pool(worker(), &[], 3),
        )
    });
    let flags = flags.expect("the pool answers");
    assert_eq!(flags.len(), want.len());
    let wrong: Vec<usize> = (0..want.len()).filter(|&i| flags[i] != want[i]).collect();
    assert!(
        wrong.is_empty(),
        "{} flags are wrong, first at index {:?}",
        wrong.len(),
        wrong.first()
    );
    assert_eq!(empty.expect("no numbers, no flags"), Vec::<bool>::new());
    assert_no_children("prime_flags_in_pool");
}
