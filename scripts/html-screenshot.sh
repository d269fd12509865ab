#!/usr/bin/env bash
# Opens an HTML report of the checker in headless Chromium and saves a
# screenshot of it: to look at the page (and its plots) where there is no
# desktop, e.g. in a container or over SSH.
#
# Usage: scripts/html-screenshot.sh REPORT.html [OUT.png] [light|dark]
#   REPORT.html  from `cargo checker verify --also html=REPORT.html` or
#                `cargo checker scale CHECK --html REPORT.html`
#   OUT.png      default: REPORT.png beside the report
#   light|dark   the colour scheme the page is shown in (default: light)
#
# Needs Chromium (Debian: `apt-get install chromium`). The page runs no
# script and loads nothing, so the browser needs no network either.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 REPORT.html [OUT.png] [light|dark]" >&2
    exit 2
fi
report="$(realpath "$1")"
out="${2:-${report%.html}.png}"
scheme="${3:-light}"
case "$scheme" in
    light) dark=() ;;
    dark) dark=(--force-dark-mode) ;;
    *)
        echo "the colour scheme is light or dark, not '$scheme'" >&2
        exit 2
        ;;
esac

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser="$candidate"
        break
    fi
done
if [ -z "$browser" ]; then
    echo "no Chromium found: install it (Debian: apt-get install chromium)" >&2
    exit 2
fi

# --no-sandbox: containers often run as root, where Chromium's sandbox
# refuses to start; the page is our own report and runs no script.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    "${dark[@]}" --window-size=1100,2600 \
    --screenshot="$(realpath -m "$out")" "file://$report" 2>/dev/null
if [ ! -s "$out" ]; then
    echo "Chromium wrote no screenshot to $out" >&2
    exit 1
fi
echo "$out"
