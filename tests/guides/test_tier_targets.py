"""What tiers are for: an SOP rule for some tiers makes tasks only for their guides, and a coupon's
daily quota can differ by tier. The demo's guides: 陈静 A, 王芳 and 刘洋 B, 黄丽 C."""

from __future__ import annotations

import json

from sqlalchemy import select

from sidebar.demo import DEFAULT_CUSTOMERS
from sidebar.demo import customer as demo_customer
from sidebar.extensions import db
from sidebar.models import Customer, Staff
from sidebar.money import coupons
from sidebar.money.messages import Refused
from sidebar.sop import engine as sop_engine
from tests.money.test_coupons import make_template
from tests.sop.test_engine import expected, make_rule, pinned_now, tasks


def test_an_sop_rule_for_tier_a_and_c_only(seeded):
    now = pinned_now()
    with seeded.app_context():
        rule = make_rule(
            trigger="added", trigger_days=0, audience=json.dumps({"skin_type": "sensitive"}), guide_tiers="AC"
        )
        sop_engine.generate(rule, now=now)
        tiers = {u: t for u, t in db.session.execute(select(Staff.userid, Staff.tier))}
        everyone = expected(now, skin="sensitive", offsets=[0], window=30)
        want = {t for t in everyone if tiers[t[2]] in "AC"}
        assert want and tasks(rule) == want
        assert any(tiers[userid] == "B" for _, _, userid in everyone)  # left out: their guides are B


def customers_of(userid: str, n: int) -> list[Customer]:
    ids = [
        c.external_userid
        for c in (demo_customer(i) for i in range(DEFAULT_CUSTOMERS))
        if userid in {f.userid for f in c.follows}
    ][:n]
    return list(db.session.scalars(select(Customer).where(Customer.external_userid.in_(ids))))


def test_a_coupons_daily_quota_by_tier(seeded):
    with seeded.app_context():
        template = make_template(per_guide_daily=1, tier_daily=json.dumps({"A": 3}))
        a = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))  # tier A: 3 a day
        b = db.session.scalar(select(Staff).where(Staff.userid == "wangfang"))  # tier B: the template's 1
        for n, person in enumerate(customers_of("chenjing", 4)):
            if n < 3:
                coupons.issue(a, person, template.id, f"tier-a-{n:04d}-key")
                db.session.commit()
            else:
                try:
                    coupons.issue(a, person, template.id, f"tier-a-{n:04d}-key")
                    raise AssertionError("a fourth coupon in a day for a tier A guide")
                except Refused as exc:
                    assert exc.code == "guide_quota"
                db.session.rollback()
        first, second = customers_of("wangfang", 2)
        coupons.issue(b, first, template.id, "tier-b-0000-key")
        db.session.commit()
        try:
            coupons.issue(b, second, template.id, "tier-b-0001-key")
            raise AssertionError("a second coupon in a day for a tier B guide")
        except Refused as exc:
            assert exc.code == "guide_quota"


def test_the_rule_form_reads_the_tiers(app, ctx):
    from werkzeug.datastructures import MultiDict

    from sidebar.models import utcnow
    from sidebar.sop import editor

    form = MultiDict(
        [
            ("name", "A 层关怀"),
            ("trigger", "added"),
            ("step0_text", "您好"),
            ("guide_tiers", "C"),
            ("guide_tiers", "A"),
        ]
    )
    assert editor.build(form, now=utcnow()).guide_tiers == "AC"
    form.setlist("guide_tiers", ["S"])
    try:
        editor.build(form, now=utcnow())
        raise AssertionError("a tier S was accepted")
    except editor.RuleInvalid as exc:
        assert "guide_tiers" in exc.errors
