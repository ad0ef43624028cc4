"""任务宝 in the console: an admin makes a campaign through the form (a bad one is refused field by field
and nothing is made), sees what it brought, counts or rejects an invitation held for review, ends it and
its codes go back to the pool; a manager reads it and cannot change it."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import (
    CouponTemplate,
    ReferralCampaign,
    ReferralCode,
    ReferralInvite,
    utcnow,
)
from tests.growth.test_referrals import NEW, inviter_code, scan, statuses
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import customer_of


def _form(token: str, seeded, **changes) -> dict:
    with seeded.app_context():
        template = db.session.scalar(select(CouponTemplate.id).where(CouponTemplate.name == "新客礼券"))
    today = utcnow().date()
    form = {
        "csrf_token": token, "name": "冬日老带新", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(), "hold_days": "7", "burst_per_hour": "1",
        "budget": "0", "rung0_friends": "3", "rung0_kind": "coupon", "rung0_coupon": str(template),
        "poster_text": "邀请 3 位好友，得新客礼券",
    }  # fmt: skip
    form.update(changes)
    return form


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (75, 120), "pink").save(out, "PNG")
    return out.getvalue()


def test_an_admin_makes_reviews_and_ends_a_campaign(seeded, client, live_app, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/referrals")
    bad = client.post("/admin/referrals", data=_form(token, seeded, name="", rung0_friends="0",
                      poster=(io.BytesIO(b"not a picture"), "poster.png")))  # fmt: skip
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for field in ("name", "rungs", "poster"):
        assert f'data-testid="error-{field}"' in page
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReferralCampaign)) == 0

    made = client.post("/admin/referrals", data=_form(token, seeded, poster=(io.BytesIO(_png()), "poster.png")),
                       content_type="multipart/form-data")  # fmt: skip
    assert made.status_code == 303
    campaign_id = int(made.headers["Location"].rsplit("/", 1)[-1])
    assert "冬日老带新" in client.get("/admin/referrals").get_data(as_text=True)

    inviter = customer_of("chenjing").external_userid
    config_id, _ = inviter_code(seeded, campaign_id, inviter)
    scan(emulator, config_id, NEW.format(50))
    scan(emulator, config_id, NEW.format(51))  # over one an hour: held
    detail = client.get(f"/admin/referrals/{campaign_id}").get_data(as_text=True)
    assert 'data-testid="figure-counted">1<' in detail and detail.count('data-testid="held-row"') == 1
    with seeded.app_context():
        held_id = db.session.scalar(select(ReferralInvite.id).where(ReferralInvite.status == "held"))
    counted = client.post(f"/admin/referrals/{campaign_id}/held/{held_id}", data={"csrf_token": token,
                          "decision": "approve"})  # fmt: skip
    assert counted.status_code == 303
    assert statuses(seeded, campaign_id)[NEW.format(51)] == ("pending", None)
    assert 'data-testid="figure-counted">2<' in client.get(f"/admin/referrals/{campaign_id}").get_data(
        as_text=True
    )

    sheet = client.get(f"/admin/referrals/{campaign_id}/export.xlsx")
    assert sheet.status_code == 200 and sheet.data[:2] == b"PK"
    rows = list(load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("冬日老带新", 2)

    # A manager reads it and cannot change it.
    manager = seeded.test_client()
    qr_sign_in(manager, "lina")
    assert manager.get(f"/admin/referrals/{campaign_id}").status_code == 200
    theirs = csrf_token(manager, "/admin/referrals")  # (the page has a form: the search box's)
    assert manager.post(f"/admin/referrals/{campaign_id}/end", data={"csrf_token": theirs}).status_code == 403

    ended = client.post(f"/admin/referrals/{campaign_id}/end", data={"csrf_token": token})
    assert ended.status_code == 303
    with seeded.app_context():
        assert db.session.get(ReferralCampaign, campaign_id).status == "ended"
        assert db.session.scalar(select(func.count()).where(ReferralCode.campaign_id.is_(None))) == 1
    scan(emulator, config_id, NEW.format(52))  # a late scan: not counted
    assert NEW.format(52) not in statuses(seeded, campaign_id)
