#!/usr/bin/env python3
"""A class's grades from GitHub, gathered with the GitHub CLI (`gh`).

GitHub's runners are the grading engine: the Grade workflow runs in every
student repository on every push and uploads a `grade-reports` artifact.
This script only fans out over an assignment's repositories and gathers.

    class_reports.py collect ORG PREFIX DIR
        For every repository ORG/PREFIX*, download `report.json` of the
        newest completed Grade run into DIR/<student>.json, <student> being
        the repository name without PREFIX. Then: cargo checker class DIR

    class_reports.py regrade ORG PREFIX
        Start the Grade workflow in every repository ORG/PREFIX* (for
        example after an inconclusive perf check, or a runner outage).

`gh` must be logged in (`gh auth login`) with read access to the
repositories, and the `workflow` scope for `regrade`. Every `gh` call is
tried up to 4 times, waiting 2, 4 and 8 s between tries (rate limits and
network blips; CLASS_REPORTS_FIRST_WAIT sets the first wait). At the end a summary says what was done and what failed,
and why; the exit code is 1 when anything failed, 2 on bad arguments.
Standard library only.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

WORKFLOW = "grade.yml"
ARTIFACT = "grade-reports"
REPORT = "report.json"
TRIES = 4
# Seconds before the second try, doubled before each next one.
FIRST_WAIT = float(os.environ.get("CLASS_REPORTS_FIRST_WAIT", "2"))


class GhError(Exception):
    """A gh call that failed every try; the message is gh's last words."""


def repositories(listing, prefix):
    """Names of the repositories of `gh repo list --json name` output that
    start with `prefix`, sorted."""
    names = [repo["name"] for repo in json.loads(listing) if "name" in repo]
    return sorted(name for name in names if name.startswith(prefix))


def student_name(repository, prefix):
    """The student part of a repository's name: without `prefix`, and only
    characters safe in a file name."""
    name = repository[len(prefix):] if repository.startswith(prefix) else repository
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._")
    return name or re.sub(r"[^A-Za-z0-9._-]", "_", repository)


def newest_completed_run(listing):
    """The id of the newest completed run in `gh run list --json
    databaseId,status,conclusion,createdAt` output (a run that graded below
    full marks is completed with conclusion `failure` and has its reports
    too), or None when no run has completed."""
    completed = [
        run
        for run in json.loads(listing)
        if run.get("status") == "completed" and run.get("conclusion") != "cancelled"
    ]
    if not completed:
        return None
    # ISO 8601 in UTC ("2026-12-03T10:00:00Z") sorts as text.
    return max(completed, key=lambda run: run.get("createdAt", ""))["databaseId"]


def gh(args, run=subprocess.run, sleep=time.sleep, tries=TRIES):
    """gh's standard output for `args`, tried up to `tries` times."""
    last = ""
    for attempt in range(tries):
        if attempt:
            sleep(FIRST_WAIT * 2 ** (attempt - 1))
        done = run(["gh", *args], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout
        lines = (done.stderr or done.stdout or "").strip().splitlines()
        last = lines[-1] if lines else f"exit status {done.returncode}"
    raise GhError(f"gh {' '.join(args)}: {last}")


def collect(org, prefix, dest, call=gh, out=sys.stdout):
    """Downloads every repository's newest report into `dest`; returns the
    (repository, why) pairs that failed."""
    os.makedirs(dest, exist_ok=True)
    listing = call(["repo", "list", org, "--limit", "4000", "--no-archived", "--json", "name"])
    repos = repositories(listing, prefix)
    failed = []
    for repo in repos:
        full = f"{org}/{repo}"
        try:
            runs = call(
                [
                    "run", "list", "-R", full, "--workflow", WORKFLOW, "--limit", "20",
                    "--json", "databaseId,status,conclusion,createdAt",
                ]
            )
            run_id = newest_completed_run(runs)
            if run_id is None:
                failed.append((full, "no completed Grade run yet"))
                continue
            with tempfile.TemporaryDirectory() as scratch:
                call(["run", "download", str(run_id), "-R", full, "-n", ARTIFACT, "-D", scratch])
                report = os.path.join(scratch, REPORT)
                if not os.path.isfile(report):
                    failed.append((full, f"run {run_id}'s {ARTIFACT} has no {REPORT}"))
                    continue
                shutil.copyfile(report, os.path.join(dest, student_name(repo, prefix) + ".json"))
        except GhError as error:
            failed.append((full, str(error)))
    print(
        f"collected {len(repos) - len(failed)} of {len(repos)} repositories "
        f"{org}/{prefix}* into {dest}",
        file=out,
    )
    return failed


def regrade(org, prefix, call=gh, out=sys.stdout):
    """Starts the Grade workflow in every repository; returns the
    (repository, why) pairs that failed."""
    listing = call(["repo", "list", org, "--limit", "4000", "--no-archived", "--json", "name"])
    repos = repositories(listing, prefix)
    failed = []
    for repo in repos:
        try:
            call(["workflow", "run", WORKFLOW, "-R", f"{org}/{repo}"])
        except GhError as error:
            failed.append((f"{org}/{repo}", str(error)))
    print(
        f"started the Grade workflow in {len(repos) - len(failed)} of {len(repos)} "
        f"repositories {org}/{prefix}*",
        file=out,
    )
    return failed


def main(argv):
    if len(argv) == 4 and argv[0] == "collect":
        work = lambda: collect(*argv[1:])  # noqa: E731
    elif len(argv) == 3 and argv[0] == "regrade":
        work = lambda: regrade(*argv[1:])  # noqa: E731
    else:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        failed = work()
    except GhError as error:
        print(f"class_reports: {error}", file=sys.stderr)
        return 1
    except FileNotFoundError:
        print("class_reports: `gh` is not installed: https://cli.github.com", file=sys.stderr)
        return 1
    for repo, why in failed:
        print(f"failed: {repo}: {why}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
