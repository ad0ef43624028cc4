"""Sensitive words and behaviour in archived messages (敏感词和敏感行为提醒): rules, what they catch, and
telling the guide's manager.

Rules are evaluated in the pull's own pass over each page (``pull._store``): a hit is stored the moment
its message is, and a job tells the managers within the minute — one app message per manager for all
the new hits of the members they oversee (an admin when nobody oversees the member). Messages of a
customer who refused to be archived are not analysed.

A behaviour is a pattern on one side of the conversation: the guide sending a phone number, a WeChat id,
a bank card number (Luhn-checked), a payment code or link, a WeChat red packet (Beside's red packets go
as cards, never as WeChat's own), or asking the customer onto a personal WeChat; the customer complaining.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_, update

from sidebar.archive import read
from sidebar.core import upsert
from sidebar.extensions import db
from sidebar.models import (
    ArchiveConsent,
    ArchiveMessage,
    Customer,
    GroupChat,
    Role,
    SensitiveHit,
    SensitiveRule,
    Staff,
    StaffStatus,
)
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

MEMBER, CUSTOMER, BOTH = "member", "customer", "both"


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


@dataclass(frozen=True)
class Behaviour:
    label: Any
    side: str
    pattern: re.Pattern[str] | None = None
    msgtypes: tuple[str, ...] = ()

    def find(self, msgtype: str, text: str) -> str | None:
        if msgtype in self.msgtypes:
            return text or msgtype
        if self.pattern is None:
            return None
        for found in self.pattern.finditer(text):
            value = found.group(0)
            if self is BEHAVIOURS.get("bank_card") and not _luhn(re.sub(r"\D", "", value)):
                continue
            return value
        return None


BEHAVIOURS: dict[str, Behaviour] = {
    "phone": Behaviour(_l("A guide sends a phone number"), MEMBER, re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    "wechat_id": Behaviour(
        _l("A guide sends a WeChat id"),
        MEMBER,
        re.compile(r"(?:微信号?|威信|薇信|v信|vx|wx)\s*[:：]?\s*[a-z][-_a-z0-9]{5,19}", re.IGNORECASE),
    ),
    "bank_card": Behaviour(
        _l("A guide sends a bank card number"), MEMBER, re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
    ),
    "payment": Behaviour(
        _l("A guide sends a payment code or link that is not the brand's"),
        MEMBER,
        re.compile(r"wxp://\S+|qr\.alipay\.com\S*|收款码|付款码|转账给我|直接转我|扫码付款"),
    ),
    "red_packet": Behaviour(
        _l("A guide sends a red packet outside Beside"), MEMBER, msgtypes=("redpacket", "external_redpacket")
    ),
    "personal_wechat": Behaviour(
        _l("A guide asks the customer onto a personal WeChat"),
        MEMBER,
        re.compile(
            r"加(?:一下|个|下)?我?的?(?:个人|私人)?(?:微信|vx|v信)|私聊微信|个人微信号?", re.IGNORECASE
        ),
    ),
    "complaint": Behaviour(
        _l("A customer complains"),
        CUSTOMER,
        re.compile(r"投诉|退货|退款|差评|12315|消协|曝光|骗子|骗人|假货|维权"),
    ),
}


def _side_ok(side: str, from_customer: bool) -> bool:
    return side == BOTH or (side == CUSTOMER) == from_customer


def _words(rule: SensitiveRule) -> re.Pattern[str] | None:
    words = [w.strip() for w in (rule.words or "").splitlines() if w.strip()]
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


@dataclass
class Compiled:
    rule_id: int
    side: str
    words: re.Pattern[str] | None
    behaviour: Behaviour | None

    def match(self, row: Mapping[str, Any]) -> str | None:
        if not _side_ok(self.side, bool(row["from_customer"])):
            return None
        text = row["summary"] or ""
        if row["msgtype"] == "link":
            text += " " + str(json.loads(row["content"] or "{}").get("link_url", ""))
        if self.behaviour is not None:
            if self.behaviour is BEHAVIOURS["payment"] and row["msgtype"] == "link":
                return foreign_payment_link(json.loads(row["content"] or "{}"))
            return self.behaviour.find(row["msgtype"], text)
        found = self.words.search(text) if self.words is not None else None
        return found.group(0) if found else None


PAYMENT_LINK = re.compile(r"pay|checkout|cashier|收银|付款|支付|收款", re.IGNORECASE)


def brand_hosts() -> set[str]:
    """The brand's own web hosts: ``PUBLIC_URL``'s and ``BRAND_DOMAINS`` (comma-separated)."""
    hosts = {
        h.strip().lower() for h in str(current_app.config.get("BRAND_DOMAINS") or "").split(",") if h.strip()
    }
    public = urlsplit(str(current_app.config.get("PUBLIC_URL") or "")).hostname
    return hosts | ({public} if public else set())


def foreign_payment_link(link: Mapping[str, Any]) -> str | None:
    """A link card to a payment page on a host that is not the brand's (or its subdomains)."""
    url = str(link.get("link_url") or "")
    host = (urlsplit(url).hostname or "").lower()
    if not host or any(host == h or host.endswith("." + h) for h in brand_hosts()):
        return None
    return url[:255] if PAYMENT_LINK.search(url + " " + str(link.get("title") or "")) else None


