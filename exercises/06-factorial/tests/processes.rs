//! Task 6: `processes::{write_request, read_reply, chunk_products,
//! factorial_in_processes}`.
//!
//! The workers are this crate's helper program `t06-worker`
//! (bin/worker.rs). It computes with your `product_tree::product_range`, so
//! task 2 must work first.

mod common;

use std::io::{Cursor, ErrorKind};
use std::ops::Range;
use std::path::Path;

use common::{LIVENESS, slow_product, within};
use factorial::processes::{
    ProcessError, ReplyError, chunk_products, factorial_in_processes, max_reply_len, read_reply,
    write_request,
};
use fixtures::factorials::{exact, known};
use num_bigint::BigUint;

/// The starter and the solution each build their own worker, under different
/// names (it links the package's library, so neither may overwrite the other).
const WORKER: &str = match (
    option_env!("CARGO_BIN_EXE_t06-worker"),
    option_env!("CARGO_BIN_EXE_t06-worker-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("no t06-worker binary in this package"),
};
const MISSING: &str = "/nonexistent/t06-no-such-program";

fn worker() -> &'static Path {
    Path::new(WORKER)
}

/// A reply as the worker writes it: length, then `to_bytes_le`.
fn reply_bytes(value: &BigUint) -> Vec<u8> {
    let bytes = value.to_bytes_le();
    let mut reply = (bytes.len() as u64).to_le_bytes().to_vec();
    reply.extend_from_slice(&bytes);
    reply
}

/// Fails the test if a worker process is still there, running or (on Unix)
/// a zombie never waited for.
fn assert_no_children_left() {
    assert!(
        !fixtures::children::any(),
        "worker processes {:?} are still there: every worker must be reaped (`wait`) \
         before returning, including killed ones",
        fixtures::children::list()
    );
}

#[test]
fn requests_are_one_line_of_two_numbers() {
    let _proof = fixtures::proof::test_body();
    let mut sink = Vec::new();
    write_request(&mut sink, &(5..9)).unwrap();
    write_request(&mut sink, &(1..18_446_744_073_709_551_615)).unwrap();
    assert_eq!(
        String::from_utf8(sink).unwrap(),
        "5 9\n1 18446744073709551615\n"
    );
}

#[test]
fn replies_decode_back_to_the_same_number() {
    let _proof = fixtures::proof::test_body();
    let values = [
        BigUint::from(1_u32),
        BigUint::from(120_u32),
        slow_product(1..200),
        BigUint::from(u64::MAX - 2) * BigUint::from(u64::MAX - 1),
    ];
    let chunks = [0..1, 1..6, 1..200, u64::MAX - 2..u64::MAX];
    let mut stream = Vec::new();
    for value in &values {
        stream.extend(reply_bytes(value));
    }
    let mut stream = Cursor::new(stream);
    for (value, chunk) in values.iter().zip(&chunks) {
        assert_eq!(&read_reply(&mut stream, chunk).unwrap(), value);
    }
    assert_eq!(
        stream.position() as usize,
        stream.get_ref().len(),
        "read exactly the replies"
    );
}

#[test]
fn an_impossible_length_is_refused_before_allocating() {
    let _proof = fixtures::proof::test_body();
    // 2^62 bytes claimed for a chunk of 3 numbers (at most 24 bytes): reading
    // on would try to allocate 4 EiB and abort the process.
    let mut stream = Cursor::new((1_u64 << 62).to_le_bytes().to_vec());
    match read_reply(&mut stream, &(1..4)) {
        Err(ReplyError::TooLong { len, max }) => {
            assert_eq!(len, 1 << 62);
            assert_eq!(max, max_reply_len(&(1..4)));
        }
        other => panic!("expected ReplyError::TooLong, got {other:?}"),
    }
    // The largest honest length is accepted.
    let mut honest = 24_u64.to_le_bytes().to_vec();
    honest.extend([0xff; 24]);
    assert!(read_reply(&mut Cursor::new(honest), &(1..4)).is_ok());
}

#[test]
fn a_cut_off_reply_is_an_unexpected_end() {
    let _proof = fixtures::proof::test_body();
    for stream in [vec![], vec![5, 0, 0], {
        let mut r = reply_bytes(&slow_product(1..50));
        r.truncate(r.len() - 1);
        r
    }] {
        match read_reply(&mut Cursor::new(stream.clone()), &(1..50)) {
            Err(ReplyError::Io(err)) => assert_eq!(err.kind(), ErrorKind::UnexpectedEof),
            other => panic!("expected an UnexpectedEof for {stream:?}, got {other:?}"),
        }
    }
}

#[test]
fn chunk_products_come_back_in_chunk_order() {
    let _proof = fixtures::proof::test_body();
    // The first chunk takes the longest (a few ms), so it is answered last.
    let chunks = vec![
        1..50_000,
        10..20,
        1..5,
        20..20,
        5..10,
        100..160,
        2..3,
        1_000..1_100,
    ];
    let got = within(LIVENESS, "chunk_products", {
        let chunks = chunks.clone();
        move || chunk_products(worker(), &[], &chunks, 3)
    })
    .expect("the workers run");
    let expected: Vec<BigUint> = chunks.into_iter().map(slow_product).collect();
    assert_eq!(got, expected);
    assert_no_children_left();
}

