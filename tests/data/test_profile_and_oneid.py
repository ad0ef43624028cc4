"""The computed profile and OneID on a small set whose answers were worked out by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sidebar.data import oneid, profile
from sidebar.extensions import db
from sidebar.models import Customer, CustomerIdentity, Follow, IdentitySource, Member, Order, OrderItem, Staff

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
NUMBERS = itertools.count(1)


def customer(n: int, **fields) -> Customer:
    c = Customer(external_userid=f"wmTEST{n:04d}", name=f"客户{n}", **fields)
    db.session.add(c)
    db.session.flush()
    if c.phone:  # a phone the customer is known by, as OneID keeps it
        db.session.add(CustomerIdentity(customer_id=c.id, kind="phone", value=c.phone, source="guide"))
        db.session.flush()
    return c


def bought(
    c: Customer | None, days_ago: int, yuan: int, *, status: str = "paid", refund: int = 0, **buyer
) -> Order:
    o = Order(
        platform="mall",
        order_no=f"O{next(NUMBERS):06d}",
        customer_id=c.id if c else None,
        status=status,
        total_amount=yuan * 100,
        refund_amount=refund * 100,
        paid_at=NOW - timedelta(days=days_ago),
        **buyer,
    )
    db.session.add(o)
    db.session.flush()
    return o


@pytest.fixture()
def tables(app, ctx):
    return app


def test_stats_and_lifecycle_by_hand(tables):
    never = customer(1)
    once = customer(2)
    bought(once, 10, 300)
    repeat = customer(3)
    bought(repeat, 20, 200)
    bought(repeat, 5, 100, status="partly_refunded", refund=40)
    bought(repeat, 3, 999, status="cancelled")  # does not count
    sleepy = customer(4)
    bought(sleepy, 120, 500)
    gone = customer(5)
    bought(gone, 400, 800)
    left = customer(6)  # bought recently, but then deleted every guide
    bought(left, 2, 50)
    staff = Staff(userid="g1", name="导购")
    db.session.add(staff)
    db.session.flush()
    db.session.add(Follow(customer_id=left.id, staff_id=staff.id, deleted_at=NOW, deleted_by="customer"))
    profile.recompute(now=NOW)
    db.session.expire_all()

    def row(c):
        return (c.order_count, c.total_spent, c.lifecycle_stage)

    assert row(never) == (0, 0, "prospect")
    assert row(once) == (1, 30000, "new")
    assert row(repeat) == (2, 20000 + 6000, "active")  # 200 + (100 − 40); the cancelled one left out
    assert repeat.first_order_at == NOW - timedelta(days=20) and repeat.last_order_at == NOW - timedelta(
        days=5
    )
    assert row(sleepy)[2] == "dormant"  # 120 days: past 90, not yet 180
    assert row(gone)[2] == "lost"
    assert row(left)[2] == "lost"
    # The brand moves the thresholds: 120 days is now lost, 10 days dormant.
    the = profile.settings()
    the.dormant_days, the.lost_days = 7, 100
    profile.recompute(now=NOW)
    db.session.expire_all()
    assert (sleepy.lifecycle_stage, once.lifecycle_stage, repeat.lifecycle_stage) == (
        "lost",
        "dormant",
        "active",
    )


def test_favourite_category_and_main_store_by_hand(tables):
    def sale(c: Customer, store: str, *items: tuple[str, int], status: str = "paid") -> None:
        o = bought(c, 10, sum(yuan for _, yuan in items), status=status, store_code=store)
        for category, yuan in items:
            db.session.add(
                OrderItem(
                    order_id=o.id,
                    sku=category,
                    title=category,
                    category=category,
                    unit_price=yuan,
                    amount=yuan,
                )
            )
        db.session.flush()

    c = customer(1)
    sale(c, "SH01", ("精华", 300), ("面膜", 50))
    sale(c, "SH01", ("面膜", 100))
    sale(c, "BJ02", ("面霜", 500), status="cancelled")  # does not count
    sale(c, "BJ02", ("面膜", 20))
    nothing = customer(2)
    profile.recompute(now=NOW)
    db.session.expire_all()
    # 精华 300 against 面膜 170; SH01 two orders against BJ02 one.
    assert (c.favourite_category, c.main_store_code) == ("精华", "SH01")
    assert (nothing.favourite_category, nothing.main_store_code) == (None, None)
    # Two more at BJ02, one of them big: the few-customer path (after an API batch) moves both.
    sale(c, "BJ02", ("面霜", 1000))
    sale(c, "BJ02", ("面膜", 10))
    profile.recompute([c.id], now=NOW)
    db.session.expire_all()
    assert (c.favourite_category, c.main_store_code) == ("面霜", "BJ02")


def test_rfm_quintiles_and_segments_by_hand(tables):
    # Ten buyers: i buys i times, i × 100 yuan each time, last bought 100 − 10·i days ago.
    people = []
    for i in range(1, 11):
        c = customer(i)
        for k in range(i):
            bought(c, 100 - 10 * i + k, 100 * i)
        people.append(c)
    customer(99)  # a prospect: no scores
    assert profile.recompute(now=NOW) == 11  # every profile written once
    assert profile.recompute(now=NOW) == 0  # and not again when nothing changed
    db.session.expire_all()
    # With ten buyers each quintile holds two, in the same order for R, F and M.
    assert [c.rfm_r for c in people] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [c.rfm_f for c in people] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [c.rfm_m for c in people] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert {c.rfm_segment for c in people[:4]} == {"general_retain"}
    assert {c.rfm_segment for c in people[4:]} == {"important_value"}
    prospect = db.session.scalar(select(Customer).where(Customer.external_userid == "wmTEST0099"))
    assert (prospect.rfm_r, prospect.rfm_segment) == (None, None)


def test_oneid_matches_by_each_identifier_in_order_of_trust(tables):
    a = customer(1, unionid="uA", phone="+8613800000001")
    b = customer(2, phone="+8613800000002")
    c = customer(3)
    db.session.add(Member(member_no="M3", customer_id=c.id, matched_by="phone"))
    orders = [
        bought(None, 1, 10, buyer_unionid="uA", buyer_phone="+8613800000002"),  # unionid wins over phone
        bought(None, 1, 10, buyer_phone="+8613800000002"),
        bought(None, 1, 10, buyer_member_no="M3"),
        bought(None, 1, 10, buyer_platform_id="tmall:nick_b"),
        bought(None, 1, 10, buyer_phone="+8613899999999"),  # nobody has it: stays unmatched
    ]
    orders[3].customer_id, orders[3].matched_by = None, None
    # An earlier order already tied the Tmall nick to b.
    bought(b, 30, 10, buyer_platform_id="tmall:nick_b").matched_by = "phone"
    db.session.flush()
    touched = oneid.match_orders([o.id for o in orders])
    db.session.expire_all()
    assert [(o.customer_id, o.matched_by) for o in orders] == [
        (a.id, "unionid"),
        (b.id, "phone"),
        (c.id, "member_no"),
        (b.id, "buyer_id"),
        (None, None),
    ]
    assert touched == {a.id, b.id, c.id}
    # Later the phone becomes known (a member import, the sidebar): the same call settles it.
    oneid.learn_phones([(c.id, "138 9999 9999", IdentitySource.MEMBER, "M3")])
    oneid.match_orders()
    db.session.expire_all()
    assert (orders[4].customer_id, orders[4].matched_by) == (c.id, "phone")


def test_matching_every_unmatched_order_at_once_follows_the_same_rules(tables):
    """The nightly and big-file path (one grouped pass per rule) gives what the by-id path gives."""
    a = customer(1, unionid="uA", phone="+8613800000001")
    b = customer(2, phone="+8613800000002")
    c = customer(3)
    customer(4, phone="+8613800000044")
    customer(5, phone="+8613800000044")  # two claim this one
    db.session.add(Member(member_no="M3", customer_id=c.id, matched_by="phone"))
    orders = [
        bought(None, 1, 10, buyer_unionid="uA", buyer_phone="+8613800000002"),
        bought(None, 1, 10, buyer_phone="+8613800000002"),
        bought(None, 1, 10, buyer_member_no="M3"),
        bought(None, 1, 10, buyer_platform_id="tmall:nick_b"),
        bought(None, 1, 10, buyer_phone="+8613800000044"),
    ]
    bought(b, 30, 10, buyer_platform_id="tmall:nick_b").matched_by = "phone"
    db.session.flush()
    oneid.match_orders()
    db.session.expire_all()
    assert [(o.customer_id, o.matched_by) for o in orders] == [
        (a.id, "unionid"),
        (b.id, "phone"),
        (c.id, "member_no"),
        (b.id, "buyer_id"),
        (None, None),
    ]


def test_an_identifier_two_customers_claim_matches_nobody_and_is_listed(tables):
    one = customer(1, phone="+8613800000009")
    two = customer(2, phone="+8613800000009")
    order = bought(None, 1, 10, buyer_phone="+8613800000009")
    oneid.match_orders([order.id])
    db.session.expire_all()
    assert order.customer_id is None
    assert ("phone", "+8613800000009", [one.id, two.id]) in oneid.conflicts()


def test_alerts_when_customers_go_dormant_or_a_big_spender_goes_quiet_and_close_when_they_buy(tables):
    from sidebar.data import alerts
    from sidebar.models import Alert

    guide = Staff(userid="g1", name="导购")
    other = Staff(userid="g2", name="另一位导购")
    db.session.add_all([guide, other])
    db.session.flush()
    fading = customer(1)
    bought(fading, 60, 300)
    big = customer(2)
    bought(big, 70, 6000)
    new = customer(3)  # first computed already dormant: no alert for what was never seen moving
    for c in (fading, big, new):
        db.session.add(Follow(customer_id=c.id, staff_id=guide.id))
    db.session.add(Follow(customer_id=fading.id, staff_id=other.id, deleted_at=NOW, deleted_by="staff"))
    bought(new, 100, 100)
    the = profile.settings()
    the.alert_spend_min, the.alert_quiet_days = 500000, 60  # ¥5,000 and 60 days
    profile.recompute([fading.id, big.id], now=NOW - timedelta(days=40))  # first computation: no stage alerts
    assert db.session.query(Alert).count() == 0

    profile.recompute(now=NOW)  # fading: 60 days > 90? no; big: quiet 70 days and ¥6,000 spent
    kinds = {(a.customer_id, a.kind) for a in db.session.query(Alert)}
    assert kinds == {(big.id, "quiet_big_spender")}
    profile.recompute(
        now=NOW + timedelta(days=31)
    )  # fading crosses 90 days: dormant, for the live follower only
    rows = {(a.customer_id, a.staff_id, a.kind) for a in db.session.query(Alert)}
    assert (fading.id, guide.id, "dormant") in rows and (fading.id, other.id, "dormant") not in rows
    assert {a.customer.name for a in alerts.open_for(guide)} == {"客户1", "客户2"}
    profile.recompute(now=NOW + timedelta(days=32))  # nothing new: one open alert per reason, not one a day
    assert db.session.query(Alert).count() == 3  # big went dormant too (101 days)

    bought(big, -33, 100)  # the big spender is back (paid on the day of the next run)
    profile.recompute(now=NOW + timedelta(days=33))
    assert {a.customer_id for a in alerts.open_for(guide)} == {fading.id}
