"""Reply help: for a customer's latest message, the three scripts most likely to answer it.

Two sources, both from the brand's own data:

- the scripts themselves: how close a script's words are to the customer's (TF-IDF cosine);
- the guides' past replies: in the archive, a guide's message recognised as a script (its text with the
  variables filled in) answering a customer's message, which the customer then answered
  (``ReplyExample``, learnt in the pull's pass). The past messages closest to this one vote for the
  scripts that answered them.

Words are cut with jieba (with the trade's words added, so 敏感肌 is one word) plus pairs of characters,
which catch what the dictionary does not know. ``bench/replies.py`` measures hit rate at 3 on held-out
questions against the three most used scripts.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select, update

from sidebar.content import scripts as script_library
from sidebar.extensions import db
from sidebar.models import ArchiveMessage, ReplyExample, Script, Staff

SHOWN = 3
NEIGHBOURS = 15
EXAMPLES_KEPT = 20_000  # the latest answered examples the model reads
CACHE_SECONDS = 300.0
REPLY_WINDOW = timedelta(hours=2)  # a guide's reply answers the customer's message this recent
# The trade's words, so segmentation keeps them whole.
TRADE_WORDS = frozenset(
    """
    敏感肌 精华 面霜 防晒 防晒霜 防晒乳 泛红 起皮 油皮 干皮 混油皮 小样 试用装 礼盒
    会员日 积分 快递 快递单号 物流 发货 退货 换货 退换货 发票 抬头 税号
    孕期 哺乳期 备孕 孕妇 营业 控油 保湿 水乳 修护 屏障 视黄醇 满减
    """.split()  # noqa: SIM905 (words read better as words)
)
PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
VARIABLE = re.compile(r"\{[^{}]{1,20}\}")

_jieba_lock = threading.Lock()
_jieba: Any = None


def _cutter() -> Any:
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba  # loaded on first use: its dictionary takes half a second

            jieba.setLogLevel(60)
            for word in TRADE_WORDS:
                jieba.add_word(word)
            _jieba = jieba
    return _jieba


def tokens(text: str) -> list[str]:
    """Words and neighbouring character pairs of ``text`` (variables and punctuation left out)."""
    clean = PUNCTUATION.sub(" ", VARIABLE.sub(" ", text or "")).strip().lower()
    if not clean:
        return []
    words = [w for w in _cutter().lcut(clean) if w.strip()]
    pairs = [piece[i : i + 2] for piece in clean.split() for i in range(len(piece) - 1)]
    return words + ["~" + p for p in pairs]


def _vector(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    vec = {t: (1 + math.log(n)) * idf.get(t, 1.0) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


@dataclass
class Model:
    """The examples and document frequencies, read once and kept for a few minutes. ``postings`` is
    the examples' inverted index (word → (example, weight)), so a question meets only the examples that
    share a word with it."""

    examples: list[tuple[int, dict[str, float]]]  # (script id, vector of what the customer said)
    idf: dict[str, float]
    used: Counter[int]  # script id → examples (how often it answered)
    made_at: float
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for n, (_sid, vec) in enumerate(self.examples):
            for t, w in vec.items():
                self.postings.setdefault(t, []).append((n, w))

    def nearest(self, said: Mapping[str, float], most: int) -> list[tuple[float, int]]:
        """(similarity, script id) of the ``most`` examples closest to ``said``."""
        sums: dict[int, float] = {}
        for t, w in said.items():
            for n, v in self.postings.get(t, ()):
                sums[n] = sums.get(n, 0.0) + w * v
        best = sorted(sums.items(), key=lambda item: -item[1])[:most]
        return [(similarity, self.examples[n][0]) for n, similarity in best]


_model_lock = threading.Lock()
_models: dict[str, Model] = {}


def _build(rows: Sequence[tuple[int, str]], documents: Iterable[str]) -> Model:
    said = [(script_id, Counter(tokens(text))) for script_id, text in rows]
    docs = [Counter(tokens(d)) for d in documents]
    df: Counter[str] = Counter()
    for _, counts in said:
        df.update(counts.keys())
    for counts in docs:
        df.update(counts.keys())
    total = max(1, len(said) + len(docs))
    idf = {t: math.log((1 + total) / (1 + n)) + 1 for t, n in df.items()}
    return Model(
        [(sid, _vector(c, idf)) for sid, c in said], idf, Counter(sid for sid, _ in rows), time.monotonic()
    )


def model(key: str = "default") -> Model:
    """The current model (rebuilt every few minutes from the latest answered examples)."""
    with _model_lock:
        found = _models.get(key)
        if found is not None and time.monotonic() - found.made_at < CACHE_SECONDS:
            return found
    rows = db.session.execute(
        select(ReplyExample.script_id, ReplyExample.customer_text)
        .where(ReplyExample.answered.is_(True))
        .order_by(ReplyExample.id.desc())
        .limit(EXAMPLES_KEPT)
    ).tuples().all()  # fmt: skip
    library = db.session.scalars(select(Script.title + " " + Script.body)).all()
    built = _build(rows, library)
    with _model_lock:
        _models[key] = built
    return built


def forget_model() -> None:
    with _model_lock:
        _models.clear()


@dataclass
class Suggestion:
    script: Script
    score: float


def rank(text: str, candidates: Sequence[Script], learnt: Model) -> list[Suggestion]:
    """The candidates best answering ``text``, best first (only those with some evidence)."""
    said = _vector(Counter(tokens(text)), learnt.idf)
    if not said:
        return []
    votes: dict[int, float] = {}
    for similarity, sid in learnt.nearest(said, NEIGHBOURS):
        if similarity > 0.05:
            votes[sid] = votes.get(sid, 0.0) + similarity
    out = []
    for script in candidates:
        own = _cosine(said, _vector(Counter(tokens(f"{script.title} {script.body}")), learnt.idf))
        score = votes.get(script.id, 0.0) + 0.5 * own
        if score > 0.05:
            out.append(Suggestion(script, score))
    return sorted(out, key=lambda s: (-s.score, s.script.id))


def suggest(staff: Staff, text: str) -> list[Suggestion]:
    """The three scripts this guide may use that best answer ``text``."""
    candidates = list(db.session.scalars(script_library.visible(staff)))
    return rank(text, candidates, model())[:SHOWN]


def latest_question(staff: Staff, external_userid: str) -> ArchiveMessage | None:
    """The customer's latest text to this guide, if the guide has not answered it yet."""
    last = db.session.scalar(
        select(ArchiveMessage)
        .where(ArchiveMessage.staff_userid == staff.userid, ArchiveMessage.customer_userid == external_userid,
               ArchiveMessage.room_id.is_(None))
        .order_by(ArchiveMessage.sent_at.desc(), ArchiveMessage.id.desc())
        .limit(1)
    )  # fmt: skip
    if last is None or not last.from_customer or last.msgtype != "text" or last.recalled:
        return None
    return last


