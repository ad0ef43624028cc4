"""The demo's past conversations for reply help: customers' questions (``demo.REPLY_QUESTIONS``) answered
by a guide with the script that answers them, and the customer answering back.

Two thirds of the questions become the demo archive's history (the emulator serves them, the pull
learns from them); the other third is held out, to measure what the reply help suggests for questions
it has never seen (``bench/replies.py``, ``tests/archive/test_replies.py``).
"""

from __future__ import annotations

from typing import Any

from sidebar import demo

# Filled into scripts as a guide's sidebar fills them for a demo customer.
FILLED = {"客户称呼": "王女士", "门店": "澜序静安店", "导购姓名": "陈静", "会员等级": "金卡"}
THANKS = ("好的，谢谢", "明白了", "好嘞", "收到，谢谢你")


def split() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(history, held out): per script, its questions 1, 2, 4, 5 are history, 3 and 6 held out."""
    history: list[tuple[str, str]] = []
    held_out: list[tuple[str, str]] = []
    for title, questions in demo.REPLY_QUESTIONS.items():
        for n, question in enumerate(questions):
            (held_out if n % 3 == 2 else history).append((question, title))
    return history, held_out


def reply_text(title: str) -> str:
    body = next(b for _scope, _dept, _group, t, b in demo.SCRIPTS if t == title)
    for name, value in FILLED.items():
        body = body.replace("{" + name + "}", value)
    return body


def conversations(userid: str, customers: list[str], start_ms: int) -> list[dict[str, Any]]:
    """The history as archive messages (doc 91774's shape): question, the guide's script reply a minute
    later, the customer's answer a minute after that; one conversation every hour from ``start_ms``."""
    history, _ = split()
    out: list[dict[str, Any]] = []
    for n, (question, title) in enumerate(history):
        ext = customers[n % len(customers)]
        at = start_ms + n * 3_600_000
        for offset, sender, to, words in (
            (0, ext, userid, question),
            (60_000, userid, ext, reply_text(title)),
            (120_000, ext, userid, THANKS[n % len(THANKS)]),
        ):
            message = {"from": sender, "tolist": [to], "roomid": "", "msgtype": "text"}
            out.append({**message, "msgtime": at + offset, "text": {"content": words}})
    return out


def measure(staff: Any) -> tuple[float, float, int]:
    """(hit rate at 3 of the reply help, of the three most used scripts, held-out questions): for each
    held-out question, whether the script that answers it is among the three suggested — against always
    suggesting the three scripts the history used most. Reads the learnt examples in the database."""
    from collections import Counter

    from sqlalchemy import select

    from sidebar.archive import replies
    from sidebar.content import scripts as script_library
    from sidebar.extensions import db
    from sidebar.models import ReplyExample, Script

    history, held_out = split()
    replies.forget_model()
    candidates = list(db.session.scalars(script_library.visible(staff)))
    titles = dict(db.session.execute(select(Script.id, Script.title)).tuples().all())
    used = Counter(
        titles[sid] for sid in db.session.scalars(select(ReplyExample.script_id).where(ReplyExample.answered))
    )
    baseline = [title for title, _ in used.most_common(3)]
    hits = base_hits = 0
    learnt = replies.model()
    for question, title in held_out:
        shown = [s.script.title for s in replies.rank(question, candidates, learnt)[: replies.SHOWN]]
        hits += title in shown
        base_hits += title in baseline
    return hits / len(held_out), base_hits / len(held_out), len(held_out)
