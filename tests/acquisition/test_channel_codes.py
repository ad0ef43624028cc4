"""Channel live codes through the console and the emulator over HTTP: made, changed and retired in
WeCom first; WeCom's limits checked before calling; a QR image and an A5 poster; what each code brought."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import ChannelCode, Staff, Store
from tests.web.admin.test_console import csrf_token, qr_sign_in


def ids(app, *userids: str) -> list[str]:
    with app.app_context():
        return [str(db.session.scalar(select(Staff.id).where(Staff.userid == u))) for u in userids]


def test_an_admin_makes_a_code_for_two_guides_and_gets_its_qr_and_poster(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/channel-codes")
    res = client.post(
        "/admin/channel-codes",
        data={
            "csrf_token": token,
            "name": "双 12 快闪店",
            "kind": "multi",
            "staff_ids": ids(seeded, "chenjing", "wangfang"),
            "skip_verify": "1",
        },
    )
    assert res.status_code == 303
    made = emulator.calls("externalcontact/add_contact_way")[-1]["json"]
    assert made["remark"] == "双 12 快闪店" and made["type"] == 2 and made["scene"] == 2
    assert made["user"] == ["chenjing", "wangfang"] and len(made["state"]) <= 30
    with seeded.app_context():
        code = db.session.scalar(select(ChannelCode).where(ChannelCode.name == "双 12 快闪店"))
        assert (
            code.state == made["state"]
            and code.config_id
            and [m.staff.userid for m in code.members]
            == [
                "chenjing",
                "wangfang",
            ]
        )
        code_id = code.id
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "双 12 快闪店" in page and "使用中" in page
    image = client.get(f"/admin/channel-codes/{code_id}/qr.png?download=1")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in image.headers["Content-Disposition"]
    poster = client.get(f"/admin/channel-codes/{code_id}/poster").get_data(as_text=True)
    assert "双 12 快闪店" in poster and f"/admin/channel-codes/{code_id}/qr.png" in poster


def test_a_store_code_brings_customers_to_the_stores_members(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/channel-codes")
    with seeded.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "SH01"))
        members = sorted(
            s.userid for s in db.session.scalars(select(Staff).where(Staff.store_id == store.id))
        )
        store_id, store_name = store.id, store.name
    res = client.post(
        "/admin/channel-codes",
        data={"csrf_token": token, "name": "静安柜台", "kind": "store", "store_id": str(store_id)},
    )
    assert res.status_code == 303
    made = emulator.calls("externalcontact/add_contact_way")[-1]["json"]
    assert sorted(made["user"]) == members and made["skip_verify"] is False
    code_id = res.headers["Location"].rsplit("/", 1)[-1]
    assert store_name in client.get(f"/admin/channel-codes/{code_id}/poster").get_data(as_text=True)


def test_wecoms_limits_are_checked_before_calling_and_nothing_is_kept(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/channel-codes")
    with seeded.app_context():
        before = db.session.scalar(select(func.count()).select_from(ChannelCode))
    calls = len(emulator.calls("externalcontact/add_contact_way"))
    too_long = client.post(
        "/admin/channel-codes",
        data={"csrf_token": token, "name": "名" * 31, "kind": "single", "staff_ids": ids(seeded, "chenjing")},
    )
    assert too_long.status_code == 422 and "最多 30 个字" in too_long.get_data(as_text=True)
    assert 'value="' + "名" * 31 + '"' in too_long.get_data(as_text=True)  # what was typed stays
    two_for_one = client.post(
        "/admin/channel-codes",
        data={
            "csrf_token": token,
            "name": "单人",
            "kind": "single",
            "staff_ids": ids(seeded, "chenjing", "lina"),
        },
    )
    assert two_for_one.status_code == 422 and "单人活码只能选择一位成员" in two_for_one.get_data(as_text=True)
    assert len(emulator.calls("externalcontact/add_contact_way")) == calls  # WeCom never asked
    emulator.configure(always_error={"externalcontact/add_contact_way": 60111})
    refused = client.post(
        "/admin/channel-codes",
        data={"csrf_token": token, "name": "被拒", "kind": "single", "staff_ids": ids(seeded, "chenjing")},
    )
    assert refused.status_code == 502 and "企业微信未能创建活码" in refused.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChannelCode)) == before


def test_members_change_in_wecom_first_and_a_retired_code_stays_retired(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/channel-codes")
    res = client.post(
        "/admin/channel-codes",
        data={"csrf_token": token, "name": "直播间", "kind": "multi", "staff_ids": ids(seeded, "chenjing")},
    )
    code_id = res.headers["Location"].rsplit("/", 1)[-1]
    changed = client.post(
        f"/admin/channel-codes/{code_id}",
        data={"csrf_token": token, "name": "直播间 · 周末", "staff_ids": ids(seeded, "chenjing", "lina")},
    )
    assert changed.status_code == 303
    update = emulator.calls("externalcontact/update_contact_way")[-1]["json"]
    assert update["remark"] == "直播间 · 周末" and update["user"] == ["chenjing", "lina"]
    retired = client.post(f"/admin/channel-codes/{code_id}/retire", data={"csrf_token": token})
    assert retired.status_code == 303 and emulator.calls("externalcontact/del_contact_way")
    page = client.get(f"/admin/channel-codes/{code_id}").get_data(as_text=True)
    assert "已停用" in page and 'data-testid="retire-code"' not in page
    again = client.post(
        f"/admin/channel-codes/{code_id}",
        data={"csrf_token": token, "name": "复活", "staff_ids": ids(seeded, "chenjing")},
    )
    assert again.status_code == 422 and "已停用" in again.get_data(as_text=True)


def test_each_code_counts_the_customers_it_brought(seeded, client):
    """A manager reads a code's figures for their own teams only: 李娜 (华东) and 赵敏 (华南) each see what
    the code brought their guides; an admin sees the sum."""
    follows = [f for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS)) for f in c.follows]
    east = {"lina", "chenjing", "wangfang", "liuyang"}
    live = [f for f in follows if f.state == "moments_ad"]  # a code of guides in both regions
    expected = {
        "lina": sum(1 for f in live if f.userid in east),
        "zhaomin": sum(1 for f in live if f.userid not in east),
        "zhangwei": len(live),
    }
    assert expected["lina"] > 0 and expected["zhaomin"] > 0
    for who, n in expected.items():
        reader = seeded.test_client()
        qr_sign_in(reader, who)
        html = reader.get("/admin/channel-codes").get_data(as_text=True)
        row = re.search(r"朋友圈广告 · 秋冬修护</a>.*?data-testid=\"code-adds\">(\d+)<", html, re.S)
        assert row and int(row.group(1)) == n, who
    qr_sign_in(client, "lina")  # a manager may read the figures, within the console
    html = client.get("/admin/channel-codes").get_data(as_text=True)
    assert 'data-testid="create-code"' not in html  # only admins make codes
    token = csrf_token(client, "/admin/channel-codes")
    assert client.post("/admin/channel-codes", data={"csrf_token": token, "name": "x"}).status_code == 403


def test_a_codes_figures_export_to_excel(seeded, client):
    from io import BytesIO

    from openpyxl import load_workbook

    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        code = db.session.scalar(select(ChannelCode).where(ChannelCode.state == "live_1111"))
        code_id = code.id
    res = client.get(f"/admin/channel-codes/{code_id}/export.xlsx")
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    book = load_workbook(BytesIO(res.data))
    assert book.sheetnames == ["汇总", "按导购", "每日新增"]
    follows = [f for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS)) for f in c.follows]
    assert book["汇总"]["B2"].value == sum(1 for f in follows if f.state == "live_1111")
    by_guide = sum(r[1] for r in book["按导购"].iter_rows(min_row=2, values_only=True))
    assert by_guide == book["汇总"]["B2"].value  # the parts add up to the whole


def test_adds_per_day_follow_the_brands_calendar(seeded):
    from datetime import UTC, datetime

    from sidebar.acquisition import stats
    from sidebar.models import Follow

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with seeded.app_context():
        follow = db.session.scalar(select(Follow).where(Follow.state == "moments_ad").order_by(Follow.id))
        follow.added_at = datetime(2020, 1, 1, tzinfo=UTC)  # out of the window: the baseline
        db.session.commit()
        before = dict(stats.adds_per_day("moments_ad", 3, now=now))
        # 17:30 UTC on the 27th is 01:30 on the 28th in Beijing: an add of the 28th, not the 27th.
        follow.added_at = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
        db.session.commit()
        after = dict(stats.adds_per_day("moments_ad", 3, now=now))
    assert list(after) == ["2026-11-26", "2026-11-27", "2026-11-28"]
    assert after["2026-11-28"] == before["2026-11-28"] + 1 and after["2026-11-27"] == before["2026-11-27"]


def test_the_demos_codes_have_their_qr_image_and_poster(seeded, client):
    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        code_id = db.session.scalar(select(ChannelCode.id).where(ChannelCode.state == "store_qr_sh01"))
    image = client.get(f"/admin/channel-codes/{code_id}/qr.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    poster = client.get(f"/admin/channel-codes/{code_id}/poster").get_data(as_text=True)
    assert f"/admin/channel-codes/{code_id}/qr.png" in poster
