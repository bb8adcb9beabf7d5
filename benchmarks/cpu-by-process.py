#!/usr/bin/env python3
"""CPU time (user + system, clock ticks) used so far by the application's processes, by kind: the API replicas,
PostgreSQL, Redis and the rest of this machine. Two snapshots around a load run, divided by the requests served,
give CPU per request, which a noisy shared machine moves far less than throughput. With no argument prints the
snapshot as JSON; given an earlier snapshot and the requests served since, prints the microseconds per request of
each kind as JSON members ("cpu_api_us":…), for a result line."""
import json
import os
import sys

kinds = {"api": 0, "postgres": 0, "redis": 0, "other": 0}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        continue  # ended while we looked
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    name = cmdline.split(" ", 1)[0].rsplit("/", 1)[-1]
    kind = ("api" if "KennWilliamson.Api" in cmdline else "postgres" if name == "postgres" or cmdline.startswith("postgres:")
            else "redis" if name == "redis-server" else "other")
    kinds[kind] += ticks
hz = os.sysconf("SC_CLK_TCK")
if len(sys.argv) == 3:
    before, requests = json.loads(sys.argv[1]), max(int(sys.argv[2]), 1)
    print(",".join(f'"cpu_{k}_us":{(kinds[k] - before[k]) * 1e6 / hz / requests:.1f}' for k in kinds))
else:
    print(json.dumps(kinds))
