"""The rows of ``emulator/FACTS.md`` called through wechatpy's own client (code we did not write), so the
emulator's shapes and error codes are checked by something other than Beside's client."""

from __future__ import annotations

import time

import pytest
import requests
from wechatpy.exceptions import WeChatClientException

from sidebar import demo


def _errcode(call) -> int:
    with pytest.raises(WeChatClientException) as caught:
        call()
    return int(caught.value.errcode)


def test_credentials(emulator):
    client = emulator.wechatpy_client()
    assert client.fetch_access_token()["expires_in"] == 7200
    base = emulator.url + "/cgi-bin/"
    wrong_secret = requests.get(
        base + "gettoken", params={"corpid": client.corp_id, "corpsecret": "x"}, timeout=5
    )
    assert wrong_secret.json()["errcode"] == 40001
    wrong_corp = requests.get(base + "gettoken", params={"corpid": "wwnobody", "corpsecret": "x"}, timeout=5)
    assert wrong_corp.json()["errcode"] == 40013
    bogus = requests.get(base + "user/get", params={"access_token": "bogus", "userid": "lina"}, timeout=5)
    assert bogus.json()["errcode"] == 40014
    emulator.configure(token_lifetime=0.2)
    short = emulator.wechatpy_client().fetch_access_token()["access_token"]
    time.sleep(0.3)
    expired = requests.get(base + "user/get", params={"access_token": short, "userid": "lina"}, timeout=5)
    assert expired.json()["errcode"] == 42001


def test_tickets_last_two_hours(emulator):
    client = emulator.wechatpy_client()
    assert client.jsapi.get_ticket()["expires_in"] == 7200
    assert client.jsapi.get_agent_ticket()["expires_in"] == 7200


def test_directory(emulator):
    client = emulator.wechatpy_client()
    agent = client.agent.get(int(emulator.state.settings["WECOM_AGENT_ID"]))
    assert agent["allow_partys"]["partyid"] == [1]
    assert _errcode(lambda: client.agent.get(999)) == 40056
    left = [u for u in client.user.list(1, fetch_child=True) if u["status"] == 5]
    assert {u["userid"] for u in left} == {s.userid for s in demo.STAFF if not s.active}
    assert set(client.external_contact.get_follow_user_list()["follow_user"]) == {
        s.userid for s in demo.STAFF if s.active
    }


def test_group_chats_gone_and_unknown(emulator):
    client = emulator.wechatpy_client()
    chat_id = demo.group_chats()[0].chat_id
    assert client.external_contact_group_chat.get(chat_id)["group_chat"]["chat_id"] == chat_id
    emulator.send_event(
        event="change_external_chat",
        change_type="dismiss",
        chat_id=chat_id,
        url="http://127.0.0.1:9/",
        timeout=0.2,
        retry_delay=0,
    )
    assert _errcode(lambda: client.external_contact_group_chat.get(chat_id)) == 49008
    assert _errcode(lambda: client.external_contact_group_chat.get("wrNeverExisted01")) == 40050
    owners = [f"owner{i:03d}" for i in range(101)]  # owner_filter takes at most 100 (doc 92120)
    assert _errcode(lambda: client.external_contact_group_chat.list(owner_userid_list=owners)) == 40058
    listed = client.external_contact_group_chat.list(owner_userid_list=[demo.group_chats()[1].owner], limit=1)
    assert listed["group_chat_list"]


def test_customer_contact_limits(emulator):
    client = emulator.wechatpy_client()
    person = demo.customer(0)
    userid = person.follows[0].userid
    too_long = {"userid": userid, "external_userid": person.external_userid, "description": "述" * 151}
    assert _errcode(lambda: client.post("externalcontact/remark", data=too_long)) == 40058
    ok = client.post("externalcontact/remark", data={**too_long, "description": "述" * 150})
    assert ok["errcode"] == 0
    assert _errcode(
        lambda: client.external_contact.add_corp_tag(None, "测试", 0, [{"name": "标" * 31}])
    ) == 40071  # fmt: skip
    assert _errcode(
        lambda: client.post("externalcontact/batch/get_by_user", data={"userid_list": ["x"] * 101})
    ) == 40058  # fmt: skip
    move = {"handover_userid": userid, "takeover_userid": "lina", "external_userid": ["wm"] * 101}
    assert _errcode(lambda: client.post("externalcontact/transfer_customer", data=move)) == 40058


