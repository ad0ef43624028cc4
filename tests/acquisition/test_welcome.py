"""The welcome with a perk, end to end over HTTP: a customer scans a channel code (the emulator's add
event, with State and WelcomeCode), the callback reaches the app, and WeCom's send_welcome_msg gets the
filled text, the attachments and a coupon card, within WeCom's 20 s and once; a late or refused welcome
is recorded and never retried with the stale code."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.jobs import process_event_now
from sidebar.models import (
    ChannelCode,
    Coupon,
    CouponTemplate,
    CustomerTag,
    Material,
    Send,
    Tag,
    WecomEvent,
    WelcomeSend,
)
from tests.acquisition.test_channel_codes import ids
from tests.web.admin.test_console import csrf_token, qr_sign_in


def a_code_with_a_welcome(app, client, *, coupon: bool = True) -> tuple[int, str]:
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/channel-codes")
    res = client.post(
        "/admin/channel-codes",
        data={"csrf_token": token, "name": "静安快闪", "kind": "single", "staff_ids": ids(app, "chenjing")},
    )
    code_id = int(res.headers["Location"].rsplit("/", 1)[-1])
    with app.app_context():
        link = db.session.scalar(select(Material.id).where(Material.kind == "link"))
        template = db.session.scalar(select(CouponTemplate.id).where(CouponTemplate.name == "新客礼券"))
        tag = db.session.scalar(select(Tag.id).where(Tag.name == "高意向"))
        config_id = db.session.get(ChannelCode, code_id).config_id
    saved = client.post(
        f"/admin/channel-codes/{code_id}/welcome",
        data={
            "csrf_token": token,
            "text": "{客户称呼}您好，欢迎来到{门店}，我是{导购姓名}～",
            "material_ids": [str(link)],
            "coupon_template_id": str(template) if coupon else "",
            "tag_ids": [str(tag)],
        },
    )
    assert saved.status_code == 303
    return code_id, config_id


def scan(emulator, config_id: str, ext: str, name: str = "林小满", gender: int = 2) -> dict:
    contact = {"external_userid": ext, "name": name, "type": 1, "gender": gender}
    return emulator.send_event(
        change_type="add_external_contact", config_id=config_id, external_userid=ext, contact=contact
    )


def welcomes(emulator) -> list[dict]:
    return requests.get(emulator.url + "/_emulator/welcomes", timeout=5).json()


def test_a_scan_gets_the_welcome_the_coupon_and_the_tags_at_once(seeded, client, live_app, emulator):
    code_id, config_id = a_code_with_a_welcome(seeded, client)
    seeded.config["PUBLIC_URL"] = live_app.url
    ext = "wmWELCOME00000000000000000000001"
    result = scan(emulator, config_id, ext)
    assert result["delivered"]
    sent = welcomes(emulator)
    assert len(sent) == 1 and sent[0]["external_userid"] == ext and sent[0]["userid"] == "chenjing"
    assert sent[0]["text"]["content"] == "林女士您好，欢迎来到上海静安嘉里店，我是陈静～"
    kinds = [a["msgtype"] for a in sent[0]["attachments"]]
    assert kinds == ["link", "link"]  # the article, then the coupon card
    coupon_card = sent[0]["attachments"][1]["link"]
    assert "新客礼券" in coupon_card["title"] and coupon_card["url"].startswith(live_app.url + "/claim/c/")
    assert requests.get(coupon_card["url"], timeout=5).status_code == 200  # the customer can open it
    with seeded.app_context():
        record = db.session.scalar(select(WelcomeSend).where(WelcomeSend.external_userid == ext))
        assert record.status == "sent" and record.seconds < 20 and record.coupon_id
        tags = set(db.session.scalars(select(Tag.name).join(CustomerTag, CustomerTag.tag_id == Tag.id).where(CustomerTag.customer_id == db.session.scalar(
            select(Coupon.customer_id).where(Coupon.id == record.coupon_id)))))  # fmt: skip
        assert "高意向" in tags
        # The card went with the welcome: the sidebar must not offer to send it again, and the welcome
        # counts once in the send log (the guide reached the customer).
        assert db.session.get(Coupon, record.coupon_id).card_sent_at is not None
        logged = db.session.scalars(
            select(Send.kind).where(Send.customer_id == db.session.get(Coupon, record.coupon_id).customer_id)
        )
        assert list(logged) == ["welcome"]
    # The same customer adds another guide through the code: a welcome again, but not a second coupon.
    scan(emulator, config_id, ext)
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Coupon).where(Coupon.id.is_not(None)).where(
            Coupon.customer_id == db.session.scalar(select(Coupon.customer_id).where(Coupon.id == record.coupon_id))
        )) == 1  # fmt: skip
    page = client.get(f"/admin/channel-codes/{code_id}").get_data(as_text=True)
    assert page.count('data-testid="welcome-send"') == 2 and "已发送" in page and "陈静" in page


def _undelivered_add(emulator, config_id: str, ext: str) -> str:
    """The add event's decrypted XML, made by WeCom but not delivered (the callback URL was down)."""
    from emulator.callbacks import event_xml

    contact = {"external_userid": ext, "name": "林小满", "type": 1, "gender": 2}
    made = emulator.send_event(
        change_type="add_external_contact", config_id=config_id, external_userid=ext, contact=contact,
        url="http://127.0.0.1:9/wecom/callback", timeout=0.5, retry_delay=0,
    )  # fmt: skip
    return event_xml(
        emulator.state.settings["WECOM_CORP_ID"], made["event"], made["change_type"], made["fields"]
    )


