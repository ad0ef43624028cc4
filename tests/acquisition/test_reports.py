"""Daily and weekly reports: sent at the brand's time as one text card per guide and manager, once per
period even when the job runs twice, with hand-checked figures within each reader's scope, opening a
mobile report page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import requests
from sqlalchemy import select

from sidebar.acquisition import reports
from sidebar.extensions import db
from sidebar.guides import attribution
from sidebar.models import (
    Coupon,
    CouponTemplate,
    Customer,
    Follow,
    Order,
    ReportSend,
    Role,
    Staff,
    StaffStatus,
)
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in

# 2026-11-30 is a Monday; 01:05 UTC is 09:05 in Beijing.
MONDAY_0905 = datetime(2026, 11, 30, 1, 5, tzinfo=UTC)
MONDAY_0855 = datetime(2026, 11, 30, 0, 55, tzinfo=UTC)


def _cards(emulator) -> list[dict]:
    sent = requests.get(emulator.url + "/_emulator/messages", timeout=5).json()
    return [m for m in sent if m.get("msgtype") == "textcard"]


def _recipients() -> set[str]:
    return set(
        db.session.scalars(
            select(Staff.userid).where(
                Staff.status == StaffStatus.ACTIVE.value, Staff.role.in_([Role.GUIDE, Role.MANAGER])
            )
        )
    )


def test_reports_go_out_at_the_set_time_once_per_person(seeded, emulator):
    seeded.config["PUBLIC_URL"] = "https://beside.example.com"
    with seeded.test_request_context():
        assert reports.send_due(MONDAY_0855, agent_id=seeded.config["WECOM_AGENT_ID"])["sent"] == 0
        assert _cards(emulator) == []
        first = reports.send_due(MONDAY_0905, agent_id=seeded.config["WECOM_AGENT_ID"])
        db.session.commit()
        people = _recipients()
        # Monday after 09:00: yesterday's daily report and (after 09:30) not yet the weekly one.
        assert first["sent"] == len(people) and first["failed"] == 0
        cards = _cards(emulator)
        assert {c["touser"] for c in cards} == people
        card = cards[0]["textcard"]
        assert card["title"] == "日报 · 11月29日"
        assert card["url"] == "https://beside.example.com/sidebar/reports/daily/2026-11-29"
        assert "新增客户" in card["description"] and card["btntxt"] == "详情"
        # The job runs again (or on a second worker): nobody gets it twice.
        again = reports.send_due(MONDAY_0905 + timedelta(minutes=5), agent_id=seeded.config["WECOM_AGENT_ID"])
        assert again["sent"] == 0 and again["skipped"] == len(people)
        assert len(_cards(emulator)) == len(people)
        weekly = reports.send_due(
            MONDAY_0905 + timedelta(minutes=30), agent_id=seeded.config["WECOM_AGENT_ID"]
        )
        assert weekly["sent"] == len(people)
        titles = {c["textcard"]["title"] for c in _cards(emulator)}
        assert "周报 · 11月23日—11月29日" in titles
        assert db.session.scalar(select(ReportSend.id).where(ReportSend.status != "sent")) is None


def test_switched_off_reports_are_not_sent(seeded, emulator):
    with seeded.test_request_context():
        reports.save_settings(
            daily_on=False, daily_at="09:00", weekly_on=False, weekly_day=0, weekly_at="09:30"
        )
        assert reports.send_due(MONDAY_0905 + timedelta(hours=3), agent_id="1000002")["sent"] == 0
    assert _cards(emulator) == []


def test_figures_are_the_readers_own_or_their_teams(seeded):
    """Hand-checked: in an empty week long ago, 王芳 adds 3 customers, one deletes her and one moves to a
    colleague (not a loss); she sells 2 orders of 100.00 and 50.00 yuan, 20.00 refunded on the second."""
    start = datetime(2020, 3, 2, tzinfo=UTC)  # a week nobody else touched
    with seeded.app_context():
        staff = {s.userid: s for s in db.session.scalars(select(Staff))}
        wang = staff["wangfang"]
        customers = list(db.session.scalars(select(Customer).order_by(Customer.id).limit(3)))
        for n, c in enumerate(customers):
            db.session.execute(
                Follow.__table__.update()
                .where(Follow.customer_id == c.id, Follow.staff_id == wang.id)
                .values(added_at=start + timedelta(hours=n + 1))
            )
            if (
                db.session.scalar(
                    select(Follow.id).where(Follow.customer_id == c.id, Follow.staff_id == wang.id)
                )
                is None
            ):
                db.session.add(
                    Follow(customer_id=c.id, staff_id=wang.id, added_at=start + timedelta(hours=n + 1))
                )
        db.session.flush()
        gone, moved = (
            db.session.scalar(
                select(Follow).where(Follow.customer_id == customers[i].id, Follow.staff_id == wang.id)
            )
            for i in (0, 1)
        )
        gone.deleted_at, gone.deleted_by = start + timedelta(days=2), "customer"
        moved.deleted_at, moved.deleted_by = start + timedelta(days=3), "transfer"
        for no, total, refund in (("R-1", 10000, 0), ("R-2", 5000, 2000)):
            db.session.add(
                Order(
                    platform="pos",
                    order_no=no,
                    customer_id=customers[2].id,
                    status="partly_refunded" if refund else "paid",
                    total_amount=total,
                    refund_amount=refund,
                    paid_at=start + timedelta(days=4),
                )
            )
        template = db.session.scalar(select(CouponTemplate.id).limit(1))
        for n, redeemed in enumerate((None, start + timedelta(days=5), start + timedelta(days=9))):
            db.session.add(
                Coupon(
                    template_id=template,
                    code=f"RPT{n}",
                    idempotency_key=f"report-test-{n}",
                    customer_id=customers[2].id,
                    staff_id=wang.id,
                    valid_from=start,
                    valid_until=start + timedelta(days=30),
                    created_at=start + timedelta(days=1),
                    redeemed_at=redeemed,
                    status="redeemed" if redeemed else "issued",
                )
            )
        db.session.flush()
        attribution.credit([customers[2].id])  # 王芳 followed the buyer when they paid: her sales
        db.session.commit()
        end = start + timedelta(days=7)
        mine = reports.figures(wang, start, end)
        assert (mine.added, mine.lost, mine.net) == (3, 1, 2)
        assert (mine.orders, mine.sales) == (2, 13000)
        # Three coupons issued that week; one redeemed in it, one the week after.
        assert (mine.coupons_issued, mine.coupons_redeemed) == (3, 1)
        # The chart's days are Beijing days: three added on 03-02, the loss on 03-04.
        chart = {
            label: (a, lost)
            for label, a, lost in reports.per_day(wang, reports.period("weekly", date(2020, 3, 2))[1])
        }
        assert (
            chart["03-02"] == (3, 0) and chart["03-04"] == (0, 1) and sum(a for a, _ in chart.values()) == 3
        )
        team = reports.figures(staff["lina"], start, end)  # 华东 manager: her team includes 王芳
        assert (team.added, team.lost, team.orders, team.sales) == (3, 1, 2, 13000)
        south = reports.figures(staff["zhaomin"], start, end)  # 华南 manager: not hers
        assert (south.added, south.lost, south.orders) == (0, 0, 0)
        other = reports.figures(staff["chenjing"], start, end)  # a colleague sees only her own
        assert other.orders == 0


def test_the_report_page_opens_for_the_reader(seeded, emulator):
    client = seeded.test_client()
    sign_in(client, "wangfang")
    with seeded.app_context():
        day = reports.latest_start("daily", datetime.now(UTC)).isoformat()
        week = reports.latest_start("weekly", datetime.now(UTC)).isoformat()
    page = client.get(f"/sidebar/reports/daily/{day}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "日报" in text and 'data-testid="report-chart"' in text and "您本人的数据" in text
    assert client.get(f"/sidebar/reports/weekly/{week}").status_code == 200
    tomorrow = (date.fromisoformat(day) + timedelta(days=2)).isoformat()
    assert client.get(f"/sidebar/reports/daily/{tomorrow}").status_code == 404  # not over yet
    monday = date.fromisoformat(week)
    assert client.get(f"/sidebar/reports/weekly/{monday + timedelta(days=1)}").status_code == 404
    assert client.get("/sidebar/reports/monthly/2026-01-01").status_code == 404
    assert client.get("/sidebar/reports/daily/not-a-day").status_code == 404
    manager = seeded.test_client()
    sign_in(manager, "lina")
    assert "团队" in manager.get(f"/sidebar/reports/daily/{day}").get_data(as_text=True)
    # Signed out, the page asks for WeCom sign-in first.
    assert seeded.test_client().get(f"/sidebar/reports/daily/{day}").status_code in (302, 401)


def test_an_admin_sets_the_times_and_bad_times_change_nothing(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/reports")
    bad = client.post(
        "/admin/reports",
        data={
            "csrf_token": token,
            "daily_on": "1",
            "daily_at": "25:00",
            "weekly_day": "0",
            "weekly_at": "09:30",
        },
    )
    assert bad.status_code == 422 and "25:00" in bad.get_data(as_text=True)
    with seeded.app_context():
        assert reports.settings().daily_at == "09:00"
    ok = client.post(
        "/admin/reports",
        data={
            "csrf_token": token,
            "daily_on": "1",
            "daily_at": "20:30",
            "weekly_day": "4",
            "weekly_at": "18:00",
        },
    )
    assert ok.status_code == 303
    with seeded.app_context():
        row = reports.settings()
        assert (row.daily_on, row.daily_at, row.weekly_on, row.weekly_day) == (True, "20:30", False, 4)
    guide = seeded.test_client()
    qr_sign_in(guide, "lina")
    assert guide.get("/admin/reports").status_code == 403
