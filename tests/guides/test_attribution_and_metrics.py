"""Attribution under each rule and the monthly figures, on a small brand worked out by hand.

Three guides (甲 A, 乙 B, 丙 C), times in UTC (the brand's months are Beijing's, UTC+8):

- 客户1: followed by A from 01-01 and by B from 03-01. o1 paid 02-10 (200 yuan); o2 paid 03-31 17:00
  UTC, which is April 1st in Beijing (500 yuan, 100 refunded).
- 客户2: followed by A from 01-01 until they removed A on 02-01; by B from 03-01. o3 paid 02-15 (nobody
  followed then); o4 paid 03-10, wholly refunded (300 yuan), redeeming A's coupon.
- 客户3: o5 paid 2025-12-20, before C added them on 2026-01-05.
- an order nobody could match.
- coupons: B issued 客户1 one on 01-20 (21 days before o1: outside a 7-day window) and 客户2 one on
  03-08; A issued 客户2 the one o4 redeemed on 03-09; C issued 客户1 one on 03-28 (4 days before o2).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.guides import attribution, metrics
from sidebar.models import (
    Attribution,
    Coupon,
    CouponTemplate,
    Customer,
    Follow,
    GuideMonth,
    Order,
    Send,
    SopRule,
    SopStep,
    SopTask,
    Staff,
)

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
SERIAL = itertools.count(1)


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture()
def brand(app, ctx):
    guides = {name: Staff(userid=f"g{name}", name=name) for name in "ABC"}
    customers = {n: Customer(external_userid=f"wmGUIDE{n:04d}", name=f"客户{n}") for n in (1, 2, 3)}
    db.session.add_all([*guides.values(), *customers.values()])
    db.session.flush()
    A, B, C = guides["A"], guides["B"], guides["C"]  # noqa: N806
    c1, c2, c3 = customers[1], customers[2], customers[3]

    def follow(guide, customer, added, deleted=None, by=None):
        db.session.add(
            Follow(
                staff_id=guide.id, customer_id=customer.id, added_at=added, deleted_at=deleted, deleted_by=by
            )
        )

    follow(A, c1, at(1, 1))
    follow(B, c1, at(3, 1))
    follow(A, c2, at(1, 1), at(2, 1), "customer")
    follow(B, c2, at(3, 1))
    follow(C, c3, at(1, 5))

    def order(customer, paid, yuan, status="paid", refund=0):
        o = Order(
            platform="mall",
            order_no=f"G{next(SERIAL):04d}",
            customer_id=customer.id if customer else None,
            status=status,
            total_amount=yuan * 100,
            refund_amount=refund * 100,
            paid_at=paid,
        )
        db.session.add(o)
        db.session.flush()
        return o

    orders = {
        "o1": order(c1, at(2, 10), 200),
        "o2": order(c1, at(3, 31, 17), 500, "partly_refunded", 100),
        "o3": order(c2, at(2, 15), 80),
        "o4": order(c2, at(3, 10), 300, "refunded", 300),
        "o5": order(c3, at(12, 20, year=2025), 150),
        "stray": order(None, at(3, 3), 90),
    }
    template = CouponTemplate(
        name="满300减50", value=5000, threshold=30000, valid_days=30, total_stock=10, stock_left=10
    )
    db.session.add(template)
    db.session.flush()

    def coupon(guide, customer, issued, redeemed_on=None):
        n = next(SERIAL)
        db.session.add(
            Coupon(
                template_id=template.id,
                code=f"C{n:06d}",
                idempotency_key=f"k{n}",
                customer_id=customer.id,
                staff_id=guide.id,
                valid_from=issued,
                valid_until=at(12, 31),
                created_at=issued,
                status="redeemed" if redeemed_on else "issued",
                order_id=redeemed_on.id if redeemed_on else None,
                redeemed_at=redeemed_on.paid_at if redeemed_on else None,
            )
        )

    coupon(B, c1, at(1, 20))
    coupon(B, c2, at(3, 8))
    coupon(A, c2, at(3, 9), redeemed_on=orders["o4"])
    coupon(C, c1, at(3, 28))

    # B in March: three messages to two customers and one that failed; three tasks, one cancelled.
    for customer, result in ((c1, "ok"), (c1, "ok"), (c2, "ok"), (c2, "failed")):
        db.session.add(
            Send(staff_id=B.id, customer_id=customer.id, kind="script", result=result, created_at=at(3, 12))
        )
    rule = SopRule(name="回访", trigger="added")
    rule.steps.append(SopStep(text="您好"))
    db.session.add(rule)
    db.session.flush()
    for customer, status in ((c1, "done"), (c2, "pending"), (c2, "cancelled")):
        db.session.add(
            SopTask(
                rule_id=rule.id,
                step_id=rule.steps[0].id,
                customer_id=customer.id,
                staff_id=B.id,
                occurrence=f"x{next(SERIAL)}",
                status=status,
                due_at=at(3, 15),
                expires_at=at(3, 18),
            )
        )
    db.session.flush()
    return guides, orders


def credits(orders) -> dict[str, tuple[str, str]]:
    names = {o.id: name for name, o in orders.items()}
    rows = db.session.execute(
        select(Attribution.order_id, Staff.name, Attribution.credited_by).join(
            Staff, Staff.id == Attribution.staff_id
        )
    )
    return {names[order_id]: (guide, how) for order_id, guide, how in rows}


def test_latest_follower(brand):
    guides, orders = brand
    attribution.save_rule("latest_follower", 7)
    assert attribution.recompute() == 3
    assert credits(orders) == {
        "o1": ("A", "latest_follower"),  # only A followed in February
        "o2": ("B", "latest_follower"),  # A and B followed; B added them last
        "o4": ("B", "latest_follower"),  # A had been removed; refunded, still credited (worth nothing)
    }
    months = {o: m for o, m in db.session.execute(select(Attribution.order_id, Attribution.month))}
    assert months[orders["o2"].id] == date(2026, 4, 1)  # Beijing's April 1st


def test_first_follower(brand):
    guides, orders = brand
    attribution.save_rule("first_follower", 7)
    attribution.recompute()
    assert credits(orders) == {
        "o1": ("A", "first_follower"),
        "o2": ("A", "first_follower"),
        "o4": ("B", "first_follower"),
    }


def test_coupon_rule_falls_back_to_the_latest_follower(brand):
    guides, orders = brand
    attribution.save_rule("coupon", 7)
    attribution.recompute()
    assert credits(orders) == {
        "o1": ("A", "latest_follower"),  # B's coupon was 21 days before: outside the window
        "o2": ("C", "coupon_issued"),  # C's coupon 4 days before, though C does not follow 客户1
        "o4": ("A", "coupon_redeemed"),  # redeemed A's coupon, though B's came a day before too
    }
    attribution.save_rule("coupon", 30)  # B's January coupon is now in the window for o1
    attribution.recompute()
    assert credits(orders)["o1"] == ("B", "coupon_issued")


def test_bad_rules_are_refused_and_change_nothing(brand):
    attribution.save_rule("first_follower", 7)
    for rule, days in (("loudest", 7), ("coupon", 0), ("coupon", 91)):
        with pytest.raises(DomainError, match="rule|window"):
            attribution.save_rule(rule, days)
    assert (attribution.settings().rule, attribution.settings().touch_days) == ("first_follower", 7)


def month_of(guide: Staff, month: int) -> GuideMonth | None:
    return db.session.get(GuideMonth, (guide.id, date(2026, month, 1)))


def test_monthly_figures_under_the_latest_follower_rule(brand):
    guides, orders = brand
    A, B, C = guides["A"], guides["B"], guides["C"]  # noqa: N806
    attribution.save_rule("latest_follower", 7)
    attribution.recompute()
    metrics.recompute(date(2026, 1, 1), now=NOW)

    jan_a, feb_a, mar_a = month_of(A, 1), month_of(A, 2), month_of(A, 3)
    assert (jan_a.customers_added, feb_a.customers_lost) == (2, 1)
    assert (feb_a.orders, feb_a.sales, feb_a.gross, feb_a.refunded) == (1, 20000, 20000, 0)
    assert (mar_a.coupons_issued, mar_a.coupons_redeemed, mar_a.orders) == (1, 1, 0)

    mar_b, apr_b = month_of(B, 3), month_of(B, 4)
    assert mar_b.customers_added == 2
    assert (mar_b.customers_reached, mar_b.sends) == (2, 3)  # the failed one does not count
    assert (mar_b.sop_due, mar_b.sop_done) == (2, 1)  # the cancelled task does not count
    assert (mar_b.orders, mar_b.sales, mar_b.gross, mar_b.refunded) == (0, 0, 30000, 30000)
    assert (apr_b.orders, apr_b.sales, apr_b.gross, apr_b.refunded) == (1, 40000, 50000, 10000)
    assert month_of(B, 1).coupons_issued == 1

    r = metrics.rates(mar_b)
    assert (r.sends_per_customer, r.sop_completion, r.refund_rate) == (1.5, 0.5, 1.0)
    assert r.coupon_redemption == 0.0  # one issued, none redeemed
    assert metrics.rates(apr_b).refund_rate == 0.2

    jan_c = month_of(C, 1)
    assert (jan_c.customers_added, jan_c.orders) == (1, 0)  # o5 was paid before C added them
    assert month_of(C, 3).coupons_issued == 1


def test_months_before_since_are_kept(brand):
    guides, _ = brand
    attribution.recompute()
    metrics.recompute(date(2026, 1, 1), now=NOW)
    jan = month_of(guides["A"], 1)
    jan.customers_added = 99  # as it was computed back then
    db.session.flush()
    metrics.recompute(date(2026, 3, 1), now=NOW)
    db.session.expire_all()
    assert month_of(guides["A"], 1).customers_added == 99
    assert month_of(guides["B"], 3).sends == 3
