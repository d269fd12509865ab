//! `checker bench`: the seed module's "Performance Benchmarks" table,
//! re-measured in Rust on this machine, beside the Python figures.
//!
//! Four scenarios, each run sequentially, on threads and in processes (the
//! checker re-runs itself as a worker: `checker bench-worker …`), scaled so
//! the whole table takes well under a minute:
//!
//! | seed scenario | here |
//! |---|---|
//! | 10 API calls (1 s each) | 10 HTTP GETs to a loopback server answering after 100 ms |
//! | compute 10M calculations | counting primes in a 4M-number window (`fixtures::baselines`) |
//! | 100 file reads (10 ms each) | 100 real 4 KiB files, each read followed by a 5 ms device wait |
//! | data processing 1 GB | hashing 64 MiB of generated data read from a file |
//!
//! Every time is the median of [`REPEATS`] runs. Where `python3` is on the
//! PATH, the same scenarios run in Python too (`bench/seed.py`: sequential,
//! `threading`, `multiprocessing`), so the GIL row is measured here, not
//! quoted; its two CPU rows run on a slice of the Rust workload
//! ([`PYTHON_PRIMES_SLICE`], [`PYTHON_DATA_SLICE`]) and are scaled up.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Runs per cell; the median is shown.
pub const REPEATS: usize = 3;
const CALLS: usize = 10;
const LATENCY: Duration = Duration::from_millis(100);
const FILES: usize = 100;
const FILE_WAIT: Duration = Duration::from_millis(5);
const DATA_BYTES: u64 = 64 << 20;
/// Pure Python tests this window's primes about 5× slower than Rust: it
/// counts this fraction of the window, and its times are multiplied back
/// (each of its runs still lasts long enough that starting a process is
/// noise).
const PYTHON_PRIMES_SLICE: u64 = 4;
/// The same for the data row's mixing loop (about 100× slower).
const PYTHON_DATA_SLICE: u64 = 256;
/// The Python side of the table, run as `python3 seed.py ARGS_JSON`.
const PYTHON_SEED: &str = include_str!("bench/seed.py");

/// One row of the table.
struct Row {
    scenario: &'static str,
    python: [&'static str; 3],
    /// Sequential, threads, processes; `None` when a run failed.
    times: [Option<Duration>; 3],
    /// The same three in Python on this machine, when measured.
    python_here: Option<[Duration; 3]>,
}

/// Measures the table and writes it to `out`.
pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find the checker's own executable")?;
    let cores = fixtures::perf::available_parallelism();
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    writeln!(
        out,
        "Measuring the seed's benchmark table on {cores} cores (median of {REPEATS} runs each)…\n"
    )?;

    let server = LatencyServer::start(LATENCY)?;
    let addr = server.addr.clone();
    let api = Row {
        scenario: "10 API calls (1 s each → 100 ms here)",
        python: ["10s", "2s", "2.5s"],
        python_here: None,
        times: [
            median_time(|| (0..CALLS).try_for_each(|_| http_get(&addr))),
            median_time(|| on_threads(CALLS, |_| http_get(&addr))),
            median_time(|| in_processes(&exe, CALLS, |_| vec!["http".into(), addr.clone()])),
        ],
    };

    let window = fixtures::inputs::prime_window(1, fixtures::inputs::PRIME_WINDOW);
    let cpu = Row {
        scenario: "compute (10M calculations → 4M prime tests)",
        python: ["5s", "5s", "1.2s"],
        python_here: None,
        times: [
            median_time(|| count_primes_strided(window.clone(), 0, 1).map(drop)),
            median_time(|| {
                on_threads(cores, |i| {
                    count_primes_strided(window.clone(), i, cores).map(drop)
                })
            }),
            median_time(|| {
                in_processes(&exe, cores, |i| {
                    vec![
                        "primes".into(),
                        window.start.to_string(),
                        window.end.to_string(),
                        i.to_string(),
                        cores.to_string(),
                    ]
                })
            }),
        ],
    };

