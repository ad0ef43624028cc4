"""Where a benchmark's CPU went: seconds of CPU each part of the machine used during a window, read
from ``/proc`` (Linux). On a 2-core machine every part — the app, the database, the queue, the load
tool itself — shares the same two cores, so a throughput is best read beside this split.

    before = cpu.sample({"gunicorn": [gunicorn.pid], "consumer": [consumer.pid]})
    ...  # the load
    print(cpu.report(before, cpu.sample(...), units=acknowledged))

A part is named by the process ids it started with; their children count with them (gunicorn's
workers, PostgreSQL's backends under the postmaster). ``self`` is this process (the load tool).
"""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, float, str]]:
    """pid → (parent pid, CPU seconds so far, command name) for every process we can read."""
    found: dict[int, tuple[int, float, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[1] is the parent; [11] and [12] are user and system ticks (proc(5), from field 3 on).
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, name)
    return found


def sample(parts: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each part (its processes and their descendants), by ``self``, by
    every ``postgres`` and ``redis-server`` process, and by the whole machine (``machine``)."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in procs.items():
        children.setdefault(parent, []).append(pid)

    def tree(pid: int) -> float:
        seconds = procs[pid][1] if pid in procs else 0.0
        return seconds + sum(tree(child) for child in children.get(pid, []))

    used = {name: sum(tree(pid) for pid in pids) for name, pids in parts.items()}
    used["self"] = procs.get(os.getpid(), (0, 0.0, ""))[1]
    used["postgres"] = sum(s for _, s, name in procs.values() if name.startswith("postgres"))
    used["redis"] = sum(s for _, s, name in procs.values() if name.startswith("redis"))
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    busy = sum(ticks) - ticks[3] - (ticks[4] if len(ticks) > 4 else 0)  # not idle, not iowait
    used["machine"] = busy / _TICK
    return used


def report(before: dict[str, float], after: dict[str, float], *, units: int, seconds: float) -> str:
    """One line: each part's CPU in the window, per unit of work (ms), and the machine's use of its
    cores."""
    cores = os.cpu_count() or 1
    parts = [k for k in after if k != "machine" and after[k] - before.get(k, 0.0) > 0.05]
    per = ", ".join(
        f"{k} {(after[k] - before.get(k, 0.0)) * 1000 / max(units, 1):.2f} ms"
        for k in sorted(parts, key=lambda k: before.get(k, 0.0) - after[k])
    )
    busy = (after["machine"] - before["machine"]) / (seconds * cores)
    return f"CPU per unit: {per}; the {cores} cores were {busy:.0%} busy"
