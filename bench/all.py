"""Every benchmark, one after another, at one scale against one database, printed as one table.

    .venv/bin/python bench/all.py --database-url postgresql://beside:beside@127.0.0.1:5432/beside_bench \
        [--customers 1000000] [--no-seed] [--only seed,customer_list] [--redis-url redis://127.0.0.1:6379/3]

First ``bench/seed.py`` makes the demo at ``--customers`` in that database (everything in it is
replaced; ``--no-seed`` keeps what is there), then each benchmark runs as its own process against it
and its figures are collected. The two that need a database of their own (scans, inheritance) get
``<name>_scratch`` beside it (made if missing). The README's "Measured" table comes from this output.
Takes about an hour at a million customers on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# name, arguments (DB: the database, SCRATCH: its scratch sibling, N: the scale, REDIS: the job queue's
# Redis when --redis-url is given, as deployed; else nothing, and the queue is a SQLite file)
BENCHES: list[tuple[str, list[str]]] = [
    ("seed", ["--customers", "N", "--database-url", "DB"]),
    ("customer_list", ["--database-url", "DB", "--runs", "20", "--no-plans"]),
    ("profile", ["--database-url", "DB", "--seconds", "20"]),
    ("open", ["--database-url", "DB", "--runs", "5"]),
    ("callbacks", ["--database-url", "DB", "--seconds", "30", "REDIS"]),
    ("events", ["--database-url", "DB", "--seconds", "30", "REDIS"]),
    ("recommend", ["--database-url", "DB"]),
    ("profiles", ["--database-url", "DB"]),
    ("rule_tags", ["--database-url", "DB"]),
    ("guides", ["--database-url", "DB"]),
    ("sop", ["--database-url", "DB"]),
    ("money", ["--database-url", "DB"]),
    ("content", ["--database-url", "DB"]),
    ("data", ["--database-url", "DB"]),
    ("imports", ["--database-url", "DB"]),
    ("scans", ["--database-url", "SCRATCH"]),
    ("inheritance", ["--database-url", "SCRATCH"]),
    ("groups", ["--database-url", "SCRATCH"]),
]


def scratch_of(url: str) -> str:
    """``…/name`` → ``…/name_scratch``, made if missing."""
    import psycopg

    base, name = url.rsplit("/", 1)
    scratch = f"{name}_scratch"
    with psycopg.connect(f"{base}/postgres".replace("+psycopg", ""), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (scratch,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{scratch}"')
    return f"{base}/{scratch}"


def machine(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{date.today().isoformat()}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {version}"
    )


def figures(output: str) -> str:
    """What a benchmark printed, as one cell: its lines, without blank ones."""
    lines = [" ".join(line.split()) for line in output.splitlines() if line.strip()]
    return "<br>".join(line.replace("|", "/") for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--redis-url", help="the job queue on Redis for callbacks and events, as deployed")
    args = parser.parse_args()
    chosen = set(args.only.split(",")) if args.only else {name for name, _ in BENCHES}
    if args.no_seed:
        chosen.discard("seed")
    values = {"DB": args.database_url, "N": str(args.customers)}
    rows, failed = [], 0
    print(f"# Beside benchmarks at {args.customers:,} customers: {machine(args.database_url)}", flush=True)
    for name, template in BENCHES:
        if name not in chosen:
            continue
        if "SCRATCH" in template and "SCRATCH" not in values:
            values["SCRATCH"] = scratch_of(args.database_url)
        arguments = [values.get(a, a) for a in template if a != "REDIS"]
        if "REDIS" in template and args.redis_url:
            arguments += ["--redis-url", args.redis_url]
        command = [PY, str(ROOT / "bench" / f"{name}.py"), *arguments]
        print(f"running {name} …", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        took = time.monotonic() - started
        cell = figures(done.stdout)
        if done.returncode != 0:
            failed += 1
            cell = f"**failed ({done.returncode})** {cell} {figures(done.stderr[-600:])}"
        rows.append((name, cell, took))
    print()
    print("| benchmark | figures | took |")
    print("|---|---|---|")
    for name, cell, took in rows:
        print(f"| `bench/{name}.py` | {cell} | {took:,.0f} s |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
