"""Signal rules: which mall behaviour reaches the guide (a cart left for 30 minutes, one product viewed
three times in a day, a VIP's first view in 60 days), evaluated set-based.

``evaluate`` runs every rule as one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the recent raw
events: a signal exists once per (rule, customer, key) — the key names what fired it (the cart event,
the product and day, the view) — so running again, or after a late batch, never fires twice. It runs
every minute (a cart is "left" only once its minutes have passed) and after each events batch. The
guide told is the customer's first-added guide among those who still have them; a customer nobody
follows fires nothing. Signals whose rule says so are sent as app messages by ``send_due``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, literal, select, true
from sqlalchemy.orm import aliased

from sidebar.core.day_math import local_day, plus_days
from sidebar.core.errors import DomainError
from sidebar.core.upsert import insert
from sidebar.extensions import db
from sidebar.models import (
    BehaviourEvent,
    Customer,
    CustomerSignal,
    Follow,
    MomentInteraction,
    MomentPost,
    MomentTask,
    Script,
    SignalKind,
    SignalRule,
    Staff,
    utcnow,
)
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

WINDOW = timedelta(days=1)  # how far back a run looks: later events are another run's
MAX_ATTEMPTS = 5
KIND_WORDS = {
    SignalKind.CART_LEFT.value: "加购未下单",
    SignalKind.VIEWED_OFTEN.value: "反复浏览",
    SignalKind.VIP_RETURNS.value: "会员回访",
    SignalKind.MOMENT_COMMENT.value: "评论朋友圈",
}


class BadRule(DomainError):
    code = "bad_rule"


def _number(raw: Any, name: str, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise BadRule(f"{name} must be a whole number from {low} to {high}") from None
    if not low <= value <= high:
        raise BadRule(f"{name} must be a whole number from {low} to {high}")
    return value


def create(fields: dict[str, Any]) -> SignalRule:
    """A rule from the console's form; bad input raises ``BadRule`` and adds nothing. Flushes."""
    name = (fields.get("name") or "").strip()
    if not name or len(name) > 64:
        raise BadRule("name the rule (1 to 64 characters)")
    kind = fields.get("kind")
    if kind not in {k.value for k in SignalKind}:
        raise BadRule("choose what the rule watches for")
    rule = SignalRule(name=name, kind=kind, notify=fields.get("notify") in ("1", "on", "y"))
    if kind == SignalKind.CART_LEFT.value:
        rule.minutes = _number(fields.get("minutes", 30), "minutes", 5, 24 * 60)
    elif kind == SignalKind.VIEWED_OFTEN.value:
        rule.times = _number(fields.get("times", 3), "times", 2, 100)
    elif kind == SignalKind.MOMENT_COMMENT.value:
        # Optional: only comments by members of these levels (empty: any customer's).
        levels = [x.strip() for x in (fields.get("levels") or "").replace("，", ",").split(",") if x.strip()]
        rule.levels = ",".join(levels)[:255]
    else:
        rule.days = _number(fields.get("days", 60), "days", 7, 80)
        levels = [x.strip() for x in (fields.get("levels") or "").replace("，", ",").split(",") if x.strip()]
        if not levels:
            raise BadRule("name the member levels that count as VIP (e.g. 金卡, 黑金)")
        rule.levels = ",".join(levels)[:255]
    script_id = fields.get("script_id")
    if script_id:
        try:
            script = db.session.get(Script, int(script_id))
        except ValueError:
            script = None
        if script is None:
            raise BadRule("no such script")
        rule.script_id = script.id
    db.session.add(rule)
    db.session.flush()
    return rule


def _guide(customer_id: Any) -> Any:
    """The customer's first-added guide among those who still have them (correlated)."""
    return (
        select(Follow.staff_id)
        .where(Follow.customer_id == customer_id, Follow.deleted_at.is_(None))
        .order_by(Follow.added_at, Follow.id)
        .limit(1)
        .scalar_subquery()
    )


def _firing(rule: SignalRule, now: datetime) -> Any:
    """The SELECT of what this rule fires now: (customer, guide, key, sku, product, when)."""
    e, o = BehaviourEvent, aliased(BehaviourEvent)
    guide = _guide(e.customer_id)
    known = (e.customer_id.is_not(None), guide.is_not(None))
    if rule.kind == SignalKind.CART_LEFT.value:
        ordered_since = exists().where(
            o.customer_id == e.customer_id, o.kind.in_(("ordered", "paid")), o.occurred_at >= e.occurred_at
        )
        return select(
            e.customer_id,
            guide,
            literal("cart:") + cast(e.id, String),
            e.sku,
            e.product_name,
            e.occurred_at,
        ).where(
            e.kind == "carted",
            e.occurred_at <= now - timedelta(minutes=rule.minutes),
            e.occurred_at >= now - timedelta(minutes=rule.minutes) - WINDOW,
            ~ordered_since,
            *known,
        )
    if rule.kind == SignalKind.VIEWED_OFTEN.value:
        day = local_day(e.occurred_at)
        return (
            select(
                e.customer_id,
                guide,
                literal("view:") + e.sku + literal(":") + cast(day, String),
                e.sku,
                func.max(e.product_name),
                func.max(e.occurred_at),
            )
            .where(e.kind == "viewed", e.occurred_at >= now - WINDOW, *known)
            .group_by(e.customer_id, e.sku, day)
            .having(func.count() >= rule.times)
        )
    if rule.kind == SignalKind.MOMENT_COMMENT.value:
        return _moment_comments(rule, now)
    viewed_before = exists().where(
        o.customer_id == e.customer_id,
        o.kind == "viewed",
        o.occurred_at < e.occurred_at,
        o.occurred_at >= plus_days(e.occurred_at, -rule.days),
    )
    levels = [x for x in rule.levels.split(",") if x]
    return (
        select(
            e.customer_id,
            guide,
            literal("vip:") + cast(e.id, String),
            e.sku,
            e.product_name,
            e.occurred_at,
        )
        .join(Customer, and_(Customer.id == e.customer_id, Customer.member_level.in_(levels)))
        .where(e.kind == "viewed", e.occurred_at >= now - WINDOW, ~viewed_before, *known)
    )


