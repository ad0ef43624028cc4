"""The console's guides' results: each viewer sees the guides in their scope, sorted as asked, a guide's
trend, and (admins only) the attribution rule, which recomputes every credit when saved."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import Attribution, AuditLog, GuideMonth, GuideSettings, Staff
from tests.web.admin.test_console import csrf_token, qr_sign_in


def busiest_month(app) -> str:
    with app.app_context():
        month = db.session.scalar(
            select(GuideMonth.month)
            .group_by(GuideMonth.month)
            .order_by(func.sum(GuideMonth.sales).desc())
            .limit(1)
        )
    return month.strftime("%Y-%m")


def rows(html: str) -> list[tuple[str, int]]:
    """(guide, sales in yuan) for each row of the guides' table, in order."""
    table = html.split('data-testid="guides-table"')[1].split("</table>")[0]
    found = []
    for row in re.findall(r'<tr data-testid="guide-row">(.*?)</tr>', table, re.S):
        name = re.search(r"<a [^>]*>([^<]+)</a>", row).group(1)
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        found.append((name, int(cells[7].lstrip("¥").replace(",", "").split(".")[0])))
    return found


def staff_id(app, userid: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Staff.id).where(Staff.userid == userid))


def test_a_manager_sees_their_region_and_an_admin_everyone(seeded, client):
    month = busiest_month(seeded)
    qr_sign_in(client, "lina")
    mine = rows(client.get("/admin/guides", query_string={"month": month}).get_data(as_text=True))
    names = {name for name, _ in mine}
    assert {"陈静", "王芳", "刘洋"} <= names and "黄丽" not in names and "赵敏" not in names
    with seeded.app_context():
        ids = db.session.scalars(select(Staff.id).where(Staff.name.in_(names))).all()
        expected = db.session.scalar(
            select(func.sum(GuideMonth.sales)).where(
                GuideMonth.staff_id.in_(ids), GuideMonth.month == date.fromisoformat(f"{month}-01")
            )
        )
    assert sum(sales for _, sales in mine) * 100 == expected > 0
    # Another region's guide is not there to open.
    assert client.get(f"/admin/guides/{staff_id(seeded, 'huangli')}").status_code == 404


def test_sorting_and_a_guides_trend(seeded, client):
    month = busiest_month(seeded)
    qr_sign_in(client, "zhangwei")
    html = client.get("/admin/guides", query_string={"month": month}).get_data(as_text=True)
    everyone = rows(html)
    assert {"黄丽", "陈静"} <= {name for name, _ in everyone}
    sales = [s for _, s in everyone]
    assert sales == sorted(sales, reverse=True) and sales[0] > 0  # by sales, highest first
    up = rows(
        client.get("/admin/guides", query_string={"month": month, "sort": "sales", "dir": "asc"}).get_data(
            as_text=True
        )
    )
    assert [s for _, s in up] == sorted(sales)
    by_name = rows(
        client.get("/admin/guides", query_string={"month": month, "sort": "name", "dir": "asc"}).get_data(
            as_text=True
        )
    )
    assert [n for n, _ in by_name] == sorted(n for n, _ in everyone)

    trend = client.get(f"/admin/guides/{staff_id(seeded, 'chenjing')}", query_string={"month": month})
    assert trend.status_code == 200
    text = trend.get_data(as_text=True)
    assert text.count('data-testid="trend-row"') == 12 and f"<td>{month}</td>" in text


def test_only_an_admin_changes_the_rule_and_bad_input_changes_nothing(seeded, client):
    qr_sign_in(client, "lina")
    assert (
        client.post(
            "/admin/guides/rule",
            data={"rule": "first_follower", "touch_days": "7", "csrf_token": csrf_token(client)},
        ).status_code
        == 403
    )

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/guides")
    for bad in (
        {"rule": "loudest", "touch_days": "7"},
        {"rule": "coupon", "touch_days": "0"},
        {"rule": "coupon", "touch_days": "x"},
    ):
        res = client.post("/admin/guides/rule", data={**bad, "csrf_token": token})
        assert res.status_code == 422 and "1 到 90 天" in res.get_data(as_text=True)
    assert (
        client.post("/admin/guides/rule", data={"rule": "first_follower", "touch_days": "7"}).status_code
        == 400
    )
    with seeded.app_context():
        assert db.session.scalar(select(GuideSettings.rule)) == "latest_follower"

    res = client.post(
        "/admin/guides/rule", data={"rule": "first_follower", "touch_days": "14", "csrf_token": token}
    )
    assert res.status_code == 303
    with seeded.app_context():
        assert db.session.scalar(select(GuideSettings.touch_days)) == 14
        assert set(db.session.scalars(select(Attribution.credited_by).distinct())) == {"first_follower"}
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "guides.rule")) is not None


def tier_form(token: str, **rows) -> dict[str, str]:
    form = {"csrf_token": token, "period": "month"}
    for n, (metric, a, b, c) in enumerate(rows.values()):
        form |= {
            f"metric_{n}": metric,
            f"a_from_{n}": a[0],
            f"a_to_{n}": a[1],
            f"b_from_{n}": b[0],
            f"b_to_{n}": b[1],
            f"c_from_{n}": c[0],
            f"c_to_{n}": c[1],
        }
    return form


def test_tier_criteria_then_a_managers_override_with_a_reason(seeded, client):
    from sidebar.models import GuideTier, TierCriterion

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/guides")
    gap = tier_form(token, sales=("sales", ("5000", ""), ("1000", "4000"), ("0", "1000")))
    res = client.post("/admin/guides/tiers", data=gap)
    assert res.status_code == 422 and "4000 到 5000 没有覆盖" in res.get_data(as_text=True)
    assert 'value="4000"' in res.get_data(as_text=True)  # what was typed is still there
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(TierCriterion)) == 0

    good = tier_form(token, sales=("sales", ("5000", ""), ("1000", "5000"), ("0", "1000")))
    assert client.post("/admin/guides/tiers", data=good).status_code == 303
    with seeded.app_context():
        tiered = {s.userid: s.tier for s in db.session.scalars(select(Staff).where(Staff.role == "guide"))}
        rows = db.session.scalars(select(GuideTier)).all()
    assert rows and set(tiered.values()) <= {"A", "B", "C"}

    qr_sign_in(client, "lina")
    guide = staff_id(seeded, "wangfang")
    token = csrf_token(client, f"/admin/guides/{guide}")
    page = client.get(f"/admin/guides/{guide}").get_data(as_text=True)
    assert 'data-testid="tier-row"' in page and "销售额" in page
    res = client.post(f"/admin/guides/{guide}/tier", data={"csrf_token": token, "tier": "A", "reason": " "})
    assert res.status_code == 422 and "请填写调整分层的原因" in res.get_data(as_text=True)
    res = client.post(
        f"/admin/guides/{guide}/tier", data={"csrf_token": token, "tier": "A", "reason": "新店开业带教"}
    )
    assert res.status_code == 303
    with seeded.app_context():
        assert db.session.get(Staff, guide).tier == "A"
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "guides.tier_override"))
        assert entry.actor == "lina" and "新店开业带教" in entry.detail
    assert "新店开业带教" in client.get(f"/admin/guides/{guide}").get_data(as_text=True)
    # Another region's guide cannot be overridden.
    other = staff_id(seeded, "huangli")
    res = client.post(f"/admin/guides/{other}/tier", data={"csrf_token": token, "tier": "A", "reason": "x"})
    assert res.status_code == 404