    let files = write_files(scratch.path())?;
    let reads = Row {
        scenario: "100 file reads (10 ms each → 5 ms here)",
        python: ["1s", "0.2s", "0.5s"],
        python_here: None,
        times: [
            median_time(|| files.iter().try_for_each(|f| read_with_wait(f))),
            median_time(|| {
                on_threads(10, |i| {
                    files
                        .iter()
                        .skip(i)
                        .step_by(10)
                        .try_for_each(|f| read_with_wait(f))
                })
            }),
            median_time(|| {
                in_processes(&exe, 10, |i| {
                    let mine: Vec<String> = files
                        .iter()
                        .skip(i)
                        .step_by(10)
                        .map(|f| f.display().to_string())
                        .collect();
                    ["read".to_owned()].into_iter().chain(mine).collect()
                })
            }),
        ],
    };

    let data = write_data(scratch.path())?;
    let chunk = DATA_BYTES / cores as u64;
    let part = |i: usize| {
        i as u64 * chunk..if i + 1 == cores {
            DATA_BYTES
        } else {
            (i as u64 + 1) * chunk
        }
    };
    let processing = Row {
        scenario: "data processing (1 GB → 64 MiB)",
        python: ["10s", "10s", "2.5s"],
        python_here: None,
        times: [
            median_time(|| hash_file_range(&data, 0..DATA_BYTES).map(drop)),
            median_time(|| on_threads(cores, |i| hash_file_range(&data, part(i)).map(drop))),
            median_time(|| {
                in_processes(&exe, cores, |i| {
                    let range = part(i);
                    vec![
                        "hash".into(),
                        data.display().to_string(),
                        range.start.to_string(),
                        range.end.to_string(),
                    ]
                })
            }),
        ],
    };
    let mut rows = [api, cpu, reads, processing];
    writeln!(out, "Measuring the same in Python (python3)…\n")?;
    match python_here(&PythonWorkload {
        addr: &addr,
        cores,
        window: &window,
        files: &files,
        data: &data,
        scratch: scratch.path(),
    }) {
        Ok(times) => {
            for (row, times) in rows.iter_mut().zip(times) {
                row.python_here = Some(times);
            }
        }
        Err(error) => writeln!(out, "Python here: not measured ({error:#})\n")?,
    }
    drop(server);

    let cell = |row: &Row, i: usize| -> anyhow::Result<String> {
        Ok(match (row.times[0], row.times[i]) {
            (Some(sequential), Some(time)) => format!(
                "{:>8.3}s {:>5.1}×",
                time.as_secs_f64(),
                sequential.as_secs_f64() / time.as_secs_f64().max(1e-9)
            ),
            _ => "failed".to_owned(),
        })
    };
    writeln!(
        out,
        "{:<46} {:>15} {:>15} {:>15}   {:<24}   Python (seed)",
        "scenario", "sequential", "threads", "processes", "Python here"
    )?;
    for row in &rows {
        let here = row.python_here.map_or_else(
            || "-".to_owned(),
            |[seq, threads, processes]| {
                format!(
                    "{} / {} / {}",
                    seconds(seq),
                    seconds(threads),
                    seconds(processes)
                )
            },
        );
        writeln!(
            out,
            "{:<46} {:>15} {:>15} {:>15}   {here:<24}   {} / {} / {}",
            row.scenario,
            cell(row, 0)?,
            cell(row, 1)?,
            cell(row, 2)?,
            row.python[0],
            row.python[1],
            row.python[2]
        )?;
    }
    writeln!(
        out,
        "\nPython here and (seed): sequential / threads / processes. Python's CPU rows ran on \
         1/{PYTHON_PRIMES_SLICE} of the primes and 1/{PYTHON_DATA_SLICE} of the data, scaled up."
    )?;
    writeln!(out)?;
    for row in &rows {
        writeln!(out, "- {}: {}", row.scenario, reading(row, cores))?;
    }
    Ok(())
}

