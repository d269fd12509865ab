#!/usr/bin/env bash
# Prepares a GitHub Codespace (or any dev container made from
# devcontainer.json beside this file) for the course:
#
#   setup.sh tools   onCreateCommand: installs cargo-nextest
#   setup.sh build   updateContentCommand: runs `cargo checker verify`, the
#                    README's grading command, so that the student's first
#                    one finds everything built
#
# Both run in a Codespaces prebuild when the repository has one, and again
# (`build` only, incrementally) when a prebuild picks up new commits.
#
# The warm-up is the student's own command, not `cargo build` or
# `cargo nextest run --workspace --no-run`: the checker builds each exercise
# on its own (`cargo nextest … --package`), and a workspace-wide build
# unifies dependency features differently, so its artifacts would not be the
# ones the first grade needs. The starters fail their graded tests by design,
# so `verify` exits 1 here; that status is expected and not a failure.
#
# devcontainer.json keeps `waitFor` at `updateContentCommand`: the editor opens
# once the build is done. Opening it earlier would let the student start a
# `cargo checker verify` beside this one, and two grading runs at once share
# the checker's and nextest's files under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

# The cargo-nextest CI installs (.github/workflows/ci.yml).
nextest_version=0.9.143

install_nextest() {
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest --version
        return
    fi
    local platform bin
    case "$(uname -m)" in
        x86_64) platform=linux ;;
        aarch64 | arm64) platform=linux-arm ;;
        *) platform="" ;;
    esac
    bin="${CARGO_HOME:-$HOME/.cargo}/bin"
    mkdir -p "$bin"
    # The prebuilt binary, as nexte.st documents; building it is the fallback.
    if [ -n "$platform" ] &&
        curl -LsSf "https://get.nexte.st/${nextest_version}/${platform}" | tar zxf - -C "$bin"; then
        echo "setup: installed the prebuilt cargo-nextest ${nextest_version}"
    else
        echo "setup: could not fetch a prebuilt cargo-nextest; building it (a few minutes)" >&2
        cargo install cargo-nextest --locked --version "$nextest_version"
    fi
    cargo nextest --version
}

warm_build() {
    cargo --version
    cargo nextest --version
    echo "setup: building the course: cargo checker verify (the first run compiles everything;"
    echo "setup: the starters then fail their graded tests, as they should)"
    local status=0
    cargo checker verify || status=$?
    case "$status" in
        0 | 1) echo "setup: done: the next cargo checker verify starts from a warm build" ;;
        *)
            # Not fatal: the codespace still opens, and the student's own
            # `cargo checker verify` says what went wrong.
            echo "setup: warning: cargo checker verify could not grade (exit ${status});" \
                "run it in the codespace to see why" >&2
            ;;
    esac
}

case "${1:-}" in
    tools) install_nextest ;;
    build) warm_build ;;
    *)
        echo "usage: $0 tools|build" >&2
        exit 2
        ;;
esac
