#!/usr/bin/env python3
"""Merges several bench/latest.json files (copies of `make bench` runs) into
one table: per row the shortest rsedit time and the shortest PyTorch time,
each with its GFLOP/s, and the largest RSS seen. On a shared 2-core machine
a single run is often slowed by a neighbour for tens of seconds; the best
of several runs measures the code, not the neighbours. Developer tool:

    python3 bench/best_of_runs.py PEAK_GFLOPS run1.json run2.json ... [--json OUT]

PEAK_GFLOPS is the highest FMA peak the runs printed (for the % column).
Prints a Markdown table for BENCH.md.
"""
import json
import sys


def main():
    args = sys.argv[1:]
    out = None
    if "--json" in args:
        i = args.index("--json")
        out = args[i + 1]
        del args[i:i + 2]
    peak = float(args[0])
    runs = [json.load(open(p)) for p in args[1:]]
    order, best = [], {}
    for run in runs:
        for r in run:
            c = r["case"]
            if c not in best:
                order.append(c)
                best[c] = dict(r)
                continue
            b = best[c]
            if r["rsedit_ms"] is not None and (b["rsedit_ms"] is None or r["rsedit_ms"] < b["rsedit_ms"]):
                if r["gflops"] is not None:
                    b["gflops"] = r["gflops"]
                b["rsedit_ms"] = r["rsedit_ms"]
            if r["torch_ms"] is not None and (b["torch_ms"] is None or r["torch_ms"] < b["torch_ms"]):
                b["torch_ms"] = r["torch_ms"]
            for k in ("rss_mb", "torch_rss_mb"):
                if r.get(k) is not None and (b.get(k) is None or r[k] > b[k]):
                    b[k] = r[k]
    rows = []
    print("| case | rsedit ms | torch ms | torch/rsedit | GFLOP/s | % peak | RSS MB | torch RSS MB |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for c in order:
        b = best[c]
        if b["gflops"] is not None:
            b["peak_pct"] = round(100.0 * b["gflops"] / peak, 2)
        rows.append(b)

        def f(v, fmt):
            return "-" if v is None else fmt % v
        ratio = b["torch_ms"] / b["rsedit_ms"] if b["torch_ms"] and b["rsedit_ms"] else None
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            c, f(b["rsedit_ms"], "%.2f"), f(b["torch_ms"], "%.2f"), f(ratio, "%.2f"),
            f(b["gflops"], "%.1f"), f(b.get("peak_pct"), "%.1f%%"), f(b["rss_mb"], "%.0f"),
            f(b.get("torch_rss_mb"), "%.0f")))
    if out:
        with open(out, "w") as fo:
            json.dump(rows, fo, indent=1)


if __name__ == "__main__":
    main()
