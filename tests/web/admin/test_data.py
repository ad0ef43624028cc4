"""The console's customer-data page: match rates, conflicts, lifecycle thresholds with a preview."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import AuditLog, Customer, CustomerStats, LifecycleSettings
from tests.web.admin.test_console import csrf_token, qr_sign_in


def preview(html: str) -> dict[str, int]:
    return {stage: int(n.replace(",", "")) for stage, n in re.findall(r'data-stage="(\w+)">([\d,]+)<', html)}


def test_the_preview_counts_what_each_stage_would_hold_and_saving_recomputes(seeded, client):
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/data")
    assert page.status_code == 200
    with seeded.app_context():
        now_stages = Counter(
            db.session.scalars(
                select(CustomerStats.lifecycle_stage).select_from(Customer).outerjoin(CustomerStats)
            )
        )
    assert preview(page.get_data(as_text=True)) == {
        s: now_stages.get(s, 0) for s in ("prospect", "new", "active", "dormant", "lost")
    }
    # Tighter thresholds: more customers dormant or lapsed, the same number in all.
    # Typing in the form asks for the preview alone (htmx), which is the same counts.
    fragment = client.get(
        "/admin/data", query_string={"dormant_days": 30, "lost_days": 60}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert 'id="stage-preview"' in fragment and "<html" not in fragment
    tight = preview(
        client.get("/admin/data", query_string={"dormant_days": 30, "lost_days": 60}).get_data(as_text=True)
    )
    assert sum(tight.values()) == sum(now_stages.values())
    assert tight["lost"] >= now_stages["lost"] and tight["active"] <= now_stages["active"]
    with seeded.app_context():
        assert db.session.scalar(select(LifecycleSettings.dormant_days)) == 90  # a preview changes nothing

    res = client.post(
        "/admin/data/lifecycle", data={"dormant_days": 30, "lost_days": 60, "csrf_token": csrf_token(client)}
    )
    assert res.status_code == 303
    with seeded.app_context():
        assert Counter(
            db.session.scalars(
                select(CustomerStats.lifecycle_stage).select_from(Customer).outerjoin(CustomerStats)
            )
        ) == {k: v for k, v in tight.items() if v}
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "lifecycle.update")) is not None
    # The big-spender alert's settings are saved with them.
    token = csrf_token(client)
    form = {"dormant_days": 30, "lost_days": 60, "alert_spend_min": "3000", "alert_quiet_days": 45}
    assert client.post("/admin/data/lifecycle", data={**form, "csrf_token": token}).status_code == 303
    with seeded.app_context():
        the = db.session.scalar(select(LifecycleSettings))
        assert (the.alert_spend_min, the.alert_quiet_days) == (300000, 45)
        the = db.session.scalar(select(LifecycleSettings))
        assert (the.alert_spend_min, the.alert_quiet_days) == (300000, 45)


def test_nonsense_thresholds_are_refused_and_change_nothing(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client)
    for bad in (
        {"dormant_days": 90, "lost_days": 30},
        {"dormant_days": "x", "lost_days": 60},
        {"dormant_days": 0, "lost_days": 5},
    ):
        res = client.post("/admin/data/lifecycle", data={**bad, "csrf_token": token})
        assert res.status_code == 422
        assert "休眠期天数为 1 到 3649" in res.get_data(as_text=True)  # the console speaks Chinese by default
    with seeded.app_context():
        assert db.session.scalar(select(LifecycleSettings.lost_days)) == 180


def test_managers_see_the_page_but_cannot_change_thresholds(seeded, client):
    qr_sign_in(client, "lina")
    assert client.get("/admin/data").status_code == 200
    res = client.post(
        "/admin/data/lifecycle", data={"dormant_days": 30, "lost_days": 60, "csrf_token": csrf_token(client)}
    )
    assert res.status_code == 403
