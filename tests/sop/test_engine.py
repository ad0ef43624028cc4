"""The SOP engine with a pinned clock: exactly the expected tasks, never twice, audience respected."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Customer, SopRule, SopStep, SopTask, Staff
from sidebar.sop import engine as sop_engine


def pinned_now() -> datetime:
    """Noon today (UTC): the demo data is dated relative to today."""
    today = demo.today()
    return datetime(today.year, today.month, today.day, 12, tzinfo=UTC)


def make_rule(**fields) -> SopRule:
    steps = fields.pop("steps", [(0, "{客户称呼}您好")])
    rule = SopRule(
        name=fields.pop("name", "规则"), active=True, window_days=fields.pop("window_days", 30), **fields
    )
    rule.steps = [
        SopStep(position=n, offset_days=offset, text=text) for n, (offset, text) in enumerate(steps)
    ]
    db.session.add(rule)
    db.session.flush()
    return rule


def tasks(rule: SopRule) -> set[tuple[int, str, str]]:
    rows = db.session.execute(
        select(SopStep.position, Customer.external_userid, Staff.userid)
        .join(SopTask, SopTask.step_id == SopStep.id)
        .join(Customer, Customer.id == SopTask.customer_id)
        .join(Staff, Staff.id == SopTask.staff_id)
        .where(SopTask.rule_id == rule.id)
    )
    return set(rows.tuples())


def expected(now: datetime, *, skin: str, offsets: list[int], window: int) -> set[tuple[int, str, str]]:
    out = set()
    for i in range(demo.DEFAULT_CUSTOMERS):
        c = demo.customer(i)
        if c.skin_type != skin:
            continue
        for f in c.serving:
            added = datetime.fromtimestamp(f.createtime, UTC)
            for n, offset in enumerate(offsets):
                if now - timedelta(days=offset + window) < added <= now - timedelta(days=offset):
                    out.add((n, c.external_userid, f.userid))
    return out


def test_a_two_step_rule_makes_exactly_the_expected_tasks_and_never_twice(seeded):
    now = pinned_now()
    with seeded.app_context():
        rule = make_rule(
            trigger="added",
            trigger_days=0,
            audience=json.dumps({"skin_type": "sensitive"}),
            steps=[(0, "欢迎"), (7, "回访")],
        )
        made = sop_engine.generate(rule, now=now)
        db.session.commit()
        want = expected(now, skin="sensitive", offsets=[0, 7], window=30)
        assert want and made == len(want)
        assert tasks(rule) == want
        assert sop_engine.generate(rule, now=now) == 0
        assert sop_engine.generate(rule, now=now + timedelta(hours=3)) == 0  # same window, nothing new
        assert db.session.scalar(select(func.count()).select_from(SopTask)) == len(want)


def test_a_customer_who_leaves_the_audience_gets_no_new_tasks(seeded):
    from sidebar.models import Follow

    now = pinned_now()
    with seeded.app_context():
        chenjing = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        for name in ("留下的客户", "离开的客户"):
            customer = Customer(
                external_userid=f"wmSOP{len(name)}{name.encode().hex()[:20]}",
                name=name,
                skin_type="sensitive",
            )
            db.session.add(customer)
            db.session.flush()
            db.session.add(
                Follow(staff_id=chenjing.id, customer_id=customer.id, added_at=now - timedelta(days=2))
            )
        rule = make_rule(
            trigger="added",
            trigger_days=0,
            window_days=3,
            audience=json.dumps({"skin_type": "sensitive"}),
            steps=[(0, "欢迎"), (5, "回访")],
        )
        sop_engine.generate(rule, now=now)
        db.session.commit()
        names = lambda pos: {c for p, c, _ in tasks(rule) if p == pos}  # noqa: E731
        assert {
            db.session.scalar(select(Customer.external_userid).where(Customer.name == n))
            for n in ("留下的客户", "离开的客户")
        } <= names(0)
        leaving = db.session.scalar(select(Customer).where(Customer.name == "离开的客户"))
        leaving.skin_type = "dry"
        db.session.commit()
        sop_engine.generate(rule, now=now + timedelta(days=5))
        staying = db.session.scalar(select(Customer.external_userid).where(Customer.name == "留下的客户"))
        assert staying in names(1) and leaving.external_userid not in names(1)


def test_weekly_and_birthday_triggers(seeded):
    now = pinned_now()
    with seeded.app_context():
        weekly = make_rule(
            name="周报",
            trigger="weekly",
            weekday=now.weekday(),
            window_days=1,
            audience=json.dumps({"member_level": "黑金"}),
        )
        other_day = make_rule(
            name="别的日子", trigger="weekly", weekday=(now.weekday() + 1) % 7, window_days=1
        )
        birthday = make_rule(name="生日", trigger="birthday", trigger_days=3, window_days=0)
        made = sop_engine.generate(weekly, now=now)
        black_gold = {
            (c.external_userid, f.userid)
            for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
            if c.member_level == "黑金"
            for f in c.serving
        }
        assert made == len(black_gold) > 0
        assert sop_engine.generate(weekly, now=now) == 0
        assert sop_engine.generate(other_day, now=now) == 0
        in_three_days = (now + timedelta(days=3)).strftime("%m-%d")
        born = {
            c.external_userid
            for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
            if c.birthday and c.birthday.strftime("%m-%d") == in_three_days
        }
        sop_engine.generate(birthday, now=now)
        assert {ext for _, ext, _ in tasks(birthday)} == born


def test_a_resigned_guides_tasks_follow_the_customer_or_are_cancelled(seeded):
    now = pinned_now()
    with seeded.app_context():
        rule = make_rule(trigger="added", trigger_days=0, window_days=400, audience="{}")
        sop_engine.generate(rule, now=now)
        chenjing = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        pending = db.session.scalar(
            select(func.count()).select_from(SopTask).where(SopTask.staff_id == chenjing.id)
        )
        chenjing.status = "resigned"
        db.session.flush()
        counts = sop_engine.tidy(now=now)
        assert counts["moved"] + counts["cancelled"] == pending > 0
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(SopTask)
                .where(SopTask.staff_id == chenjing.id, SopTask.status == "pending")
            )
            == 0
        )
        # Overdue tasks expire.
        assert sop_engine.tidy(now=now + timedelta(days=401))["expired"] > 0


def test_preview_counts_without_making_tasks(seeded):
    now = pinned_now()
    with seeded.app_context():
        rule = make_rule(
            trigger="added",
            trigger_days=0,
            audience=json.dumps({"skin_type": "sensitive"}),
            steps=[(0, "欢迎"), (7, "回访")],
        )
        counts = sop_engine.preview(rule, now=now)
        assert counts["customers"] == sum(
            demo.customer(i).skin_type == "sensitive" for i in range(demo.DEFAULT_CUSTOMERS)
        )
        assert counts["tasks"] == len(expected(now, skin="sensitive", offsets=[0, 7], window=30))
        assert db.session.scalar(select(func.count()).select_from(SopTask)) == 0
