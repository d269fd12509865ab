"""Tests of class_reports.py: its reading of gh's JSON against recorded
outputs (scripts/testdata/gh/), its retries, and whole runs of `collect` and
`regrade` against a stand-in `gh` on PATH.

Run: python3 -m unittest discover -s scripts -p 'test_*.py'
(`cargo nextest run --workspace` runs it too: checker/tests/scripts.rs).
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "testdata", "gh")
sys.path.insert(0, HERE)

import class_reports  # noqa: E402


def recorded(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


class Parsing(unittest.TestCase):
    def test_the_assignment_repositories_are_those_with_the_prefix(self):
        self.assertEqual(
            class_reports.repositories(recorded("repo-list.json"), "threads-2026-"),
            [f"threads-2026-{s}" for s in ["alice", "bob", "carol", "dave", "erin"]],
        )

    def test_a_student_is_named_by_the_repository_without_the_prefix(self):
        name = class_reports.student_name
        self.assertEqual(name("threads-2026-alice", "threads-2026-"), "alice")
        self.assertEqual(name("threads-2026-../x y", "threads-2026-"), "x_y")
        self.assertEqual(name("threads-2026-", "threads-2026-"), "threads-2026-")

    def test_the_newest_completed_run_is_taken_even_when_it_graded_below_full_marks(self):
        newest = class_reports.newest_completed_run
        # Alice: a run in progress, then a completed one that "failed" (below
        # full marks: it has its reports), then an older success.
        self.assertEqual(newest(recorded("run-list-alice.json")), 1202)
        self.assertEqual(newest(recorded("run-list-bob.json")), 2202)
        self.assertIsNone(newest(recorded("run-list-carol.json")))
        # Dave: one queued, one cancelled (no reports).
        self.assertIsNone(newest(recorded("run-list-dave.json")))


class Retries(unittest.TestCase):
    def test_a_failing_call_is_tried_again_then_reported_with_gh_s_words(self):
        answers = [(1, "", "HTTP 502"), (0, "ok", "")]
        waits = []

        def run(args, **_):
            code, out, err = answers.pop(0)
            return subprocess.CompletedProcess(args, code, out, err)

        self.assertEqual(class_reports.gh(["api", "x"], run=run, sleep=waits.append), "ok")
        self.assertEqual(len(waits), 1)

        def never(args, **_):
            return subprocess.CompletedProcess(args, 1, "", "line\nHTTP 404: Not Found")

        with self.assertRaises(class_reports.GhError) as caught:
            class_reports.gh(["api", "y"], run=never, sleep=waits.append, tries=3)
        self.assertEqual(str(caught.exception), "gh api y: HTTP 404: Not Found")
        self.assertEqual(len(waits), 3, "two more waits before the second and third tries")


class WholeRuns(unittest.TestCase):
    """The script as an instructor runs it, with a stand-in `gh` on PATH."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        bin_dir = os.path.join(self.tmp.name, "bin")
        os.makedirs(bin_dir)
        fake = os.path.join(bin_dir, "gh")
        with open(fake, "w") as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" "{DATA}/fake_gh.py" "$@"\n')
        os.chmod(fake, 0o755)
        self.state = os.path.join(self.tmp.name, "state")
        os.makedirs(self.state)
        self.env = dict(
            os.environ,
            PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
            FAKE_GH_STATE=self.state,
            CLASS_REPORTS_FIRST_WAIT="0.01",
        )

    def script(self, *args):
        return subprocess.run(
            [sys.executable, os.path.join(HERE, "class_reports.py"), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        )

    def test_collect_gathers_every_report_it_can_and_says_what_failed(self):
        dest = os.path.join(self.tmp.name, "reports")
        done = self.script("collect", "uni-course", "threads-2026-", dest)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("collected 2 of 5 repositories uni-course/threads-2026-* into", done.stdout)
        self.assertEqual(sorted(os.listdir(dest)), ["alice.json", "bob.json"])
        with open(os.path.join(dest, "alice.json")) as f:
            self.assertEqual(json.load(f), {"student": "alice", "run": 1202})
        with open(os.path.join(dest, "bob.json")) as f:
            self.assertEqual(json.load(f)["run"], 2202, "bob's download was tried again")
        failures = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
        self.assertEqual(
            failures,
            [
                "failed: uni-course/threads-2026-carol: no completed Grade run yet",
                "failed: uni-course/threads-2026-dave: no completed Grade run yet",
                "failed: uni-course/threads-2026-erin: run 5202's grade-reports has no report.json",
            ],
        )
        with open(os.path.join(self.state, "calls.log")) as f:
            calls = f.read().splitlines()
        self.assertEqual(
            sum(c.startswith("run download 2202 -R uni-course/threads-2026-bob") for c in calls), 2
        )

    def test_regrade_starts_every_workflow_and_names_the_one_it_could_not(self):
        done = self.script("regrade", "uni-course", "threads-2026-")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("started the Grade workflow in 4 of 5 repositories", done.stdout)
        self.assertIn(
            "failed: uni-course/threads-2026-carol: gh workflow run grade.yml -R "
            "uni-course/threads-2026-carol: HTTP 403: Resource not accessible by integration",
            done.stderr,
        )

    def test_bad_arguments_print_the_usage(self):
        done = self.script("collect", "only-org")
        self.assertEqual(done.returncode, 2)
        self.assertIn("class_reports.py collect ORG PREFIX DIR", done.stderr)


if __name__ == "__main__":
    unittest.main()
