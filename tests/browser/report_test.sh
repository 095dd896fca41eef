#!/usr/bin/env bash
# The HTML report in a real browser: Chromium headless opens the page of tests/data/report/estate.json and must
# render it without a console message, with the expected rows, a working filter and sort (the page's #selftest),
# the diagram's SVG in the DOM, and a screenshot that is not blank.
# Usage: report_test.sh EXPOSIM_BINARY SOURCE_DIR. Exit 77 (skipped, ctest's SKIP_RETURN_CODE) without Chromium.
set -euo pipefail
exposim="$1"
source_dir="$2"

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then
    browser="$b"
    break
  fi
done
if [ -z "$browser" ]; then
  echo "report_test: no Chromium on PATH (scripts/install-deps --with-browser installs it): skipped"
  exit 77
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "report_test: FAIL: $*" >&2
  failures=$((failures + 1))
}

"$exposim" report "$source_dir/tests/data/report/estate.json" -o "$tmp/report.html"
url="file://$tmp/report.html"

# Headless Chromium, without the network, first-run pages or a GPU; as root it needs --no-sandbox.
flags=(--headless --disable-gpu --no-first-run --no-default-browser-check --disable-extensions
  --disable-background-networking --disable-sync --hide-scrollbars --mute-audio)
[ "$(id -u)" -ne 0 ] || flags+=(--no-sandbox)

run_browser() {  # profile-name, then chromium's arguments
  local profile="$tmp/$1"
  shift
  timeout 120 "$browser" "${flags[@]}" --user-data-dir="$profile" "$@"
}

# 1. The DOM after the page's script ran its self-test; every console message of the page goes to stderr.
run_browser profile-dom --enable-logging=stderr --v=0 --dump-dom "$url#selftest" >"$tmp/dom.html" 2>"$tmp/console.log" ||
  fail "chromium --dump-dom exited with $?"
if grep -F ":CONSOLE" "$tmp/console.log" | grep -F "$url" >"$tmp/page-console.log"; then
  fail "the page wrote to the console:"
  cat "$tmp/page-console.log" >&2
fi
dom="$(cat "$tmp/dom.html")"
expect() {  # description, fixed string that the DOM must contain
  if [[ "$dom" != *"$2"* ]]; then fail "$1: the DOM has no '$2'"; fi
}
expect "the script finished" 'data-ready="true"'
if [[ "$dom" == *'data-errors='* ]]; then fail "the page recorded errors: $(grep -o '<ul id="errors".*</ul>' "$tmp/dom.html")"; fi

# The fixture, worked out by hand (tests/html_report_test.cpp): vm-web on TCP 22 and 443 through pip-web, and
# "vm<script>alert(1)" on TCP 443 only through pip-odd: three exposures, all through public IPs.
rows="$(grep -o '<tr data-index="[0-9]*"' "$tmp/dom.html" | wc -l)"
[ "$rows" -eq 3 ] || fail "the exposures table has $rows rows, expected 3"
expect "the entry points table" '<table id="entry-points-table">'
[ "$(grep -o '<td class="mono">20\.1\.1\.1[01]</td>' "$tmp/dom.html" | wc -l)" -eq 2 ] ||
  fail "the entry points table does not list 20.1.1.10 and 20.1.1.11"
expect "the targets table" '<table id="targets-table">'
expect "the odd name, escaped, as text" '<td>vm&lt;script&gt;alert(1)</td>'
expect "the exposure count after the self-test" '3 of 3 exposures shown'
# The self-test: rows in total, rows left by each filter, the first row after sorting by ports twice (descending).
expect "all rows" '"rows":3'
expect "no filter" '"all":3'
expect "via filter" '"via public-ip":3'
expect "port filter 22" '"port 22":1'
expect "port filter 443" '"port 443":2'
expect "target filter vm-web" '"target vm-web":2'
expect "target filter on the odd name" '"target vm&lt;script&gt;alert(1)":1'
expect "sorted by ports, descending" '"sorted_first":"443"'
expect "no error during the self-test" '"errors":0'
if command -v dot >/dev/null 2>&1; then
  expect "the diagram in the DOM" '"svg":true'
  expect "the diagram's graph" 'class="graph"'
else
  expect "the note in place of the diagram" 'id="diagram-note"'
fi

# 2. A screenshot: a PNG of the page that is not blank (decoded: many colours, not one).
run_browser profile-shot --window-size=1280,1400 --screenshot="$tmp/shot.png" "$url" >/dev/null 2>&1 ||
  fail "chromium --screenshot exited with $?"
if [ ! -s "$tmp/shot.png" ]; then
  fail "no screenshot written"
else
  size="$(wc -c <"$tmp/shot.png")"
  [ "$size" -gt 20000 ] || fail "the screenshot is $size bytes: blank?"
  if command -v python3 >/dev/null 2>&1; then
    colours="$(python3 "$source_dir/tests/browser/png_colours.py" "$tmp/shot.png")" || fail "cannot decode the screenshot"
    [ "${colours:-0}" -gt 8 ] || fail "the screenshot has ${colours:-0} colours: blank?"
  else
    echo "report_test: no python3 to decode the screenshot: only its size was checked"
  fi
fi

if [ "$failures" -ne 0 ]; then
  rm -rf "$tmp"/profile-*
  echo "report_test: $failures failure(s); the page is kept: $tmp/report.html" >&2
  trap - EXIT
  exit 1
fi
echo "report_test: ok (3 rows, filters, sort, diagram, screenshot)"
