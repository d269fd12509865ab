//! Task 6 — the multiprocessing variant: chunk products in worker processes.
//!
//! **What.** A small process pool. [`chunk_products`] starts `workers`
//! copies of the worker program `t06-worker` (`bin/worker.rs`, given), and
//! has each compute the products of chunks of numbers, which it sends back
//! as bytes. [`factorial_in_processes`] cuts `1..=n` into one chunk per
//! worker and multiplies the chunks' products in the parent.
//!
//! The worker speaks a tiny protocol on its stdin and stdout:
//!
//! ```text
//! parent → worker   one request per line, in ASCII: "LO HI\n"
//!                   (the chunk LO..HI, half-open, as two decimal numbers)
//! worker → parent   one reply per request: the length L of the answer in
//!                   bytes, as 8 bytes little-endian (u64::to_le_bytes),
//!                   then L bytes: the product as BigUint::to_bytes_le
//! ```
//!
//! At end of input the worker exits with code 0. You write the parent's
//! side: [`write_request`], [`read_reply`], and the pool.
//!
//! Each worker is served by one scoped thread of the parent, which takes
//! the next chunk number from a shared atomic counter, writes the request,
//! reads the reply, and repeats. The workers are started once and reused for
//! every chunk (a pool, not one process per chunk), and all of them are
//! started before any is used, so they compute at the same time.
//!
//! **Why.** This is the notebook's `multiprocessing` pattern in Rust:
//! separate memory, so every argument and result crosses a pipe as bytes.
//! `to_bytes_le` is the number's own digits in little-endian order: no
//! parsing, no decimal conversion (which costs more than the multiplication
//! for big numbers), and `BigUint::from_bytes_le` reads it back in linear
//! time. Length-prefixed framing lets the reader know where a reply ends
//! without scanning it, and lets it *refuse* a length that cannot be right
//! before allocating: the product of k numbers below 2⁶⁴ has at most 8·k
//! bytes, so a worker claiming 2⁶² bytes is broken, not busy.
//!
//! Things go wrong in processes in ways threads do not: the program is
//! missing, a worker crashes half-way, a reply is garbage. Each is an
//! [`ProcessError`] value naming the chunk; the other workers are stopped,
//! and every child is *reaped* (`wait`), so none is left as a zombie or
//! running on after the call returns.
//!
//! **When to choose it.** In Rust, for isolation: a crash or a runaway
//! allocation in the worker cannot take the parent down, and a worker can be
//! killed. Not for speed: threads (task 3) share the numbers instead of
//! copying them, and start in microseconds instead of a millisecond.
//!
//! **Python.** `Pool.map(partial_product, chunks)` pickles each chunk to a
//! worker and each result back (pickle writes an `int` as its little-endian
//! bytes too), and re-raises a worker's exception in the parent. A worker
//! that dies outright breaks a `ProcessPoolExecutor` (`BrokenProcessPool`).

use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use num_bigint::BigUint;

/// Why a reply could not be read.
#[derive(Debug)]
pub enum ReplyError {
    /// Reading failed; `UnexpectedEof` means the worker closed its stdout
    /// (it exited) before the reply was complete.
    Io(io::Error),
    /// The length prefix promised more bytes than the chunk's product can
    /// have.
    TooLong {
        /// The length the worker sent.
        len: u64,
        /// The most the chunk's product can take, [`max_reply_len`].
        max: u64,
    },
}

/// Why [`chunk_products`] or [`factorial_in_processes`] failed.
#[derive(Debug)]
pub enum ProcessError {
    /// A worker could not be started (missing, not executable, …).
    Spawn {
        /// The program we tried to start.
        program: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A worker exited (or its pipes broke) before replying for `chunk`; it
    /// has been reaped and `status` is how it ended.
    WorkerDied {
        /// The chunk it was asked for.
        chunk: Range<u64>,
        /// Its exit status.
        status: ExitStatus,
    },
    /// A worker's reply for `chunk` was malformed; it has been killed and
    /// reaped.
    BadReply {
        /// The chunk it was asked for.
        chunk: Range<u64>,
        /// What was wrong.
        reason: ReplyError,
    },
    /// Waiting for a worker failed.
    Io(io::Error),
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(err) => write!(f, "failed to read the reply: {err}"),
            Self::TooLong { len, max } => {
                write!(
                    f,
                    "the reply claims {len} bytes, at most {max} are possible"
                )
            }
        }
    }
}