def test_a_late_welcome_is_recorded_and_never_sent_with_the_stale_code(seeded, client, live_app, emulator):
    from datetime import timedelta

    from sidebar.events import callbacks

    _code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    ext = "wmWELCOME00000000000000000000002"
    xml = _undelivered_add(emulator, config_id, ext)
    with seeded.app_context():
        event_id, _ = callbacks.record(xml)
        event = db.session.get(WecomEvent, event_id)
        event.received_at = event.received_at - timedelta(seconds=40)  # reached us after WeCom's 20 s
        db.session.commit()
        process_event_now(event_id)
        record = db.session.scalar(select(WelcomeSend).where(WelcomeSend.external_userid == ext))
        assert record.status == "late"
    assert [w for w in welcomes(emulator) if w["external_userid"] == ext] == []
    assert not any(c["endpoint"] == "externalcontact/send_welcome_msg" for c in emulator.calls())


def test_the_welcome_does_not_wait_for_wecom_to_know_the_new_customer(seeded, client, live_app, emulator):
    """Real WeCom answers externalcontact/get with 84061 for a moment after the add: the welcome goes
    from what the event carries, at once, and the lookup is retried within seconds, never re-welcoming."""
    _code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    emulator.configure(contact_lag=2)
    ext = "wmWELCOME00000000000000000000004"
    scan(emulator, config_id, ext)
    sent = [w for w in welcomes(emulator) if w["external_userid"] == ext]
    assert len(sent) == 1 and sent[0]["seconds"] < 5
    assert sent[0]["text"]["content"].startswith("您好")  # no name known yet: no wrong one either
    with seeded.app_context():
        event = db.session.scalar(select(WecomEvent).order_by(WecomEvent.id.desc()))
        assert event.status == "failed" and "84061" in event.last_error
        assert (event.next_attempt_at - event.received_at).total_seconds() < 10  # seconds, not minutes
        for _ in range(2):
            process_event_now(event.id)
        db.session.refresh(event)
        assert event.status == "done"
        from sidebar.models import Customer

        assert db.session.scalar(select(Customer.name).where(Customer.external_userid == ext)) == "林小满"
        assert db.session.scalar(select(func.count()).select_from(WelcomeSend).where(
            WelcomeSend.external_userid == ext)) == 1  # fmt: skip
    assert [c["errcode"] for c in emulator.calls("externalcontact/get")][-3:] == [84061, 84061, 0]
    assert len([w for w in welcomes(emulator) if w["external_userid"] == ext]) == 1


