#!/usr/bin/env python3
"""Save-to-grade latency of `cargo checker watch`, measured as a student sees it.

Runs `cargo checker watch EXERCISE` on a terminal (a pty), and then, ROUNDS
times: saves the reference solution of FILE over the starter and times how
long until the screen shows `✓ task TASK`, then saves the starter back and
waits for `✗ task TASK`. Prints each time and the median. The first grade
(which builds the `watch` profile) is not timed.

    python3 scripts/watch_latency.py [--rounds N] [--exercise E --file F --task T] [CHECKOUT]

The default is the first task of topic 01 (`src/spawn_join.rs`, spawn-join).

Use a scratch checkout (it rewrites a starter file, and restores it at the
end): `git clone . /tmp/fresh && python3 scripts/watch_latency.py /tmp/fresh`.
"""

import argparse
import os
import pty
import re
import select
import signal
import statistics
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", nargs="?", default=".")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--exercise", default="01-threads-and-processes")
    parser.add_argument("--file", default="src/spawn_join.rs")
    parser.add_argument("--task", default="spawn-join")
    args = parser.parse_args()
    root = os.path.abspath(args.checkout)
    rounds, task = args.rounds, args.task
    starter_path = os.path.join(root, "exercises", args.exercise, args.file)
    with open(starter_path, encoding="utf-8") as f:
        starter = f.read()
    with open(os.path.join(root, "solutions", args.exercise, args.file), encoding="utf-8") as f:
        solved = f.read()

    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(root)
        os.execvp("cargo", ["cargo", "checker", "watch", args.exercise])

    screen = ""

    def wait_for(needle: str, limit: float) -> float:
        """Reads the screen until `needle` shows; returns when it did."""
        nonlocal screen
        deadline = time.monotonic() + limit
        while needle not in screen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {needle!r} within {limit} s:\n{screen[-2000:]}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError as error:  # the child closed the terminal
                    raise TimeoutError(f"checker watch ended: {error}\n{screen[-2000:]}")
                screen += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return time.monotonic()

    def save(text: str) -> float:
        nonlocal screen
        screen = ""
        with open(starter_path, "w", encoding="utf-8") as f:
            f.write(text)
        return time.monotonic()

    latencies = []
    try:
        wait_for("Watching exercises/", 900)
        for i in range(rounds):
            saved = save(solved)
            shown = wait_for(f"✓ task {task}", 60)
            latencies.append(shown - saved)
            print(f"round {i + 1}: save → `✓ task {task}` on screen in {shown - saved:.2f} s", flush=True)
            wait_for("Watching exercises/", 120)
            saved = save(starter)
            shown = wait_for(f"✗ task {task}", 60)
            print(f"         save → `✗ task {task}` (starter back) in {shown - saved:.2f} s", flush=True)
            wait_for("Watching exercises/", 120)
    finally:
        with open(starter_path, "w", encoding="utf-8") as f:
            f.write(starter)
        os.kill(pid, signal.SIGINT)
        os.waitpid(pid, 0)
    print(f"median save → grade on screen: {statistics.median(latencies):.2f} s "
          f"(min {min(latencies):.2f}, max {max(latencies):.2f}, {rounds} rounds)")


if __name__ == "__main__":
    main()
