#!/usr/bin/env python3
"""How many objects a one-file change in a folder (default solver/) rebuilds, from the include graph.

A header rebuilds the translation units (.cpp files outside tests/corpus and fuzz) that reach it through
`#include "..."` lines; a .cpp file rebuilds its own object. Prints the mean over the folder's files, and the mean
weighted by how often each file changed in the last N commits that touched the folder (git log of --rev).
Follows the include lines only (no preprocessor), which agrees with the compilers' -MM counts of
bench/header-fanout.sh within a unit or two. docs/performance.md, "The NSG and path vocabulary cut".

usage: bench/rebuild-mean.py [--source DIR] [--under solver] [--rev HEAD] [-n 300] [--header H]
"""
import argparse, collections, functools, os, re, subprocess

ap = argparse.ArgumentParser()
ap.add_argument('--source', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
ap.add_argument('--under', default='solver')
ap.add_argument('--rev', default='HEAD')
ap.add_argument('-n', type=int, default=300)
ap.add_argument('--header', help='print only the translation units that reach this header, with their count')
a = ap.parse_args()
root = os.path.abspath(a.source)
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
files = {}
for d, dirs, names in os.walk(root):
    dirs[:] = [x for x in dirs if not x.startswith(('.', 'build'))]
    for f in names:
        if f.endswith(('.h', '.cpp')):
            p = os.path.relpath(os.path.join(d, f), root)
            with open(os.path.join(d, f), errors='replace') as fh:
                files[p] = include.findall(fh.read())

@functools.lru_cache(None)
def reach(h):
    out = set()
    for i in files.get(h, []):
        if i in files and i not in out:
            out.add(i)
            out |= reach(i)
    return frozenset(out)

units = [f for f in files if f.endswith('.cpp') and not f.startswith(('tests/corpus/', 'fuzz/', 'bench/'))]

def rebuilt(f):
    return 1 if f.endswith('.cpp') else sum(1 for u in units if f in reach(u))

if a.header:
    print(rebuilt(a.header), 'translation units reach', a.header)
    raise SystemExit
mine = sorted(f for f in files if f.startswith(a.under + '/'))
costs = {f: rebuilt(f) for f in mine}
log = subprocess.run(['git', '-C', root, 'log', '--format=', '--name-only', '-n', str(a.n), a.rev, '--', a.under],
                     capture_output=True, text=True, check=True).stdout.split()
changes = collections.Counter(f for f in log if f in costs)
weighted = sum(c * costs[f] for f, c in changes.items())
n = sum(changes.values())
print(f'translation units: {len(units)}; files under {a.under}/: {len(mine)} '
      f'({sum(f.endswith(".h") for f in mine)} headers)')
print(f'objects rebuilt by a one-file change, mean over the files: {sum(costs.values()) / len(mine):.1f}')
if n:
    print(f'weighted by {n} changes in the last {a.n} commits touching {a.under}/: {weighted / n:.1f} '
          f'({100 * weighted / n / len(units):.1f}% of the translation units)')
