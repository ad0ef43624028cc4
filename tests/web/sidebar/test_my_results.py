"""The sidebar's "我的业绩": the signed-in guide's own month, as computed, and their tier with why."""

from __future__ import annotations

import re

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.guides import metrics, tiers
from sidebar.models import GuideMonth, Staff
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_commission import busiest_ended_month


def test_a_guide_sees_their_own_month_and_why_their_tier(seeded, client):
    month = busiest_ended_month(seeded)
    with seeded.app_context():
        tiers.save_criteria(
            [
                {
                    "metric": "sales",
                    "by_percentile": False,
                    "a_from": 5000,
                    "a_to": None,
                    "b_from": 1000,
                    "b_to": 5000,
                    "c_from": 0,
                    "c_to": 1000,
                }
            ],
            "month",
        )
        tiers.compute(metrics.parse_month(month))
        db.session.commit()
        me = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        mine = db.session.get(GuideMonth, (me.id, metrics.parse_month(month)))
        sales, orders, tier = mine.sales, mine.orders, me.tier

    sign_in(client, "chenjing")
    today = client.get("/sidebar/tasks").get_data(as_text=True)
    assert 'data-testid="my-results"' in today
    page = client.get("/sidebar/me", query_string={"month": month}).get_data(as_text=True)
    shown = re.search(r'data-testid="my-sales">([^<]+)<', page).group(1)
    assert shown.lstrip("¥").replace(",", "") in (f"{sales // 100}", f"{sales / 100:.2f}")
    assert re.search(r'data-testid="my-orders">(\d+)<', page).group(1) == str(orders)
    assert re.search(r'data-testid="my-tier">([ABC])<', page).group(1) == tier
    assert 'data-testid="my-tier-why"' in page and "销售额" in page
