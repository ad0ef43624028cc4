"""Tiers from the brand's criteria, worked out by hand: ranges that must tile the line, tiers by value and
by percentile, the worst criterion wins, quarters, and a manager's override that a recompute keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sidebar.extensions import db
from sidebar.guides import tiers
from sidebar.models import GuideMonth, GuideTier, Role, Staff

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def ranges(a, b, c):
    return {"A": a, "B": b, "C": c}


@pytest.mark.parametrize(
    ("given", "percentile", "problem"),
    [
        (ranges((100, None), (50, 120), (0, 50)), False, "B 与 A 在 100 到 120 之间重叠"),
        (ranges((100, None), (60, 100), (0, 50)), False, "50 到 60 没有覆盖"),
        (ranges((100, None), (50, 100), (10, 50)), False, "0 到 10 没有覆盖"),
        (ranges((100, 200), (50, 100), (0, 50)), False, "终点须留空"),
        (ranges((80, 99), (20, 80), (0, 20)), True, "终点须为 100"),
        (ranges((100, None), (100, 100), (0, 100)), False, "B：区间的终点不能小于等于起点"),
    ],
)
def test_ranges_with_a_gap_or_an_overlap_are_refused(app, ctx, given, percentile, problem):
    """The reason is in the brand's language (a command or a job reads Chinese too)."""
    with pytest.raises(tiers.TierError, match=problem):
        tiers.check(given, by_percentile=percentile)


def test_ranges_may_run_either_way(app, ctx):
    tiers.check(ranges((100, None), (50, 100), (0, 50)), by_percentile=False)  # more is better
    tiers.check(ranges((0, 5), (5, 10), (10, None)), by_percentile=False)  # a refund rate: less is better
    tiers.check(ranges((80, 100), (20, 80), (0, 20)), by_percentile=True)


def criterion(metric, a, b, c, percentile=False):
    return {
        "metric": metric,
        "by_percentile": percentile,
        "a_from": a[0],
        "a_to": a[1],
        "b_from": b[0],
        "b_to": b[1],
        "c_from": c[0],
        "c_to": c[1],
    }


@pytest.fixture()
def guides(app, ctx):
    """Four guides' October 2026: sales 12,000 / 5,000 / 1,000 / nothing; SOP 9 of 10 / 5 of 10 / 10 of 10
    / none due."""
    people = [Staff(userid=f"t{n}", name=name, role=Role.GUIDE.value) for n, name in enumerate("甲乙丙丁")]
    db.session.add_all(people)
    db.session.flush()
    for person, sales, due, done in zip(
        people[:3], (12000, 5000, 1000), (10, 10, 10), (9, 5, 10), strict=True
    ):
        db.session.add(
            GuideMonth(
                staff_id=person.id,
                month=date(2026, 10, 1),
                sales=sales * 100,
                orders=1,
                sop_due=due,
                sop_done=done,
                **{
                    k: 0
                    for k in (
                        "customers_added",
                        "customers_lost",
                        "customers_reached",
                        "sends",
                        "coupons_issued",
                        "coupons_redeemed",
                        "gross",
                        "refunded",
                    )
                },
            )
        )
    db.session.flush()
    return people


def tier_of(person) -> str:
    db.session.refresh(person)
    return person.tier


def test_by_value_the_worst_criterion_wins(guides):
    tiers.save_criteria(
        [
            criterion("sales", (10000, None), (3000, 10000), (0, 3000)),
            criterion("sop_completion", (80, None), (50, 80), (0, 50)),
        ],
        "month",
    )
    assert tiers.compute(now=NOW) == 4  # October, the month that ended last
    jia, yi, bing, ding = guides
    assert [tier_of(p) for p in guides] == ["A", "B", "C", "C"]
    # 丙 completed every task but sold 1,000: C, and the page says why.
    row = db.session.get(GuideTier, (bing.id, date(2026, 10, 1)))
    assert tiers.reasons(row) == [
        {"metric": "sales", "value": 1000.0, "percentile": None, "tier": "C"},
        {"metric": "sop_completion", "value": 100.0, "percentile": None, "tier": "A"},
    ]
    # 丁 had nothing due: no completion rate, so that criterion says C.
    assert tiers.reasons(db.session.get(GuideTier, (ding.id, date(2026, 10, 1))))[1]["value"] is None


def test_by_percentile(guides):
    tiers.save_criteria([criterion("sales", (75, 100), (25, 75), (0, 25), percentile=True)], "month")
    tiers.compute(now=NOW)
    # Sales 12,000 / 5,000 / 1,000 / 0: percentiles 100, 66.67, 33.33, 0.
    assert [tier_of(p) for p in guides] == ["A", "B", "B", "C"]


def test_quarters_and_an_override_a_recompute_keeps(guides):
    tiers.save_criteria([criterion("sales", (20000, None), (3000, 20000), (0, 3000))], "quarter")
    assert tiers.last_ended(NOW) == (date(2026, 7, 1), date(2026, 10, 1))  # Q3; Q4 has not ended
    tiers.compute(date(2026, 10, 1), now=NOW)  # Q4 so far: October only
    jia = guides[0]
    row = db.session.get(GuideTier, (jia.id, date(2026, 10, 1)))
    assert (row.computed, row.period) == ("B", "quarter")
    with pytest.raises(tiers.TierError, match="请填写调整分层的原因"):
        tiers.override(row, "A", "  ", by="李娜")
    tiers.override(row, "A", "双十一冲刺表现突出", by="李娜")
    assert tier_of(jia) == "A"
    tiers.compute(date(2026, 10, 1), now=NOW)
    row = db.session.get(GuideTier, (jia.id, date(2026, 10, 1)))
    assert (row.computed, row.override, row.tier, tier_of(jia)) == ("B", "A", "A", "A")


def test_bad_criteria_change_nothing(guides):
    tiers.save_criteria([criterion("sales", (100, None), (50, 100), (0, 50))], "month")
    for rows, period in (
        ([criterion("sales", (100, None), (60, 100), (0, 50))], "month"),
        ([criterion("charm", (100, None), (50, 100), (0, 50))], "month"),
        ([criterion("sales", (100, None), (50, 100), (0, 50))], "fortnight"),
        ([], "month"),
    ):
        with pytest.raises(tiers.TierError):
            tiers.save_criteria(rows, period)
    assert [(c.metric, c.b_from) for c in tiers.criteria()] == [("sales", 50)]
