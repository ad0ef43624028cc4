"""Time ``flask demo seed --customers N`` on a fresh database and print the figures.

    .venv/bin/python bench/seed.py [--customers 1000000] [--database-url postgresql://...]

Uses a temporary SQLite file unless ``--database-url`` is given (its tables are dropped first).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASK_APP": "wsgi", "APP_ENV": "development", "BESIDE_INSTANCE_PATH": tmp}
        env["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.db"
        flask = [str(BIN / "flask")]
        if args.database_url:
            subprocess.run(
                [*flask, "db", "downgrade", "base"], cwd=ROOT, env=env, check=True, capture_output=True
            )
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
        added = result["added"]
        engine = "postgresql" if args.database_url else "sqlite"
        print(
            f"demo seed on {engine}: {added['customers']:,} customers, {added['orders']:,} orders, "
            f"{added['items']:,} items in {seconds:.1f}s ({added['customers'] / seconds:,.0f} customers/s)"
        )


if __name__ == "__main__":
    main()
