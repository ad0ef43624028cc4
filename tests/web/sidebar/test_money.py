"""The coupon and red-packet tabs, the customer's claim pages (through WeCom OAuth in WeChat, as the
emulator answers it) and the redemption API."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import ApiKey, Coupon, CouponTemplate, RedPacket
from sidebar.org import api_keys
from tests.sidebar_helpers import XSS, sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import csrf, customer_of


def coupon_tab(client, ext: str) -> str:
    return client.get(f"/sidebar/customers/{ext}/coupons").get_data(as_text=True)


def form_of(html: str, template_name: str) -> dict[str, str]:
    """The hidden fields of the issue button under a template's name."""
    block = html[html.index(template_name) :]
    block = block[: block.index("</form>")]
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', block))


def as_customer(client, url: str, ext: str):
    """Open a claim link as a customer in WeChat: our page -> WeCom OAuth (as=ext) -> back, and for a
    WeChat Pay voucher the brand's official account's OAuth too -> back."""
    res = client.get(url)
    assert res.status_code == 302, res.data
    while res.status_code == 302 and "/connect/oauth2/authorize" in res.headers["Location"]:
        authorize = res.headers["Location"].split("#")[0]
        assert "agentid" not in authorize  # WeChat sign-in, not a member's
        picked = requests.get(authorize, params={"as": ext}, allow_redirects=False, timeout=10)
        back = urlsplit(picked.headers["Location"])
        res = client.get(back.path + "?" + back.query)
        assert res.status_code == 302
        res = client.get(res.headers["Location"])
    return res


def test_issue_a_coupon_from_the_tab_then_the_customer_opens_it(seeded, client, app):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    html = coupon_tab(client, person.external_userid)
    assert "新客礼券" in html and "满300减50" in html
    fields = form_of(html, "新客礼券")
    res = client.post(f"/sidebar/customers/{person.external_userid}/coupons", data=fields)
    assert res.status_code == 201, res.data
    card = res.get_json()["message"]
    assert card["msgtype"] == "news" and "新客礼券" in card["news"]["title"]
    # The same tap again (a double tap, a retry): the same coupon.
    again = client.post(f"/sidebar/customers/{person.external_userid}/coupons", data=fields)
    assert again.get_json()["code"] == res.get_json()["code"]
    assert (
        client.post(res.get_json()["sent_url"], headers={"X-CSRFToken": fields["csrf_token"]}).status_code
        == 200
    )
    html = coupon_tab(client, person.external_userid)
    assert "已有" in html  # per-customer limit 1: no second button (the interface is in Chinese by default)
    assert res.get_json()["code"] in html

    # The customer opens the link: no sign-in needed for a coupon; the code is there.
    page = client.get(urlsplit(card["news"]["link"]).path)
    assert page.status_code == 200 and res.get_json()["code"] in page.get_data(as_text=True)
    assert client.get("/claim/c/forged-token").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Coupon.claimed_at)) is not None


def test_only_a_follower_issues_and_a_manager_sees_it_read_only(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "lina")  # chenjing's manager: can see the customer, is not in the chat
    html = coupon_tab(client, person.external_userid)
    assert 'data-testid="issue-coupon"' not in html
    token = csrf(client, f"/sidebar/customers/{person.external_userid}/coupons")
    res = client.post(
        f"/sidebar/customers/{person.external_userid}/coupons",
        data={"csrf_token": token, "template_id": "1", "key": "k" * 16},
    )
    assert res.status_code == 403


def test_coupon_issue_needs_the_csrf_token(seeded, client, app):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    res = client.post(
        f"/sidebar/customers/{person.external_userid}/coupons", data={"template_id": "1", "key": "k" * 16}
    )
    assert res.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Coupon)) == 0


