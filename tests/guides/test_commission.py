"""Commission worked out by hand: rates by category, store, tier and default; a month's statements;
approval locks them; a late refund lands in the next month as an adjustment; months close in order.

Rates: default 3%, tier A 4%, store SH01 5%, category 面霜 8%. October 2026:

- o1: 甲 (tier A) at SH01, 面霜 300 + 精华 100 → main category 面霜, 8% of 400 = 32.00
- o2: 甲, no store, 精华 200 → tier A, 4% of 200 = 8.00
- o3: 乙 (tier B) at SH01, 150 with 50 refunded → store, 5% of 100 = 5.00
- o4: 乙, no store, 99.99 → default, 3% = 2.9997 → 3.00
- o5: 乙, cancelled → not on any statement
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.guides import commission
from sidebar.models import (
    Attribution,
    CommissionLine,
    CommissionStatement,
    Order,
    OrderItem,
    Role,
    Staff,
    Store,
)

OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
SERIAL = itertools.count(1)


@pytest.fixture()
def brand(app, ctx):
    store = Store(code="SH01", name="上海一店")
    jia = Staff(userid="c1", name="甲", role=Role.GUIDE.value, tier="A")
    yi = Staff(userid="c2", name="乙", role=Role.GUIDE.value, tier="B")
    db.session.add_all([store, jia, yi])
    db.session.flush()
    commission.save_rates(
        [("default", "", 300), ("tier", "A", 400), ("store", "SH01", 500), ("category", "面霜", 800)]
    )

    def order(guide, yuan, *, store_code=None, items=(), status="paid", refund=0):
        o = Order(
            platform="pos",
            order_no=f"K{next(SERIAL):04d}",
            status=status,
            total_amount=round(yuan * 100),
            refund_amount=refund * 100,
            paid_at=datetime(2026, 10, 15, tzinfo=UTC),
            store_code=store_code,
            store_id=store.id if store_code else None,
        )
        db.session.add(o)
        db.session.flush()
        for category, price in items:
            db.session.add(
                OrderItem(
                    order_id=o.id,
                    sku=category,
                    title=category,
                    category=category,
                    quantity=1,
                    unit_price=price * 100,
                    amount=price * 100,
                )
            )
        db.session.add(
            Attribution(order_id=o.id, staff_id=guide.id, credited_by="latest_follower", month=OCT)
        )
        db.session.flush()
        return o

    orders = {
        "o1": order(jia, 400, store_code="SH01", items=[("面霜", 300), ("精华", 100)]),
        "o2": order(jia, 200, items=[("精华", 200)]),
        "o3": order(yi, 150, store_code="SH01", status="partly_refunded", refund=50),
        "o4": order(yi, 99.99),
        "o5": order(yi, 500, status="cancelled"),
    }
    return {"甲": jia, "乙": yi, "store": store}, orders


def by_pair(month):
    return {
        (staff.name, store.code if store else None): st for st, staff, store in commission.statements(month)
    }


def test_a_months_statements_by_hand(brand):
    people, orders = brand
    assert commission.draft(OCT) == 4
    got = {k: (st.orders, st.amount, st.refunds, st.commission) for k, st in by_pair(OCT).items()}
    assert got == {
        ("甲", "SH01"): (1, 40000, 0, 3200),
        ("甲", None): (1, 20000, 0, 800),
        ("乙", "SH01"): (1, 15000, 5000, 500),
        ("乙", None): (1, 9999, 0, 300),
    }
    sources = {o.order_no: line.rate_from for st in by_pair(OCT).values() for line, o in commission.lines(st)}
    assert sources == {
        orders["o1"].order_no: "category:面霜",
        orders["o2"].order_no: "tier:A",
        orders["o3"].order_no: "store:SH01",
        orders["o4"].order_no: "default",
    }
    # The statements' totals are the lines' sums, which are the database's.
    assert sum(st.commission for st in by_pair(OCT).values()) == db.session.scalar(
        select(func.sum(CommissionLine.commission))
    )


def test_approved_is_locked_and_a_late_refund_lands_next_month(brand):
    people, orders = brand
    commission.draft(OCT)
    assert commission.approve(list(by_pair(OCT).values()), by="财务") == 4
    o1 = orders["o1"]
    o1.status, o1.refund_amount = "partly_refunded", 10000  # 100 refunded in November
    db.session.flush()
    commission.draft(OCT)  # approved statements are left as they were
    assert by_pair(OCT)[("甲", "SH01")].commission == 3200

    assert commission.draft(NOV) == 1
    nov = by_pair(NOV)[("甲", "SH01")]
    ((line, _order),) = commission.lines(nov)
    # 8% of the 300 kept is 24.00: 8.00 less than was paid.
    assert (line.kind, line.base, line.commission, line.rate_from) == (
        "adjustment",
        -10000,
        -800,
        "category:面霜",
    )
    assert (nov.orders, nov.adjustments, nov.commission) == (0, -800, -800)

    with pytest.raises(commission.CommissionError, match="2026-11"):
        commission.draft(DEC)  # November is still a draft
    with pytest.raises(commission.CommissionError):
        commission.adjust(by_pair(OCT)[("乙", None)], 100, "少算了")
    commission.adjust(nov, 500, "补发 10 月漏算的赠品提成")
    db.session.refresh(nov)
    assert (nov.adjustments, nov.commission) == (-300, -300)
    with pytest.raises(commission.CommissionError):
        commission.adjust(nov, 100, "  ")

    commission.approve([nov], by="财务")
    commission.draft(DEC)  # nothing changed since: no adjustment twice
    assert by_pair(DEC) == {}


def test_bad_rates_change_nothing(brand):
    for rows in (
        [("default", "", 300), ("default", "", 200)],
        [("tier", "D", 300)],
        [("store", " ", 300)],
        [("category", "面霜", 6000)],
        [("bonus", "x", 1)],
    ):
        with pytest.raises(commission.CommissionError):
            commission.save_rates(rows)
    assert len(commission.rates()) == 4
    assert db.session.scalar(select(func.count()).select_from(CommissionStatement)) == 0
