//! Threads versus processes: what starting one costs, what a message costs,
//! and what chunking does for a pool of tiny jobs.
//!
//! ```text
//! cargo run -p multiprocessing --example costs            # your code
//! cargo run -p multiprocessing-solution --example costs   # the reference
//! ```
//!
//! The first two tables need none of your code. The last one runs your
//! `ProcessPool` (tasks 2 and 4) and `pick_chunk_size` (task 5); until those
//! are done it stops with their `todo!()`.
//!
//! The example is its own worker program: it starts copies of itself with a
//! mode argument (`exit`, `echo` or `serve`), the "re-execute yourself in
//! worker mode" trick, so it needs no other binary. Numbers are medians of
//! many runs, and noisy on a busy machine: run it twice.

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use fixtures::baselines::prime_flags;
use fixtures::inputs::{PRIME_CANDIDATES, prime_candidates};
use fixtures::perf::available_parallelism;
use multiprocessing::ipc::serve;
use multiprocessing::pool::ProcessPool;
use multiprocessing::protocol::{InitArgs, Job, Request, Response, exit_when_parent_dies};
use multiprocessing::small_jobs::pick_chunk_size;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::args().nth(1).as_deref() {
        Some("exit") => return Ok(()),
        Some("echo") => return echo(),
        Some("serve") => {
            exit_when_parent_dies();
            return Ok(serve(io::stdin().lock(), io::stdout().lock())?);
        }
        _ => {}
    }
    let me = std::env::current_exe()?;

    println!("Start-up: create a thread or a process that does nothing, wait for it.\n");
    let thread_start = median_of(2000, || {
        let t = Instant::now();
        thread::spawn(|| {})
            .join()
            .expect("an empty thread cannot panic");
        t.elapsed()
    });
    let process_start = median_of(200, || {
        let t = Instant::now();
        let status = Command::new(&me).arg("exit").status();
        assert!(status.is_ok_and(|s| s.success()), "the child failed");
        t.elapsed()
    });
    println!("| start and wait for | median |");
    println!("|---|---|");
    println!(
        "| a thread (`thread::spawn` + `join`) | {} |",
        show(thread_start)
    );
    println!(
        "| a process (`Command::status`) | {} |",
        show(process_start)
    );
    println!(
        "\nA process costs about {:.0} threads.\n",
        process_start.as_secs_f64() / thread_start.as_secs_f64()
    );

    println!("Messages: a request (a list of 4 small jobs) and its response (4 answers).\n");
    let thread_trip = thread_round_trip(20_000);
    let process_trip = process_round_trip(&me, 5_000)?;
    let thread_stream = thread_stream(200_000);
    let process_stream = process_stream(&me, 200_000)?;
    println!(
        "| messages | to a thread (two mpsc channels) | to a process (JSON lines over pipes) |"
    );
    println!("|---|---|---|");
    println!(
        "| one round trip, waiting for each answer (median) | {} | {} |",
        show(thread_trip),
        show(process_trip)
    );
    println!(
        "| a stream of round trips, not waiting (per message) | {} | {} |",
        show(thread_stream),
        show(process_stream)
    );
    println!(
        "\nWaiting for each answer costs about the same either way: the time goes into \
         waking the other side up. Streamed, a process message costs about {:.0}× a \
         thread message: serialising, two system calls, parsing.\n",
        process_stream.as_secs_f64() / thread_stream.as_secs_f64()
    );

    chunk_sweep(&me)?;
    Ok(())
}

/// Worker mode `echo`: answers every `Run` with zeros, doing no work, so
/// the parent times nothing but the messaging.
fn echo() -> Result<(), Box<dyn std::error::Error>> {
    exit_when_parent_dies();
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let request: Request = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut out, &echoed(&request, std::process::id()))?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(())
}

/// The echo's answer to `request`: zeros for a `Run`, nothing for an `Init`.
fn echoed(request: &Request, pid: u32) -> Response {
    let values = match request {
        Request::Run(jobs) => vec![0; jobs.len()],
        Request::Init(_) => Vec::new(),
    };
    Response::Done {
        pid,
        init_runs: 0,
        values,
    }
}

/// The echo on a thread: answers each request until either side hangs up.
fn echo_on_thread(requests: mpsc::Receiver<Request>, to_parent: mpsc::Sender<Response>) {
    for request in requests {
        if to_parent.send(echoed(&request, 0)).is_err() {
            break;
        }
    }
}

/// A child process in `echo` mode, with its stdin and its stdout.
fn echo_child(
    me: &Path,
) -> Result<(Child, ChildStdin, BufReader<ChildStdout>), Box<dyn std::error::Error>> {
    let mut child = Command::new(me)
        .arg("echo")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    Ok((child, stdin, stdout))
}

/// Reads the echo child's next answer into `answer` and checks it is a
/// `Response`.
fn read_answer(stdout: &mut BufReader<ChildStdout>, answer: &mut String) {
    answer.clear();
    stdout.read_line(answer).expect("the echo child answers");
    let _: Response = serde_json::from_str(answer).expect("the echo child speaks JSON");
}

/// Median round trip of a `Request` to a thread and its `Response` back.
fn thread_round_trip(trips: usize) -> Duration {
    let (to_worker, requests) = mpsc::channel::<Request>();
    let (to_parent, responses) = mpsc::channel::<Response>();
    let worker = thread::spawn(move || echo_on_thread(requests, to_parent));
    let request = Request::Run(vec![Job::IsPrime(97); 4]);
    let trip = median_of(trips, || {
        let t = Instant::now();
        to_worker.send(request.clone()).expect("the worker listens");
        responses.recv().expect("the worker answers");
        t.elapsed()
    });
    drop(to_worker);
    worker.join().expect("the echo thread cannot panic");
    trip
}

