#!/usr/bin/env python3
"""Scores `kapsule screen` against the labelled corpus.

Usage: score.py KAPSULE [CORPUS.jsonl ...] [--show]

A found span matches a labelled span of the same kind that it overlaps;
each labelled span is matched at most once.  Prints precision, recall and
F1 overall and per kind, the exact-boundary F1 for information, and the
share of clean messages with any finding; exits 1 below the thresholds:
F1 >= 0.97, every kind's recall >= 0.95, clean messages flagged <= 1%.
--show prints every miss and every wrong finding.
"""
import json
import os
import subprocess
import sys

KINDS = ["phone", "email", "url", "handle", "solicitation"]
MIN_F1, MIN_RECALL, MAX_CLEAN_FLAGGED = 0.97, 0.95, 0.01


def load(paths):
    items = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if line.strip():
                    item = json.loads(line)
                    item["where"] = "%s:%d" % (os.path.basename(path), no)
                    items.append(item)
    return items


def screen(kapsule, items):
    lines = "".join(json.dumps({"id": i, "text": it["text"]}) + "\n" for i, it in enumerate(items))
    out = subprocess.run([kapsule, "screen"], input=lines.encode(), capture_output=True, check=True)
    found = {}
    for line in out.stdout.decode().splitlines():
        o = json.loads(line)
        found[o["id"]] = o["findings"]
    assert len(found) == len(items), "kapsule screen answered %d of %d" % (len(found), len(items))
    return [found[i] for i in range(len(items))]


def match(gold, got):
    """Pairs of (gold index, got index) with the same kind and overlapping."""
    used, pairs = set(), []
    for gi, g in enumerate(gold):
        for fi, f in enumerate(got):
            if fi in used or f["kind"] != g["kind"]:
                continue
            if f["start"] < g["end"] and g["start"] < f["end"]:
                used.add(fi)
                pairs.append((gi, fi))
                break
    return pairs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show" in sys.argv
    kapsule = args[0]
    here = os.path.dirname(os.path.abspath(__file__))
    paths = args[1:] or [os.path.join(here, "corpus.jsonl")]
    items = load(paths)
    found = screen(kapsule, items)
    tp = {k: 0 for k in KINDS}
    fn = dict(tp)
    fp = dict(tp)
    exact = 0
    clean = flagged = 0
    for it, got in zip(items, found):
        gold = it["spans"]
        pairs = match(gold, got)
        hit_g = {g for g, _ in pairs}
        hit_f = {f for _, f in pairs}
        for g, f in pairs:
            tp[gold[g]["kind"]] += 1
            exact += gold[g]["start"] == got[f]["start"] and gold[g]["end"] == got[f]["end"]
        text = it["text"].encode()
        for gi, g in enumerate(gold):
            if gi not in hit_g:
                fn[g["kind"]] += 1
                if show:
                    print("MISS %-12s %s: %r in %r" % (g["kind"], it["where"], text[g["start"]:g["end"]].decode(), it["text"]))
        for fi, f in enumerate(got):
            if fi not in hit_f:
                fp[f["kind"]] = fp.get(f["kind"], 0) + 1
                if show:
                    print("WRONG %-11s %s: %r in %r" % (f["kind"], it["where"], text[f["start"]:f["end"]].decode(), it["text"]))
        if not gold:
            clean += 1
            flagged += bool(got)
    failures = []
    print("%-13s %6s %6s %6s %9s %6s %6s" % ("kind", "spans", "found", "wrong", "precision", "recall", "F1"))

    def row(name, t, n, p):
        precision = t / (t + p) if t + p else 1.0
        recall = t / (t + n) if t + n else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print("%-13s %6d %6d %6d %9.3f %6.3f %6.3f" % (name, t + n, t, p, precision, recall, f1))
        return recall, f1

    for k in KINDS:
        recall, _ = row(k, tp[k], fn[k], fp.get(k, 0))
        if recall < MIN_RECALL:
            failures.append("%s recall %.3f < %.2f" % (k, recall, MIN_RECALL))
    T, N, P = sum(tp.values()), sum(fn.values()), sum(fp.values())
    _, f1 = row("all", T, N, P)
    if f1 < MIN_F1:
        failures.append("F1 %.3f < %.2f" % (f1, MIN_F1))
    share = flagged / clean if clean else 0.0
    print("messages %d, clean %d (%.0f%%), clean flagged %d (%.2f%%); exact boundaries on %d of %d matches" % (
        len(items), clean, 100.0 * clean / len(items), flagged, 100 * share, exact, T))
    if share > MAX_CLEAN_FLAGGED:
        failures.append("clean messages flagged %.2f%% > %.0f%%" % (100 * share, 100 * MAX_CLEAN_FLAGGED))
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


main()