def test_app_messages_are_cut_to_their_bytes_not_refused(emulator):
    client = emulator.wechatpy_client()
    agent = emulator.state.settings["WECOM_AGENT_ID"]
    client.message.send_text_card(agent, ["chenjing"], "标" * 60, "述" * 300, "https://a.cn")
    card = emulator.state.messages[-1]["textcard"]
    assert len(card["title"].encode()) == 126 and len(card["description"].encode()) == 510


def test_rate_limits(emulator):
    emulator.configure(rate_limit=2, rate_window=60)
    client = emulator.wechatpy_client()
    client.user.get("lina")
    assert _errcode(lambda: client.user.get("lina")) == 45009


def test_mass_messages(emulator):
    """企业群发 (doc 92135, 93338, 97610) through wechatpy's add_msg_template and plain posts."""
    client = emulator.wechatpy_client()
    person = demo.customer(0)
    sender = person.follows[0].userid
    stranger = next(
        demo.customer(i).external_userid
        for i in range(1, demo.DEFAULT_CUSTOMERS)
        if sender not in {f.userid for f in demo.customer(i).follows}
    )
    made = client.external_contact.add_msg_template(
        {
            "chat_type": "single",
            "external_userid": [person.external_userid, stranger],
            "sender": sender,
            "text": {"content": "新品到店"},
        }
    )
    assert made["msgid"] and made["fail_list"] == [stranger]  # not the sender's contact
    too_many = {
        "chat_type": "single",
        "external_userid": ["wm"] * 10_001,
        "sender": sender,
        "text": {"content": "x"},
    }
    assert _errcode(lambda: client.external_contact.add_msg_template(too_many)) == 40058
    long_text = {
        "external_userid": [person.external_userid],
        "sender": sender,
        "text": {"content": "字" * 1334},
    }
    assert _errcode(lambda: client.external_contact.add_msg_template(long_text)) == 40058  # > 4,000 bytes
    ten = [{"msgtype": "link", "link": {"title": "t", "url": "https://example.com"}}] * 10
    assert _errcode(
        lambda: client.external_contact.add_msg_template({"sender": sender, "attachments": ten})
    ) == 40058  # fmt: skip
    group_without_sender = {"chat_type": "group", "text": {"content": "x"}}
    assert _errcode(lambda: client.external_contact.add_msg_template(group_without_sender)) == 40058

    msgid = made["msgid"]
    task = client.post("externalcontact/get_groupmsg_task", data={"msgid": msgid})["task_list"]
    assert task == [{"userid": sender, "status": 0}]
    sent = requests.post(
        emulator.url + "/_emulator/groupmsg/confirm", json={"msgid": msgid, "userid": sender}, timeout=5
    )
    assert sent.json()["sent"] == 1
    task = client.post("externalcontact/get_groupmsg_task", data={"msgid": msgid})["task_list"][0]
    assert task["status"] == 2 and task["send_time"]
    result = client.post("externalcontact/get_groupmsg_send_result", data={"msgid": msgid, "userid": sender})
    assert [(r["external_userid"], r["status"]) for r in result["send_list"]] == [(person.external_userid, 1)]
    now = int(time.time())
    listed = client.post(
        "externalcontact/get_groupmsg_list_v2",
        data={"chat_type": "single", "start_time": now - 600, "end_time": now + 60, "filter_type": 0},
    )
    assert msgid in {m["msgid"] for m in listed["group_msg_list"]}
    assert all("creator" not in m for m in listed["group_msg_list"])  # made by the API
    over_a_month = {"chat_type": "single", "start_time": now - 40 * 86400, "end_time": now}
    assert _errcode(lambda: client.post("externalcontact/get_groupmsg_list_v2", data=over_a_month)) == 40058
    for _ in range(3):
        assert client.post("externalcontact/remind_groupmsg_send", data={"msgid": msgid})["errcode"] == 0
    assert (
        _errcode(lambda: client.post("externalcontact/remind_groupmsg_send", data={"msgid": msgid})) == 45009
    )
