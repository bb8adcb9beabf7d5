#!/usr/bin/env python3
"""Medians and ratios for a benchmark's JSON-lines results: summarize.py api-vs-db FILE."""
import json, statistics, sys

kind, path = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path) if l.strip()]
if kind == "api-vs-db":
    # Sides: api, api-run-address (the run-mode address; in results before 2026-12-03 api-proxied, through the AppHost's development proxy), reference (raw Npgsql, no auth), reference-jwt (the same with the API's JWT validation),
    # pgbench (-M prepared, the same SQL). Older result files have api and pgbench only.
    SIDES = ("api", "api-run-address", "api-proxied", "reference", "reference-jwt", "pgbench")
    print("| endpoint | side | req/s (median) | p50 ms | p90 ms | p99 ms | errors (sum) | runs |")
    print("|---|---|---|---|---|---|---|---|")
    ratios = {}
    for ep in dict.fromkeys(r["endpoint"] for r in rows):
        rs = [r for r in rows if r["endpoint"] == ep]
        med = {}
        for side in (x for x in SIDES if x in rs[0]):
            m = lambda k: statistics.median(r[side][k] for r in rs)
            med[side] = m("rps")
            print(f"| {ep} | {side} | {m('rps'):.1f} | {m('p50_ms'):.2f} | {m('p90_ms'):.2f} | {m('p99_ms'):.2f} | "
                  f"{sum(r[side]['errors'] for r in rs)} | {len(rs)} |")
        ratios[ep] = {side: (med["api"] / med[side] if med[side] else float("nan"),
                             statistics.median(r["api"]["rps"] / r[side]["rps"] for r in rs if r[side]["rps"]))
                      for side in med if side != "api"}
    cpu = [r for r in rows if "cpu_ms_per_req" in r["api"]]
    if cpu:
        print()
        print("CPU per API request (ms, median over runs; from /proc tick counts while wrk ran):")
        print()
        print("| endpoint | API process | PostgreSQL | everything else (wrk, dashboard, other engineers) |")
        print("|---|---|---|---|")
        for ep in dict.fromkeys(r["endpoint"] for r in cpu):
            rs = [r["api"]["cpu_ms_per_req"] for r in cpu if r["endpoint"] == ep]
            m = lambda k: statistics.median(x[k] for x in rs)
            print(f"| {ep} | {m('api'):.3f} | {m('postgres'):.3f} | {m('other'):.3f} |")
    print()
    print("| endpoint | API / side | ratio of medians | median of per-run ratios |")
    print("|---|---|---|---|")
    for ep, by_side in ratios.items():
        for side, (a, b) in by_side.items():
            print(f"| {ep} | api / {side} | {a:.2f} | {b:.2f} |")
    print()
    print("RATIOS " + "; ".join(f"{ep}: " + ", ".join(f"api/{side} {a:.2f}" for side, (a, _) in by_side.items())
                               for ep, by_side in ratios.items()))

if kind == "history":
    # The same endpoint for callers with 10, 1,000 and 20,000 timers. Ratios are to the 10-timer caller:
    # of the medians, and the median of per-round ratios (pairs measured seconds apart).
    print("| endpoint | caller's timers | req/s (median) | p50 ms | p99 ms | CPU ms/req (API+PostgreSQL) | errors | rounds | req/s vs 10 (of medians) | req/s vs 10 (median per round) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for ep in dict.fromkeys(r["endpoint"] for r in rows):
        sizes = list(dict.fromkeys(r["timers"] for r in rows if r["endpoint"] == ep))
        by = {(r["timers"], r["round"]): r["api"] for r in rows if r["endpoint"] == ep}
        base = statistics.median(x["rps"] for (t, _), x in by.items() if t == sizes[0])
        for size in sizes:
            rs = [x for (t, _), x in by.items() if t == size]
            m = lambda k: statistics.median(x.get(k, float("nan")) for x in rs)
            per_round = statistics.median(by[(size, n)]["rps"] / by[(sizes[0], n)]["rps"]
                                          for (t, n) in by if t == size and (sizes[0], n) in by)
            print(f"| {ep} | {size:,} | {m('rps'):.1f} | {m('p50_ms'):.2f} | {m('p99_ms'):.2f} | {m('cpu_ms_per_req'):.3f} | "
                  f"{sum(x['errors'] for x in rs)} | {len(rs)} | {m('rps') / base:.2f} | {per_round:.2f} |")
