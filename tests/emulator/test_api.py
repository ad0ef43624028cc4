"""Emulator endpoints the features build on, through our real client: corp tags, media, messages."""

from __future__ import annotations

import io

import pytest

from sidebar import demo
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom


def test_corp_tags_can_be_added_renamed_and_deleted(ctx, emulator):
    contact = wecom().external_contact
    added = contact.add_corp_tag(
        group_id=None, group_name="节日", order=0, tags=[{"name": "七夕"}, {"name": "双十一"}]
    )
    tags = added["tag_group"]["tag"]
    assert [t["name"] for t in tags] == ["七夕", "双十一"]
    contact.edit_corp_tag(tags[0]["id"], name="情人节")
    listed = {t["id"]: t["name"] for g in contact.get_corp_tag_list()["tag_group"] for t in g["tag"]}
    assert listed[tags[0]["id"]] == "情人节"
    contact.del_corp_tag(tag_id=[tags[1]["id"]])  # WeCom takes a list, whatever wechatpy's hint says
    listed = {t["id"] for g in contact.get_corp_tag_list()["tag_group"] for t in g["tag"]}
    assert tags[1]["id"] not in listed and tags[0]["id"] in listed


def test_a_tag_name_counts_30_characters_not_bytes(ctx, emulator):
    """Doc 92117: a tag name is at most 30 characters. Thirty Chinese characters (90 bytes) are taken."""
    made = wecom().external_contact.add_corp_tag(
        group_id=None, group_name="测试", order=0, tags=[{"name": "一" * 30}]
    )
    assert made["tag_group"]["tag"][0]["name"] == "一" * 30
    with pytest.raises(WeComError) as caught:
        wecom().external_contact.add_corp_tag(
            group_id=None, group_name="测试", order=0, tags=[{"name": "二" * 31}]
        )
    assert caught.value.errcode == 40071


def test_mark_tag_needs_a_follow_and_known_tags(ctx, emulator):
    from sidebar import demo

    person = demo.customer(0)
    with pytest.raises(WeComError) as not_following:
        wecom().external_contact.mark_tag(
            "huangli", person.external_userid, add_tag=[demo.tag_id("兴趣", "香水")]
        )
    assert not_following.value.errcode == 84061
    with pytest.raises(WeComError) as unknown_tag:
        wecom().external_contact.mark_tag(
            person.follows[0].userid, person.external_userid, add_tag=["etNOSUCH"]
        )
    assert unknown_tag.value.errcode == 40068


def test_media_upload_gives_a_media_id_and_enforces_the_size_limit(ctx, emulator):
    uploaded = wecom().media.upload("image", ("sample.png", io.BytesIO(b"\x89PNG\r\n" + b"0" * 1000)))
    assert uploaded["type"] == "image" and uploaded["media_id"] in emulator.state.media
    with pytest.raises(WeComError) as too_big:
        wecom().media.upload("image", ("big.png", io.BytesIO(b"0" * (10 * 2**20 + 1))))
    assert too_big.value.errcode == 40006


def test_app_messages_reach_members(ctx, emulator):
    result = wecom().message.send_text(1000002, "chenjing|nobody", "今天有 3 个 SOP 任务待完成")
    assert result["invaliduser"] == "nobody"
    assert emulator.state.messages[-1]["text"]["content"] == "今天有 3 个 SOP 任务待完成"


def test_the_event_command_delivers_a_callback(seeded, live_app, emulator):
    """`python -m emulator event ...` against a running emulator (here, the test's)."""
    import subprocess
    import sys

    from sidebar import demo

    person = demo.customer(3)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "emulator",
            "event",
            "del_follow_user",
            "--userid",
            person.follows[0].userid,
            "--external-userid",
            person.external_userid,
            "--emulator",
            emulator.url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"delivered": true' in run.stdout


def test_customers_can_be_transferred_and_the_result_read(ctx, emulator):
    from sidebar import demo

    person = demo.customer(1)
    handover = person.follows[0].userid
    takeover = "chenjing" if handover != "chenjing" else "wangfang"
    client = wecom()
    moved = client.transfer_customers(
        handover, takeover, [person.external_userid, "wmNOTTHEIRS"], resigned=False
    )
    assert [c["errcode"] for c in moved["customer"]] == [0, 40096]
    assert takeover in {f["userid"] for f in emulator.state.contact(person.external_userid)["follow_user"]}
    result = client.transfer_result(handover, takeover, resigned=False)
    assert result["customer"][0]["status"] == 1
    with pytest.raises(ValueError):
        client.transfer_customers(handover, takeover, ["x"] * 101, resigned=True)


def test_a_member_who_resigns_is_listed_as_left_and_their_customers_wait(ctx, emulator):
    import requests

    res = requests.post(emulator.url + "/_emulator/members/wangfang/resign", timeout=5)
    assert res.status_code == 200 and res.json()["status"] == 5
    members = wecom().get("user/list", params={"department_id": 1, "fetch_child": 1})["userlist"]
    listed = {u["userid"]: u["status"] for u in members}
    assert (listed["wangfang"], listed["zhangwei"]) == (5, 1)  # 退出企业, as doc 90201 lists it
    waiting = wecom().post("externalcontact/get_unassigned_list", data={"page_size": 1000})["info"]
    assert waiting and {w["handover_userid"] for w in waiting} == {
        "wangfang",
        demo.LEAVER,
    }  # and who left before
    assert requests.post(emulator.url + "/_emulator/members/nobody/resign", timeout=5).status_code == 404


def test_an_event_with_a_contact_but_no_id_and_other_nonsense_is_a_400_never_a_500(emulator):
    import requests

    for bad in (
        ["a list"],
        {"change_type": "add_external_contact", "userid": "wangfang", "contact": {"name": "没有编号"}},
        {"change_type": "add_external_contact", "userid": "wangfang", "contact": "x"},
        {"change_type": "add_external_contact", "userid": "nobody"},
        {"change_type": "nonsense"},
    ):
        res = requests.post(emulator.url + "/_emulator/events", json=bad, timeout=30)
        assert res.status_code == 400, bad
    # Without a contact at all it is a new customer, whom WeCom names.
    res = requests.post(
        emulator.url + "/_emulator/events",
        json={"change_type": "add_external_contact", "userid": "wangfang", "name": "新客",
              "url": "http://127.0.0.1:9/nowhere", "timeout": 0.2, "retry_delay": 0},
        timeout=30,
    )  # fmt: skip
    assert res.status_code == 200 and res.json()["fields"]["ExternalUserID"].startswith("wm")


def test_oauth_state_takes_only_the_characters_wecom_documents(emulator):
    """构造网页授权链接 (doc 96441): state is a-zA-Z0-9, at most 128 bytes."""
    import requests

    base = {"appid": emulator.state.settings["WECOM_CORP_ID"], "redirect_uri": "http://127.0.0.1:9/cb",
            "response_type": "code", "scope": "snsapi_base", "agentid": "1000002", "as": "chenjing"}  # fmt: skip
    url = emulator.url + "/connect/oauth2/authorize"
    for bad in ("a-b_c", "x" * 129, "中文"):
        assert (
            requests.get(url, params={**base, "state": bad}, allow_redirects=False, timeout=5).status_code
            == 400
        )
    ok = requests.get(url, params={**base, "state": "a1B2" * 32}, allow_redirects=False, timeout=5)
    assert ok.status_code == 302 and "state=" + "a1B2" * 32 in ok.headers["Location"]
