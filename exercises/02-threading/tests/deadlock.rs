//! Task 10: `deadlock::{transfer, transfer_with_timeout}`.

mod common;

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use common::{LIVENESS, OrResume, eventually, within};
use threading::deadlock::{Account, TransferError, transfer, transfer_with_timeout};

#[test]
fn a_transfer_moves_money_and_a_refused_one_changes_nothing() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "transfer", || {
        let (a, b) = (Account::new(100), Account::new(5));
        let ok = transfer(&a, &b, 30);
        let after_ok = (a.balance(), b.balance());
        let poor = transfer(&b, &a, 1_000);
        let same = transfer(&a, &a, 1);
        let timed_ok = transfer_with_timeout(&b, &a, 35, Duration::from_secs(1));
        let timed_poor = transfer_with_timeout(&a, &b, 1_000, Duration::from_secs(1));
        let timed_same = transfer_with_timeout(&b, &b, 1, Duration::from_secs(1));
        (
            ok,
            after_ok,
            poor,
            same,
            timed_ok,
            timed_poor,
            timed_same,
            a.balance(),
            b.balance(),
        )
    });
    let (ok, after_ok, poor, same, timed_ok, timed_poor, timed_same, a, b) = results;
    assert_eq!(ok, Ok(()));
    assert_eq!(after_ok, (70, 35));
    assert_eq!(
        poor,
        Err(TransferError::InsufficientFunds {
            needed: 1_000,
            available: 35
        })
    );
    assert_eq!(
        same,
        Err(TransferError::SameAccount),
        "refused, not deadlocked"
    );
    assert_eq!(timed_ok, Ok(()));
    assert_eq!(
        timed_poor,
        Err(TransferError::InsufficientFunds {
            needed: 1_000,
            available: 105
        })
    );
    assert_eq!(timed_same, Err(TransferError::SameAccount));
    assert_eq!((a, b), (105, 0));
}

#[test]
fn transfer_takes_the_lower_id_first_whatever_the_direction() {
    let _proof = fixtures::proof::test_body();
    // Deterministic: the test holds the higher-id account, so a transfer
    // *from* it can lock the lower-id account only if it takes locks in id
    // order. Locking `from` first would block on the higher one and leave
    // the lower one free.
    let (lower_taken, result, balances) = within(LIVENESS, "transfer with b held", || {
        let a = Account::new(0);
        let b = Account::new(50);
        assert!(a.id() < b.id(), "ids grow with creation order");
        thread::scope(|scope| {
            let held = b.lock();
            let mover = scope.spawn(|| transfer(&b, &a, 20));
            let lower_taken = eventually(Duration::from_secs(2), || a.try_lock().is_none());
            drop(held);
            let result = mover.join().or_resume();
            (lower_taken, result, (a.balance(), b.balance()))
        })
    });
    assert!(
        lower_taken,
        "transfer(b, a) did not lock a (the lower id) while waiting for b: it takes locks \
         in argument order, which deadlocks against transfer(a, b)"
    );
    assert_eq!(result, Ok(()));
    assert_eq!(balances, (20, 30));
}

/// Two threads transferring 1 back and forth between `a` and `b`, `rounds`
/// times each, starting together; then a third pair on `b` and `c`.
fn hammer(
    rounds: usize,
    move_one: fn(&Account, &Account) -> Result<(), TransferError>,
) -> (u64, u64, u64) {
    let (a, b, c) = (
        Account::new(1_000),
        Account::new(1_000),
        Account::new(1_000),
    );
    let start = Barrier::new(4);
    thread::scope(|scope| {
        for (from, to) in [(&a, &b), (&b, &a), (&b, &c), (&c, &b)] {
            let start = &start;
            scope.spawn(move || {
                start.wait();
                for _ in 0..rounds {
                    // A refusal for lack of funds is fine; a hang is not.
                    let _ = move_one(from, to);
                }
            });
        }
    });
    (a.balance(), b.balance(), c.balance())
}

#[test]
fn transfers_both_ways_at_once_never_deadlock() {
    let _proof = fixtures::proof::test_body();
    let (a, b, c) = within(LIVENESS, "transfers both ways at once", || {
        hammer(50_000, |from, to| transfer(from, to, 1))
    });
    assert_eq!(a + b + c, 3_000, "money was created or destroyed");
}

#[test]
fn timed_transfers_both_ways_at_once_finish_too() {
    let _proof = fixtures::proof::test_body();
    let (a, b, c) = within(LIVENESS, "timed transfers both ways at once", || {
        hammer(20_000, |from, to| {
            match transfer_with_timeout(from, to, 1, Duration::from_secs(1)) {
                Err(TransferError::Busy { .. }) => panic!("busy for a whole second"),
                other => other,
            }
        })
    });
    assert_eq!(a + b + c, 3_000, "money was created or destroyed");
}

#[test]
fn a_timed_transfer_gives_up_instead_of_hanging() {
    let _proof = fixtures::proof::test_body();
    let results = within(LIVENESS, "transfer_with_timeout against held locks", || {
        let (a, b) = (Account::new(100), Account::new(100));
        // `to` held elsewhere for good, then `from`.
        let mut results = Vec::new();
        for hold_to in [true, false] {
            let held = if hold_to { b.lock() } else { a.lock() };
            thread::scope(|scope| {
                let attempt = scope.spawn(|| {
                    let start = Instant::now();
                    let result = transfer_with_timeout(&a, &b, 10, Duration::from_millis(150));
                    (result, start.elapsed())
                });
                results.push(attempt.join().or_resume());
            });
            drop(held);
            // Nothing was left locked, and nothing moved.
            assert!(
                a.try_lock().is_some() && b.try_lock().is_some(),
                "a lock was left held"
            );
            assert_eq!((a.balance(), b.balance()), (100, 100));
        }
        let start = Instant::now();
        let zero = {
            let _held = b.lock();
            thread::scope(|scope| {
                scope
                    .spawn(|| transfer_with_timeout(&a, &b, 10, Duration::ZERO))
                    .join()
                    .or_resume()
            })
        };
        results.push((zero, start.elapsed()));
        results
    });
    for (i, (result, took)) in results.iter().enumerate() {
        let timeout = if i < 2 {
            Duration::from_millis(150)
        } else {
            Duration::ZERO
        };
        assert_eq!(*result, Err(TransferError::Busy { timeout }), "attempt {i}");
        assert!(
            *took >= timeout && *took < timeout + Duration::from_secs(1),
            "attempt {i} took {took:?} with a {timeout:?} time-out"
        );
    }
}