# -- learning from the archive (in the pull's pass) ----------------------------------------------------


@dataclass
class Pattern:
    script_id: int
    regex: re.Pattern[str]
    key: str  # its longest literal piece: a message must contain it


def patterns() -> list[Pattern]:
    out = []
    for script_id, body in db.session.execute(select(Script.id, Script.body)).tuples():
        pieces = [p for p in VARIABLE.split(body or "")]
        key = max(pieces, key=len).strip()
        if len(key) < 6:
            continue  # too short to recognise safely
        regex = re.compile("^" + ".{0,40}?".join(re.escape(p) for p in pieces) + "$", re.DOTALL)
        out.append(Pattern(script_id, regex, key))
    return out


def _question_before(reply: Mapping[str, Any], in_page: Mapping[str, Any] | None) -> str | None:
    """The customer's text the reply answered, within ``REPLY_WINDOW``: the page's own latest (most are
    there; anything stored before it is older still), else the archive's."""
    if in_page is not None:
        return str(in_page["summary"]) if in_page["sent_at"] >= reply["sent_at"] - REPLY_WINDOW else None
    return db.session.scalar(
        select(ArchiveMessage.summary)
        .where(ArchiveMessage.staff_userid == reply["staff_userid"],
               ArchiveMessage.customer_userid == reply["customer_userid"],
               ArchiveMessage.room_id.is_(None), ArchiveMessage.from_customer.is_(True),
               ArchiveMessage.msgtype == "text", ArchiveMessage.sent_at <= reply["sent_at"],
               ArchiveMessage.sent_at >= reply["sent_at"] - REPLY_WINDOW)
        .order_by(ArchiveMessage.sent_at.desc(), ArchiveMessage.id.desc())
        .limit(1)
    )  # fmt: skip


def learn(rows: Iterable[Mapping[str, Any]], known: list[Pattern] | None = None) -> int:
    """Record guides' script replies among just-stored messages (each with its ``id``), and mark earlier
    replies that customers have now answered. Flushes; returns how many replies were recorded."""
    rows = [r for r in rows if r["room_id"] is None and r["customer_userid"] and r["msgtype"] == "text"]
    if not rows:
        return 0
    recorded = 0
    if any(not r["from_customer"] and r["staff_userid"] for r in rows):
        known = patterns() if known is None else known
        asked: dict[tuple[str, str], Mapping[str, Any]] = {}  # the page's latest question per thread
        for row in rows:  # in seq order
            pair = (row["staff_userid"], row["customer_userid"])
            if row["from_customer"]:
                asked[pair] = row
                continue
            text = row["summary"] or ""
            script_id = next((p.script_id for p in known if p.key in text and p.regex.match(text)), None)
            if script_id is None or not row["staff_userid"]:
                continue
            question = _question_before(row, asked.get(pair))
            if question:
                db.session.add(
                    ReplyExample(reply_message_id=row["id"], script_id=script_id, customer_text=question,
                                 staff_userid=row["staff_userid"], customer_userid=row["customer_userid"],
                                 sent_at=row["sent_at"])
                )  # fmt: skip
                recorded += 1
        db.session.flush()
    if any(r["from_customer"] for r in rows):
        # Replies the customer has since answered, in one statement: only the few not yet answered are
        # looked at (``ix_reply_examples_answered_id``), however many messages the page holds.
        later = exists().where(
            ArchiveMessage.staff_userid == ReplyExample.staff_userid,
            ArchiveMessage.customer_userid == ReplyExample.customer_userid,
            ArchiveMessage.room_id.is_(None),
            ArchiveMessage.from_customer.is_(True),
            ArchiveMessage.sent_at > ReplyExample.sent_at,
        )
        db.session.execute(
            update(ReplyExample).where(ReplyExample.answered.is_(False), later).values(answered=True)
        )
    return recorded
