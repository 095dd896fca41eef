#!/usr/bin/env bash
# Benchmarks `exposim analyze` on generated estates (1k, 10k, 100k NICs by default) against simdjson's DOM
# parse of the same files, and prints the results as a Markdown table on stdout (progress goes to stderr).
# See docs/performance.md for what is measured and the targets.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --dir DIR         scratch directory for estates and results (default /tmp/exposim-bench; never the repo)
  --build-dir DIR   Release build to use or create (default DIR/build)
  --no-build        use the binaries in the build directory as they are
  --sizes "N ..."   NIC counts (default "1000 10000 100000")
  --runs N          runs per measurement; medians are reported (default 3)
  --formats "F ..." report formats to time (default "json table")
  --full            generate the full Azure shape (child etags, types, empty lists) instead of the lean one
  --profile P       estate profile of exposim_gen_estate: default, or fragmented (the rule-heavy shape of
                    issue 18)
  --jobs N          exposim analyze --jobs N (default: exposim's own default, the machine's cores)
  --exposim BIN     time this exposim binary instead of the build's (for before/after comparisons)
  --nlohmann        also time nlohmann_json's DOM parse (slow: about 15 s per run at 100k NICs)
  -j N              build parallelism (default 2)
EOF
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=${EXPOSIM_BENCH_DIR:-/tmp/exposim-bench}
build_dir=""
do_build=1
sizes="1000 10000 100000"
runs=3
formats="json table"
gen_flags=()
nlohmann=0
jobs=2
profile=default
analyze_jobs=()
exposim_bin=""

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) scratch=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --formats) formats=$2; shift 2 ;;
    --full) gen_flags+=(--full); shift ;;
    --profile) profile=$2; shift 2 ;;
    --jobs) analyze_jobs=(--jobs "$2"); shift 2 ;;
    --exposim) exposim_bin=$2; shift 2 ;;
    --nlohmann) nlohmann=1; shift ;;
    -j) jobs=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

say() { echo "run.sh: $*" >&2; }
die() { echo "run.sh: error: $*" >&2; exit 1; }

mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
case "$scratch/" in "$repo"/*) die "the scratch directory $scratch is inside the repository" ;; esac
build_dir=${build_dir:-$scratch/build}

# ---- Tools ----
timer=/usr/bin/time
if [ ! -x "$timer" ]; then
  # GNU time gives elapsed seconds and max RSS; install it the way scripts/install-deps does, if allowed.
  if ! dpkg-query -W -f='${Status}' time 2>/dev/null | grep -q "install ok installed"; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    say "installing GNU time (Debian package 'time')"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends time; } \
      >/dev/null 2>&1 || say "could not install GNU time; falling back to polling /proc/PID/status"
  fi
  [ -x "$timer" ] || timer=""
fi

# measure OUT_FILE CMD...: runs CMD with stdout to /dev/null and stderr to OUT_FILE.err, and writes
# "ELAPSED_SECONDS MAX_RSS_KB" to OUT_FILE; returns CMD's exit status. The elapsed time comes from date
# (GNU time's %e has only 10 ms resolution), the peak RSS from GNU time's %M.
measure() {
  local out=$1; shift
  local t0 t1 pid hwm=0 v rc=0
  t0=$(date +%s.%N)
  if [ -n "$timer" ]; then
    "$timer" -f '%M' -o "$out.rss" "$@" >/dev/null 2>"$out.err" || rc=$?
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v m="$(tail -1 "$out.rss")" 'BEGIN { printf "%.3f %d\n", b - a, m }' >"$out"
    return "$rc"
  fi
  # Fallback: peak RSS from the last VmHWM seen while the process ran.
  "$@" >/dev/null 2>"$out.err" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$v" ] && hwm=$v
    sleep 0.02
  done
  wait "$pid" || rc=$?
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v m="$hwm" 'BEGIN { printf "%.3f %d\n", b - a, m }' >"$out"
  return "$rc"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f", a / b }'; }

# ---- Build ----
if [ "$do_build" -eq 1 ]; then
  say "building (Release) in $build_dir"
  : >"$scratch/cmake.log"
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then  # an existing build keeps its own configuration
    cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEXPOSIM_SANITIZE=OFF -DEXPOSIM_BUILD_TESTS=OFF \
      -DEXPOSIM_BUILD_BENCH=ON >>"$scratch/cmake.log" 2>&1 || { cat "$scratch/cmake.log" >&2; die "cmake failed"; }
  fi
  cmake --build "$build_dir" -j"$jobs" --target exposim exposim_gen_estate exposim_bench_simdjson \
    >>"$scratch/cmake.log" 2>&1 || { tail -40 "$scratch/cmake.log" >&2; die "build failed (log: $scratch/cmake.log)"; }
fi
exposim=${exposim_bin:-$build_dir/exposim}
gen=$build_dir/bench/exposim_gen_estate
baseline=$build_dir/bench/exposim_bench_simdjson
for b in "$exposim" "$gen" "$baseline"; do [ -x "$b" ] || die "$b is missing (build it, or drop --no-build)"; done
if grep -q '^CMAKE_BUILD_TYPE:STRING=' "$build_dir/CMakeCache.txt" &&
   ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build_dir/CMakeCache.txt"; then
  say "warning: $build_dir is not a Release build; the numbers mean little"
fi

# ---- Measurements ----
shape=lean
[ ${#gen_flags[@]} -gt 0 ] && shape=full
case "$profile" in
  default) suffix="" ;;
  fragmented) suffix="-fragmented"; gen_flags+=(--profile fragmented) ;;
  *) die "unknown profile '$profile' (default or fragmented)" ;;
esac
work=$(mktemp -d "$scratch/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
rows=()
declare -A e2e_by_size solve_by_size
start=$(date +%s)

for n in $sizes; do
  file=$scratch/estate-$n-$shape$suffix.json
  stamp="$file.args"
  want="nics=$n shape=$shape profile=$profile gen=$(stat -c %Y "$gen")"
  if [ ! -f "$file" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "generating $file"
    "$gen" --nics "$n" "${gen_flags[@]}" -q -o "$file"
    echo "$want" >"$stamp"
  fi
  file_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')

  # Runs are interleaved (baseline, then each format, then again) so that a change in the machine's
  # background load hits the baseline and exposim alike.
  say "$n NICs: $runs rounds of: simdjson baseline, exposim analyze -f {${formats// /,}}"
  declare -A times=() peaks=()
  simd_times=""; simd_peaks=""; simd_warm=""; nl_times=""; nl_peaks=""; resources=""
  first=${formats%% *}
  imports=() validates=() solves=() reports=()
  for ((i = 1; i <= runs; i++)); do
    base=$work/base-$n-$i
    base_args=(--runs 1 --machine)
    [ "$nlohmann" -eq 1 ] && base_args+=(--nlohmann)
    "$baseline" "$file" "${base_args[@]}" >"$base" || die "exposim_bench_simdjson failed on $file"
    get() { awk -F= -v k="$1" '$1 == k { print $2 }' "$base"; }
    simd_times+=" $(get simdjson_total_s)"; simd_peaks+=" $(get simdjson_peak_mb)"; simd_warm+=" $(get simdjson_warm_parse_s)"
    nl_times+=" $(get nlohmann_total_s)"; nl_peaks+=" $(get nlohmann_peak_mb)"
    resources=$(get simdjson_elements)
    for f in $formats; do
      out=$work/$n-$f-$i
      rc=0
      measure "$out" "$exposim" analyze "$file" --timings -f "$f" "${analyze_jobs[@]}" || rc=$?
      if [ "$rc" -ne 0 ]; then
        tail -5 "$out.err" >&2
        die "exposim analyze exited with $rc on $file"
      fi
      read -r t m <"$out"
      times[$f]+=" $t"; peaks[$f]+=" $m"
      if [ "$f" = "$first" ]; then
        timing() { awk -v p="$1" '$1 == "exposim:" && $2 == "timing:" && $3 == p { print $4 }' "$out.err"; }
        imports+=("$(timing import)"); validates+=("$(timing validate)")
        solves+=("$(timing solve)"); reports+=("$(timing report)")
      fi
    done
  done
  simd_s=$(echo "$simd_times" | median); simd_mb=$(echo "$simd_peaks" | median); warm_s=$(echo "$simd_warm" | median)
  declare -A e2e=() rss=()
  for f in $formats; do
    e2e[$f]=$(echo "${times[$f]}" | median)
    rss[$f]=$(echo "${peaks[$f]}" | median | awk '{ printf "%.0f", $1 * 1024 / 1e6 }')  # KiB to MB, the file's unit
  done
  e2e_by_size[$n]=${e2e[$first]}
  imp=$(echo "${imports[*]}" | median); val=$(echo "${validates[*]}" | median)
  sol=$(echo "${solves[*]}" | median); rep=$(echo "${reports[*]}" | median)
  solve_by_size[$n]=$sol
  other=""
  for f in $formats; do [ "$f" = "$first" ] || other+=" | ${e2e[$f]} s, ${rss[$f]} MB"; done
  row="| $n | $file_mb | $resources | $simd_s | $simd_mb | $warm_s | ${e2e[$first]} | ${rss[$first]} | $imp | $val | $sol | $rep$other"
  row+=" | $(ratio "${e2e[$first]}" "$simd_s") | $(ratio "${rss[$first]}" "$file_mb") | $(ratio "$sol" "$imp") |"
  [ "$nlohmann" -eq 1 ] && row+=" $(echo "$nl_times" | median) s, $(echo "$nl_peaks" | median) MB |"
  rows+=("$row")
done

# ---- Report ----
other_head=""; other_rule=""
first=${formats%% *}
for f in $formats; do [ "$f" = "$first" ] || { other_head+=" | $f: e2e, RSS"; other_rule+=" | ---"; }; done
nl_head=""; nl_rule=""
[ "$nlohmann" -eq 1 ] && { nl_head=" nlohmann load+parse, RSS |"; nl_rule=" --- |"; }
echo "Estate shape: $shape, profile $profile; exposim ${analyze_jobs[*]:-(default jobs)}; median of $runs runs;" \
  "$(nproc) cores; $(date -u +%Y-%m-%d); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." \
  "Times in seconds, sizes in MB."
echo
echo "| NICs | file MB | resources | simdjson load+parse s | simdjson RSS MB | simdjson warm parse s | $first: e2e s | $first: peak RSS MB | import s | validate s | solve s | report s$other_head | e2e / simdjson | RSS / file | solve / import |$nl_head"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---:$other_rule | ---: | ---: | ---: |$nl_rule"
printf '%s\n' "${rows[@]}"
echo
# Growth: the exponent k in time ~ NICs^k between consecutive sizes (1.00 = linear).
growth() {
  local -n by=$1
  local prev="" out="" n k
  for n in $sizes; do
    if [ -n "$prev" ]; then
      k=$(awk -v a="${by[$prev]}" -v b="${by[$n]}" -v x="$prev" -v y="$n" \
        'BEGIN { if (a <= 0 || b <= 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f", log(b / a) / log(y / x) }')
      out+=" $prev→$n: $k;"
    fi
    prev=$n
  done
  echo "${out%;}"
}
if [ "$(echo $sizes | wc -w)" -gt 1 ]; then
  echo "Growth exponent k in time ~ NICs^k (1.00 = linear): end to end$(growth e2e_by_size); solve$(growth solve_by_size)."
fi
say "done in $(( $(date +%s) - start )) s"
