//! Task 10 — the seed's "Deadlock" row: two accounts transferring both ways.
//!
//! **What.** A transfer must lock *both* accounts (the money leaves one and
//! arrives in the other in one step, or a reader could see it in neither).
//! [`transfer_naive`] locks `from`, then `to`. Now thread 1 runs
//! `transfer(a, b)` while thread 2 runs `transfer(b, a)`: thread 1 holds `a`
//! and waits for `b`, thread 2 holds `b` and waits for `a`. Neither lets go,
//! so both wait forever: a **circular wait**, the classic deadlock. It needs
//! no bad luck beyond the two threads taking their first lock at about the
//! same moment, and on a busy server that is a matter of time.
//!
//! Two fixes, one per function:
//!
//! - [`transfer`]: **lock ordering**. Every thread takes the two locks in
//!   one global order, here by account id, lower first, whatever the
//!   direction of the transfer. A cycle needs someone to hold the later lock
//!   while waiting for the earlier one, which no thread ever does. This is
//!   the fix to prefer: nothing ever waits in vain, and it costs nothing.
//! - [`transfer_with_timeout`]: **try, back off, give up.** Take the locks
//!   with `try_lock`; if one is busy, release everything already held,
//!   sleep a short *random* pause (two threads that retry in lock-step would
//!   collide forever: a *livelock*), and try again until `timeout`, then
//!   return [`TransferError::Busy`] instead of hanging. Use it where one
//!   global order is not possible (locks owned by different subsystems) or a
//!   caller must not wait unboundedly.
//!
//! Transferring from an account to itself is refused before any lock is
//! taken: `std::sync::Mutex` is not re-entrant, and locking it twice on one
//! thread deadlocks (or panics) on the spot.
//!
//! **Python.** The troubleshooting table says "use timeouts, avoid nested
//! locks": `lock.acquire(timeout=1)` returns `False` instead of hanging.
//! std's `Mutex` has no timed lock, hence `try_lock` in a loop with a
//! deadline. Python's `RLock` *is* re-entrant; Rust has no std equivalent,
//! on purpose: code that needs one usually hides a design problem.

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

/// Ids of new accounts; every account gets a different one.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A bank account: an id for lock ordering, and a balance behind a lock.
#[derive(Debug)]
pub struct Account {
    /// Unique, never changes: the lock order.
    id: u64,
    /// The balance. A transfer holds this lock and the other account's.
    balance: Mutex<u64>,
}

impl Account {
    /// A new account holding `balance`, with an id larger than every
    /// account created before it.
    pub fn new(balance: u64) -> Self {
        Self {
            // Relaxed: the counter only hands out distinct numbers.
            id: NEXT_ID.fetch_add(1, Relaxed),
            balance: Mutex::new(balance),
        }
    }

    /// The account's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The balance now (takes the lock for a moment).
    pub fn balance(&self) -> u64 {
        *self.lock()
    }

    /// Locks the balance, waiting as long as it takes. A poisoned lock is
    /// recovered: a transfer changes the two balances only after every check
    /// passed, so a panic cannot leave one half-done.
    pub fn lock(&self) -> MutexGuard<'_, u64> {
        self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the balance if no other thread holds it now; never blocks.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, u64>> {
        match self.balance.try_lock() {
            Ok(guard) => Some(guard),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

/// Why a transfer did not happen. Balances are unchanged in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// `from` and `to` are the same account.
    SameAccount,
    /// `from` holds less than `amount`.
    InsufficientFunds {
        /// The amount asked for.
        needed: u64,
        /// What `from` held.
        available: u64,
    },
    /// The locks could not both be taken within the time-out.
    Busy {
        /// The time-out that passed.
        timeout: Duration,
    },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SameAccount => f.write_str("cannot transfer from an account to itself"),
            Self::InsufficientFunds { needed, available } => {
                write!(
                    f,
                    "insufficient funds: needed {needed}, available {available}"
                )
            }
            Self::Busy { timeout } => {
                write!(
                    f,
                    "the accounts stayed locked for {timeout:?}; try again later"
                )
            }
        }
    }
}