impl std::error::Error for ReplyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(err) => Some(err),
            Self::TooLong { .. } => None,
        }
    }
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spawn { program, source } => {
                write!(f, "failed to start worker {}: {source}", program.display())
            }
            Self::WorkerDied { chunk, status } => {
                write!(f, "the worker for chunk {chunk:?} died ({status})")
            }
            Self::BadReply { chunk, reason } => {
                write!(f, "bad reply for chunk {chunk:?}: {reason}")
            }
            Self::Io(err) => write!(f, "failed to wait for a worker: {err}"),
        }
    }
}

impl std::error::Error for ProcessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Spawn { source, .. } | Self::Io(source) => Some(source),
            Self::BadReply { reason, .. } => Some(reason),
            Self::WorkerDied { .. } => None,
        }
    }
}

/// The most bytes the product of `chunk` can take: 8 per number (each is
/// below 2⁶⁴), and 1 for an empty chunk (its product is 1).
pub fn max_reply_len(chunk: &Range<u64>) -> u64 {
    chunk
        .end
        .saturating_sub(chunk.start)
        .saturating_mul(8)
        .max(1)
}

/// Writes the request for `chunk` ("LO HI\n") to a worker's stdin and
/// flushes it, so the worker sees it now rather than when a buffer fills.
pub fn write_request(stdin: &mut impl Write, chunk: &Range<u64>) -> io::Result<()> {
    // TODO: `writeln!` the two numbers separated by one space, then `flush`.
    writeln!(stdin, "{} {}", chunk.start, chunk.end)?;
    stdin.flush()
}

/// Reads one reply (8-byte little-endian length, then that many bytes of
/// `to_bytes_le`) for `chunk` from a worker's stdout.
///
/// A length above [`max_reply_len`]`(chunk)` is [`ReplyError::TooLong`],
/// returned *before* allocating or reading the body (a broken worker must
/// not make the parent allocate 2⁶² bytes). A stream that ends early is
/// [`ReplyError::Io`] with kind `UnexpectedEof`.
pub fn read_reply(stdout: &mut impl Read, chunk: &Range<u64>) -> Result<BigUint, ReplyError> {
    // TODO: `read_exact` into a `[u8; 8]`, `u64::from_le_bytes`, compare with
    // the maximum, then `read_exact` into a `vec![0; len]` and decode it
    // with `BigUint::from_bytes_le`.
    let mut header = [0_u8; 8];
    stdout.read_exact(&mut header).map_err(ReplyError::Io)?;
    let len = u64::from_le_bytes(header);
    let max = max_reply_len(chunk);
    if len > max {
        return Err(ReplyError::TooLong { len, max });
    }
    let len = usize::try_from(len).map_err(|_| ReplyError::TooLong { len, max })?;
    let mut body = vec![0_u8; len];
    stdout.read_exact(&mut body).map_err(ReplyError::Io)?;
    Ok(BigUint::from_bytes_le(&body))
}

