#!/usr/bin/env python3
"""Each request stage's share of the API's running time, from a dotnet-trace speedscope file
(profile dotnet-sampled-thread-time): profile-stages.py FILE.speedscope.json

The sampler marks a thread running managed code with the pseudo-frame CPU_TIME (native code, which
includes blocking waits, is UNMANAGED_CODE_TIME and is left out). Each CPU_TIME interval is charged to
the stage of the deepest frame that belongs to one: walking from the leaf to the root, the first frame
whose module (or namespace) names a stage wins, so CoreLib work (a dictionary, a string) done for EF
Core counts as EF Core. Socket and pipe frames are charged to whoever is higher up the stack when it
is Npgsql or OpenTelemetry (their own connections), else to Kestrel. Waits are left out: the socket
engine's epoll_wait, and threads parked or spinning in the thread pool's semaphore, a monitor or an event. Frames of no stage all the way up are the runtime's (thread pool, timers)."""
import json, sys
from collections import Counter

STAGES = [  # (stage, prefixes of "module!namespace.type"), first match wins for a frame
    ("Npgsql (driver, protocol)", ("Npgsql",)),
    ("EF Core query pipeline", ("Microsoft.EntityFrameworkCore",)),
    ("JSON (System.Text.Json)", ("System.Text.Json",)),
    ("OpenTelemetry (Activity, exporters, metrics)", ("OpenTelemetry", "System.Diagnostics.DiagnosticSource", "Microsoft.Extensions.Diagnostics")),
    ("Authentication (JWT bearer)", ("Microsoft.IdentityModel", "System.IdentityModel", "Microsoft.AspNetCore.Authentication")),
    ("Logging", ("Microsoft.Extensions.Logging",)),
    ("Kestrel, HTTP parsing, sockets", ("Microsoft.AspNetCore.Server", "System.Net.Sockets", "System.IO.Pipelines", "System.Net.Primitives", "System.Net.Http", "System.Net.Security")),
    ("Routing, middleware, endpoint (ASP.NET Core + our code)", ("Microsoft.AspNetCore", "KennWilliamson", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Options", "Microsoft.Extensions.Primitives", "System.Threading.RateLimiting")),
]

KESTREL = "Kestrel, HTTP parsing, sockets"
TRANSPORT = ("System.Net.Sockets", "System.IO.Pipelines", "System.Net.Primitives", "System.Net.Http", "System.Net.Security")
# Waiting, not working: the socket engine's epoll_wait, and threads parked (or spinning before they
# park) in the thread pool's semaphore, a monitor or an event.
IDLE = ("SocketAsyncEngine.EventLoop(", "LowLevelLifoSemaphore.Wait", "Monitor.Wait(", "WaitHandle.WaitOne", "ManualResetEventSlim.Wait(")

def owner_of(stack):
    transport = False
    for f in reversed(stack):
        if any(marker in frames[f] for marker in IDLE):
            return None
        s = stage[f]
        if s is None:
            continue
        if frames[f].startswith(TRANSPORT):
            transport = True
            continue
        if transport and s not in ("Npgsql (driver, protocol)", "OpenTelemetry (Activity, exporters, metrics)"):
            return KESTREL
        return s
    return KESTREL if transport else "Runtime (thread pool, GC, timers)"

def stage_of(name):
    return next((stage for stage, prefixes in STAGES if name.startswith(prefixes)), None)

doc = json.load(open(sys.argv[1]))
frames = [f["name"] for f in doc["shared"]["frames"]]
stage = [stage_of(n) for n in frames]
cpu_frame = {i for i, n in enumerate(frames) if n == "CPU_TIME"}
unmanaged_frame = {i for i, n in enumerate(frames) if n == "UNMANAGED_CODE_TIME"}
cpu, unmanaged = Counter(), 0.0
for profile in doc["profiles"]:
    stack, opened = [], 0.0
    for e in profile["events"]:
        if stack and stack[-1] in cpu_frame:
            owner = owner_of(stack[:-1])
            if owner:
                cpu[owner] += e["at"] - opened
        elif stack and stack[-1] in unmanaged_frame:
            unmanaged += e["at"] - opened
        if e["type"] == "O":
            stack.append(e["frame"])
        else:
            stack.pop()
        opened = e["at"]
total = sum(cpu.values())
print(f"## Running managed code by stage: {total / 1000:.1f} s of CPU_TIME samples over all threads "
      f"(native code, waits included, {unmanaged / 1000:.1f} s, not counted)")
print()
print("| stage | share of managed running time |")
print("|---|---|")
for name, ms in cpu.most_common():
    print(f"| {name} | {100 * ms / total:.1f} % |")
