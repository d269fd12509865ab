#!/usr/bin/env python3
"""A stand-in for `gh` in the tests of class_reports.py: it answers from the
recorded outputs beside it and logs every call. `FAKE_GH_STATE` is a folder
for its call log and its memory of failures already shown.

- `repo list` prints repo-list.json; `run list -R ORG/NAME` prints
  run-list-<student>.json (`[]` when there is none);
- `run download` writes the artifact: bob's first download fails (HTTP 502),
  erin's artifact has no report.json;
- `workflow run` fails for carol every time (HTTP 403).
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "threads-2026-"


def option(args, name):
    return args[args.index(name) + 1]


def main(args):
    state = os.environ["FAKE_GH_STATE"]
    with open(os.path.join(state, "calls.log"), "a") as log:
        log.write(" ".join(args) + "\n")
    if args[:2] == ["repo", "list"]:
        print(open(os.path.join(HERE, "repo-list.json")).read())
        return 0
    repo = option(args, "-R").split("/", 1)[1]
    student = repo[len(PREFIX):]
    if args[:2] == ["run", "list"]:
        path = os.path.join(HERE, f"run-list-{student}.json")
        print(open(path).read() if os.path.exists(path) else "[]")
        return 0
    if args[:2] == ["run", "download"]:
        shown = os.path.join(state, f"failed-{student}")
        if student == "bob" and not os.path.exists(shown):
            open(shown, "w").close()
            print("HTTP 502: Bad Gateway (https://api.github.com/...)", file=sys.stderr)
            return 1
        dest = option(args, "-D")
        name = "junit.xml" if student == "erin" else "report.json"
        with open(os.path.join(dest, name), "w") as out:
            json.dump({"student": student, "run": int(args[2])}, out)
        return 0
    if args[:2] == ["workflow", "run"]:
        if student == "carol":
            print("HTTP 403: Resource not accessible by integration", file=sys.stderr)
            return 1
        return 0
    print(f"fake gh: unexpected call {args}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
