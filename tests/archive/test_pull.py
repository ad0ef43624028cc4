"""Pulling the chat archive from the emulator over HTTP (real RSA on the random keys): every message once,
in seq order, with who it is between; a recall and a refusal change what they name; a wrong Secret or a
missing key version stops the pull at the last good seq, in words, and it resumes when fixed."""

from __future__ import annotations

import json
from datetime import timedelta

import requests
from sqlalchemy import func, select

from sidebar import demo
from sidebar.archive import consent, pull, read, retention
from sidebar.archive import media as media_files
from sidebar.core import slots
from sidebar.core.files import files
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    ArchiveConsent,
    ArchiveCursor,
    ArchiveMessage,
    SensitiveHit,
    SensitiveRule,
    utcnow,
)
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import customer_of


def say(emulator, side: str, message: dict, *, userid: str = "chenjing", ext: str) -> dict:
    res = requests.post(
        emulator.url + "/_emulator/archive/say",
        json={"userid": userid, "external_userid": ext, "side": side, "message": message},
        timeout=5,
    )
    res.raise_for_status()
    return res.json()


def text(words: str) -> dict:
    return {"msgtype": "text", "text": {"content": words}}


def _rows() -> list[ArchiveMessage]:
    return list(db.session.scalars(select(ArchiveMessage).order_by(ArchiveMessage.seq)))


def test_every_message_is_stored_once_in_order_with_its_parties(seeded, emulator):
    ext = customer_of("chenjing").external_userid
    say(emulator, "customer", text("请问敏感肌能用这款精华吗？"), ext=ext)
    say(emulator, "member", text("可以的，先在耳后试用两天～"), ext=ext)
    say(emulator, "member", {"msgtype": "image", "image": {"mediaid": "m1"}}, ext=ext)
    say(
        emulator,
        "member",
        {"msgtype": "news", "news": {"title": "敏感肌护理指南", "link": "https://x.example/g"}},
        ext=ext,
    )
    say(
        emulator,
        "member",
        {"msgtype": "miniprogram", "miniprogram": {"title": "新品专区", "appid": "wx1"}},
        ext=ext,
    )
    sent = say(emulator, "member", text("发错了"), ext=ext)
    with seeded.app_context():
        done = pull.pull(now=utcnow())
        assert done.stored == 6 and done.error is None
        rows = _rows()
        assert [r.summary for r in rows] == [
            "请问敏感肌能用这款精华吗？",
            "可以的，先在耳后试用两天～",
            "[图片]",
            "[链接] 敏感肌护理指南",
            "[小程序] 新品专区",
            "发错了",
        ]
        assert all((r.staff_userid, r.customer_userid) == ("chenjing", ext) for r in rows)
        assert [r.from_customer for r in rows] == [True, False, False, False, False, False]
        assert rows[2].media_state == "stored" and rows[2].media_key  # fetched in the same run
        assert db.session.get(ArchiveCursor, 1).seq == 6

    # The member recalls a message; the customer refuses to be archived.
    requests.post(emulator.url + "/_emulator/archive/consent",
                  json={"userid": "chenjing", "external_userid": ext, "agree": False}, timeout=5)  # fmt: skip
    requests.post(emulator.url + "/_emulator/archive/recall", json={"msgid": sent["msgid"]}, timeout=5)
    with seeded.app_context():
        assert pull.pull(now=utcnow()).stored == 2
        assert db.session.get(ArchiveConsent, ext).agreed is False
        recalled = db.session.scalar(select(ArchiveMessage).where(ArchiveMessage.msgid == sent["msgid"]))
        assert recalled.recalled

        # A run cut short after storing and before moving the seq: read again, nothing doubled.
        db.session.get(ArchiveCursor, 1).seq = 0
        db.session.commit()
        again = pull.pull(now=utcnow())
        assert again.stored == 0 and again.error is None
        assert db.session.scalar(select(func.count()).select_from(ArchiveMessage)) == 8
        assert db.session.get(ArchiveCursor, 1).seq == 8


def test_a_wrong_secret_or_a_missing_key_stops_the_pull_in_words_until_fixed(seeded, emulator):
    ext = customer_of("chenjing").external_userid
    for n in range(3):
        say(emulator, "customer", text(f"第 {n} 条"), ext=ext)
    with seeded.app_context():
        right_secret, right_keys = (
            seeded.config["WECOM_ARCHIVE_SECRET"],
            seeded.config["WECOM_ARCHIVE_PRIVATE_KEYS"],
        )
        seeded.config["WECOM_ARCHIVE_SECRET"] = seeded.config["WECOM_SECRET"]  # the app's, not the archive's
        stopped = pull.pull(now=utcnow())
        at = db.session.get(ArchiveCursor, 1)
        assert stopped.stored == 0 and at.error_code == 48002 and at.seq == 0

        seeded.config["WECOM_ARCHIVE_SECRET"] = right_secret
        seeded.config["WECOM_ARCHIVE_PRIVATE_KEYS"] = {7: right_keys[1]}  # the key, under the wrong version
        stopped = pull.pull(now=utcnow())
        at = db.session.get(ArchiveCursor, 1)
        assert "WECOM_ARCHIVE_PRIVATE_KEY_1" in at.error and at.seq == 0 and not _rows()

        seeded.config["WECOM_ARCHIVE_PRIVATE_KEYS"] = right_keys
        resumed = pull.pull(now=utcnow())
        at = db.session.get(ArchiveCursor, 1)
        assert resumed.stored == 3 and at.error is None and at.seq == 3
        assert [json.loads(r.content)["content"] for r in _rows()] == ["第 0 条", "第 1 条", "第 2 条"]