impl std::error::Error for TransferError {}

/// Moves `amount` between two locked balances, or changes nothing.
fn move_money(from: &mut u64, to: &mut u64, amount: u64) -> Result<(), TransferError> {
    if *from < amount {
        return Err(TransferError::InsufficientFunds {
            needed: amount,
            available: *from,
        });
    }
    *from -= amount;
    *to += amount;
    Ok(())
}

/// **Deadlocks; do not use.** Locks `from`, then `to`: two threads
/// transferring in opposite directions can each hold one lock and wait
/// forever for the other. Kept to show the bug the other two fix.
pub fn transfer_naive(from: &Account, to: &Account, amount: u64) -> Result<(), TransferError> {
    if from.id == to.id {
        return Err(TransferError::SameAccount);
    }
    let mut from_balance = from.lock();
    let mut to_balance = to.lock();
    move_money(&mut from_balance, &mut to_balance, amount)
}

/// Moves `amount` from `from` to `to`, holding both locks, taken in id
/// order (the lower id first) whatever the direction, so transfers in
/// opposite directions can never deadlock.
///
/// Errors, with both balances unchanged: [`TransferError::SameAccount`]
/// (checked before any lock), [`TransferError::InsufficientFunds`].
pub fn transfer(from: &Account, to: &Account, amount: u64) -> Result<(), TransferError> {
    // TODO: refuse the same account; lock the account with the lower id
    // first, then the other; `move_money` between the right two guards.
    if from.id == to.id {
        return Err(TransferError::SameAccount);
    }
    // One global order, whatever the direction: the lower id first.
    let (mut from_balance, mut to_balance) = if from.id < to.id {
        let from_balance = from.lock();
        (from_balance, to.lock())
    } else {
        let to_balance = to.lock();
        (from.lock(), to_balance)
    };
    move_money(&mut from_balance, &mut to_balance, amount)
}

/// Moves `amount` from `from` to `to` like [`transfer`], but never waits
/// longer than about `timeout` for the locks: it takes them with
/// `try_lock`, and when one is busy it releases what it holds, backs off
/// for a short random pause and tries again; at the time-out it returns
/// [`TransferError::Busy`] with both balances unchanged and no lock held.
///
/// A zero `timeout` tries exactly once. Same other errors as [`transfer`].
pub fn transfer_with_timeout(
    from: &Account,
    to: &Account,
    amount: u64,
    timeout: Duration,
) -> Result<(), TransferError> {
    // TODO: refuse the same account; loop { try both locks; if both, move
    // the money and return; otherwise drop what you hold, check the clock,
    // and sleep a jittered pause that grows with the attempts (never past
    // the deadline) }. For randomness without a crate:
    // `std::hash::RandomState::new().hash_one(attempt)` differs every call.
    use std::hash::{BuildHasher, RandomState};
    use std::thread;
    use std::time::Instant;

    if from.id == to.id {
        return Err(TransferError::SameAccount);
    }
    let started = Instant::now();
    let mut attempt: u32 = 0;
    loop {
        if let Some(mut from_balance) = from.try_lock()
            && let Some(mut to_balance) = to.try_lock()
        {
            return move_money(&mut from_balance, &mut to_balance, amount);
        }
        // Whatever was taken is released here, before the pause: holding one
        // lock while waiting for the other is the deadlock itself.
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(TransferError::Busy { timeout });
        }
        attempt = attempt.saturating_add(1);
        // Up to 20 µs × 2^attempt (capped at about 1.3 ms), times a random
        // fraction, so two threads do not retry in lock-step.
        let cap = Duration::from_micros(20 << attempt.min(6));
        let jitter = RandomState::new().hash_one(attempt) % 1_000;
        let pause = cap.mul_f64(jitter as f64 / 1_000.0);
        thread::sleep(pause.min(timeout - waited));
    }
}
