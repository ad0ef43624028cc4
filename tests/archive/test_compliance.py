"""Compliance over the archive: rules from the console, hits stored in the pull's own pass, the guide's
manager told in one app message, the alert listed with its context and marked handled; behaviours
recognised and ordinary talk left alone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from sidebar.archive import compliance, pull
from sidebar.extensions import db
from sidebar.models import SensitiveHit, SensitiveRule, Staff, utcnow
from tests.archive.test_pull import say, text
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import customer_of


def _luhn_number(prefix: str = "622202123456789") -> str:
    for last in "0123456789":
        candidate = prefix + last
        if compliance._luhn(candidate):
            return candidate
    raise AssertionError


@pytest.mark.parametrize(
    "behaviour, said, caught",
    [
        ("phone", "我的手机 13812345678，随时找我", "13812345678"),
        ("phone", "订单号 213812345678901", None),  # digits inside a longer number are not a phone
        ("wechat_id", "加我微信号：lanxu_guide88", "微信号：lanxu_guide88"),
        ("bank_card", f"转到这张卡 {_luhn_number()} 就行", _luhn_number()),
        ("bank_card", "会员卡号 6222021234567891", None),  # fails the Luhn check
        ("payment", "扫这个收款码付就好", "收款码"),
        ("personal_wechat", "以后加我个人微信吧", "加我个人微信"),
        ("complaint", "再这样我就投诉了", "投诉"),
        ("complaint", "这款适合敏感肌吗", None),
    ],
)
def test_behaviours_are_recognised_and_ordinary_talk_is_not(behaviour, said, caught):
    found = compliance.BEHAVIOURS[behaviour].find("text", said)
    assert found == caught


def test_a_hit_reaches_the_manager_and_is_handled_in_the_console(seeded, client, emulator):
    admin = seeded.test_client()
    qr_sign_in(admin, "zhangwei")
    token = csrf_token(admin, "/admin/archive/rules")
    for form in (
        {"name": "过敏反馈", "kind": "words", "side": "customer", "words": "过敏\n红肿"},
        {"name": "导购留手机号", "kind": "behaviour", "behaviour": "phone"},
        {"name": "客户投诉", "kind": "behaviour", "behaviour": "complaint"},
    ):
        assert admin.post("/admin/archive/rules", data={"csrf_token": token, **form}).status_code == 303
    bad = admin.post("/admin/archive/rules", data={"csrf_token": token, "name": "空的", "kind": "words"})
    assert bad.status_code == 422 and 'data-testid="error-words"' in bad.get_data(as_text=True)

    ext = customer_of("chenjing").external_userid
    say(emulator, "customer", text("用了以后脸上过敏了"), ext=ext)
    say(
        emulator, "member", text("过敏的话先停用，我的手机 13812345678"), ext=ext
    )  # the guide's side: words rule not
    say(emulator, "customer", text("我要投诉"), ext=ext)
    say(emulator, "member", text("好的，马上帮您处理"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
        hits = db.session.scalars(select(SensitiveHit).order_by(SensitiveHit.id)).all()
        assert [h.matched for h in hits] == ["过敏", "13812345678", "投诉"]
        told = compliance.notify(now=utcnow(), agent_id="1000002")
        assert told["hits"] == 3 and compliance.notify(now=utcnow(), agent_id="1000002")["messages"] == 0
        db.session.commit()
    sent = [c["json"] for c in emulator.calls("message/send")]
    to_lina = [m for m in sent if m["touser"] == "lina"]
    assert len(to_lina) == 1 and "3 条" in to_lina[0]["text"]["content"]  # one message for all three
    assert not [m for m in sent if m["touser"] == "zhaomin"]  # another region's manager

    qr_sign_in(client, "lina")
    page = client.get("/admin/archive/alerts").get_data(as_text=True)
    assert page.count('data-testid="alert"') == 3 and "马上帮您处理" in page  # with what came after
    first = re.search(r"/admin/archive/alerts/(\d+)/handle", page).group(1)
    token = csrf_token(client, "/admin/archive/alerts")
    assert client.post(f"/admin/archive/alerts/{first}/handle", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/archive/alerts").get_data(as_text=True).count('data-testid="alert"') == 2
    assert 'data-testid="alert"' in client.get("/admin/archive/alerts?state=handled").get_data(as_text=True)
    assert client.post("/admin/archive/rules", data={"csrf_token": token, "name": "x"}).status_code == 403
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(SensitiveRule)) == 3
        chenjing = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
    week = client.get(f"/admin/guides/{chenjing}").get_data(as_text=True)
    assert "近 7 天合规提醒：3" in week  # the guide's figures, for her manager


def test_a_payment_link_off_the_brands_hosts_is_caught(app):
    app.config.update(PUBLIC_URL="https://beside.example.com", BRAND_DOMAINS="lanxu.com")
    with app.app_context():
        found = compliance.foreign_payment_link
        assert found({"link_url": "https://pay.someone-else.cn/qr?id=1", "title": "付款"})
        assert found({"link_url": "https://mall.lanxu.com/pay/123", "title": "付款"}) is None  # the brand's
        assert found({"link_url": "https://beside.example.com/claim/p/x", "title": "红包"}) is None
        assert found({"link_url": "https://news.example.org/a", "title": "护肤文章"}) is None  # not payment