/// Median round trip of the same request to a child process, as one JSON
/// line each way.
fn process_round_trip(me: &Path, trips: usize) -> Result<Duration, Box<dyn std::error::Error>> {
    let (mut child, mut stdin, mut stdout) = echo_child(me)?;
    let mut line = serde_json::to_vec(&Request::Run(vec![Job::IsPrime(97); 4]))?;
    line.push(b'\n');
    let mut answer = String::new();
    let trip = median_of(trips, || {
        let t = Instant::now();
        stdin.write_all(&line).expect("the echo child reads");
        stdin.flush().expect("the echo child reads");
        read_answer(&mut stdout, &mut answer);
        t.elapsed()
    });
    drop(stdin);
    child.wait()?;
    Ok(trip)
}

/// Per-message cost of `messages` requests streamed to a thread while its
/// answers stream back (nobody waits for one answer before the next request).
fn thread_stream(messages: usize) -> Duration {
    let (to_worker, requests) = mpsc::channel::<Request>();
    let (to_parent, responses) = mpsc::channel::<Response>();
    let request = Request::Run(vec![Job::IsPrime(97); 4]);
    let t = Instant::now();
    thread::scope(|scope| {
        scope.spawn(move || echo_on_thread(requests, to_parent));
        scope.spawn(move || {
            for _ in 0..messages {
                to_worker.send(request.clone()).expect("the worker listens");
            }
        });
        for _ in 0..messages {
            responses.recv().expect("the worker answers");
        }
    });
    t.elapsed() / u32::try_from(messages).unwrap_or(u32::MAX)
}

/// The same stream to a child process, one JSON line per message each way.
fn process_stream(me: &Path, messages: usize) -> Result<Duration, Box<dyn std::error::Error>> {
    let (mut child, stdin, mut stdout) = echo_child(me)?;
    let request = Request::Run(vec![Job::IsPrime(97); 4]);
    let t = Instant::now();
    thread::scope(|scope| {
        scope.spawn(move || {
            let mut stdin = stdin;
            for _ in 0..messages {
                // One flushed line per message, as `send_message` does.
                let mut line = serde_json::to_vec(&request).expect("requests serialise");
                line.push(b'\n');
                stdin.write_all(&line).expect("the echo child reads");
                stdin.flush().expect("the echo child reads");
            }
        });
        let mut answer = String::new();
        for _ in 0..messages {
            read_answer(&mut stdout, &mut answer);
        }
    });
    let per_message = t.elapsed() / u32::try_from(messages).unwrap_or(u32::MAX);
    child.wait()?;
    Ok(per_message)
}

/// Times `ProcessPool` (start, map, close) on the small-jobs workload for
/// several chunk sizes, against the sequential baseline.
fn chunk_sweep(me: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let workers = available_parallelism();
    let numbers = prime_candidates(1, PRIME_CANDIDATES);
    let jobs: Vec<Job> = numbers.iter().map(|&n| Job::IsPrime(n)).collect();
    let expected: Vec<u64> = prime_flags(&numbers).into_iter().map(u64::from).collect();
    let sequential = median_of(3, || {
        let t = Instant::now();
        std::hint::black_box(prime_flags(&numbers));
        t.elapsed()
    });
    let picked = pick_chunk_size(jobs.len(), workers);
    println!(
        "Small jobs: is each of {} numbers prime (about {} of work each), on a pool of {workers} \
         worker processes, pool start and close included.\n",
        jobs.len(),
        show(sequential / u32::try_from(jobs.len()).unwrap_or(u32::MAX))
    );
    println!("| chunk size | messages | time | speedup over one thread |");
    println!("|---|---|---|---|");
    println!(
        "| (no pool: one thread) | 0 | {} | 1.00× |",
        show(sequential)
    );
    let mut sizes = vec![1, 10, 100, 1000, jobs.len().div_ceil(workers)];
    sizes.push(picked);
    sizes.sort_unstable();
    sizes.dedup();
    for size in sizes {
        let runs = if size < 10 { 1 } else { 3 };
        let mut failure = None;
        let time = median_of(runs, || {
            let t = Instant::now();
            let result =
                ProcessPool::start(me, workers, &InitArgs::default()).and_then(|mut pool| {
                    let output = pool.map(&jobs, size)?;
                    pool.close()?;
                    Ok(output)
                });
            let elapsed = t.elapsed();
            match result {
                Ok(output) if output.values == expected => {}
                Ok(_) => failure = Some("wrong answers".to_owned()),
                Err(err) => failure = Some(err.to_string()),
            }
            elapsed
        });
        if let Some(failure) = failure {
            return Err(format!("chunk size {size}: {failure}").into());
        }
        let note = if size == picked {
            " (your pick_chunk_size)"
        } else {
            ""
        };
        println!(
            "| {size}{note} | {} | {} | {:.2}× |",
            jobs.len().div_ceil(size),
            show(time),
            sequential.as_secs_f64() / time.as_secs_f64()
        );
    }
    Ok(())
}

/// Runs `f` `runs` times and returns the median of what it measured.
fn median_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1)).map(|_| f()).collect();
    times.sort_unstable();
    times[times.len() / 2]
}

/// A duration in the unit that suits it.
fn show(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 10_000 {
        format!("{ns} ns")
    } else if ns < 10_000_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else {
        format!("{:.1} ms", ns as f64 / 1e6)
    }
}
