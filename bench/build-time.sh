#!/usr/bin/env bash
# Measures the build of `exposim exposim_tests` with ccache disabled: a clean build (CPU time user+sys, which
# other load on the machine barely changes, and wall time), the objects rebuilt and the CPU time after touching
# one solver header and one solver .cpp, and how many compiled files include Boost (from the .d files).
# Prints a Markdown table on stdout; progress goes to stderr. See docs/performance.md for the figures.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/build-time.sh [options]
  --source DIR      source tree to measure (default: this checkout)
  --build-dir DIR   scratch build directory, wiped first (default /tmp/exposim-build-time; never the repo)
  --header FILE     header to touch, relative to the source tree (default solver/exposure.h)
  --cpp FILE        .cpp to touch, relative to the source tree (default solver/exposure.cpp)
  -j N              build parallelism (default 2; -j1 gives the most stable wall time)
EOF
}

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=/tmp/exposim-build-time
header=solver/exposure.h
cpp=solver/exposure.cpp
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source_dir=$(cd "$2" && pwd); shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --header) header="$2"; shift 2 ;;
    --cpp) cpp="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -j*) jobs="${1#-j}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
case "$(cd "$(dirname "$build_dir")" 2>/dev/null && pwd)/" in
  "$source_dir"/*) echo "build-time.sh: --build-dir must be outside the source tree" >&2; exit 2 ;;
esac

export CCACHE_DISABLE=1
targets=(exposim exposim_tests)

# build LABEL: builds the targets, appends "cpu wall objects" to $results, logs to $build_dir.LABEL.log.
build() {
  local label="$1" log="$build_dir.${1//[^a-zA-Z0-9.]/-}.log"
  echo "build-time.sh: $label build ..." >&2
  /usr/bin/time -f '%U %S %e' -o "$build_dir.time" \
    cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}" >"$log" 2>&1
  read -r user sys wall <"$build_dir.time"
  objects=$(grep -c 'Building CXX object' "$log" || true)
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')
  printf '| %s | %s s | %.0f s | %s |\n' "$label" "$cpu" "$wall" "$objects" >>"$build_dir.results"
}

rm -rf "$build_dir" "$build_dir.results"
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
build "clean build"
touch "$source_dir/$header"
build "touch $header"
touch "$source_dir/$cpp"
build "touch $cpp"

compiled=$(find "$build_dir" -name '*.o.d' | wc -l)
with_boost=$(find "$build_dir" -name '*.o.d' -print0 | xargs -0 grep -l '/boost/' | wc -l)

echo "| build (\`$(git -C "$source_dir" rev-parse --short HEAD)\`, -j$jobs, ccache off) | CPU (user+sys) | wall | objects compiled |"
echo "| --- | --- | --- | --- |"
cat "$build_dir.results"
echo
echo "Compiled files that include Boost: $with_boost of $compiled."
