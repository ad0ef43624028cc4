"""The nightly jobs at a brand's scale, for the README's capacity plan: seed, recompute, tag rules, SOP and
the guides' months, each timed at ``--customers`` (10 M by default) on PostgreSQL, then the database's
size on disk, table by table.

    .venv/bin/python bench/capacity.py \
        --database-url postgresql://beside:beside@127.0.0.1:5432/beside_bench10 \
        [--customers 10000000] [--no-seed]

Everything in that database is replaced by the demo at that scale (``bench/seed.py --no-floor``); each
other benchmark then runs as its own process against it and prints its figures, collected here. At
10 M customers this takes about two hours on a 2-core machine and about 50 GB of disk.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# The jobs whose time grows with the brand: what runs every night or every few minutes over everyone.
NIGHTLY = [
    ("seed", "the demo made and stored, profiles and months computed (a brand's history imported once)"),
    ("profiles", "every profile, stage and RFM recomputed (nightly)"),
    ("rule_tags", "ten automatic-tag rules over everyone (nightly, and after imports)"),
    ("sop", "a weekly SOP rule for everyone: a task per follow (the scheduler, every 15 minutes)"),
    ("guides", "every order credited and every guide-month made again (nightly for the month)"),
]


def sizes(url: str) -> list[tuple[str, int]]:
    """The database and its largest tables (with their indexes), in bytes."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        total = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        tables = conn.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "ORDER BY 2 DESC LIMIT 8"
        ).fetchall()
    return [("(the whole database)", total), *tables]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--customers", type=int, default=10_000_000)
    parser.add_argument("--no-seed", action="store_true", help="time the jobs on what the database holds")
    args = parser.parse_args()
    print(f"# nightly jobs at {args.customers:,} customers", flush=True)
    rows, failed = [], 0
    for name, what in NIGHTLY:
        if name == "seed" and args.no_seed:
            continue
        command = [PY, str(ROOT / "bench" / f"{name}.py"), "--database-url", args.database_url]
        if name == "seed":
            command += ["--customers", str(args.customers), "--no-floor"]
        print(f"running {name} …", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        took = time.monotonic() - started
        print(done.stdout.rstrip(), flush=True)
        if done.returncode != 0:
            failed += 1
            print(done.stderr[-2000:], flush=True)
        rows.append((name, what, took, done.returncode))
    print()
    print(
        f"| benchmark at {args.customers:,} customers | what it measures | it took | per million customers |"
    )
    print("|---|---|---|---|")
    for name, what, took, code in rows:
        mark = "" if code == 0 else f" **failed ({code})**"
        per_million = took / (args.customers / 1_000_000)
        print(f"| `bench/{name}.py` | {what} | {took:,.0f} s{mark} | {per_million:,.1f} s |")
    print()
    print("| on disk | size |")
    print("|---|---|")
    for name, size in sizes(args.database_url):
        print(f"| {name} | {size / 2**30:,.1f} GiB |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
