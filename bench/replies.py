"""Reply help against a baseline, on the demo's held-out questions.

    .venv/bin/python bench/replies.py

The demo archive's history (``sidebar.demo.reply_history``: customers' questions answered by a guide
with the script that answers them, the customer answering back) goes through the real pull pass — stored,
the script recognised in the guide's reply, the example kept once the customer answered — from an
in-process source. Then each held-out question (a third of them, never seen) asks the reply help for
three scripts. Prints the hit rate at 3 (the script that answers it is among the three) against always
suggesting the three scripts the history used most.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class HistorySource:
    """The archive's history as the pull reads it (pages after a seq; records already in the clear)."""

    def __init__(self, messages: list[dict[str, Any]]):
        self.records = [
            {"seq": n, "msgid": f"bench{n}", "message": m} for n, m in enumerate(messages, start=1)
        ]

    def page(self, seq: int, limit: int) -> list[dict[str, Any]]:
        return self.records[seq : seq + limit]

    def decrypt(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return {"msgid": record["msgid"], "action": "send", **json.loads(json.dumps(record["message"]))}

    def decrypt_many(self, records: list[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], None]:
        return [self.decrypt(r) for r in records], None

    def media(self, sdkfileid: str) -> Iterator[bytes]:
        yield b""

    def close(self) -> None:
        pass


def main() -> None:
    tmp = tempfile.mkdtemp()
    os.environ.update(
        APP_ENV="development", BESIDE_INSTANCE_PATH=tmp, DATABASE_URL=f"sqlite:///{tmp}/bench.db"
    )
    from sqlalchemy import select

    from sidebar import create_app, demo
    from sidebar.archive import pull
    from sidebar.demo import reply_history
    from sidebar.demo import seed as demo_seed
    from sidebar.extensions import db
    from sidebar.models import Staff, utcnow

    app = create_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo_seed.seed(300)
        customers = [c.external_userid for c in (demo.customer(i) for i in range(300))
                     if any(f.userid == "chenjing" for f in c.serving)][:20]  # fmt: skip
        history = reply_history.conversations("chenjing", customers, int((time.time() - 10 * 86400) * 1000))
        pull.pull(now=utcnow(), source=HistorySource(history))
        chenjing = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        started = time.perf_counter()
        hit, baseline, n = reply_history.measure(chenjing)
        elapsed = (time.perf_counter() - started) * 1000 / n
    learnt = len(history) // 3
    print(f"{learnt} answered script replies learnt; {n} held-out questions, {len(demo.SCRIPTS)} scripts")
    print(f"  reply help, hit rate at 3:                    {hit:.0%}")
    print(f"  the three most used scripts (baseline):       {baseline:.0%}")
    print(f"  time to suggest (model built once):           {elapsed:.1f} ms a question")


if __name__ == "__main__":
    main()
