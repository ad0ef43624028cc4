"""企业群发 in the console: made from the form, handed to WeCom at once, followed per guide and customer;
bad input refused in words with nothing saved or sent; a manager sees only their own campaigns."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import requests
from sqlalchemy import func, select

from sidebar import demo
from sidebar.campaigns import send
from sidebar.core.units import brand_zone
from sidebar.demo import poster_png
from sidebar.extensions import db
from sidebar.models import Campaign, CampaignBatch, Material, Staff, Tag, utcnow
from tests.web.admin.test_console import csrf_token, qr_sign_in

SENSITIVE = demo.tag_id("肤质", "敏感肌")


def _form(token: str, **changes) -> dict:
    with_tag = changes.pop("tag", None)
    form = {
        "csrf_token": token,
        "name": "敏感肌修护季",
        "text": "{导购姓名}推荐：修护新品到店～",
        "holdout_percent": "0",
    }
    if with_tag is not None:
        form["tags_any"] = with_tag
    form.update(changes)
    return form


def _tag(app) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Tag.id).where(Tag.wecom_tag_id == SENSITIVE)))


def test_an_admin_sends_a_campaign_and_follows_it(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/campaigns/new")
    tag = _tag(seeded)
    ahead = client.post("/admin/campaigns/forecast", data=_form(token, tag=tag)).get_data(as_text=True)
    reached = int(re.search(r'data-testid="forecast-reached">([\d,]+)<', ahead).group(1).replace(",", ""))
    assert reached > 0 and 'data-testid="forecast-guides"' in ahead

    res = client.post("/admin/campaigns/new", data=_form(token, tag=tag))
    assert res.status_code == 303
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "已完成" in page or "创建了群发" in page  # the audit sentence, flashed
    calls = emulator.calls("externalcontact/add_msg_template")
    assert sum(len(c["json"]["external_userid"]) for c in calls) == reached
    assert re.search(r'data-testid="count-total">([\d,]+)<', page).group(1) == f"{reached:,}"
    assert page.count('data-testid="guide-row"') == len(calls)

    # The first guide confirms in WeCom; the page reads the results.
    first = calls[0]["json"]
    with seeded.app_context():
        msgid = db.session.scalar(
            select(CampaignBatch.msgid)
            .join(Staff, Staff.id == CampaignBatch.staff_id)
            .where(Staff.userid == first["sender"])
        )
    requests.post(
        emulator.url + "/_emulator/groupmsg/confirm",
        json={"msgid": msgid, "userid": first["sender"]},
        timeout=5,
    )
    campaign_url = res.headers["Location"]
    client.post(campaign_url + "/refresh", data={"csrf_token": token})
    page = client.get(campaign_url).get_data(as_text=True)
    assert re.search(r'data-testid="count-sent">([\d,]+)<', page).group(1) == str(
        len(first["external_userid"])
    )
    sent_page = client.get(campaign_url + "?status=sent").get_data(as_text=True)
    assert sent_page.count('data-testid="customer-result"') == min(50, len(first["external_userid"]))

    csv = client.get(campaign_url + "/results.csv").get_data(as_text=True)
    assert csv.count("\n") == reached + 1 and "已发送" in csv

    # Withdrawn from the guides who have not sent; the page says so.
    client.post(campaign_url + "/cancel", data={"csrf_token": token})
    page = client.get(campaign_url).get_data(as_text=True)
    assert "已撤回" in page
    assert len(emulator.calls("externalcontact/cancel_groupmsg_send")) == len(calls) - 1


def test_bad_campaigns_are_refused_in_words_and_nothing_is_sent(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/campaigns/new")
    tag = _tag(seeded)
    with seeded.app_context():
        images = [str(m.id) for m in db.session.scalars(select(Material).where(Material.kind == "image"))]
    many = (images * 10)[:10]
    bad = [
        (_form(token), "error-audience"),  # nobody chosen: not "everyone"
        (_form(token, tag=tag, text="{客户称呼}，新品到了"), "error-text"),  # one text for all
        (_form(token, tag=tag, send_at="2020-01-01T10:00"), "error-send_at"),
        (_form(token, tag=tag, text="", name="只有名字"), "error-text"),
        (_form(token, tag=tag, holdout_percent="80"), "error-holdout_percent"),
        (_form(token, tag=tag, text="字" * 1400), "error-text"),  # over 4,000 bytes
    ]
    for form, marked in bad:
        res = client.post("/admin/campaigns/new", data=form)
        html = res.get_data(as_text=True)
        assert res.status_code == 422 and f'data-testid="{marked}"' in html, marked
        assert form["name"] in html  # what was typed is kept
    if len(set(many)) >= 1:
        form = _form(token, tag=tag)
        res = client.post(
            "/admin/campaigns/new", data={**form, "material_ids": [str(i) for i in range(1, 11)]}
        )
        assert res.status_code == 422
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1  # the demo's own
    assert not emulator.calls("externalcontact/add_msg_template")


def test_a_manager_sees_only_their_own_campaigns(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    demo_campaign = client.get("/admin/campaigns").get_data(as_text=True)
    assert demo.CAMPAIGN["name"] in demo_campaign
    manager = seeded.test_client()
    qr_sign_in(manager, "lina")
    listing = manager.get("/admin/campaigns").get_data(as_text=True)
    assert demo.CAMPAIGN["name"] not in listing
    with seeded.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    assert manager.get(f"/admin/campaigns/{campaign_id}").status_code == 404
    # Her own campaign reaches only customers in her region.
    token = csrf_token(manager, "/admin/campaigns/new")
    res = manager.post("/admin/campaigns/new", data=_form(token, tag=_tag(seeded)))
    assert res.status_code == 303
    south = {"huangli", "zhaomin", "sunhao"}
    senders = {c["json"]["sender"] for c in emulator.calls("externalcontact/add_msg_template")}
    assert senders and not senders & south


def test_a_group_campaign_from_the_form(seeded, client, emulator):
    from sidebar.customers import group_notes
    from sidebar.models import GroupChat

    with seeded.app_context():
        group = db.session.scalar(select(GroupChat).where(GroupChat.owner_userid == "chenjing"))
        group_notes.add_tag(group, "VIP群")
        db.session.commit()
        chat_id = group.chat_id
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/campaigns/new")
    form = {
        "csrf_token": token,
        "name": "VIP 群直播预告",
        "text": "今晚 8 点直播～",
        "target": "groups",
        "group_tag": "VIP群",
    }
    ahead = client.post("/admin/campaigns/forecast", data=form).get_data(as_text=True)
    assert 'data-testid="forecast-reached">1<' in ahead and "陈静" in ahead
    held = client.post("/admin/campaigns/new", data={**form, "holdout_percent": "10"})
    assert held.status_code == 422  # a holdout compares customers' orders
    res = client.post("/admin/campaigns/new", data=form)
    assert res.status_code == 303
    (call,) = emulator.calls("externalcontact/add_msg_template")
    assert call["json"]["chat_type"] == "group" and call["json"]["chat_id_list"] == [chat_id]
    assert call["json"]["sender"] == "chenjing"
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "按群" in page and 'data-testid="outcome"' not in page


def test_a_material_wecom_would_refuse_is_named_and_a_later_campaign_waits_its_time(seeded, client, emulator):
    from datetime import datetime, timedelta

    from sidebar.campaigns import send
    from sidebar.core.units import brand_zone
    from sidebar.models import utcnow

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/campaigns/new")
    tag = _tag(seeded)
    with seeded.app_context():
        article = db.session.scalar(select(Material).where(Material.kind.in_(("article", "text"))))
        title = article.title if article else None
    if title:
        res = client.post(
            "/admin/campaigns/new", data={**_form(token, tag=tag), "material_ids": [str(article.id)]}
        )
        assert res.status_code == 422 and title in res.get_data(as_text=True)
    with seeded.app_context():
        later = (datetime.now(brand_zone()) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    res = client.post("/admin/campaigns/new", data=_form(token, tag=tag, send_at=later))
    assert res.status_code == 303
    assert not emulator.calls("externalcontact/add_msg_template")  # not yet
    campaign_id = int(res.headers["Location"].rsplit("/", 1)[1])
    with seeded.app_context():
        assert campaign_id not in send.due(utcnow())
        assert campaign_id in send.due(utcnow() + timedelta(hours=2, minutes=1))


def _later(app, days: int = 2) -> str:
    with app.app_context():
        return (utcnow().astimezone(brand_zone()) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_scheduled_campaign_can_be_changed_until_it_is_handed_to_the_guides(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/campaigns/new")
    tag = _tag(seeded)
    later = _later(seeded)
    res = client.post("/admin/campaigns/new", data=_form(token, tag=tag, send_at=later))
    assert res.status_code == 303
    url = res.headers["Location"]
    assert 'data-testid="edit-campaign"' in client.get(url).get_data(as_text=True)
    form = client.get(url + "/edit").get_data(as_text=True)
    assert "敏感肌修护季" in form and f'value="{later}"' in form and "修护新品到店" in form

    res = client.post(
        url + "/edit", data=_form(token, tag=tag, send_at=later, name="改过的名字", text="新文案")
    )
    assert res.status_code == 303
    bad = client.post(url + "/edit", data=_form(token, tag=tag, send_at="2020-01-01T10:00", name="坏的"))
    assert bad.status_code == 422 and 'data-testid="error-send_at"' in bad.get_data(as_text=True)
    campaign_id = int(url.rsplit("/", 1)[1])
    with seeded.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert (campaign.name, campaign.text) == ("改过的名字", "新文案")  # the bad edit changed nothing
        send.hand_over(campaign_id, now=campaign.send_at + timedelta(minutes=1))
        db.session.commit()
    asked = len(emulator.calls("externalcontact/add_msg_template"))
    assert asked and all(
        c["json"]["text"]["content"] == "新文案" for c in emulator.calls("externalcontact/add_msg_template")
    )

    # Handed over: the form says why it cannot change, and nothing changes.
    late = client.post(url + "/edit", data=_form(token, tag=tag, send_at=later, name="太晚了"))
    assert late.status_code == 409 and 'data-testid="error-status"' in late.get_data(as_text=True)
    assert client.get(url + "/edit").status_code == 409
    assert 'data-testid="edit-campaign"' not in client.get(url).get_data(as_text=True)
    with seeded.app_context():
        assert db.session.get(Campaign, campaign_id).name == "改过的名字"
    assert len(emulator.calls("externalcontact/add_msg_template")) == asked


def test_a_mini_program_card_goes_with_its_uploaded_cover(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/materials")
    fields = {"csrf_token": token, "kind": "miniprogram", "mp_appid": demo.MINIPROGRAM_APPID,
              "mp_page": "pages/launch/index.html", "cover_url": "https://example.com/c.png"}  # fmt: skip
    assert client.post("/admin/materials", data={**fields, "title": "无封面的新品页"}).status_code == 303
    cover = (io.BytesIO(poster_png(520, 416, (250, 157, 59))), "cover.png")
    res = client.post(
        "/admin/materials",
        data={**fields, "title": "新品小程序页", "file": cover},
        content_type="multipart/form-data",
    )
    assert res.status_code == 303
    with seeded.app_context():
        bare, covered = (
            str(db.session.scalar(select(Material.id).where(Material.title == title)))
            for title in ("无封面的新品页", "新品小程序页")
        )
    tag = _tag(seeded)
    refused = client.post("/admin/campaigns/new", data={**_form(token, tag=tag), "material_ids": [bare]})
    assert refused.status_code == 422 and "封面" in refused.get_data(as_text=True)
    assert not emulator.calls("externalcontact/add_msg_template")

    res = client.post("/admin/campaigns/new", data={**_form(token, tag=tag), "material_ids": [covered]})
    assert res.status_code == 303
    calls = emulator.calls("externalcontact/add_msg_template")
    card = calls[0]["json"]["attachments"][0]
    assert card["msgtype"] == "miniprogram"
    assert card["miniprogram"]["appid"] == demo.MINIPROGRAM_APPID
    assert card["miniprogram"]["page"] == "pages/launch/index.html"
    assert len(emulator.calls("media/upload")) == 1  # the cover, once, for every batch
    with seeded.app_context():
        assert card["miniprogram"]["pic_media_id"] == db.session.get(Material, int(covered)).media_id
