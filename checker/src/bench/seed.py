# The seed's benchmark table in Python, on this machine: the same four
# scenarios as `checker bench` measures in Rust, each run sequentially, on
# `threading` threads and in `multiprocessing` processes. Run by the
# checker as `python3 seed.py ARGS_JSON`; prints one JSON object:
# {"rows": [[seq, threads, processes] x 4], "scales": [...]} in seconds,
# already multiplied by each row's scale (the pure-Python CPU rows run on a
# slice of the Rust workload, or the table would take minutes).
import json
import multiprocessing
import statistics
import sys
import threading
import time
import urllib.request

MASK = (1 << 64) - 1


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes(start, end):
    return sum(1 for n in range(start, end) if is_prime(n))


def http_get(addr):
    with urllib.request.urlopen(f"http://{addr}/", timeout=10) as response:
        if response.status != 200:
            raise RuntimeError(f"unexpected status {response.status}")


def read_with_wait(path, wait):
    with open(path, "rb") as f:
        f.read()
    time.sleep(wait)


def read_files(paths, wait):
    for path in paths:
        read_with_wait(path, wait)


def hash_range(path, start, end):
    # The Rust bench's mixing, word by word, in 64-bit arithmetic.
    h = 0xCBF29CE484222325
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    for i in range(0, len(data) - 7, 8):
        x = int.from_bytes(data[i : i + 8], "little")
        for _ in range(64):
            x ^= x >> 33
            x = (x * 0xFF51AFD7ED558CCD) & MASK
        h = ((h ^ x) * 0x100000001B3) & MASK
    return h


def parts(start, end, n):
    step = (end - start) // n
    return [(start + i * step, end if i == n - 1 else start + (i + 1) * step) for i in range(n)]


def start_and_join(workers):
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def on_threads(calls):
    start_and_join([threading.Thread(target=f, args=a) for f, a in calls])


def in_processes(calls):
    processes = [multiprocessing.Process(target=f, args=a) for f, a in calls]
    start_and_join(processes)
    for p in processes:
        if p.exitcode != 0:
            raise RuntimeError(f"a worker process exited with {p.exitcode}")


def median_time(run, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def three_ways(calls, repeats, scale):
    def sequential():
        for f, a in calls:
            f(*a)

    return [
        median_time(run, repeats) * scale
        for run in (sequential, lambda: on_threads(calls), lambda: in_processes(calls))
    ]


def main():
    args = json.loads(sys.argv[1])
    repeats = args["repeats"]
    cores = args["cores"]
    rows = []
    rows.append(three_ways([(http_get, (args["addr"],))] * args["calls"], repeats, 1))
    start, end = args["primes"]
    rows.append(
        three_ways([(count_primes, p) for p in parts(start, end, cores)], repeats, args["primes_scale"])
    )
    files, wait, workers = args["files"], args["file_wait"], args["file_workers"]
    rows.append(
        three_ways(
            [(read_files, (files[i::workers], wait)) for i in range(workers)], repeats, 1
        )
    )
    data, length = args["data"], args["data_bytes"]
    rows.append(
        three_ways(
            [(hash_range, (data, s, e)) for s, e in parts(0, length, cores)],
            repeats,
            args["data_scale"],
        )
    )
    print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
