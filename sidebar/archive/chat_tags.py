"""Tags from what customers say (聊天打标): keyword rules over customers' own archived messages.

A customer whose message contains a rule's keyword gets the rule's tag — pushed to WeCom like any tag a
guide adds (``customers.tags.push``) — and the message that set it is kept as its citation. A keyword
negated just before it ("不是敏感肌", "没有过敏", "不在孕期") does not count. Only the customer's own
messages are read, never a refusing customer's, and a tag the customer already carries is left as it is.
Precision is measured on a labelled sample the tests ship (``tests/archive/chat_tag_sample.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from sidebar.archive.compliance import RuleInvalid
from sidebar.core import upsert
from sidebar.extensions import db
from sidebar.models import (
    ArchiveConsent,
    ArchiveMessage,
    ChatTagCitation,
    ChatTagRule,
    Customer,
    CustomerTag,
    Tag,
    TagSync,
    utcnow,
)

# A negation right before the keyword: 不/没/非/无/别, maybe followed by 是/算/太/在/会/有/用 and an
# adverb (很/太/有点), e.g. "不是敏感肌", "没有过敏", "不在孕期", "不太干".
NEGATED = re.compile(r"(?:不|没|非|无|别|并非)(?:是|算|太|在|会|有|用|属于)?(?:很|太|有点|那么)?$")


def keywords_of(rule: ChatTagRule) -> list[str]:
    return [k.strip() for k in (rule.keywords or "").splitlines() if k.strip()]


def mention(text: str, keywords: Iterable[str]) -> str | None:
    """The first keyword ``text`` says without negating it, or None."""
    for keyword in keywords:
        start = 0
        while (at := text.find(keyword, start)) >= 0:
            if not NEGATED.search(text[max(0, at - 4) : at]):
                return keyword
            start = at + 1
    return None


@dataclass
class Compiled:
    rule_id: int
    tag: Tag
    keywords: list[str]


def compiled() -> list[Compiled]:
    out = []
    for rule in db.session.scalars(select(ChatTagRule).where(ChatTagRule.active.is_(True))):
        tag = db.session.get(Tag, rule.tag_id)
        if tag is not None and keywords_of(rule):
            out.append(Compiled(rule.id, tag, keywords_of(rule)))
    return out


def apply(rows: Iterable[Mapping[str, Any]], rules: list[Compiled] | None = None) -> int:
    """Tag the customers whose just-stored messages (each with its ``id``) say a keyword; returns how
    many tags were put on. Flushes."""
    rules = compiled() if rules is None else rules
    said = [r for r in rows if r["from_customer"] and r["customer_userid"] and r["msgtype"] == "text"]
    if not rules or not said:
        return 0
    exts = {r["customer_userid"] for r in said}
    refused = set(
        db.session.scalars(
            select(ArchiveConsent.external_userid).where(
                ArchiveConsent.external_userid.in_(exts), ArchiveConsent.agreed.is_(False)
            )
        )
    )
    ids = dict(
        db.session.execute(
            select(Customer.external_userid, Customer.id).where(Customer.external_userid.in_(exts))
        ).tuples().all()
    )  # fmt: skip
    now = utcnow()
    tags: dict[tuple[int, int], dict[str, Any]] = {}
    citations: dict[tuple[int, int], dict[str, Any]] = {}
    for row in said:
        customer_id = ids.get(row["customer_userid"])
        if customer_id is None or row["customer_userid"] in refused:
            continue
        for rule in rules:
            keyword = mention(row["summary"] or "", rule.keywords)
            key = (customer_id, rule.tag.id)
            if keyword is None or key in tags:
                continue
            local = rule.tag.is_local
            tags[key] = {
                "customer_id": customer_id,
                "tag_id": rule.tag.id,
                "source": "chat",
                "rule_id": None,
                "created_at": now,
                "sync_status": TagSync.LOCAL.value if local else TagSync.ADDING.value,
                "sync_op": None if local else "add",
                "next_sync_at": None if local else now,
                "sync_attempts": 0,
            }
            citations[key] = {
                "customer_id": customer_id,
                "tag_id": rule.tag.id,
                "rule_id": rule.rule_id,
                "message_id": row["id"],
                "keyword": keyword[:64],
                "created_at": now,
            }
    if not tags:
        return 0
    added = db.session.execute(
        upsert.insert(CustomerTag.__table__)
        .values(list(tags.values()))
        .on_conflict_do_nothing()  # a tag the customer carries already stays as it is
        .returning(CustomerTag.__table__.c.customer_id, CustomerTag.__table__.c.tag_id)
    ).all()
    new = {(c, t) for c, t in added}
    if new:
        db.session.execute(
            upsert.insert(ChatTagCitation.__table__)
            .values([citations[key] for key in new])
            .on_conflict_do_nothing()
        )
    return len(new)


def save_rule(form: Mapping[str, Any]) -> ChatTagRule:
    """A keyword rule from the console's form, or ``RuleInvalid`` with every problem in words."""
    errors: dict[str, str] = {}
    name = str(form.get("name") or "").strip()
    if not name or len(name) > 64:
        errors["name"] = str(_l("Give the rule a name (at most 64 characters)."))
    raw = str(form.get("tag_id") or "")
    tag = db.session.get(Tag, int(raw)) if raw.isdigit() else None
    if tag is None:
        errors["tag_id"] = str(_l("Choose the tag it puts on."))
    words = [w.strip() for w in str(form.get("keywords") or "").splitlines() if w.strip()]
    if not words:
        errors["keywords"] = str(_l("Write the keywords, one a line."))
    elif any(len(w) < 2 or len(w) > 32 for w in words) or len(words) > 100:
        errors["keywords"] = str(_l("Each keyword is 2 to 32 characters; at most 100 of them."))
    if errors:
        raise RuleInvalid(errors)
    assert tag is not None
    rule = ChatTagRule(name=name, tag_id=tag.id, keywords="\n".join(words), active=True)
    db.session.add(rule)
    db.session.flush()
    return rule


def recent(limit: int = 50) -> list[tuple[ChatTagCitation, str, str, str]]:
    """The latest tags set from chats: (citation, customer name, tag name, the message said)."""
    return list(
        db.session.execute(
            select(ChatTagCitation, Customer.name, Tag.name, ArchiveMessage.summary)
            .join(Customer, Customer.id == ChatTagCitation.customer_id)
            .join(Tag, Tag.id == ChatTagCitation.tag_id)
            .join(ArchiveMessage, ArchiveMessage.id == ChatTagCitation.message_id)
            .where(ArchiveMessage.customer_userid.not_in(
                select(ArchiveConsent.external_userid).where(ArchiveConsent.agreed.is_(False))))
            .order_by(ChatTagCitation.created_at.desc())
            .limit(limit)
        ).tuples()
    )  # fmt: skip
