#!/usr/bin/env python3
"""Letter-bigram table of identifier words for src/scan/shape.rs (`bigram_score`).

Usage: scripts/bigram-table.py DIR... > /tmp/table.rs

Reads identifiers from the .py and .rs files under each DIR (directories named site-packages or
test* are skipped; at most --limit files per DIR), splits each at `_`, digits and case changes
(`HTTPServer` -> http, server; `sha256sum` -> sha, sum), and counts each distinct lowercase word
once. For every letter pair ab it prints log2(P(ab) / (1/676)) in tenths of a bit, clamped to
i8: how much likelier the pair is inside an identifier word than in uniformly random letters.
Pairs never seen get add-one smoothing. The committed table was made from the Python 3.11
standard library and the crates in ~/.cargo/registry/src (40,216 distinct words, 247,297 pairs):
  scripts/bigram-table.py /root/.pyenv/versions/3.11.7/lib/python3.11 ~/.cargo/registry/src/*/
"""
import argparse, collections, math, os, re

ap = argparse.ArgumentParser()
ap.add_argument("dirs", nargs="+")
ap.add_argument("--limit", type=int, default=6000)
args = ap.parse_args()

ident = re.compile(rb"[A-Za-z_][A-Za-z0-9_]{2,60}")
split = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")
words = set()
for root in args.dirs:
    n = 0
    for dp, dn, fn in os.walk(root):
        dn[:] = sorted(d for d in dn if d != "site-packages" and not d.startswith("test"))
        for f in sorted(fn):
            if n >= args.limit or not f.endswith((".py", ".rs")):
                continue
            n += 1
            try:
                data = open(os.path.join(dp, f), "rb").read()
            except OSError:
                continue
            for t in ident.findall(data):
                for part in re.split(r"[^A-Za-z]+", t.decode()):
                    words.update(w.lower() for w in split.findall(part) if len(w) >= 2)
pairs = collections.Counter()
for w in words:
    for a, b in zip(w, w[1:]):
        pairs[a + b] += 1
total = sum(pairs.values())
abc = "abcdefghijklmnopqrstuvwxyz"
print(f"// {len(words)} distinct words, {total} letter pairs (scripts/bigram-table.py)")
print("const BIGRAM_LLR: [[i8; 26]; 26] = [")
for a in abc:
    row = []
    for b in abc:
        llr = math.log2((pairs[a + b] + 1) / (total + 676) * 676)
        row.append(str(max(-128, min(127, round(llr * 10)))))
    print("    [" + ", ".join(row) + "],")
print("];")