def compiled() -> list[Compiled]:
    out = []
    for rule in db.session.scalars(select(SensitiveRule).where(SensitiveRule.active.is_(True))):
        behaviour = BEHAVIOURS.get(rule.behaviour or "") if rule.kind == "behaviour" else None
        side = behaviour.side if behaviour is not None else rule.side
        out.append(Compiled(rule.id, side, _words(rule), behaviour))
    return out


def evaluate(rows: Iterable[Mapping[str, Any]], rules: list[Compiled] | None = None) -> int:
    """Store the hits of the active rules on these just-stored messages (each with its ``id``); returns
    how many. Flushes."""
    rules = compiled() if rules is None else rules
    rows = list(rows)
    if not rules or not rows:
        return 0
    parties = {r["customer_userid"] for r in rows if r["customer_userid"]} | {r["sender"] for r in rows}
    refused = set(
        db.session.scalars(
            select(ArchiveConsent.external_userid).where(
                ArchiveConsent.external_userid.in_(parties), ArchiveConsent.agreed.is_(False)
            )
        )
    )
    hits = []
    for row in rows:
        if row["customer_userid"] in refused or row["sender"] in refused or row["action"] == "recall":
            continue
        for rule in rules:
            matched = rule.match(row)
            if matched:
                hits.append(
                    {
                        "rule_id": rule.rule_id,
                        "message_id": row["id"],
                        "staff_userid": row["staff_userid"],
                        "customer_userid": row["customer_userid"],
                        "room_id": row["room_id"],
                        "matched": matched[:255],
                        "sent_at": row["sent_at"],
                    }
                )
    if hits:
        # As executemany (batched by SQLAlchemy), not one VALUES list: a page's few hundred hits as one
        # statement of thousands of parameters cost a tenth of the page's time to build.
        db.session.execute(upsert.insert(SensitiveHit.__table__).on_conflict_do_nothing(), hits)
    return len(hits)


# -- telling the managers ---------------------------------------------------------------------------


def _managers_of() -> dict[str, list[Staff]]:
    """member userid → the active managers who oversee them (``archive.read.scope_userids``)."""
    out: dict[str, list[Staff]] = {}
    managers = db.session.scalars(
        select(Staff).where(Staff.role == Role.MANAGER, Staff.status == StaffStatus.ACTIVE.value)
    )
    for manager in managers:
        for userid in read.scope_userids(manager) or []:
            out.setdefault(userid, []).append(manager)
    return out


def notify(*, now: datetime, agent_id: str, most: int = 2000) -> dict[str, int]:
    """One app message per manager for the hits no one has been told of yet; marks them told. A
    manager WeCom did not reach is tried again on the next run (their hits stay untold)."""
    pending = list(
        db.session.scalars(
            select(SensitiveHit)
            .where(SensitiveHit.notified_at.is_(None))
            .order_by(SensitiveHit.id)
            .limit(most)
        )
    )
    counts = {"messages": 0, "hits": 0, "failed": 0}
    if not pending:
        return counts
    overseers = _managers_of()
    admins = list(
        db.session.scalars(
            select(Staff).where(Staff.role == Role.ADMIN, Staff.status == StaffStatus.ACTIVE.value)
        )
    )
    by_reader: dict[str, list[SensitiveHit]] = {}
    readers: dict[str, Staff] = {}
    for hit in pending:
        for reader in overseers.get(hit.staff_userid or "", []) or admins:
            readers[reader.userid] = reader
            by_reader.setdefault(reader.userid, []).append(hit)
    told: set[int] = set()
    failed: set[int] = set()
    for userid, hits in by_reader.items():
        try:
            wecom().message.send_text(agent_id, userid, _words_for(readers[userid], hits))
        except WeComError:
            counts["failed"] += 1
            failed.update(h.id for h in hits)
            continue
        counts["messages"] += 1
        told.update(h.id for h in hits)
    done = [
        h.id for h in pending if h.id not in failed
    ]  # a hit nobody could be told of is not retried forever
    if done:
        db.session.execute(update(SensitiveHit).where(SensitiveHit.id.in_(done)).values(notified_at=now))
    counts["hits"] = len(told)
    return counts


