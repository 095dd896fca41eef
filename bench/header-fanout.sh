#!/usr/bin/env bash
# How many translation units a change to each header recompiles: for every compiled file of `exposim` and
# `exposim_tests` (the two targets a developer builds), the project headers it includes, from the compiler's
# dependency output (-MM, preprocessing only, no build needed). Prints a Markdown table of the solver headers
# (or of --under DIR) with their fan-out, over every translation unit and over the library ones (not tests/), then
# the number, median and mean over them, both ways. docs/performance.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench/header-fanout.sh [--source DIR] [--build-dir DIR] [--under DIR]
  --source DIR      source tree to measure (default: this checkout)
  --build-dir DIR   scratch configure directory, wiped first (default /tmp/exposim-header-fanout)
  --under DIR       headers to report, relative to the source tree (default solver)
USAGE
}

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=/tmp/exposim-header-fanout
under=solver
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source_dir=$(cd "$2" && pwd); shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --under) under="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

rm -rf "$build_dir"
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEXPOSIM_PCH=OFF -DEXPOSIM_BUILD_BENCH=OFF \
  -DCMAKE_CXX_COMPILER_LAUNCHER= >/dev/null 2>&1  # an older tree warns of options it lacks
# The compile commands of the libraries, the command and the unit tests (not the corpus binary).
deps="$build_dir/deps.txt"
: >"$deps"
n=0
while IFS=$'\t' read -r dir cmd file; do
  case "$file" in */tests/corpus/*) continue ;; esac
  n=$((n + 1))
  # -MM: project headers only (not system ones); the output names the object then its dependencies.
  cmd=$(sed 's/ -o [^ ]*//' <<<"$cmd")
  { (cd "$dir" && eval "$cmd -MM -MT tu$n" 2>/dev/null) || true; } | tr -d '\\\n' | tr ' ' '\n' |
    { grep -v -e '^$' -e "^tu$n:" || true; } | sed "s|^$source_dir/||; s|^\.\./||; s|^\.\./||" | sort -u |
    sed "s|^|tu$n |" >>"$deps"
  echo "$file" >&2
done < <(python3 -c '
import json,sys
for e in json.load(open(sys.argv[1])):
    print(e["directory"], e["command"], e["file"], sep="\t")' "$build_dir/compile_commands.json")

# The unit tests' translation units (their source file is under tests/), for the library-only figures.
test_tus=$(awk '$2 ~ /^tests\/.*\.cpp$/ {print $1}' "$deps" | sort -u | tr '\n' ' ')
n_lib=$((n - $(wc -w <<<"$test_tus")))
# header, translation units including it, of which library ones (not tests/).
counts="$build_dir/counts.txt"
awk -v under="$under/" -v tests="$test_tus" 'BEGIN {k = split(tests, a, " "); for (i = 1; i <= k; i++) t[a[i]] = 1}
  $2 ~ "^" under && $2 ~ /\.h$/ {c[$2]++; if (!($1 in t)) l[$2]++}
  END {for (h in c) print h, c[h], l[h] + 0}' "$deps" | sort >"$counts"

echo "| header | translation units recompiled (of $n) | of which library (of $n_lib) |"
echo "| --- | --- | --- |"
awk '{printf "| `%s` | %d | %d |\n", $1, $2, $3}' "$counts"
summary() {  # $1: the column of counts.txt, $2: what the figures are over, $3: how many translation units
  awk -v col="$1" '{print $col}' "$counts" | sort -n |
    awk -v what="$2" -v n="$3" '{v[NR]=$1; s+=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
      printf "%d headers under the folder; %sfan-out median %s, mean %.1f, max %d, of %d translation units\n",
        NR, what, m, s/NR, v[NR], n}'
}
echo
summary 2 "" "$n"
summary 3 "library-only " "$n_lib"