def test_media_are_fetched_whole_into_the_file_store_and_too_large_ones_are_said(seeded, emulator):
    ext = customer_of("chenjing").external_userid
    say(emulator, "member", {"msgtype": "image", "image": {"mediaid": "m1"}}, ext=ext)
    say(emulator, "member", {"msgtype": "video", "video": {"mediaid": "m2"}}, ext=ext)
    with seeded.app_context():
        seeded.config["ARCHIVE_MEDIA_MAX_MB"] = 32 / 2**20  # 32 bytes: the emulator's files are 64
        first = pull.pull(now=utcnow())
        assert first.media.too_large == 2 and {r.media_state for r in _rows()} == {"too_large"}
        db.session.commit()
    admin = seeded.test_client()
    qr_sign_in(admin, "zhangwei")
    said = admin.get("/admin/archive").get_data(as_text=True)
    assert 'data-testid="archive-media-problems"' in said and "2 个文件超过" in said
    with seeded.app_context():
        for row in _rows():
            row.media_state = "pending"
        db.session.commit()
        seeded.config["ARCHIVE_MEDIA_MAX_MB"] = 20.0
        again = pull.pull(now=utcnow())
        assert again.media.stored == 2
        for row in _rows():
            assert row.media_state == "stored"
            assert len(b"".join(files().chunks(row.media_key))) == 64
        assert media_files.mime_of(_rows()[1]) == "video/mp4"


def test_messages_past_the_retention_period_go_with_their_files(seeded, emulator):
    ext = customer_of("chenjing").external_userid
    say(emulator, "member", {"msgtype": "image", "image": {"mediaid": "m1"}}, ext=ext)
    say(emulator, "customer", text("收到"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
        old, new = _rows()
        old.sent_at = utcnow() - timedelta(days=181)
        key = old.media_key
        db.session.commit()
        assert retention.delete_old(now=utcnow(), batch=1) == 1
        assert [r.summary for r in _rows()] == ["收到"]
        assert files().size(key) is None


def test_a_refusal_made_before_the_archive_is_asked_of_wecom(seeded, emulator):
    ours = customer_of("chenjing").external_userid
    say(emulator, "customer", text("你好"), ext=ours)
    with seeded.app_context():
        pull.pull(now=utcnow())
    # WeCom holds a refusal the pull has not carried (made before the archive was switched on: the
    # next pull would bring its message; until then, only check_single_agree knows).
    requests.post(emulator.url + "/_emulator/archive/consent",
                  json={"userid": "chenjing", "external_userid": ours, "agree": False}, timeout=5)  # fmt: skip
    with seeded.app_context():
        assert consent.check_unknown() == 1
        assert db.session.get(ArchiveConsent, ours).agreed is False
        assert consent.check_unknown() == 0  # asked once
        (call,) = emulator.calls("msgaudit/check_single_agree")
        assert call["json"]["info"] == [{"userid": "chenjing", "exteranalopenid": ours}]


def test_a_brands_first_minute_on_an_empty_database(app, emulator):
    """Nothing synced yet — no members, customers or tags here — and the archive job's run stores the
    messages with who they are between, raises a rule's hit, passes its other steps (consent, notices,
    unanswered customers), and the messages can be searched."""
    first = demo.customer(0)
    ext, userid = first.external_userid, first.serving[0].userid
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ArchiveMessage)) == 0
        db.session.add(SensitiveRule(name="投诉", kind="words", side="customer", words="投诉", active=True))
        db.session.commit()
    say(emulator, "customer", text("快递太慢了，我要投诉"), userid=userid, ext=ext)
    say(emulator, "member", text("抱歉，马上帮您催一下"), userid=userid, ext=ext)
    with app.app_context():
        job, _every = slots.PERIODIC["pull_archive"]
        assert job() == 2
        said = _rows()
        assert [(m.staff_userid, m.customer_userid, m.from_customer) for m in said] == [
            (userid, ext, True), (userid, ext, False)
        ]  # fmt: skip
        hit = db.session.scalar(select(SensitiveHit))
        assert (hit.staff_userid, hit.customer_userid, hit.matched) == (userid, ext, "投诉")
        admin = AdminAccount(username="first", password_hash="-")  # noqa: S106 (never saved)
        assert [m.summary for m in read.found(admin, "投诉").messages] == ["快递太慢了，我要投诉"]