#[test]
fn no_chunks_start_no_workers() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "chunk_products", || {
        chunk_products(Path::new(MISSING), &[], &[], 4)
    });
    assert!(
        matches!(got.as_deref(), Ok([])),
        "expected Ok(vec![]), got {got:?}"
    );
}

/// Runs `chunk_products` with workers that wait at a rendezvous for
/// `parties` of them, and returns how many workers joined it.
fn workers_started(chunks: Vec<Range<u64>>, workers: usize, parties: usize) -> usize {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().to_str().expect("a UTF-8 temp path").to_owned();
    let got = within(LIVENESS, "chunk_products with a rendezvous", {
        let chunks = chunks.clone();
        move || {
            let parties = parties.to_string();
            chunk_products(
                worker(),
                &["--rendezvous", &path, &parties],
                &chunks,
                workers,
            )
        }
    });
    match got {
        Ok(products) => {
            let expected: Vec<BigUint> = chunks.into_iter().map(slow_product).collect();
            assert_eq!(products, expected);
        }
        Err(err) => panic!(
            "{err} — the workers wait (3 s at most) until {parties} of them run at the same \
             time: start them all before sending any request"
        ),
    }
    assert_no_children_left();
    std::fs::read_dir(dir.path())
        .expect("the rendezvous dir")
        .count()
}

#[test]
fn the_workers_run_at_the_same_time_and_are_reused() {
    let _proof = fixtures::proof::test_body();
    let chunks: Vec<Range<u64>> = (0..12).map(|i| 1 + i * 50..1 + (i + 1) * 50).collect();
    // Three workers for twelve chunks: three processes, each serving several.
    assert_eq!(
        workers_started(chunks, 3, 3),
        3,
        "a pool starts its workers once, not one process per chunk"
    );
}

#[test]
fn no_more_workers_than_chunks() {
    let _proof = fixtures::proof::test_body();
    assert_eq!(workers_started(vec![1..10, 10..20], 6, 2), 2);
    let one_chunk = vec![Range { start: 1, end: 10 }];
    assert_eq!(
        workers_started(one_chunk, 0, 1),
        1,
        "workers == 0 counts as 1"
    );
}

#[test]
fn a_crashed_worker_is_an_error_naming_its_chunk() {
    let _proof = fixtures::proof::test_body();
    let chunks: Vec<Range<u64>> = (0..8).map(|i| 1 + i * 100..1 + (i + 1) * 100).collect();
    let result = within(
        LIVENESS,
        "chunk_products with a crashing worker",
        move || chunk_products(worker(), &["--crash-at", "450"], &chunks, 3),
    );
    match result {
        Err(ProcessError::WorkerDied { chunk, status }) => {
            assert_eq!(chunk, 401..501, "the chunk that holds 450");
            assert_eq!(status.code(), Some(3), "the worker's own exit code");
        }
        other => panic!("expected ProcessError::WorkerDied, got {other:?}"),
    }
    assert_no_children_left();
}

#[test]
fn a_worker_claiming_an_impossible_reply_is_killed_not_believed() {
    let _proof = fixtures::proof::test_body();
    // The worker sends a length of 2^62 bytes and then waits forever: the
    // parent must refuse the length, kill the worker, and reap it.
    let chunks: Vec<Range<u64>> = (0..4).map(|i| 1 + i * 10..1 + (i + 1) * 10).collect();
    let result = within(LIVENESS, "chunk_products with a lying worker", move || {
        chunk_products(worker(), &["--huge-reply-at", "25"], &chunks, 2)
    });
    match result {
        Err(ProcessError::BadReply {
            chunk,
            reason: ReplyError::TooLong { len, .. },
        }) => {
            assert_eq!(chunk, 21..31);
            assert_eq!(len, 1 << 62);
        }
        other => panic!("expected ProcessError::BadReply with TooLong, got {other:?}"),
    }
    assert_no_children_left();
}

#[test]
fn a_missing_program_is_an_error_not_a_panic() {
    let _proof = fixtures::proof::test_body();
    let result = within(LIVENESS, "chunk_products", || {
        chunk_products(Path::new(MISSING), &[], &[1..5, 5..9], 2)
    });
    match result {
        Err(ProcessError::Spawn { program, .. }) => assert_eq!(program, Path::new(MISSING)),
        other => panic!("expected ProcessError::Spawn, got {other:?}"),
    }
    assert_no_children_left();
}

#[test]
fn factorials_in_processes_match_the_known_values() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "factorial_in_processes", || {
        let small: Vec<_> = [0, 1, 2, 5, 25, 100]
            .into_iter()
            .map(|n| (n, factorial_in_processes(worker(), n, 3)))
            .collect();
        let big = factorial_in_processes(worker(), 20_000, 4);
        let zero_workers = factorial_in_processes(worker(), 10, 0);
        (small, big, zero_workers)
    });
    let (small, big, zero_workers) = got;
    for (n, value) in small {
        let value = value.unwrap_or_else(|err| panic!("{n}!: {err}"));
        assert_eq!(value.to_string(), exact(n).expect("known"), "{n}!");
    }
    let big = big.expect("the workers run");
    assert_eq!(known(20_000).expect("known").check(&big), Ok(()));
    assert_eq!(
        zero_workers.expect("workers == 0 counts as 1"),
        BigUint::from(3_628_800_u32)
    );
    assert_no_children_left();
}