/// One honest sentence per row, from the numbers measured.
fn reading(row: &Row, cores: usize) -> String {
    let speedup = |i: usize| match (row.times[0], row.times[i]) {
        (Some(sequential), Some(time)) => sequential.as_secs_f64() / time.as_secs_f64().max(1e-9),
        _ => f64::NAN,
    };
    let (threads, processes) = (speedup(1), speedup(2));
    let cpu_bound = row.python[0] == row.python[1];
    if !cpu_bound {
        return format!(
            "threads {threads:.1}×, processes {processes:.1}×: waiting overlaps either way, as in Python; \
             each process costs about a millisecond to start, a thread far less"
        );
    }
    if cores < 2 || threads < 1.3 {
        return format!(
            "threads {threads:.1}×, processes {processes:.1}×: no parallel speedup measured — {}",
            if cores < 2 {
                "this machine gives one core".to_owned()
            } else {
                format!(
                    "another program holds the {cores} cores right now; run again on an idle machine"
                )
            }
        );
    }
    let gil = row.python_here.map_or_else(
        || "Python's GIL gives 1×".to_owned(),
        |[seq, threads, _]| {
            format!(
                "Python's threads gave {:.1}× here (the GIL)",
                seq.as_secs_f64() / threads.as_secs_f64().max(1e-9)
            )
        },
    );
    format!(
        "threads {threads:.1}× on {cores} cores where {gil}; processes {processes:.1}×: \
         in Rust the CPU rows move to threads, processes only add start-up and copying"
    )
}

/// What the Python side measures: the Rust rows' own server, window, files
/// and data.
struct PythonWorkload<'a> {
    addr: &'a str,
    cores: usize,
    window: &'a Range<u64>,
    files: &'a [PathBuf],
    data: &'a Path,
    scratch: &'a Path,
}

/// Runs `bench/seed.py` with `python3` on `workload`: per row, the median
/// sequential, threads and processes times (the CPU rows scaled back up).
fn python_here(workload: &PythonWorkload<'_>) -> anyhow::Result<[[Duration; 3]; 4]> {
    let script = workload.scratch.join("seed.py");
    std::fs::write(&script, PYTHON_SEED).context("cannot write the Python script")?;
    let primes_len = (workload.window.end - workload.window.start) / PYTHON_PRIMES_SLICE;
    let args = serde_json::json!({
        "repeats": REPEATS,
        "cores": workload.cores,
        "addr": workload.addr,
        "calls": CALLS,
        "primes": [workload.window.start, workload.window.start + primes_len],
        "primes_scale": PYTHON_PRIMES_SLICE,
        "files": workload.files,
        "file_wait": FILE_WAIT.as_secs_f64(),
        "file_workers": 10,
        "data": workload.data,
        "data_bytes": DATA_BYTES / PYTHON_DATA_SLICE,
        "data_scale": PYTHON_DATA_SLICE,
    });
    let output = Command::new("python3")
        .arg(&script)
        .arg(args.to_string())
        .stdin(Stdio::null())
        .output()
        .context("python3 is not on the PATH")?;
    if !output.status.success() {
        bail!(
            "python3 failed ({}): {}",
            output.status,
            crate::process::truncate_chars(String::from_utf8_lossy(&output.stderr).trim(), 300)
        );
    }
    parse_python_times(&String::from_utf8_lossy(&output.stdout))
}

/// The rows of `seed.py`'s answer, `{"rows": [[seq, threads, processes] × 4]}`
/// in seconds.
fn parse_python_times(answer: &str) -> anyhow::Result<[[Duration; 3]; 4]> {
    #[derive(serde::Deserialize)]
    struct Answer {
        rows: [[f64; 3]; 4],
    }
    let answer: Answer = serde_json::from_str(answer.trim())
        .with_context(|| format!("unexpected answer from seed.py: {answer:.200}"))?;
    let mut rows = [[Duration::ZERO; 3]; 4];
    for (row, seconds) in rows.iter_mut().zip(answer.rows) {
        for (cell, seconds) in row.iter_mut().zip(seconds) {
            *cell = Duration::try_from_secs_f64(seconds)
                .with_context(|| format!("not a duration: {seconds}"))?;
        }
    }
    Ok(rows)
}