def test_red_packet_confirm_send_and_claim_through_wechat_oauth(seeded, client, app, emulator):
    person = customer_of("chenjing")
    ext = person.external_userid
    sign_in(client, "chenjing")
    page = client.get(f"/sidebar/customers/{ext}/red-packet").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    bad = client.post(
        f"/sidebar/customers/{ext}/red-packet/confirm", data={"csrf_token": token, "amount": "abc"}
    )
    assert bad.status_code == 422
    big = client.post(
        f"/sidebar/customers/{ext}/red-packet/confirm", data={"csrf_token": token, "amount": "30"}
    )
    assert big.status_code == 422  # above 20 yuan: a reason or an order is needed
    confirm = client.post(
        f"/sidebar/customers/{ext}/red-packet/confirm",
        data={"csrf_token": token, "amount": "8.88", "wishing": XSS},
    )
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "8.88" in html and XSS not in html
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', html[html.index("packet-confirm") :]))
    fields["wishing"] = XSS  # the hidden field carries it escaped; the browser sends it back as typed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RedPacket)) == 0  # nothing reserved yet
    sent = client.post(f"/sidebar/customers/{ext}/red-packets", data=fields)
    assert sent.status_code == 201, sent.data
    twice = client.post(f"/sidebar/customers/{ext}/red-packets", data=fields)
    assert twice.get_json()["id"] == sent.get_json()["id"]
    card = sent.get_json()["message"]["news"]
    assert card["title"].endswith("给你发了一个红包") and card["desc"] == XSS

    # The customer opens it in WeChat: OAuth gives their openid, the payout goes there, once.
    visitor = app.test_client()
    path = urlsplit(card["link"]).path
    opened = as_customer(visitor, path, ext)
    html = opened.get_data(as_text=True)
    assert 'data-status="issued"' in html and XSS not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    for _ in range(2):
        res = visitor.post(path, data={"csrf_token": token})
        assert res.status_code == 303
    assert 'data-status="paid"' in visitor.get(path).get_data(as_text=True)
    payouts = emulator.pay()["payouts"]
    assert len(payouts) == 1 and payouts[0]["re_openid"] == emulator.state.openid(ext)
    assert payouts[0]["total_amount"] == 888


def test_someone_else_cannot_open_the_packet(seeded, client, app, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    page = client.get(f"/sidebar/customers/{person.external_userid}/red-packet").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = client.post(
        f"/sidebar/customers/{person.external_userid}/red-packets",
        data={"csrf_token": token, "amount": "5", "key": "x" * 20},
    )
    path = urlsplit(sent.get_json()["message"]["news"]["link"]).path
    other = customer_of("huangli")
    visitor = app.test_client()
    html = as_customer(visitor, path, other.external_userid).get_data(as_text=True)
    assert 'data-testid="open-packet"' not in html
    assert "这个红包是发给别人的" in html

    # Even a forged tap (a valid CSRF token from a packet of their own) does not open it.
    guide = app.test_client()
    sign_in(guide, "huangli")
    own = guide.post(
        f"/sidebar/customers/{other.external_userid}/red-packets",
        data={"csrf_token": csrf(guide, "/sidebar/"), "amount": "5", "key": "y" * 20},
    )
    own_page = visitor.get(urlsplit(own.get_json()["message"]["news"]["link"]).path).get_data(as_text=True)
    visitor_token = re.search(r'name="csrf_token" value="([^"]+)"', own_page).group(1)
    assert visitor.post(path, data={"csrf_token": visitor_token}).status_code == 303
    assert 'data-status="issued"' in visitor.get(path).get_data(as_text=True)
    assert emulator.pay()["payouts"] == []


# -- redemption API --------------------------------------------------------------------------------


def issued_code(app) -> str:
    from sidebar.models import Customer, Staff
    from sidebar.money import coupons

    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        person = customer_of("chenjing")
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))
        code = coupons.issue(staff, customer, template.id, "tap-" + "1" * 12).code
        db.session.commit()
        return code


def test_redeem_api_is_idempotent_and_needs_a_key(seeded, client, app):
    code = issued_code(app)
    with app.app_context():
        key = api_keys.create("POS 上海店")
        db.session.commit()
    url = f"/api/v1/coupons/{code}/redeem"
    body = {"order_no": "POS-20261124-1", "amount": "399.00"}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {key}"}
    first = client.post(url, json=body, headers=auth)
    assert first.status_code == 200 and first.get_json()["status"] == "redeemed"
    again = client.post(url, json=body, headers=auth)
    assert again.status_code == 200 and again.get_json()["repeated"] is True
    other = client.post(url, json={**body, "order_no": "POS-2"}, headers=auth)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "already_redeemed"
    foreign = client.post("/api/v1/coupons/ZZZZ9999ZZZZ/redeem", json=body, headers=auth)
    assert foreign.status_code == 404 and foreign.get_json()["error"]["code"] == "unknown_code"
    bad = client.post(url, json={"order_no": "x", "amount": "lots"}, headers=auth)
    assert bad.status_code == 422
    with app.app_context():
        coupon = db.session.scalar(select(Coupon).where(Coupon.code == code))
        assert coupon.redeem_order_no == "POS-20261124-1" and coupon.redeem_amount == 39900
        assert coupon.redeemed_by == "POS 上海店"
        # A revoked key stops working.
        api_keys.revoke(db.session.scalar(select(ApiKey)))
        db.session.commit()
    assert client.post(url, json=body, headers=auth).status_code == 401