/// The product of each chunk, computed by a pool of worker processes:
/// `result[i]` is the product of the numbers in `chunks[i]`.
///
/// Starts `min(workers, chunks.len())` workers (`workers == 0` counts as 1;
/// no chunks start none), each as `worker args…` with piped stdin and stdout
/// (stderr stays ours), all before any is sent a request. One scoped thread
/// per worker takes the next chunk from a shared counter, writes its
/// request and reads its reply, until no chunks are left; then it closes the
/// worker's stdin (the worker exits) and reaps it.
///
/// Errors, each returned only after *every* started worker has been reaped:
/// - [`ProcessError::Spawn`] if a worker cannot be started (those already
///   started are killed and reaped);
/// - [`ProcessError::WorkerDied`] if a request cannot be written or the
///   reply ends early: the worker is gone, and its status says how;
/// - [`ProcessError::BadReply`] if a reply is malformed: that worker is
///   killed;
/// - after a failure the other workers take no new chunks.
///
/// A worker that never answers blocks this call (there is no deadline).
pub fn chunk_products(
    worker: &Path,
    args: &[&str],
    chunks: &[Range<u64>],
    workers: usize,
) -> Result<Vec<BigUint>, ProcessError> {
    // TODO: spawn the workers in one loop (`Command` with `Stdio::piped()`
    // for stdin and stdout); on a spawn error kill and wait for those already
    // started. Then in `thread::scope`, one thread per worker: take its
    // stdin and stdout out of the `Child`, loop over chunks handed out by an
    // `AtomicUsize` (stop early once a shared `AtomicBool` says another
    // worker failed), and keep `(index, product)` pairs. When done, drop
    // stdin and `wait`. On a failure, raise the flag, `kill` and `wait`, and
    // return the error: `WorkerDied` with the status for a write error or
    // `ReplyError::Io`, `BadReply` for `TooLong`. Finally put the products
    // in chunk order, or return the first error.
    use std::io::BufReader;
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::Ordering::Relaxed;
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use std::thread;

    /// Serves chunks with one worker until none are left or one failed.
    fn serve(
        mut child: Child,
        chunks: &[Range<u64>],
        next: &AtomicUsize,
        failed: &AtomicBool,
    ) -> Result<Vec<(usize, BigUint)>, ProcessError> {
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("the worker was spawned with piped stdin and stdout");
        };
        let mut stdout = BufReader::new(stdout);
        let mut done = Vec::new();
        let failure = loop {
            // Relaxed is enough: the flag only stops new requests early, and
            // the counter hands out distinct indices; results travel by join.
            if failed.load(Relaxed) {
                break None;
            }
            let i = next.fetch_add(1, Relaxed);
            let Some(chunk) = chunks.get(i) else {
                break None;
            };
            let reply = match write_request(&mut stdin, chunk) {
                Ok(()) => read_reply(&mut stdout, chunk),
                Err(err) => Err(ReplyError::Io(err)),
            };
            match reply {
                Ok(product) => done.push((i, product)),
                Err(reason) => break Some((chunk.clone(), reason)),
            }
        };
        // End of input: a healthy worker exits when its stdin closes.
        drop(stdin);
        let Some((chunk, reason)) = failure else {
            child.wait().map_err(ProcessError::Io)?;
            return Ok(done);
        };
        failed.store(true, Relaxed);
        // A worker that already exited is a zombie until waited for: the
        // kill is then a no-op and `wait` reports how it really ended.
        let _ = child.kill();
        let status = child.wait().map_err(ProcessError::Io)?;
        Err(match reason {
            ReplyError::Io(_) => ProcessError::WorkerDied { chunk, status },
            reason @ ReplyError::TooLong { .. } => ProcessError::BadReply { chunk, reason },
        })
    }

    if chunks.is_empty() {
        return Ok(Vec::new());
    }
    let workers = workers.clamp(1, chunks.len());
    let mut children = Vec::with_capacity(workers);
    for _ in 0..workers {
        let spawned = Command::new(worker)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(source) => {
                for mut child in children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(ProcessError::Spawn {
                    program: worker.to_owned(),
                    source,
                });
            }
        }
    }

    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let (next, failed) = (&next, &failed);
    let outcomes: Vec<_> = thread::scope(|scope| {
        let servers: Vec<_> = children
            .into_iter()
            .map(|child| scope.spawn(move || serve(child, chunks, next, failed)))
            .collect();
        servers
            .into_iter()
            .map(|server| {
                server
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .collect()
    });
    let mut slots: Vec<Option<BigUint>> = chunks.iter().map(|_| None).collect();
    for outcome in outcomes {
        for (i, product) in outcome? {
            slots[i] = Some(product);
        }
    }
    Ok(slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| unreachable!("every chunk is served once")))
        .collect())
}

/// n! by `workers` worker processes: `1..=n` cut into `min(workers, n)`
/// contiguous chunks of (almost) equal length, their products computed by
/// [`chunk_products`] with no extra worker arguments, and multiplied
/// together in the parent with [`product_all`].
///
/// 0! and 1! are 1 (for 0! no worker is started). Errors as for
/// [`chunk_products`].
///
/// [`product_all`]: crate::product_tree::product_all
pub fn factorial_in_processes(
    worker: &Path,
    n: u64,
    workers: usize,
) -> Result<BigUint, ProcessError> {
    // TODO: build the chunks (the first `n % parts` get one number more),
    // call `chunk_products`, and combine with `product_all` from task 2.
    let parts = u64::try_from(workers)
        .unwrap_or(u64::MAX)
        .clamp(1, n.max(1));
    let (base, extra) = (n / parts, n % parts);
    let mut chunks = Vec::new();
    let mut from = 1;
    for part in 0..parts {
        let to = from + base + u64::from(part < extra);
        if to > from {
            chunks.push(from..to);
        }
        from = to;
    }
    let products = chunk_products(worker, &[], &chunks, workers)?;
    Ok(crate::product_tree::product_all(products))
}