/// `1.23s`, or `45ms` under a second.
fn seconds(time: Duration) -> String {
    if time < Duration::from_secs(1) {
        format!("{}ms", time.as_millis())
    } else {
        format!("{:.2}s", time.as_secs_f64())
    }
}

/// Median wall time of [`REPEATS`] runs, or `None` if a run failed (the
/// error is printed; one broken cell does not abort the table).
fn median_time(mut run: impl FnMut() -> anyhow::Result<()>) -> Option<Duration> {
    let mut times = Vec::with_capacity(REPEATS);
    for _ in 0..REPEATS {
        let start = Instant::now();
        if let Err(error) = run() {
            eprintln!("checker bench: {error:#}");
            return None;
        }
        times.push(start.elapsed());
    }
    times.sort();
    Some(times[REPEATS / 2])
}

fn on_threads(n: usize, work: impl Fn(usize) -> anyhow::Result<()> + Sync) -> anyhow::Result<()> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                scope.spawn({
                    let work = &work;
                    move || work(i)
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("a bench thread panicked")))
        })
    })
}

/// Starts `n` workers (`checker bench-worker <args(i)>`), all before
/// waiting for any, and checks that each succeeded.
fn in_processes(exe: &Path, n: usize, args: impl Fn(usize) -> Vec<String>) -> anyhow::Result<()> {
    let children: Vec<_> = (0..n)
        .map(|i| {
            Command::new(exe)
                .arg("bench-worker")
                .args(args(i))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("failed to start a bench worker")
        })
        .collect::<anyhow::Result<_>>()?;
    for mut child in children {
        if !child.wait()?.success() {
            bail!("a bench worker failed");
        }
    }
    Ok(())
}

/// The worker side: `checker bench-worker <kind> <args…>`.
pub fn worker(args: &[String]) -> anyhow::Result<()> {
    let number = |i: usize| -> anyhow::Result<u64> {
        args.get(i)
            .context("missing argument")?
            .parse()
            .context("not a number")
    };
    match args.first().map(String::as_str) {
        Some("http") => http_get(args.get(1).context("missing address")?),
        Some("primes") => {
            let count = count_primes_strided(
                number(1)?..number(2)?,
                number(3)? as usize,
                number(4)? as usize,
            )?;
            println!("{count}");
            Ok(())
        }
        Some("read") => args[1..]
            .iter()
            .try_for_each(|f| read_with_wait(Path::new(f))),
        Some("hash") => {
            let hash = hash_file_range(
                Path::new(args.get(1).context("missing file")?),
                number(2)?..number(3)?,
            )?;
            println!("{hash}");
            Ok(())
        }
        _ => bail!("unknown bench worker {args:?}"),
    }
}

fn http_get(addr: &str) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(addr).with_context(|| format!("connect to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    if !response.starts_with("HTTP/1.1 200") {
        bail!("unexpected response: {response:.40}");
    }
    Ok(())
}

/// Numbers `start + offset·B …` in blocks of 1024 dealt round-robin to `of` workers.
fn count_primes_strided(range: Range<u64>, worker: usize, of: usize) -> anyhow::Result<u64> {
    const BLOCK: u64 = 1024;
    let blocks = (range.end - range.start).div_ceil(BLOCK);
    let mut count = 0;
    for block in (worker as u64..blocks).step_by(of.max(1)) {
        let start = range.start + block * BLOCK;
        count += fixtures::baselines::count_primes(start..(start + BLOCK).min(range.end));
    }
    Ok(count)
}

fn write_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    (0..FILES)
        .map(|i| {
            let path = dir.join(format!("file-{i:03}.txt"));
            std::fs::write(&path, vec![b'a' + (i % 26) as u8; 4096])?;
            Ok(path)
        })
        .collect()
}

/// One "slow device" read: the real read, then the device's latency.
fn read_with_wait(path: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
    std::hint::black_box(bytes);
    std::thread::sleep(FILE_WAIT);
    Ok(())
}