# -- WeChat Pay vouchers: the second provider ------------------------------------------------------


def test_a_wechat_pay_voucher_reaches_the_customers_wallet_once(seeded, client, app, emulator):
    with app.app_context():
        db.session.add(
            CouponTemplate(
                name="微信支付立减金",
                kind="wxpay",
                wxpay_stock_id="9856000",
                value=1000,
                valid_days=7,
                total_stock=10,
                stock_left=10,
            )
        )
        db.session.commit()
    person = customer_of("chenjing")
    ext = person.external_userid
    sign_in(client, "chenjing")
    fields = form_of(coupon_tab(client, ext), "微信支付立减金")
    res = client.post(f"/sidebar/customers/{ext}/coupons", data=fields)
    assert res.status_code == 201
    path = urlsplit(res.get_json()["message"]["news"]["link"]).path

    visitor = app.test_client()
    html = as_customer(visitor, path, ext).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert 'data-testid="take-voucher"' in html
    for _ in range(2):
        assert visitor.post(path, data={"csrf_token": token}).status_code == 303
    assert 'data-testid="voucher-taken"' in visitor.get(path).get_data(as_text=True)
    issued = requests.get(emulator.url + "/_emulator/vouchers", timeout=5).json()["vouchers"]
    # To the customer's openid under the official account bound to the merchant, not the corp's.
    assert len(issued) == 1 and issued[0]["openid"] != emulator.state.openid(ext)
    assert issued[0]["openid"] in emulator.state.official_account_openids
    with app.app_context():
        coupon = db.session.scalar(select(Coupon))
        assert coupon.provider_ref == issued[0]["coupon_id"]
        key = api_keys.create("POS")
        db.session.commit()
    # A voucher is used at WeChat Pay, never through our redemption API.
    refused = client.post(
        f"/api/v1/coupons/{coupon.code}/redeem",
        json={"order_no": "P1", "amount": "100"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert refused.status_code == 404


def test_wechat_pay_refuses_the_corp_id_or_a_wecom_openid_for_a_voucher(app, emulator):
    """WeChat Pay v3 vouchers: appid bound to the merchant (an official account, wx…) and an openid of that
    appid. The corp id and the corp's openids (WeCom OAuth, convert_to_openid) are refused."""
    from sidebar.wecom.vouchers import FAILED, VoucherClient

    cfg = app.config
    ext = "wmVOUCHER0000000000000000000001"

    def client(appid: str) -> VoucherClient:
        return VoucherClient(api_base=emulator.url, mch_id=cfg["PAY_MCH_ID"], appid=appid,
                             serial_no=cfg["PAY_V3_SERIAL_NO"], key_path=cfg["PAY_V3_KEY_PATH"])  # fmt: skip

    as_corp = client(cfg["WECOM_CORP_ID"]).issue(openid="o1", stock_id="9856000", out_request_no="v-0001")
    assert (as_corp.outcome, as_corp.code) == (FAILED, "PARAM_ERROR")
    wecom_openid = emulator.state.openid(ext)
    mismatched = client(cfg["PAY_V3_APPID"]).issue(
        openid=wecom_openid, stock_id="9856000", out_request_no="v-0002"
    )
    assert (mismatched.outcome, mismatched.code) == (FAILED, "PARAM_ERROR")
    right = client(cfg["PAY_V3_APPID"]).issue(
        openid=emulator.state.official_account_openid(ext), stock_id="9856000", out_request_no="v-0003"
    )
    assert right.coupon_id


def test_a_voucher_configuration_that_cannot_work_is_refused_at_start_in_words(tmp_path):
    import pytest

    from sidebar.config import ConfigError, load

    base = {
        "APP_ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite:///x.db",
        "WECOM_CORP_ID": "wwcorp", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s",
        "WECOM_CALLBACK_TOKEN": "t", "WECOM_CALLBACK_AES_KEY": "a" * 43, "REDIS_URL": "redis://127.0.0.1:1/0",
        "PUBLIC_URL": "https://beside.example.com",
        "PAY_V3_SERIAL_NO": "SERIAL", "PAY_V3_KEY_PATH": "/k.pem",
    }  # fmt: skip
    with pytest.raises(ConfigError, match="PAY_V3_APPID"):
        load({}, base, str(tmp_path))
    with pytest.raises(ConfigError, match="corp id"):
        load({}, {**base, "PAY_V3_APPID": "wwcorp", "PAY_V3_APP_SECRET": "x"}, str(tmp_path))
    with pytest.raises(ConfigError, match="PAY_V3_APP_SECRET"):
        load({}, {**base, "PAY_V3_APPID": "wx0123456789abcdef"}, str(tmp_path))
    assert load({}, {**base, "PAY_V3_APPID": "wx0123456789abcdef", "PAY_V3_APP_SECRET": "x"}, str(tmp_path))


def test_the_emulator_refuses_a_voucher_request_signed_with_another_key(app, emulator, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from sidebar.wecom.vouchers import FAILED, VoucherClient

    other = tmp_path / "other.pem"
    other.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cfg = app.config
    forged = VoucherClient(
        api_base=emulator.url,
        mch_id=cfg["PAY_MCH_ID"],
        appid=cfg["WECOM_CORP_ID"],
        serial_no="X",
        key_path=str(other),
    )
    result = forged.issue(openid="o123", stock_id="9856000", out_request_no="forged-0001")
    assert (result.outcome, result.code) == (FAILED, "SIGN_ERROR")


def send_packet(client, ext: str, token: str, amount: str = "8.88"):
    """A red packet through the sidebar's two steps (confirm, then send), as the guide's taps make it."""
    confirm = client.post(
        f"/sidebar/customers/{ext}/red-packet/confirm", data={"csrf_token": token, "amount": amount}
    ).get_data(as_text=True)
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', confirm[confirm.index("packet-confirm") :]))
    return client.post(f"/sidebar/customers/{ext}/red-packets", data=fields)


def test_the_red_packet_form_names_the_range_and_refuses_a_customers_cap_before_the_next_step(
    seeded, client, app
):
    """What stops a red packet is said at 下一步, not after 确认发送: the range head office allows (by
    its figures), and a customer who had today's two already sees it before typing anything."""
    person = customer_of("chenjing")
    ext = person.external_userid
    sign_in(client, "chenjing")
    page = client.get(f"/sidebar/customers/{ext}/red-packet").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert re.search(r'data-testid="packet-customer-today">0 / 2<', page)
    huge = client.post(
        f"/sidebar/customers/{ext}/red-packet/confirm", data={"csrf_token": token, "amount": "500"}
    )
    errors = re.findall(r'field__error">([^<]*)<', huge.get_data(as_text=True))
    assert huge.status_code == 422 and errors == [
        "总部允许每个红包 ¥1 至 ¥50。"
    ]  # one error: no reason asked
    for _ in range(2):
        assert send_packet(client, ext, token).status_code == 201
    page = client.get(f"/sidebar/customers/{ext}/red-packet").get_data(as_text=True)
    assert "该客户今日已收 2/2 个红包" in page and 'data-testid="packet-next"' not in page
    third = client.post(
        f"/sidebar/customers/{ext}/red-packet/confirm", data={"csrf_token": token, "amount": "8.88"}
    )
    assert third.status_code == 422 and "packet-confirm" not in third.get_data(as_text=True)


def test_red_packets_sent_to_a_customer_show_on_their_console_page_in_words(seeded, client, app):
    person = customer_of("chenjing")
    ext = person.external_userid
    sign_in(client, "chenjing")
    page = client.get(f"/sidebar/customers/{ext}/red-packet").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for _ in range(2):
        sent = send_packet(client, ext, token)
        client.post(sent.get_json()["sent_url"], headers={"X-CSRFToken": token})  # the card went to the chat
    admin = app.test_client()
    qr_sign_in(admin, "zhangwei")
    html = admin.get(f"/admin/customers/{ext}").get_data(as_text=True)
    assert html.count('data-testid="customer-audit-row"') >= 2 and "发出红包 ¥8.88" in html
    assert html.count('data-testid="send-row"') >= 2 and "红包" in html
    assert '"amount"' not in html and "red_packet.send" not in html  # words, not the stored JSON