def _words_for(reader: Staff, hits: list[SensitiveHit]) -> str:
    names = dict(db.session.execute(select(Staff.userid, Staff.name)).tuples().all())
    customers = dict(
        db.session.execute(
            select(Customer.external_userid, Customer.name).where(
                Customer.external_userid.in_({h.customer_userid for h in hits if h.customer_userid})
            )
        )
        .tuples()
        .all()
    )
    rules = dict(db.session.execute(select(SensitiveRule.id, SensitiveRule.name)).tuples().all())
    lines = []
    for h in hits[:5]:
        who = names.get(h.staff_userid or "", h.staff_userid or "群聊")
        whom = customers.get(h.customer_userid or "", "客户")
        lines.append(f"· {who} / {whom}：{rules.get(h.rule_id, '')}（{h.matched[:30]}）")
    more = f"\n…共 {len(hits)} 条" if len(hits) > 5 else ""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    where = f"{base}/admin/archive/alerts" if base else "管理后台 → 团队 → 会话存档 → 合规提醒"
    link = f"\n查看并处理：{where}"
    return f"{reader.name}，会话存档发现 {len(hits)} 条需要注意的消息：\n" + "\n".join(lines) + more + link


# -- the console's list ------------------------------------------------------------------------------


def visible_hits(viewer: Any) -> Any:
    """``SELECT sensitive_hits`` the viewer may see: of the members they oversee, or in their groups."""
    query = select(SensitiveHit)
    members = read.scope_userids(viewer)
    if members is not None:
        rooms = select(GroupChat.chat_id).where(GroupChat.owner_userid.in_(members))
        query = query.where(
            (SensitiveHit.staff_userid.in_(members) & SensitiveHit.room_id.is_(None))
            | SensitiveHit.room_id.in_(rooms)
        )
    return query.where(
        SensitiveHit.customer_userid.is_(None) | SensitiveHit.customer_userid.not_in(read.refused())
    )


def context_of(hit: SensitiveHit, around: int = 2) -> list[Any]:
    """The hit's message with the messages just before and after it in the same conversation."""
    message = db.session.get(ArchiveMessage, hit.message_id)
    if message is None:
        return []
    if message.room_id:
        same = [ArchiveMessage.room_id == message.room_id]
    else:
        same = [
            ArchiveMessage.staff_userid == message.staff_userid,
            ArchiveMessage.customer_userid == message.customer_userid,
            ArchiveMessage.room_id.is_(None),
        ]
    key = (message.sent_at, message.id)
    before = db.session.scalars(
        select(ArchiveMessage).where(*same, tuple_(ArchiveMessage.sent_at, ArchiveMessage.id) < key)
        .order_by(ArchiveMessage.sent_at.desc(), ArchiveMessage.id.desc()).limit(around)
    ).all()  # fmt: skip
    after = db.session.scalars(
        select(ArchiveMessage).where(*same, tuple_(ArchiveMessage.sent_at, ArchiveMessage.id) > key)
        .order_by(ArchiveMessage.sent_at, ArchiveMessage.id).limit(around)
    ).all()  # fmt: skip
    return [*reversed(before), message, *after]


def hits_of(staff_userid: str, since: datetime) -> int:
    """Compliance hits on a member's conversations since ``since`` (the guide's page: the last week)."""
    counted = select(func.count()).where(
        SensitiveHit.staff_userid == staff_userid, SensitiveHit.sent_at >= since
    )
    return db.session.scalar(counted) or 0


def save_rule(form: Mapping[str, Any]) -> SensitiveRule:
    """A rule from the console's form, or ``RuleInvalid`` with every problem in words."""
    errors: dict[str, str] = {}
    name = str(form.get("name") or "").strip()
    if not name or len(name) > 64:
        errors["name"] = str(_l("Give the rule a name (at most 64 characters)."))
    kind = str(form.get("kind") or "")
    side = str(form.get("side") or BOTH)
    words = "\n".join(w.strip() for w in str(form.get("words") or "").splitlines() if w.strip())
    behaviour = str(form.get("behaviour") or "") or None
    if kind == "words":
        if not words:
            errors["words"] = str(_l("Write the words, one a line."))
        elif len(words) > 5000:
            errors["words"] = str(_l("At most 5,000 characters of words."))
        if side not in (MEMBER, CUSTOMER, BOTH):
            errors["side"] = str(_l("Choose whose messages it reads."))
        behaviour = None
    elif kind == "behaviour":
        if behaviour not in BEHAVIOURS:
            errors["behaviour"] = str(_l("Choose a behaviour."))
        words = ""
    else:
        errors["kind"] = str(_l("Choose words or a behaviour."))
    if errors:
        raise RuleInvalid(errors)
    rule = SensitiveRule(name=name, kind=kind, side=side if kind == "words" else BOTH, words=words,
                         behaviour=behaviour, active=True)  # fmt: skip
    db.session.add(rule)
    db.session.flush()
    return rule


class RuleInvalid(ValueError):
    """A rule from the console that cannot be saved: every problem, by field, in words (compliance rules
    and chat-tag rules alike)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
