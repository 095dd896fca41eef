#!/usr/bin/env bash
# Gathers seed corpora for the fuzz targets (docs/fuzzing.md): one directory per target under OUT (default
# build-fuzz/seeds), from examples/, tests/data, tests/golden/inputs, the regression corpus tests/fuzz_regressions/
# and, when it is there, the design corpus ../shared/corpus next to the repository. The seeds are copies made for a
# run and are not committed. Usage: fuzz/seed.sh [OUT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-fuzz/seeds}
shared=$root/../shared/corpus
targets=(azure_resources arm_template arm_expression terraform_plan whatif_change check_spec analyze)
separator=$'\n#exposim-parameters#\n'  # fuzz/entries.h: kArmTemplateSeparator
max_bytes=$((1024 * 1024))             # larger files slow every mutation and add little
analyze_max_bytes=$((64 * 1024))       # fuzz/entries.h: kAnalyzeMaxBytes

for t in "${targets[@]}"; do
  rm -rf "${out:?}/$t"
  mkdir -p "$out/$t"
done

# seed TARGET FILE: copies FILE under a name made from its path (unique, readable).
seed() {
  local name
  name=$(printf '%s' "${2#"$root"/}" | tr '/' '_')
  cp "$2" "$out/$1/$name"
}

# Every file under the given paths whose name matches the pattern, at most max_bytes.
files() {
  local pattern=$1
  shift
  for dir in "$@"; do
    [[ -e $dir ]] && find "$dir" -type f -name "$pattern" -size -"$max_bytes"c -not -path '*/expected/*'
  done | sort
}

json_sources=("$root/examples" "$root/tests/data" "$root/tests/golden/inputs" "$shared/cli" "$shared/arm"
  "$shared/sweep" "$shared/tfplan")
while IFS= read -r f; do
  if grep -q '"format_version"' "$f"; then
    seed terraform_plan "$f"
  elif grep -qi 'deploymentTemplate.json' "$f"; then
    # A template, with the parameter file beside it when there is one.
    params=${f%.json}.parameters.json
    if [[ -f $params ]]; then
      name=$(printf '%s' "${f#"$root"/}" | tr '/' '_')
      { cat "$f"; printf '%s' "$separator"; cat "$params"; } >"$out/arm_template/$name"
    else
      seed arm_template "$f"
    fi
  elif grep -qi 'deploymentParameters.json' "$f"; then
    :
  elif grep -q '"changes"' "$f"; then
    seed whatif_change "$f"
  elif grep -q '"assertions"' "$f"; then
    seed check_spec "$f"
  else
    seed azure_resources "$f"
    if (($(stat -c %s "$f") <= analyze_max_bytes)); then seed analyze "$f"; fi
  fi
done < <(files '*.json' "${json_sources[@]}")

# YAML documents: change documents and check specs.
while IFS= read -r f; do
  if grep -q '^changes:' "$f"; then seed whatif_change "$f"; else seed check_spec "$f"; fi
done < <(files '*.yaml' "$root/examples" "$root/tests/data" "$root/tests/golden/inputs")

# ARM expressions: every distinct template string that starts with '[' in the templates gathered above.
python3 - "$out/arm_template" "$out/arm_expression" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
seen = set()
def walk(v):
    if isinstance(v, str):
        if v.startswith('[') and v not in seen and len(seen) < 5000:
            seen.add(v)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, dict):
        for k, x in v.items(): walk(k); walk(x)
for name in sorted(os.listdir(src)):
    text = open(os.path.join(src, name), encoding='utf-8', errors='replace').read()
    try:
        walk(json.loads(text.split('\n#exposim-parameters#\n')[0]))
    except ValueError:
        pass  # comments or trailing commas: ARM accepts them, Python's json does not
for i, expr in enumerate(sorted(seen)):
    with open(os.path.join(dst, f'expression-{i:05d}'), 'w', encoding='utf-8') as f:
        f.write(expr)
PY

# The regression corpus: every target's reproducers and hand-written seeds.
for t in "${targets[@]}"; do
  if [[ -d $root/tests/fuzz_regressions/$t ]]; then
    for f in "$root/tests/fuzz_regressions/$t"/*; do [[ -f $f ]] && cp "$f" "$out/$t/regression_${f##*/}"; done
  fi
done

for t in "${targets[@]}"; do
  printf '%-16s %5d seeds  %s\n' "$t" "$(find "$out/$t" -type f | wc -l)" "$out/$t"
done
