"""Coupons in a group chat (群券), through the sidebar and the claim page (WeChat OAuth as the emulator
answers it): the drop takes its quantity from the stock and the guide's day at once; members of the
group claim one each, once; nobody else can; what nobody claimed goes back to the stock."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import (
    Coupon,
    CouponTemplate,
    Customer,
    Follow,
    GroupChat,
    GroupChatMember,
    GroupCouponDrop,
    Staff,
    utcnow,
)
from sidebar.money import group_coupons
from sidebar.money.messages import Refused
from tests.money.helpers import in_threads, key
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_money import as_customer, form_of

VIP = demo.group_chats()[0]  # chenjing's group


def tab(client) -> str:
    res = client.get(f"/sidebar/groups/{VIP.chat_id}/coupons")
    assert res.status_code == 200, res.data
    return res.get_data(as_text=True)


def drop(client, quantity: int, html: str | None = None):
    fields = form_of(html or tab(client), "新客礼券")
    return client.post(
        f"/sidebar/groups/{VIP.chat_id}/coupons", data={**fields, "quantity": str(quantity)}
    ), fields


def claim(app, link: str, ext: str):
    """A member opens the card in WeChat and taps to claim; returns the page they end on."""
    visitor = app.test_client()
    page = as_customer(visitor, urlsplit(link).path, ext)
    if page.status_code == 302:  # claimed before: straight to her coupon
        page = visitor.get(page.headers["Location"])
    html = page.get_data(as_text=True)
    if 'data-testid="take-drop"' not in html:
        return page
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    res = visitor.post(urlsplit(link).path, data={"csrf_token": token})
    assert res.status_code == 303
    return visitor.get(res.headers["Location"])


def test_members_claim_one_each_until_the_drop_runs_out_and_the_rest_goes_back(seeded, client, app, emulator):
    sign_in(client, "chenjing")
    html = tab(client)
    assert "新客礼券" in html and "一次一位客户" in html  # a mini-program coupon names one customer
    with app.app_context():
        stock = db.session.scalar(select(CouponTemplate.stock_left).where(CouponTemplate.name == "新客礼券"))
    res, fields = drop(client, 2, html)
    assert res.status_code == 201, res.data
    card = res.get_json()["message"]
    assert (
        card["msgtype"] == "news"
        and "新客礼券" in card["news"]["title"]
        and "共 2 张" in card["news"]["desc"]
    )
    again, _ = drop(client, 2, html)  # the same tap again: the same drop, no more stock taken
    assert again.get_json()["id"] == res.get_json()["id"]
    assert (
        client.post(res.get_json()["sent_url"], headers={"X-CSRFToken": fields["csrf_token"]}).status_code
        == 200
    )
    with app.app_context():
        assert (
            db.session.scalar(select(CouponTemplate.stock_left).where(CouponTemplate.name == "新客礼券"))
            == stock - 2
        )

    first, second, third = (demo.customer(i).external_userid for i in VIP.customers[:3])
    link = card["news"]["link"]
    assert app.test_client().post(urlsplit(link).path).status_code == 400  # no CSRF token: refused
    page = claim(app, link, first)
    assert page.status_code == 200 and 'data-testid="claim-code"' in page.get_data(as_text=True)
    again_page = claim(app, link, first)  # opened again: her own coupon, not a second one
    assert 'data-testid="claim-code"' in again_page.get_data(as_text=True)
    assert 'data-testid="claim-code"' in claim(app, link, second).get_data(as_text=True)
    late = claim(app, link, third).get_data(as_text=True)
    assert "已被领完" in late and 'data-testid="claim-code"' not in late
    outsider = next(demo.customer(i).external_userid for i in range(200, 300) if i not in set(VIP.customers))
    assert "群成员" in claim(app, link, outsider).get_data(as_text=True)
    with app.app_context():
        claimed = db.session.scalars(select(Coupon).where(Coupon.drop_id == res.get_json()["id"])).all()
        assert len(claimed) == 2 and all(c.card_sent_at for c in claimed)
        row = db.session.get(GroupCouponDrop, res.get_json()["id"])
        assert row.claimed == 2
    row_html = tab(client).split('data-testid="group-drop"')[1]
    assert "已领 2 / 2 张" in row_html[: row_html.index("</div>")]

    # A second drop nobody claims: after a day its coupons go back to the stock, once.
    res2, _ = drop(client, 5)
    assert res2.status_code == 201
    with app.app_context():
        assert group_coupons.return_unclaimed(now=utcnow() + timedelta(hours=25)) == 5
        assert group_coupons.return_unclaimed(now=utcnow() + timedelta(hours=26)) == 0
        db.session.commit()
        assert (
            db.session.scalar(select(CouponTemplate.stock_left).where(CouponTemplate.name == "新客礼券"))
            == stock - 2
        )


def test_a_drop_counts_toward_the_guides_day_and_only_members_of_the_group_drop(
    seeded, client, app, emulator
):
    sign_in(client, "chenjing")
    with app.app_context():
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))
        quota = template.per_guide_daily
    too_many, _ = drop(client, quota + 1)
    assert too_many.status_code == 409 and too_many.get_json()["error"]["code"] == "guide_quota"
    assert drop(client, 0)[0].status_code == 409
    assert drop(client, quota)[0].status_code == 201
    html = tab(client)
    assert 'data-testid="drop-blocked"' in html and "今日额度已用完" in html
    # One by one is blocked too: the day's quota is spent.
    with app.app_context():
        ext = db.session.scalar(
            select(Customer.external_userid)
            .join(Follow, Follow.customer_id == Customer.id)
            .join(Staff, Staff.id == Follow.staff_id)
            .where(Staff.userid == "chenjing", Follow.deleted_at.is_(None))
            .where(~select(Coupon.id).where(Coupon.customer_id == Customer.id).exists())
            .limit(1)
        )
    one_by_one = client.get(f"/sidebar/customers/{ext}/coupons").get_data(as_text=True)
    block = one_by_one[one_by_one.index("新客礼券") :]
    assert "今日额度已用完" in block[: block.index("</li>")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GroupCouponDrop)) == 1
    # Someone not in the group cannot see its coupons or drop any.
    outsider = app.test_client()
    sign_in(outsider, "huangli")
    assert outsider.get(f"/sidebar/groups/{VIP.chat_id}/coupons").status_code == 404
    assert client.get("/claim/g/forged-token").status_code == 404


def test_concurrent_claims_never_pass_the_drops_quantity(seeded):
    """Twelve members claim at once from a drop of five, twice each: five coupons, one per claimer."""
    with seeded.app_context():
        group = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == VIP.chat_id))
        staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))
        template.per_customer_limit = 100
        members = db.session.scalars(
            select(Customer.id)
            .join(GroupChatMember, GroupChatMember.userid == Customer.external_userid)
            .where(GroupChatMember.group_id == group.id, GroupChatMember.left_at.is_(None))
            .order_by(Customer.id)
        ).all()
        assert len(members) >= 12
        drop_id = group_coupons.drop(staff, group, template.id, 5, key()).id
        db.session.commit()

    def one(i: int) -> str:
        row = db.session.get(GroupCouponDrop, drop_id)
        customer = db.session.get(Customer, members[i % 12])
        try:
            coupon = group_coupons.claim(row, customer)
            db.session.commit()
            return f"{customer.id}:{coupon.code}"
        except Refused as exc:
            db.session.rollback()
            return exc.code

    results = in_threads(seeded, 24, one)
    with seeded.app_context():
        made = db.session.scalars(select(Coupon).where(Coupon.drop_id == drop_id)).all()
        assert len(made) == 5 and len({c.customer_id for c in made}) == 5
        assert db.session.get(GroupCouponDrop, drop_id).claimed == 5
    codes = {r.split(":")[1] for r in results if ":" in r}
    assert codes == {c.code for c in made}  # a second claim by the same member returned her coupon
    assert set(results) - {r for r in results if ":" in r} <= {"drop_empty"}