fn write_data(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("data.bin");
    let mut rng = fixtures::inputs::SeededRng::new(249);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    for _ in 0..DATA_BYTES / 8 {
        file.write_all(&rng.next_u64().to_le_bytes())?;
    }
    file.flush()?;
    Ok(path)
}

/// A 64-bit hash over the 8-byte words of `range` of the file: the
/// workload lives in `fixtures`, which is built optimised (the checker is
/// not; see the workspace manifest), so its time is the machine's.
fn hash_file_range(path: &Path, range: Range<u64>) -> anyhow::Result<u64> {
    fixtures::baselines::hash_file_range(path, range)
        .with_context(|| format!("hash {}", path.display()))
}

/// An HTTP server on loopback that answers every request after `latency`,
/// each connection on its own thread (like a real server with capacity).
struct LatencyServer {
    addr: String,
    _listener: std::thread::JoinHandle<()>,
}

impl LatencyServer {
    fn start(latency: Duration) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").context("bind a loopback port")?;
        let addr = listener.local_addr()?.to_string();
        let handle = std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let mut buf = [0u8; 1024];
                    let _ = stream.read(&mut buf);
                    std::thread::sleep(latency);
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                });
            }
        });
        Ok(Self {
            addr,
            _listener: handle,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_prime_counts_add_up_to_the_baseline() {
        let range = 1000..60_000;
        let total: u64 = (0..3)
            .map(|w| count_primes_strided(range.clone(), w, 3).unwrap())
            .sum();
        assert_eq!(total, fixtures::baselines::count_primes(range));
    }

    #[test]
    fn python_answers_are_read_row_by_row_and_bad_ones_refused() {
        let rows = parse_python_times(
            r#"{"rows": [[1.0, 0.1, 0.2], [5.0, 5.1, 2.5], [1, 0.2, 0.5], [10, 10, 2.5]]}"#,
        )
        .unwrap();
        assert_eq!(rows[1][1], Duration::from_secs_f64(5.1));
        assert_eq!(rows[2][0], Duration::from_secs(1));
        assert!(parse_python_times(r#"{"rows": [[1, 2, 3]]}"#).is_err());
        assert!(
            parse_python_times(r#"{"rows": [[-1, 0, 0], [0,0,0], [0,0,0], [0,0,0]]}"#).is_err()
        );
        assert!(parse_python_times("Traceback (most recent call last):").is_err());
    }

    /// The real script on a tiny workload, where `python3` exists: every
    /// cell of every row measured.
    #[test]
    fn the_python_side_runs_the_same_scenarios() {
        if Command::new("python3").arg("--version").output().is_err() {
            eprintln!("python3 not found: skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let server = LatencyServer::start(Duration::from_millis(1)).unwrap();
        let files = write_files(dir.path()).unwrap();
        let data = dir.path().join("data.bin");
        std::fs::write(&data, vec![7_u8; 1 << 16]).unwrap();
        let times = python_here(&PythonWorkload {
            addr: &server.addr,
            cores: 2,
            window: &(1_000..(1_000 + 2_000 * PYTHON_PRIMES_SLICE)),
            files: &files[..4],
            data: &data,
            scratch: dir.path(),
        })
        .unwrap();
        for row in times {
            assert!(row.iter().all(|time| *time > Duration::ZERO), "{row:?}");
        }
    }

    #[test]
    fn the_latency_server_answers_over_real_sockets() {
        let server = LatencyServer::start(Duration::from_millis(1)).unwrap();
        http_get(&server.addr).unwrap();
    }

    #[test]
    fn file_range_hashes_depend_on_the_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d");
        std::fs::write(
            &path,
            (0..4096u32)
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<u8>>(),
        )
        .unwrap();
        let a = hash_file_range(&path, 0..8192).unwrap();
        let b = hash_file_range(&path, 8192..16384).unwrap();
        assert_ne!(a, b);
        assert_eq!(a, hash_file_range(&path, 0..8192).unwrap());
    }
}
