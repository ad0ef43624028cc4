"""The member repair at scale: every WeChat customer of the demo given a member record matched to them (as
an install that ran versions before 2026-12 holds them), their member level and points overwritten the way
the old update did (each customer got the same member's), then ``flask data reapply-members`` timed
putting each member back on its own customer, and the result checked against the members.

    .venv/bin/python bench/members.py --database-url postgresql://... [--batch 5000]

The database should hold the demo (``bench/seed.py --customers 1000000 --database-url ...``). The members
are removed again afterwards and the customers' levels put back as the seed made them.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    import psycopg

    url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM members WHERE member_no LIKE 'BENCH-%'")
        conn.execute("CREATE TEMP TABLE kept AS SELECT id, member_level, points FROM customers")
        started = time.monotonic()
        conn.execute(
            """
            INSERT INTO members (member_no, unionid, level, points, customer_id, matched_by,
                                 created_at, updated_at)
            SELECT 'BENCH-' || id, unionid,
                   (ARRAY['普通','银卡','金卡','黑金'])[1 + id % 4], (id % 5000)::int, id, 'unionid',
                   now(), now()
            FROM customers WHERE unionid IS NOT NULL
            """
        )
        members = conn.execute("SELECT count(*) FROM members WHERE member_no LIKE 'BENCH-%'").fetchone()[0]
        # What the old update did: every matched customer took the last member's level and points.
        conn.execute(
            "UPDATE customers SET member_level = '普通', points = 7 "
            "WHERE id IN (SELECT customer_id FROM members WHERE member_no LIKE 'BENCH-%')"
        )
        conn.execute("ANALYZE members")
        conn.execute("ANALYZE customers")
        made = time.monotonic() - started
        print(f"{members:,} members matched and their customers overwritten in {made:.1f} s")

        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "FLASK_APP": "wsgi",
                "APP_ENV": "development",
                "BESIDE_INSTANCE_PATH": tmp,
                "DATABASE_URL": args.database_url,
            }
            started = time.monotonic()
            out = subprocess.run(
                [str(BIN / "flask"), "data", "reapply-members", "--batch", str(args.batch)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            seconds = time.monotonic() - started
        result = json.loads(out.stdout.strip().splitlines()[-1])
        wrong = conn.execute(
            """
            SELECT count(*) FROM customers c JOIN members m ON m.customer_id = c.id
            WHERE m.member_no LIKE 'BENCH-%' AND (c.member_level IS DISTINCT FROM m.level
                                                 OR c.points IS DISTINCT FROM m.points)
            """
        ).fetchone()[0]
        print(
            f"flask data reapply-members: {result['customers']:,} customers rewritten in {seconds:.1f} s "
            f"({result['customers'] / seconds:,.0f}/s, the command's own count {result['seconds']} s); "
            f"customers still not showing their own member: {wrong}"
        )
        # Back to the demo as seeded, for the other benchmarks.
        conn.execute("DELETE FROM members WHERE member_no LIKE 'BENCH-%'")
        conn.execute(
            "UPDATE customers c SET member_level = k.member_level, points = k.points "
            "FROM kept k WHERE k.id = c.id"
        )
        conn.execute("ANALYZE members")
        conn.execute("ANALYZE customers")
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