def _moment_comments(rule: SignalRule, now: datetime) -> Any:
    """Comments customers made on guides' moments (``get_moment_comments``, stored by the moments job):
    the guide who posted it hears, with what they posted as the "product"."""
    i = MomentInteraction
    levels = [x for x in (rule.levels or "").split(",") if x]
    query = (
        select(
            i.customer_id,
            MomentPost.staff_id,
            literal("moment:") + cast(i.id, String),
            literal(""),
            func.substr(func.coalesce(MomentTask.name, MomentPost.text), 1, 40),
            i.at,
        )
        .join(MomentPost, MomentPost.id == i.post_id)
        .outerjoin(MomentTask, MomentTask.id == MomentPost.task_id)
        .where(i.kind == "comment", i.at >= now - WINDOW)
    )
    if levels:
        query = query.join(Customer, and_(Customer.id == i.customer_id, Customer.member_level.in_(levels)))
    return query


def evaluate(*, now: datetime | None = None) -> list[int]:
    """Fire every enabled rule over the recent events; returns the ids of the signals new this run."""
    now = now or utcnow()
    fired: list[int] = []
    for rule in db.session.scalars(
        select(SignalRule).where(SignalRule.enabled.is_(True)).order_by(SignalRule.id)
    ):
        firing = _firing(rule, now).subquery()
        rows = select(
            literal(rule.id),
            *firing.c,
            literal(now),
            literal("due" if rule.notify else "none"),
            literal(0),
        ).where(true())  # SQLite reads "INSERT … SELECT … ON CONFLICT" only when the SELECT has a WHERE
        columns = [
            "rule_id",
            "customer_id",
            "staff_id",
            "key",
            "sku",
            "product_name",
            "occurred_at",
            "fired_at",
            "notice_status",
            "notice_attempts",
        ]
        statement = (
            insert(CustomerSignal)
            .from_select(columns, rows)
            .on_conflict_do_nothing(index_elements=["rule_id", "customer_id", "key"])
            .returning(CustomerSignal.id)
        )
        fired += list(db.session.scalars(statement))
    return fired


# -- telling the guide -----------------------------------------------------------------------------


def words(signal: CustomerSignal, customer_name: str) -> str:
    """What the guide reads: "王琪 加购了“玻色因紧致精华”，30 分钟未下单"."""
    rule, product = signal.rule, signal.product_name or signal.sku or "商品"
    if rule.kind == SignalKind.CART_LEFT.value:
        return f"{customer_name} 加购了“{product}”，{rule.minutes} 分钟未下单"
    if rule.kind == SignalKind.VIEWED_OFTEN.value:
        return f"{customer_name} 今天看了“{product}”{rule.times} 次以上"
    if rule.kind == SignalKind.MOMENT_COMMENT.value:
        return f"{customer_name} 评论了你的朋友圈“{signal.product_name or ''}”"
    return f"{customer_name} {rule.days} 天来首次逛商城，正在看“{product}”"


def send_due(*, agent_id: str, limit: int = 200) -> dict[str, int]:
    """Send the signals due an app message (new ones, and ones WeCom refused before)."""
    counts = {"sent": 0, "failed": 0}
    due = db.session.execute(
        select(CustomerSignal, Customer.name, Staff.userid, Script.title)
        .join(Customer, Customer.id == CustomerSignal.customer_id)
        .join(Staff, Staff.id == CustomerSignal.staff_id)
        .join(SignalRule, SignalRule.id == CustomerSignal.rule_id)
        .outerjoin(Script, Script.id == SignalRule.script_id)
        .where(CustomerSignal.notice_status == "due")
        .order_by(CustomerSignal.id)
        .limit(limit)
    ).all()
    for signal, name, userid, script_title in due:
        text = words(signal, name)
        if script_title:
            text += f"\n建议话术：{script_title}"
        signal.notice_attempts += 1
        try:
            wecom().message.send_text(agent_id, userid, text)
        except WeComError:
            signal.notice_status = "failed" if signal.notice_attempts >= MAX_ATTEMPTS else "due"
            counts["failed"] += 1
            continue
        signal.notice_status = "sent"
        counts["sent"] += 1
    return counts


def for_customer(customer: Customer, *, limit: int = 30) -> list[CustomerSignal]:
    return list(
        db.session.scalars(
            select(CustomerSignal)
            .where(CustomerSignal.customer_id == customer.id)
            .order_by(CustomerSignal.fired_at.desc(), CustomerSignal.id.desc())
            .limit(limit)
        )
    )


def for_guide_today(
    staff: Staff, *, since: datetime, limit: int = 50
) -> list[tuple[CustomerSignal, Customer]]:
    """The guide's signals since ``since`` (the start of their day), newest first, with the customer."""
    return list(
        db.session.execute(
            select(CustomerSignal, Customer)
            .join(Customer, Customer.id == CustomerSignal.customer_id)
            .where(CustomerSignal.staff_id == staff.id, CustomerSignal.fired_at >= since)
            .order_by(CustomerSignal.fired_at.desc(), CustomerSignal.id.desc())
            .limit(limit)
        ).tuples()
    )


def toggle(rule: SignalRule) -> None:
    rule.enabled = not rule.enabled
    db.session.flush()
