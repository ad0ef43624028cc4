"""WeCom counts welcome titles and descriptions in bytes of UTF-8 (doc 92137: link title 128 bytes, desc
512 bytes, mini-program title 64 bytes), not characters: a Chinese title is cut at a character boundary
to fit, and the emulator refuses what WeCom would."""

from __future__ import annotations

import time

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Material, WelcomeSend
from sidebar.wecom import limits
from tests.acquisition.test_welcome import a_code_with_a_welcome, scan, welcomes

LONG_TITLE = "秋冬修护精华使用指南与肌肤屏障保养全攻略" * 3  # 60 characters, 180 bytes
LONG_DESC = "温和修护，" * 40  # 200 characters (the column holds 255), 600 bytes


def test_clipping_counts_bytes_and_never_splits_a_character():
    clipped = limits.clip_bytes(LONG_TITLE, limits.LINK_TITLE_BYTES)
    assert len(clipped.encode()) <= 128 and len(clipped) == 42  # 42 characters of 3 bytes
    assert LONG_TITLE.startswith(clipped)
    assert limits.clip_bytes("ab一", 4) == "ab"  # the third byte would split 一
    assert limits.clip_bytes("short", 128) == "short"


def test_a_welcome_link_with_a_long_chinese_title_is_cut_to_wecoms_bytes_and_sent(
    seeded, client, live_app, emulator
):
    with seeded.app_context():
        link = db.session.scalar(select(Material).where(Material.kind == "link"))
        link.title, link.description = LONG_TITLE, LONG_DESC
        db.session.commit()
    _code_id, config_id = a_code_with_a_welcome(seeded, client, coupon=False)
    ext = "wmBYTES000000000000000000000001"
    scan(emulator, config_id, ext)
    sent = [w for w in welcomes(emulator) if w["external_userid"] == ext]
    assert len(sent) == 1  # WeCom took it
    card = sent[0]["attachments"][0]["link"]
    assert len(card["title"].encode()) <= 128 and LONG_TITLE.startswith(card["title"])
    assert len(card["desc"].encode()) <= 512 and LONG_DESC.startswith(card["desc"])
    with seeded.app_context():
        assert (
            db.session.scalar(select(WelcomeSend.status).where(WelcomeSend.external_userid == ext)) == "sent"
        )


def test_the_emulator_refuses_a_link_title_over_128_bytes_through_wechatpy(emulator):
    from wechatpy.exceptions import WeChatClientException

    client = emulator.wechatpy_client()
    with emulator.state.lock:
        for code in ("codeA", "codeB"):
            emulator.state.welcome_codes[code] = {
                "userid": "chenjing", "external_userid": "wmX", "at": time.time(), "used": False,
            }  # fmt: skip
    forty_three = "一" * 43  # 43 characters are 129 bytes
    try:
        client.external_contact.send_welcome_msg(
            {
                "welcome_code": "codeA",
                "attachments": [{"msgtype": "link", "link": {"title": forty_three, "url": "https://a.cn"}}],
            }
        )
    except WeChatClientException as exc:
        assert exc.errcode == 40058
    else:
        raise AssertionError("a 129-byte title must be refused")
    ok = client.external_contact.send_welcome_msg(
        {
            "welcome_code": "codeB",
            "attachments": [{"msgtype": "link", "link": {"title": forty_three[:42], "url": "https://a.cn"}}],
        }
    )
    assert ok["errcode"] == 0