def test_a_customer_added_without_verification_is_welcomed_once_whichever_event_comes(
    seeded, client, live_app, emulator
):
    """add_half_external_contact carries a WelcomeCode (doc 92130): the half add is welcomed, and the full
    add of the same pair that follows is the same arrival."""
    _code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    ext = "wmWELCOME00000000000000000000005"
    contact = {"external_userid": ext, "name": "周小姐", "type": 1, "gender": 2}
    emulator.send_event(
        change_type="add_half_external_contact", config_id=config_id, external_userid=ext, contact=contact
    )
    sent = [w for w in welcomes(emulator) if w["external_userid"] == ext]
    assert len(sent) == 1 and sent[0]["text"]["content"].startswith("周女士")
    emulator.send_event(
        change_type="add_external_contact", config_id=config_id, external_userid=ext, contact=contact
    )
    assert len([w for w in welcomes(emulator) if w["external_userid"] == ext]) == 1
    with seeded.app_context():
        rows = db.session.scalars(select(WelcomeSend).where(WelcomeSend.external_userid == ext)).all()
        assert [(r.status, r.half) for r in rows] == [("sent", True)]
        events = db.session.scalars(select(WecomEvent.status).order_by(WecomEvent.id.desc()).limit(2)).all()
        assert events == ["done", "done"]


def test_a_refused_welcome_is_recorded_and_the_customer_still_arrives(seeded, client, live_app, emulator):
    code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    emulator.configure(always_error={"externalcontact/send_welcome_msg": 41051})
    ext = "wmWELCOME00000000000000000000003"
    scan(emulator, config_id, ext)
    with seeded.app_context():
        record = db.session.scalar(select(WelcomeSend).where(WelcomeSend.external_userid == ext))
        assert record.status == "refused" and record.error.startswith("41051")
        event = db.session.scalar(select(WecomEvent).order_by(WecomEvent.id.desc()))
        assert event.status == "done"  # the customer is in; the welcome is not retried
    assert "企业微信拒绝发送" in client.get(f"/admin/channel-codes/{code_id}").get_data(as_text=True)


def test_a_welcome_over_wecoms_limits_is_refused_before_saving(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/channel-codes")
    with seeded.app_context():
        image = db.session.scalar(select(Material.id).where(Material.kind == "image"))
    too_long = client.post(
        "/admin/channel-codes/welcome", data={"csrf_token": token, "text": "欢" * 1400}
    )  # 4,200 bytes
    assert too_long.status_code == 422 and "4000 字节" in too_long.get_data(as_text=True)
    too_many = client.post(
        "/admin/channel-codes/welcome",
        data={"csrf_token": token, "text": "hi", "material_ids": [str(image)] * 10},
    )
    assert too_many.status_code == 422 and "最多 9 个" in too_many.get_data(as_text=True)


def test_a_guide_sees_their_own_scans_on_the_today_page(seeded, client, live_app, emulator):
    from tests.sidebar_helpers import sign_in

    _code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    for n in range(2):
        scan(emulator, config_id, f"wmSCANS0000000000000000000000{n:03d}", name=f"新客{n}")
    guide = seeded.test_client()
    sign_in(guide, "chenjing")
    html = guide.get("/sidebar/tasks").get_data(as_text=True)
    mine = html[html.index('data-testid="my-scans"') :]
    assert "静安快闪" in mine and "新增 2 位" in mine[: mine.index("</li>")]


def test_a_codes_sop_rule_starts_the_moment_the_customer_arrives(seeded, client, live_app, emulator):
    import json

    from sidebar.models import SopRule, SopStep, SopTask

    code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    with seeded.app_context():
        state = db.session.get(ChannelCode, code_id).state
        rule = SopRule(name="快闪新客当天跟进", active=True, trigger="added", trigger_days=0, window_days=2,
                       audience=json.dumps({"state": state}))  # fmt: skip
        rule.steps = [SopStep(position=0, offset_days=0, text="{客户称呼}，今天逛得开心吗？")]
        db.session.add(rule)
        db.session.commit()
        rule_id = rule.id
    ext = "wmSOPSTART000000000000000000001"
    scan(emulator, config_id, ext)
    with seeded.app_context():  # no engine run in between: the task is there at once, for her guide
        tasks = db.session.scalars(select(SopTask).where(SopTask.rule_id == rule_id)).all()
        assert len(tasks) == 1 and tasks[0].status == "pending"
