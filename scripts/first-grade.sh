#!/usr/bin/env bash
# A newcomer's first contact, measured: the README's two commands on a fresh
# clone with an empty target/ (the registry already downloaded, as after any
# earlier cargo use), one after the other, and the table the README quotes.
#
# Usage: scripts/first-grade.sh [REPOSITORY]   (default: this checkout's)
#        FIRST_GRADE_LOGS=DIR scripts/first-grade.sh   (keeps the outputs)
#
# It clones REPOSITORY's HEAD into a temporary folder, runs `cargo fetch`
# there (not timed), then times `cargo checker verify` (the first grade of
# the starters: exit 1, every task still to do) and `cargo nextest run
# --workspace` after it, then a second, warm `cargo checker verify`, and
# prints a Markdown table. Run it on an idle
# machine: a build on 2 cores takes minutes and anything else running
# stretches them. The clone is removed afterwards.
set -euo pipefail

repo="${1:-$(git rev-parse --show-toplevel)}"
work="$(mktemp -d)"
# FIRST_GRADE_LOGS=DIR keeps both commands' output there (per-test times).
keep_logs() {
    if [ -n "${FIRST_GRADE_LOGS:-}" ]; then
        mkdir -p "$FIRST_GRADE_LOGS"
        cp "$work"/*.out "$work"/*.err "$FIRST_GRADE_LOGS"/ 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap keep_logs EXIT

git clone -q "$repo" "$work/course"
cd "$work/course"
unset CARGO_TARGET_DIR
cargo fetch -q

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

start="$(now)"
status=0
cargo checker verify >"$work/verify.out" 2>"$work/verify.err" || status=$?
verified="$(now)"
echo "cargo checker verify: $(seconds "$start" "$verified") s (exit $status)" >&2
if [ "$status" -gt 1 ]; then
    echo "cargo checker verify failed (exit $status):" >&2
    tail -20 "$work/verify.err" >&2
    exit 1
fi
cargo nextest run --workspace >"$work/tests.out" 2>&1 || {
    echo "cargo nextest run --workspace failed:" >&2
    tail -20 "$work/tests.out" >&2
    exit 1
}
tested="$(now)"
echo "cargo nextest run --workspace: $(seconds "$verified" "$tested") s" >&2
cargo checker verify >/dev/null 2>&1 || true
again="$(now)"

first="$(seconds "$start" "$verified")"
second="$(seconds "$verified" "$tested")"
third="$(seconds "$tested" "$again")"
# nextest's closing line: "Summary [ 171.234s] 528 tests run: …"
running="$(sed -n 's/.*Summary \[ *\([0-9.]*\)s\].*/\1/p' "$work/tests.out" | tail -1)"
score="$(sed -n 's/^Score: \([0-9]*\/[0-9]*\).*/\1/p' "$work/verify.out" | tail -1)"

echo "| step | time |"
echo "|---|---|"
echo "| \`cargo checker verify\` (first grade, starters: ${score:-?}) | ${first} s |"
echo "| then \`cargo nextest run --workspace\` | ${second} s (${running:-?} s of it running tests) |"
echo "| a newcomer's two commands together | $((first + second)) s |"
echo "| \`cargo checker verify\` again (warm) | ${third} s |"
echo
echo "($(nproc) cores, $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))"
