"""Automatic tags: a rule is a customer filter (the console's filters plus what customers bought) and a
tag. After each recomputation every enabled rule is evaluated set-based: the customers it matches who
do not carry the tag get it, and customers it no longer matches lose the tag it gave them. Only that
difference is written, marked as the rule's (``customer_tags.rule_id``), and pushed to WeCom with
``mark_tag`` by the same paced, retried push as tags a guide adds (``customers.tags.push``).

What a rule does not touch: a tag a guide or WeCom put on a customer (it is not the rule's, so the rule
never removes it, and never adds it twice). Disabling or deleting a rule takes off exactly what it put on.

When a guide takes a rule's tag off a customer by hand, the guide wins: the customer is recorded as an
exception of that rule (``TagRuleExclusion``) and the rule leaves them alone from then on, rather than
putting the tag back every night. The console shows each rule's exceptions and an admin can clear them,
after which the rule applies to those customers again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, exists, func, insert, literal, select, update
from werkzeug.datastructures import MultiDict

from sidebar.core.analyze import analyze
from sidebar.core.errors import DomainError
from sidebar.customers import query as customer_query
from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, Role, Staff, Tag, TagRule, TagRuleExclusion, TagSync, utcnow

CHUNK = 5000
ANALYZE_AFTER = 10_000  # tags written in one evaluation before customer_tags is analysed
CUSTOMER_TAGS: Table = CustomerTag.__table__  # type: ignore[assignment]
# The filter fields a rule may use: the console's, minus the viewer-relative and list-only ones.
RULE_FIELDS = (
    "tags_any",
    "tags_all",
    "tags_none",
    "skin_type",
    "lifecycle_stage",
    "rfm_segment",
    "member_level",
    "team_id",
    "spent_min",
    "spent_max",
    "avg_order_min",
    "avg_order_max",
    "orders_min",
    "orders_max",
    "order_days_min",
    "order_days_max",
    "bought_category",
    "bought_product",
    "store_code",
)


class BadRule(DomainError):
    code = "bad_rule"


class _Brand:
    """Rules see every customer of the brand (an admin's scope)."""

    role = Role.ADMIN
    team_id = None
    id = 0


BRAND: Any = _Brand()


def conditions(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's conditions from a form or JSON: checked by the console filter's own parser (a bad
    value raises ``BadRule`` with its message); only ``RULE_FIELDS``; at least one."""
    given = MultiDict(
        [(k, str(v)) for k, v in (raw.items(multi=True) if isinstance(raw, MultiDict) else raw.items())]
    )
    picked = MultiDict([(k, v) for k, v in given.items(multi=True) if k in RULE_FIELDS and v.strip()])
    try:
        parsed = customer_query.parse(picked)
    except customer_query.BadFilter as exc:
        raise BadRule(str(exc)) from exc
    kept = {k: v for k, v in parsed.as_params().items() if k in RULE_FIELDS}
    if not kept:
        raise BadRule("a rule needs at least one condition")
    return kept


def _filter(rule: TagRule) -> customer_query.CustomerFilter:
    return customer_query.parse(MultiDict([(k, str(v)) for k, v in json.loads(rule.conditions).items()]))


def count(conds: dict[str, Any]) -> int:
    """How many customers these conditions match now (the console's preview)."""
    f = customer_query.parse(MultiDict([(k, str(v)) for k, v in conds.items()]))
    return customer_query.count(db.session, BRAND, f)


def create(name: str, tag: Tag, conds: dict[str, Any], *, enabled: bool = True) -> TagRule:
    name = name.strip()[:64]
    if not name:
        raise BadRule("a rule needs a name")
    rule = TagRule(
        name=name, tag_id=tag.id, conditions=json.dumps(conds, ensure_ascii=False), enabled=enabled
    )
    db.session.add(rule)
    db.session.flush()
    return rule


def _chunks(ids: Iterable[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    listed = sorted(set(ids))
    return [listed[i : i + CHUNK] for i in range(0, len(listed), CHUNK)]


def evaluate(
    rule: TagRule, *, only: Iterable[int] | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Apply the difference between who the rule matches and who carries its tag (for everyone, or
    only these customers). A disabled rule matches nobody. Returns {"added": n, "removed": n}."""
    now = now or utcnow()
    tag = db.session.get(Tag, rule.tag_id)
    assert tag is not None
    added = removed = 0
    matches = customer_query.matching(BRAND, _filter(rule)) if rule.enabled else None
    for chunk in _chunks(only):
        # Stale tags off first: the check then reads only tags that were there before, never the ones
        # just added (which match by construction) — on a rule's first run that is a million lookups saved.
        removed += _remove(rule, tag, matches, chunk, now)
        if matches is not None:
            added += _add(rule, tag, matches, chunk, now)
    if only is None:
        rule.last_run_at = now
        rule.last_count = _count(rule)
    db.session.flush()
    return {"added": added, "removed": removed}


def _live() -> Any:
    return CustomerTag.sync_status != TagSync.REMOVING.value


def _add(rule: TagRule, tag: Tag, matches: Any, chunk: list[int] | None, now: datetime) -> int:
    carries = exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.tag_id == tag.id)
    exempt = exists().where(TagRuleExclusion.customer_id == Customer.id, TagRuleExclusion.rule_id == rule.id)
    status, op, due = (
        (TagSync.LOCAL.value, None, None) if tag.is_local else (TagSync.ADDING.value, "add", now)
    )
    picked = matches.where(~carries, ~exempt)
    if chunk is not None:
        picked = picked.where(Customer.id.in_(chunk))
    rows = picked.with_only_columns(
        Customer.id,
        literal(tag.id),
        literal("rule"),
        literal(rule.id),
        literal(now),
        literal(status),
        literal(op),
        literal(0),
        literal(due),
    ).order_by(Customer.id)  # in key order: each index page is written once, not once per random row
    before = _count(rule)
    db.session.execute(
        insert(CUSTOMER_TAGS).from_select(
            [
                "customer_id",
                "tag_id",
                "source",
                "rule_id",
                "created_at",
                "sync_status",
                "sync_op",
                "sync_attempts",
                "next_sync_at",
            ],
            rows,
        )
    )
    # Counted, not the statement's rowcount: PostgreSQL's driver reports -1 for an INSERT … SELECT here.
    return _count(rule) - before


def _count(rule: TagRule) -> int:
    query = select(func.count()).select_from(CustomerTag).where(CustomerTag.rule_id == rule.id, _live())
    return db.session.scalar(query) or 0


def _remove(rule: TagRule, tag: Tag, matches: Any, chunk: list[int] | None, now: datetime) -> int:
    """Take the rule's tag off customers it no longer matches (everyone's, if ``matches`` is None)."""
    stale = [CustomerTag.rule_id == rule.id, _live()]
    if matches is not None:
        still = matches.with_only_columns(literal(1)).where(Customer.id == CustomerTag.customer_id)
        stale.append(~exists(still))
    if chunk is not None:
        stale.append(CustomerTag.customer_id.in_(chunk))
    # Which tags are stale, found once (one anti-join); most nights there are none and nothing is written.
    ids = list(db.session.scalars(select(CustomerTag.customer_id).where(*stale)))
    if not ids:
        return 0
    # Never told WeCom (a local tag, or an add not yet attempted): gone at once.
    unsent = CustomerTag.sync_status == TagSync.LOCAL.value
    if not tag.is_local:
        unsent = (CustomerTag.sync_status == TagSync.ADDING.value) & (CustomerTag.sync_attempts == 0)
    removed = 0
    for part in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        mine = [CustomerTag.rule_id == rule.id, _live(), CustomerTag.customer_id.in_(part)]
        gone = db.session.execute(
            delete(CustomerTag).where(*mine, unsent).execution_options(synchronize_session=False)
        )
        told = db.session.execute(
            update(CustomerTag)
            .where(*mine)
            .values(
                sync_status=TagSync.REMOVING.value,
                sync_op="remove",
                sync_attempts=0,
                sync_error=None,
                next_sync_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        removed += int(gone.rowcount or 0) + int(told.rowcount or 0)  # type: ignore[attr-defined]
    return removed


def evaluate_all(*, only: Iterable[int] | None = None, now: datetime | None = None) -> dict[str, int]:
    """Every rule (disabled ones take their tags off); totals."""
    totals = {"rules": 0, "added": 0, "removed": 0}
    ids = None if only is None else sorted(set(only))
    if ids is not None and not ids:
        return totals
    for rule in db.session.scalars(select(TagRule).order_by(TagRule.id)):
        got = evaluate(rule, only=ids, now=now)
        totals["rules"] += 1
        totals["added"] += got["added"]
        totals["removed"] += got["removed"]
    if totals["added"] + totals["removed"] > ANALYZE_AFTER:
        analyze("customer_tags")  # a rule's first run writes a tag for many customers at once
    return totals


def delete_rule(rule: TagRule, *, now: datetime | None = None) -> dict[str, int]:
    """Take off what the rule put on, then forget the rule (rows still being removed keep going)."""
    rule.enabled = False
    got = evaluate(rule, now=now)
    # Rows still being removed in WeCom outlive the rule; they stop naming it (no foreign key does it).
    db.session.execute(
        update(CustomerTag)
        .where(CustomerTag.rule_id == rule.id)
        .values(rule_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(rule)
    db.session.flush()
    return got


def exempted_by_hand(row: CustomerTag, by: Staff) -> None:
    """A guide took a rule's tag off by hand: the rule leaves this customer alone from now on."""
    if row.rule_id is None:
        return
    if db.session.get(TagRuleExclusion, (row.rule_id, row.customer_id)) is None:
        db.session.add(TagRuleExclusion(rule_id=row.rule_id, customer_id=row.customer_id, staff_id=by.id))
        db.session.flush()


def exception_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(TagRuleExclusion.rule_id, func.count()).group_by(TagRuleExclusion.rule_id)
    ).all()
    return {rule_id: n for rule_id, n in rows}


def clear_exceptions(rule: TagRule) -> int:
    result = db.session.execute(delete(TagRuleExclusion).where(TagRuleExclusion.rule_id == rule.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
