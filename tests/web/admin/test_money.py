"""Console: coupon templates, the red-packet rule and budgets, redemption rates and the finance export."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import Coupon, CouponTemplate, Customer, Follow, RedPacket, RedPacketRule, Staff, Team
from tests.web.admin.test_console import csrf_token, qr_sign_in


def test_admin_creates_a_coupon_template_and_bad_input_keeps_what_was_typed(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/coupons")
    bad = client.post(
        "/admin/coupons",
        data={
            "csrf_token": token,
            "name": "双十二券",
            "value": "abc",
            "total_stock": "100",
            "valid_days": "7",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="双十二券"' in html
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).where(CouponTemplate.name == "双十二券")) == 0
    good = client.post(
        "/admin/coupons",
        data={
            "csrf_token": token,
            "name": "双十二券",
            "value_kind": "cash",
            "value": "30",
            "threshold": "199",
            "valid_days": "7",
            "total_stock": "100",
            "per_customer_limit": "1",
            "per_guide_daily": "10",
            "eligible_levels": ["金卡", "黑金"],
            "delivery": "link",
        },
    )
    assert good.status_code == 303
    page = client.get("/admin/coupons").get_data(as_text=True)
    assert "双十二券" in page and "满199减30" in page and "100 / 100" in page
    with client.application.app_context():
        t = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "双十二券"))
        assert t.stock_left == 100 and t.threshold == 19900 and "金卡" in t.eligible_levels


def test_a_manager_cannot_change_coupons_or_the_rule(seeded, client):
    qr_sign_in(client, "lina")
    token = csrf_token(client, "/admin/coupons")
    assert client.get("/admin/coupons").status_code == 200
    assert client.post("/admin/coupons", data={"csrf_token": token, "name": "x"}).status_code == 403
    assert client.post("/admin/red-packets/rule", data={"csrf_token": token}).status_code == 403


def test_the_rule_form_checks_against_wechat_pays_limits(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/red-packets")
    fields = {
        "csrf_token": token,
        "enabled": "1",
        "min_amount": "1",
        "max_amount": "300",  # WeChat Pay: at most 200 yuan a packet
        "guide_daily_count": "10",
        "guide_daily_amount": "300",
        "customer_daily_count": "2",
        "default_team_monthly_budget": "5000",
        "reason_required_above": "20",
        "wishing": "谢谢",
        "act_name": "顾问红包",
    }
    bad = client.post("/admin/red-packets/rule", data=fields)
    assert bad.status_code == 422 and 'value="300"' in bad.get_data(as_text=True)
    assert client.post("/admin/red-packets/rule", data={**fields, "max_amount": "88.8"}).status_code == 303
    with client.application.app_context():
        rule = db.session.scalar(select(RedPacketRule))
        assert rule.max_amount == 8880 and rule.wishing == "谢谢"


def seed_month(app) -> tuple[datetime, datetime]:
    """Two hundred packets over last month in every status, plus some outside the month."""
    rng = random.Random(7)
    with app.app_context():
        first = datetime(2026, 10, 1, tzinfo=UTC) - timedelta(hours=8)  # 1 October, Beijing time
        end = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(hours=8)
        follows = db.session.execute(
            select(Follow.staff_id, Follow.customer_id, Staff.team_id)
            .join(Staff, Staff.id == Follow.staff_id)
            .where(Follow.deleted_at.is_(None))
            .limit(40)
        ).all()
        for i in range(230):
            staff_id, customer_id, team_id = follows[i % len(follows)]
            at = first + timedelta(minutes=rng.randrange(-3000, 31 * 24 * 60 + 3000))
            status = rng.choice(["paid", "paid", "paid", "failed", "expired", "issued", "paying"])
            db.session.add(
                RedPacket(
                    idempotency_key=f"seed-{i:06d}",
                    mch_billno=f"1900000109202610{i:010d}"[-28:],
                    staff_id=staff_id,
                    customer_id=customer_id,
                    team_id=team_id,
                    amount=rng.randrange(100, 20000),
                    wishing="祝福",
                    status=status,
                    expires_at=at + timedelta(days=1),
                    created_at=at,
                    paid_at=at + timedelta(minutes=3) if status == "paid" else None,
                )
            )
        db.session.commit()
        return first, end


def test_finance_export_totals_equal_the_database_for_a_seeded_month(seeded, client):
    first, end = seed_month(seeded)
    qr_sign_in(client, "zhangwei")
    in_month = (RedPacket.created_at >= first, RedPacket.created_at < end)
    with seeded.app_context():
        count = db.session.scalar(select(func.count()).where(*in_month))
        total = db.session.scalar(select(func.sum(RedPacket.amount)).where(*in_month))
        paid = db.session.scalar(
            select(func.sum(RedPacket.amount)).where(*in_month, RedPacket.status == "paid")
        )
    assert 150 < count < 230  # some fell outside the month
    args = {"from": "2026-10-01", "to": "2026-10-31"}

    with client.get("/admin/red-packets/export", query_string={**args, "format": "csv"}) as res:
        assert res.status_code == 200
        rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    body, totals = rows[1:-3], rows[-3:]
    assert len(body) == count
    assert sum(Decimal(r[5]) for r in body) == Decimal(total) / 100 == Decimal(totals[0][5])
    assert Decimal(totals[1][5]) == Decimal(paid) / 100
    assert sum(Decimal(r[5]) for r in body if r[6] == "已发放") == Decimal(paid) / 100

    res = client.get("/admin/red-packets/export", query_string={**args, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(res.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == count + 4
    assert Decimal(str(values[-3][5])) == Decimal(total) / 100
    assert Decimal(str(values[-2][5])) == Decimal(paid) / 100

    bad = client.get("/admin/red-packets/export", query_string={"from": "2026-10-31", "to": "2026-10-01"})
    assert bad.status_code == 422


def test_a_managers_export_and_rates_cover_only_their_team(seeded, client):
    first, end = seed_month(seeded)
    qr_sign_in(client, "zhaomin")  # 华南 manager
    with seeded.app_context():
        manager = db.session.scalar(select(Staff).where(Staff.userid == "zhaomin"))
        team_staff = select(Staff.id).where(Staff.team_id == manager.team_id)
        count = db.session.scalar(
            select(func.count()).where(
                RedPacket.created_at >= first, RedPacket.created_at < end, RedPacket.staff_id.in_(team_staff)
            )
        )
        team_name = db.session.get(Team, manager.team_id).name
    with client.get(
        "/admin/red-packets/export", query_string={"from": "2026-10-01", "to": "2026-10-31", "format": "csv"}
    ) as res:
        rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) - 4 == count  # the header and three totals
    assert all(r[2] == team_name for r in rows[1:-3])


def test_redemption_rate_by_template_team_and_guide(seeded, client):
    from sidebar.money import coupons

    with seeded.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        customers = db.session.scalars(
            select(Customer).join(Follow).where(Follow.staff_id == staff.id).limit(4)
        ).all()
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))
        codes = []
        for i, c in enumerate(customers):
            codes.append(coupons.issue(staff, c, template.id, f"rate-test-{i:04d}").code)
            db.session.commit()
        coupons.redeem(codes[0], order_no="A1", amount=50000, by="pos")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Coupon)) == 4
    qr_sign_in(client, "zhangwei")
    html = client.get("/admin/coupons").get_data(as_text=True)
    row = html[html.index('data-testid="by_template-row"') :]
    assert "新客礼券" in row[:200] and "25.0%" in row[:300]
    guide_row = html[html.index('data-testid="by_guide-row"') :]
    assert "陈静" in guide_row[:200]
    # 华南's manager sees none of 陈静's (华东) coupons.
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/coupons")})
    qr_sign_in(client, "zhaomin")
    html = client.get("/admin/coupons").get_data(as_text=True)
    assert 'data-testid="by_guide-row"' not in html
