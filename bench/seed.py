"""Time ``flask demo seed --customers N`` on a fresh database and print the figures.

    .venv/bin/python bench/seed.py [--customers 1000000] [--database-url postgresql://...]

Uses a temporary SQLite file unless ``--database-url`` is given (its tables are dropped first). On
PostgreSQL (unless ``--no-floor``) it then measures the floor to compare with: the rows the seed wrote are
copied out, the tables emptied, and the same rows put back with one plain binary COPY per table (same
tables, same indexes, each analysed as the seed does; nothing made, nothing computed); the profiles and the
guides' months are then computed again, so the database is left as the seed made it, for the other
benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the plain-COPY comparison (it doubles the time at 10 M)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASK_APP": "wsgi", "APP_ENV": "development", "BESIDE_INSTANCE_PATH": tmp}
        env["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.db"
        flask = [str(BIN / "flask")]
        if args.database_url:
            empty_schema(args.database_url)
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.monotonic()
        out = subprocess.run(
            [*flask, "demo", "seed", "--customers", str(args.customers), "--chunk", str(args.chunk)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
        result = json.loads(out.stdout.strip().splitlines()[-1])
        # The seed's progress lines (stderr) end with the time the last customers were stored.
        stored = [line for line in out.stderr.splitlines() if "customers  (" in line]
        added = result["added"]
        engine = "postgresql" if args.database_url else "sqlite"
        print(
            f"demo seed on {engine}: {added['customers']:,} customers, {added['orders']:,} orders, "
            f"{added['items']:,} items in {seconds:.1f}s ({added['customers'] / seconds:,.0f} customers/s)"
        )
        if stored:
            loaded = float(stored[-1].rsplit("(", 1)[1].rstrip("s)"))
            print(f"  of which making and storing them {loaded:.0f} s, computing profiles and months after")
        if args.database_url and not args.no_floor:
            copied, rows = plain_copy(args.database_url, Path(tmp))
            print(
                f"a plain COPY of the same {rows:,} rows into the same tables: {copied:.1f}s; "
                f"the seed took {seconds / copied:.1f}× that"
            )
            # Back to the demo as seeded (the emptying took the computed profiles and months along),
            # so the other benchmarks can run on this database next.
            since = (date.today() - timedelta(days=800)).strftime("%Y-%m")
            for command in (["data", "recompute"], ["guides", "recompute", "--since", since]):
                subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, capture_output=True)


def empty_schema(database_url: str) -> None:
    """Everything in the database's public schema gone (faster than migrating a million rows down)."""
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


SEEDED = ("customers", "follows", "customer_tags", "orders", "order_items", "notes")


def plain_copy(database_url: str, folder: Path) -> tuple[float, int]:
    """Copy the seeded tables out, empty them, and time copying the same rows back in."""
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    rows = 0
    with psycopg.connect(url, autocommit=True) as conn:
        for table in SEEDED:
            with (
                open(folder / f"{table}.bin", "wb") as out,
                conn.cursor().copy(
                    f"COPY {table} TO STDOUT (FORMAT BINARY)"  # table names from the tuple above
                ) as copy,
            ):
                for data in copy:
                    out.write(data)
            rows += conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        conn.execute(f"TRUNCATE {', '.join(SEEDED)} CASCADE")
        started = time.monotonic()
        for table in SEEDED:
            with (
                open(folder / f"{table}.bin", "rb") as src,
                conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy,
            ):
                while data := src.read(1 << 20):
                    copy.write(data)
            # As the seed does: without it, the next table's foreign-key checks are planned on the
            # emptied table's statistics and read all of it for every row (minutes, not seconds).
            conn.execute(f"ANALYZE {table}")
        return time.monotonic() - started, rows


if __name__ == "__main__":
    main()
