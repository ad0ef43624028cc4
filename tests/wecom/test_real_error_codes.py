"""WeCom's real answers for gone group chats and missing licences (doc 90313 "全局错误码"): 40050 chatid不存在,
49008 群已经解散, 701008 没有合法的有互通license的用户 — each handled as its own case, in words."""

from __future__ import annotations

from sqlalchemy import select

from sidebar import demo
from sidebar.customers import group_sync
from sidebar.events import callbacks
from sidebar.extensions import db
from sidebar.models import EventStatus, GroupChat, WecomEvent, utcnow
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import csrf, customer_of, hx


def _update_event(chat_id: str) -> str:
    return (
        "<xml><ToUserName><![CDATA[wwbeside0demo0corp]]></ToUserName><FromUserName><![CDATA[sys]]>"
        "</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[" + chat_id + "]]></ChatId>"
        "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail>"
        "<JoinScene>1</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>1</MemChangeCnt></xml>"
    )


def test_an_event_for_a_chat_dismissed_meanwhile_ends_cleanly_and_marks_the_group(seeded, app, emulator):
    chat_id = next(g for g in demo.group_chats() if g.owner == "chenjing").chat_id
    with app.app_context():
        group_sync.sync_groups()
        db.session.commit()
    # The owner dismissed the chat in WeCom; an update queued before it arrives afterwards.
    with emulator.state.lock:
        del emulator.state.group_chats[chat_id]
        emulator.state.dismissed_chats.add(chat_id)
    with app.app_context():
        event_id, _ = callbacks.record(_update_event(chat_id))
        event = db.session.get(WecomEvent, event_id)
        callbacks.handle(event, now=utcnow())
        db.session.commit()
        assert event.status == EventStatus.DONE.value  # not retried into a dead letter
        group = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == chat_id))
        assert group.status == "dismissed" and group.dismissed_at is not None
    assert emulator.calls("externalcontact/groupchat/get")[-1]["errcode"] == 49008


def test_an_event_for_a_chat_wecom_never_had_ends_cleanly(seeded, app, emulator):
    with app.app_context():
        event_id, _ = callbacks.record(_update_event("wrNeverExisted01"))
        event = db.session.get(WecomEvent, event_id)
        callbacks.handle(event, now=utcnow())
        db.session.commit()
        assert event.status == EventStatus.DONE.value
        assert db.session.scalar(select(GroupChat).where(GroupChat.chat_id == "wrNeverExisted01")) is None
    assert emulator.calls("externalcontact/groupchat/get")[-1]["errcode"] == 40050


def test_the_sidebar_group_page_says_a_chat_is_dismissed_or_unknown(seeded, client, emulator):
    chat_id = next(g for g in demo.group_chats() if g.owner == "chenjing").chat_id
    sign_in(client, "chenjing")
    with emulator.state.lock:
        del emulator.state.group_chats[chat_id]
        emulator.state.dismissed_chats.add(chat_id)
    dismissed = client.get(f"/sidebar/groups/{chat_id}")
    assert dismissed.status_code == 410
    html = dismissed.get_data(as_text=True)
    assert 'data-testid="group-gone"' in html and "解散" in html
    unknown = client.get("/sidebar/groups/wrNeverExisted01")
    assert unknown.status_code == 404
    assert 'data-testid="group-gone"' in unknown.get_data(as_text=True)


def test_a_member_without_a_licence_is_told_so_not_that_something_is_missing(seeded, client, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    emulator.configure(unlicensed=["chenjing"])
    res = client.post(
        f"/sidebar/customers/{person.external_userid}/remark",
        data={"remark": "新备注", "description": ""},
        headers=hx(token),
    )
    assert emulator.calls("externalcontact/remark")[-1]["errcode"] == 701008
    assert res.status_code == 502
    html = res.get_data(as_text=True)
    assert "互通" in html and "接口许可" in html
    assert 'value="新备注"' in html  # what was typed is kept


def test_the_emulator_answers_licence_errors_only_for_unlicensed_members(emulator):
    from wechatpy.exceptions import WeChatClientException

    client = emulator.wechatpy_client()
    emulator.configure(unlicensed=["chenjing"])
    try:
        client.external_contact.list("chenjing")
    except WeChatClientException as exc:
        assert exc.errcode == 701008
    else:
        raise AssertionError("701008 expected")
    assert client.external_contact.list("lina")["errcode"] == 0
