"""Coupons: issuing (stock, limits, eligibility, idempotency) and redeeming, against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import (
    AuditLog,
    Coupon,
    CouponTemplate,
    Customer,
    Staff,
    utcnow,
)
from sidebar.money import coupons
from sidebar.money.messages import Refused
from tests.money.helpers import guide_and_customer, in_threads, key

# -- coupons ---------------------------------------------------------------------------------------


def make_template(**fields) -> CouponTemplate:
    stock = fields.pop("stock", 30)
    template = CouponTemplate(
        name=fields.pop("name", "满300减50"),
        value=fields.pop("value", 5000),
        threshold=fields.pop("threshold", 30000),
        valid_days=fields.pop("valid_days", 30),
        total_stock=stock,
        stock_left=stock,
        per_customer_limit=fields.pop("per_customer_limit", 1000),
        per_guide_daily=fields.pop("per_guide_daily", 1000),
        **fields,
    )
    db.session.add(template)
    db.session.commit()
    return template


def issue_one(staff_id: int, customer_id: int, template_id: int, k: str | None = None):
    staff, customer = db.session.get(Staff, staff_id), db.session.get(Customer, customer_id)
    try:
        coupon = coupons.issue(staff, customer, template_id, k or key())
        db.session.commit()
        return coupon.code
    except Refused as exc:
        db.session.rollback()
        return exc.code


def test_a_hundred_concurrent_issues_of_thirty_in_stock_make_exactly_thirty(seeded):
    with seeded.app_context():
        template_id = make_template(stock=30).id
        staff, customer = guide_and_customer()
        ids = staff.id, customer.id
    results = in_threads(seeded, 100, lambda i: issue_one(*ids, template_id))
    with seeded.app_context():
        template = db.session.get(CouponTemplate, template_id)
        made = db.session.scalar(select(func.count()).where(Coupon.template_id == template_id))
        assert made == 30 and template.stock_left == 0
    assert results.count("out_of_stock") == 70
    assert len({r for r in results if r != "out_of_stock"}) == 30  # thirty different codes


def test_limits_per_customer_and_per_guide_and_eligibility(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        others = [guide_and_customer(i)[1] for i in (1, 2, 3)]
        template = make_template(per_customer_limit=1, per_guide_daily=3)
        assert len(issue_one(staff.id, customer.id, template.id)) == coupons.CODE_LENGTH
        assert issue_one(staff.id, customer.id, template.id) == "customer_limit"
        assert len(issue_one(staff.id, others[0].id, template.id)) == coupons.CODE_LENGTH
        assert len(issue_one(staff.id, others[1].id, template.id)) == coupons.CODE_LENGTH
        assert issue_one(staff.id, others[2].id, template.id) == "guide_quota"
        # Refusals gave the stock back.
        assert db.session.get(CouponTemplate, template.id).stock_left == 27
        other_level = "黑金" if customer.member_level != "黑金" else "普通"
        gold = make_template(name="专享", eligible_levels=f'["{other_level}"]')
        assert issue_one(staff.id, customer.id, gold.id) == "not_eligible"
        offers = {o.template.id: o for o in coupons.offers(staff, customer)}
        assert offers[template.id].blocked == "customer_limit"


def test_a_repeated_tap_returns_the_same_coupon(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template()
        tap = key()
        first = issue_one(staff.id, customer.id, template.id, tap)
        assert issue_one(staff.id, customer.id, template.id, tap) == first
        assert db.session.get(CouponTemplate, template.id).stock_left == 29


def test_redemption_is_idempotent_and_refuses_expired_used_and_foreign_codes(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template()
        code = issue_one(staff.id, customer.id, template.id)
        first = coupons.redeem(code, order_no="POS-1", amount=40000, by="pos")
        db.session.commit()
        again = coupons.redeem(code, order_no="POS-1", amount=40000, by="pos")
        assert not first.repeated and again.repeated and again.coupon.redeem_order_no == "POS-1"
        assert db.session.scalar(select(func.count()).where(AuditLog.action == "coupon.redeem")) == 1
        with pytest.raises(Refused) as used:
            coupons.redeem(code, order_no="POS-2", amount=40000, by="pos")
        assert used.value.code == "already_redeemed"
        with pytest.raises(Refused) as foreign:
            coupons.redeem("NOTOURS12345", order_no="POS-3", amount=40000, by="pos")
        assert foreign.value.code == "unknown_code"
        late = issue_one(staff.id, guide_and_customer(1)[1].id, template.id)
        with pytest.raises(Refused) as expired:
            coupons.redeem(late, order_no="POS-4", amount=40000, by="pos", now=utcnow() + timedelta(days=31))
        assert expired.value.code == "expired"
        with pytest.raises(Refused) as low:
            coupons.redeem(late, order_no="POS-5", amount=100, by="pos")
        assert low.value.code == "below_threshold"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"active": False}, "not_found"),
        ({"stock": 0}, "out_of_stock"),
        (
            {
                "valid_days": None,
                "valid_from": utcnow() - timedelta(days=9),
                "valid_until": utcnow() - timedelta(days=1),
            },
            "ended",
        ),
        ({"kind": "wxpay"}, "not_configured"),
    ],
)
def test_issue_refuses_a_template_that_cannot_give_and_takes_no_stock(seeded, change, code):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template(**change)
        before = template.stock_left
        assert issue_one(staff.id, customer.id, template.id) == code
        assert db.session.get(CouponTemplate, template.id, populate_existing=True).stock_left == before
        assert (
            db.session.scalar(
                select(func.count()).select_from(Coupon).where(Coupon.template_id == template.id)
            )
            == 0
        )


def test_issue_needs_a_tap_key(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template()
        for bad in ("       ", "short", "x" * 65):
            assert issue_one(staff.id, customer.id, template.id, bad) == "bad_key"


def test_a_coupon_is_valid_from_issue_for_its_days_and_has_a_unique_code(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template(valid_days=7)
        codes = {issue_one(staff.id, guide_and_customer(i)[1].id, template.id) for i in range(3)}
        assert len(codes) == 3 and all(len(c) == coupons.CODE_LENGTH for c in codes)
        coupon = db.session.scalar(select(Coupon).where(Coupon.code == sorted(codes)[0]))
        assert coupon.valid_until - coupon.valid_from == timedelta(days=7)
        assert coupon.staff_id == staff.id


def test_every_refusal_reads_in_the_guides_language_and_in_english_for_the_api(app):
    from flask_babel import force_locale

    from sidebar.money import messages

    with app.test_request_context():
        refusal = Refused("out_of_stock")
        with force_locale("zh_CN"):
            assert str(refusal) == "这张券已发完。"
        assert messages.english(refusal) == "This coupon is out of stock."
        # Every code has its message; an unknown code is a programming error, not a blank message.
        for code in messages.MESSAGES:
            assert messages.english(Refused(code))
        with pytest.raises(KeyError):
            Refused("no_such_rule")
