"""The sidebar's server side: sign-in, who may see which customer, and every edit a guide makes."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import delete, event, func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import (
    COUNTED_STATUSES,
    ChannelCode,
    Customer,
    CustomerTag,
    Follow,
    Note,
    Order,
    OrderItem,
    Staff,
    Tag,
)
from sidebar.signals import recommend
from tests.sidebar_helpers import make_hostile, sign_in


def customer_of(userid: str, *, not_followed_by: str | None = None) -> demo.DemoCustomer:
    """A demo customer whose first follower is ``userid`` (and whom ``not_followed_by`` does not follow)."""
    for i in range(demo.DEFAULT_CUSTOMERS):
        c = demo.customer(i)
        followers = {f.userid for f in c.follows}
        if c.follows[0].userid == userid and (not_followed_by is None or not_followed_by not in followers):
            return c
    raise AssertionError("no such demo customer")


def csrf(client, path: str) -> str:
    """The CSRF token the page at ``path`` carries (what htmx sends as X-CSRFToken)."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def hx(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRFToken": token}


# -- signing in ------------------------------------------------------------------------------------


def test_oauth_signs_a_member_in_and_returns_to_where_they_were_going(seeded, client):
    res = sign_in(client, "chenjing", "/sidebar/?from=test")
    assert res.status_code == 302 and res.headers["Location"] == "/sidebar/?from=test"
    page = client.get("/sidebar/")
    assert page.status_code == 200 and "陈静" in page.get_data(as_text=True)
    cookie = next(c for c in res.headers.getlist("Set-Cookie") if c.startswith("beside_session="))
    assert "HttpOnly" in cookie


def test_a_resigned_member_cannot_sign_in(seeded, client):
    res = sign_in(client, "sunhao")
    assert res.status_code == 403
    assert "离职" in res.get_data(as_text=True)
    assert client.get("/sidebar/").status_code == 302  # still not signed in


def test_a_member_unknown_to_beside_is_refused_with_a_clear_page(seeded, client, emulator):
    emulator.state.users["newbie"] = {"userid": "newbie", "name": "新同事", "department": [2], "status": 1}
    res = sign_in(client, "newbie")
    assert res.status_code == 403 and "尚未开通" in res.get_data(as_text=True)


def test_a_member_who_resigns_loses_their_session(seeded, client):
    sign_in(client, "chenjing")
    with seeded.app_context():
        db.session.scalar(select(Staff).where(Staff.userid == "chenjing")).status = "resigned"
        db.session.commit()
    assert client.get("/sidebar/").status_code == 302


def test_a_forged_oauth_state_is_refused(seeded, client):
    client.get("/auth/login")
    res = client.get("/auth/callback", query_string={"code": "x", "state": "forged"})
    assert res.status_code == 400


def test_login_never_redirects_off_site(seeded, client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        res = client.get("/auth/login", query_string={"next": target})
        with client.session_transaction() as session:
            assert session["oauth_next"] == "/sidebar/"
        assert res.status_code == 302


def test_an_expired_session_on_an_htmx_request_answers_hx_redirect(seeded, client):
    ext = customer_of("chenjing").external_userid
    res = client.get(f"/sidebar/customers/{ext}/tags", headers={"HX-Request": "true"})
    assert res.status_code == 200
    assert res.headers["HX-Redirect"].startswith("/auth/login?next=")
    assert res.get_data() == b""


# -- who may see whom ------------------------------------------------------------------------------


def test_a_forged_external_userid_never_shows_data(seeded, client, emulator):
    sign_in(client, "chenjing")
    for forged in ("wmFORGED000000000000000000000000", "wm' OR 1=1 --", "../../etc/passwd", "x" * 200):
        res = client.get(f"/sidebar/customers/{forged}")
        assert res.status_code == 404
    # Only the well-formed id reached WeCom (84061), and no customer was created for it.
    assert [c["errcode"] for c in emulator.calls("externalcontact/get")] == [84061]
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == demo.DEFAULT_CUSTOMERS


def test_a_customer_added_moments_ago_opens_before_the_callback_is_processed(seeded, client, emulator):
    ext = "wmJUSTADDED000000000000000000001"
    emulator.state.add_contact(
        "chenjing", {"external_userid": ext, "name": "刚加的客户", "type": 1, "gender": 2}
    )
    sign_in(client, "chenjing")
    res = client.get(f"/sidebar/customers/{ext}")
    assert res.status_code == 200 and "刚加的客户" in res.get_data(as_text=True)
    with seeded.app_context():
        follow = db.session.scalar(select(Follow).join(Customer).where(Customer.external_userid == ext))
        assert follow.staff.userid == "chenjing" and follow.deleted_at is None


def test_a_follow_the_customer_ended_closes_the_profile(seeded, client, live_app, emulator):
    mine = customer_of("chenjing")
    sign_in(client, "chenjing")
    assert client.get(f"/sidebar/customers/{mine.external_userid}").status_code == 200
    emulator.send_event(
        change_type="del_follow_user", userid="chenjing", external_userid=mine.external_userid
    )
    assert client.get(f"/sidebar/customers/{mine.external_userid}").status_code == 404


def test_a_manager_sees_their_team_and_not_the_other(seeded, client):
    sign_in(client, "lina")  # 华东 manager
    assert client.get(f"/sidebar/customers/{customer_of('chenjing').external_userid}").status_code == 200
    assert client.get(f"/sidebar/customers/{customer_of('liuyang').external_userid}").status_code == 200
    assert (
        client.get(
            f"/sidebar/customers/{customer_of('huangli', not_followed_by='lina').external_userid}"
        ).status_code
        == 404
    )


def test_an_admin_sees_everyone(seeded, client):
    sign_in(client, "zhangwei")
    for guide in ("chenjing", "huangli"):
        assert client.get(f"/sidebar/customers/{customer_of(guide).external_userid}").status_code == 200


# -- the profile -----------------------------------------------------------------------------------


def test_the_profile_shows_the_customer(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    html = client.get(f"/sidebar/customers/{person.external_userid}").get_data(as_text=True)
    assert person.name in html
    assert {"dry": "干性", "oily": "油性", "combination": "混合性", "normal": "中性", "sensitive": "敏感性"}[
        person.skin_type
    ] in html
    # The orders come with the page, and again from their own fragment (swapped after a change).
    orders = client.get(f"/sidebar/customers/{person.external_userid}/orders", headers={"HX-Request": "true"})
    for order in person.orders[:10]:
        assert order.order_no in html and order.order_no in orders.get_data(as_text=True)
    # The computed favourite: the category most was spent on in the orders that count (ties by name).
    spent: Counter[str] = Counter()
    for order in person.orders:
        if order.status in COUNTED_STATUSES:
            for _, _, category, quantity, price in order.items:
                spent[category] += quantity * price
    favourite = min(spent, key=lambda c: (-spent[c], c)) if spent else "—"
    assert f'data-testid="favourite-category">{favourite}<' in orders.get_data(as_text=True)
    with seeded.app_context():
        tags = db.session.scalars(select(Tag.name).where(Tag.wecom_tag_id.in_(person.tag_ids))).all()
    for name in tags:
        assert name in html


def test_editing_the_profile_saves_and_bad_input_answers_422_and_changes_nothing(seeded, client):
    person = customer_of("chenjing")
    path = f"/sidebar/customers/{person.external_userid}/profile"
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    bad = client.post(path, data={"skin_type": "scaly", "points": "-5", "city": "x" * 40}, headers=hx(token))
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert html.count('class="field__error"') == 3
    assert 'value="' + "x" * 40 + '"' in html  # what was typed comes back
    with seeded.app_context():
        unchanged = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        assert unchanged.skin_type == person.skin_type and unchanged.points == person.points
    good = client.post(
        path,
        data={
            "skin_type": "sensitive",
            "skin_concerns": ["泛红", "敏感刺痛"],
            "age_range": "25-29",
            "city": "苏州",
            "birthday": "1995-03-08",
            "member_level": "金卡",
            "points": "1200",
        },
        headers=hx(token),
    )
    assert good.status_code == 200 and "敏感性" in good.get_data(as_text=True)
    assert "saved" in good.headers["HX-Trigger"]
    with seeded.app_context():
        c = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        assert (c.skin_type, c.skin_concerns, c.city, str(c.birthday), c.member_level, c.points) == (
            "sensitive",
            "泛红,敏感刺痛",
            "苏州",
            "1995-03-08",
            "金卡",
            1200,
        )


def test_a_phone_the_guide_enters_is_shown_known_by_oneid_and_matches_a_waiting_order(seeded, app, client):
    from sidebar.data import oneid
    from tests.data.test_orders_api import make_key, order

    person = customer_of("chenjing")
    path = f"/sidebar/customers/{person.external_userid}/profile"
    key = make_key(app, "orders:write")
    client.post(
        "/api/v1/orders",
        json=order("DY-WAIT", platform="douyin", buyer={"phone": "13766667777"}),
        headers=key,
    )
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    bad = client.post(path, data={"phone": "12345"}, headers=hx(token))
    assert bad.status_code == 422 and 'value="12345"' in bad.get_data(as_text=True)
    good = client.post(path, data={"phone": "137 6666 7777"}, headers=hx(token))
    assert good.status_code == 200 and "137 6666 7777" in good.get_data(as_text=True)
    with app.app_context():
        c = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        assert c.phone == "+8613766667777"
        assert ("+8613766667777", "guide", "chenjing") in [
            (p.value, p.source, p.source_ref) for p in oneid.phones_of(c.id)
        ]
        got = db.session.execute(
            select(Order.customer_id, Order.matched_by).where(Order.order_no == "DY-WAIT")
        ).one()
        assert tuple(got) == (c.id, "phone")


def test_a_post_without_the_csrf_token_is_refused(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    res = client.post(f"/sidebar/customers/{person.external_userid}/notes", data={"body": "no token"})
    assert res.status_code == 400


def test_the_remark_is_written_to_wecom(seeded, client, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    res = client.post(
        f"/sidebar/customers/{person.external_userid}/remark",
        data={"remark": "王女士-静安", "description": "喜欢修护系列"},
        headers=hx(token),
    )
    assert res.status_code == 200 and "王女士-静安" in res.get_data(as_text=True)
    sent = emulator.calls("externalcontact/remark")[-1]["json"]
    assert sent == {
        "userid": "chenjing",
        "external_userid": person.external_userid,
        "remark": "王女士-静安",
        "description": "喜欢修护系列",
    }


def test_when_wecom_refuses_the_remark_nothing_changes_and_the_input_is_kept(seeded, client, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    emulator.configure(always_error={"externalcontact/remark": 60020})
    res = client.post(
        f"/sidebar/customers/{person.external_userid}/remark",
        data={"remark": "新备注", "description": ""},
        headers=hx(token),
    )
    assert res.status_code == 502
    html = res.get_data(as_text=True)
    assert 'value="新备注"' in html and "未生效" in html
    with seeded.app_context():
        follow = db.session.scalar(
            select(Follow)
            .join(Customer)
            .join(Staff)
            .where(Customer.external_userid == person.external_userid, Staff.userid == "chenjing")
        )
        assert follow.remark == person.follows[0].remark


def test_tags_are_added_and_removed_here_and_in_wecom(seeded, client, emulator):
    person = customer_of("chenjing")
    path = f"/sidebar/customers/{person.external_userid}/tags"
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    with seeded.app_context():
        perfume = db.session.scalar(select(Tag).where(Tag.wecom_tag_id == demo.tag_id("兴趣", "香水")))
        if perfume.wecom_tag_id in person.tag_ids:
            perfume = db.session.scalar(
                select(Tag).where(Tag.wecom_tag_id == demo.tag_id("兴趣", "男士"))
            )  # pragma: no cover
        tag_id, wecom_id = perfume.id, perfume.wecom_tag_id
    picker = client.get(path + "/picker", headers=hx(token)).get_data(as_text=True)
    assert "香水" in picker
    added = client.post(path, data={"tag_id": tag_id, "action": "add"}, headers=hx(token))
    assert added.status_code == 200 and "香水" in added.get_data(as_text=True)
    call = emulator.calls("externalcontact/mark_tag")[-1]["json"]
    assert call == {
        "userid": "chenjing",
        "external_userid": person.external_userid,
        "add_tag": [wecom_id],
        "remove_tag": [],
    }
    assert wecom_id in emulator.state.follow("chenjing", person.external_userid)["tags"]
    with seeded.app_context():
        assert (
            db.session.get(
                CustomerTag,
                (
                    db.session.scalar(
                        select(Customer.id).where(Customer.external_userid == person.external_userid)
                    ),
                    tag_id,
                ),
            ).sync_status
            == "synced"
        )
    removed = client.post(path, data={"tag_id": tag_id, "action": "remove"}, headers=hx(token))
    assert removed.status_code == 200 and "香水" not in removed.get_data(as_text=True)
    assert wecom_id not in emulator.state.follow("chenjing", person.external_userid)["tags"]


def test_a_tag_wecom_refuses_is_shown_and_retried_not_lost(seeded, client, emulator):
    from datetime import timedelta

    from sidebar.jobs import run_due_tag_pushes
    from sidebar.models import utcnow

    person = customer_of("chenjing")
    path = f"/sidebar/customers/{person.external_userid}/tags"
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    with seeded.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.wecom_tag_id.not_in(person.tag_ids)))
        tag_id, name = tag.id, tag.name
    emulator.configure(always_error={"externalcontact/mark_tag": 45033})
    res = client.post(path, data={"tag_id": tag_id, "action": "add"}, headers=hx(token))
    assert name in res.get_data(as_text=True)  # shown at once; WeCom is told once it is committed
    html = client.get(path, headers=hx(token)).get_data(as_text=True)
    assert name in html and "正在重试" in html  # WeCom refused: the guide sees it is being retried
    emulator.configure(always_error={})
    with seeded.app_context():
        assert run_due_tag_pushes(utcnow() + timedelta(minutes=2)) == 1
    html = client.get(path, headers=hx(token)).get_data(as_text=True)
    assert name in html and "正在重试" not in html
    with seeded.app_context():
        assert tag.wecom_tag_id in emulator.state.follow("chenjing", person.external_userid)["tags"]


def test_notes_are_added_newest_first_and_empty_ones_refused(seeded, client):
    person = customer_of("chenjing")
    path = f"/sidebar/customers/{person.external_userid}/notes"
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    assert client.post(path, data={"body": "   "}, headers=hx(token)).status_code == 422
    client.post(path, data={"body": "第一条"}, headers=hx(token))
    html = client.post(path, data={"body": "第二条"}, headers=hx(token)).get_data(as_text=True)
    assert html.index("第二条") < html.index("第一条")
    assert "陈静" in html


def test_the_whole_profile_is_one_response_of_four_statements_however_much_there_is(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    with seeded.app_context():
        c = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        from datetime import timedelta

        from sidebar.models import utcnow

        for n in range(40):
            order = Order(
                platform="mall",
                order_no=f"BULK{n}",
                customer_id=c.id,
                total_amount=100,
                paid_at=utcnow() - timedelta(days=n),
            )
            order.items = [
                OrderItem(
                    sku=f"S{k}", title=f"商品{k}", category="精华", quantity=1, unit_price=100, amount=100
                )
                for k in range(5)
            ]
            db.session.add(order)
            db.session.add(Note(customer_id=c.id, staff_id=staff.id, body=f"记录 {n}"))
        every_tag = list(db.session.scalars(select(Tag)))
        for tag in every_tag:
            db.session.merge(CustomerTag(customer_id=c.id, tag_id=tag.id))
        db.session.commit()
        engine = db.engine
        recommend.catalogue()  # the brand's catalogue is read once per process, not per profile
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    path = f"/sidebar/customers/{person.external_userid}"
    try:
        page = client.get(path)  # the signed-in member, the customer, tags, orders, notes, guides
    finally:
        event.remove(engine, "before_cursor_execute", count)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('data-testid="order"') == 10 and html.count("商品4") == 10  # with their items
    assert html.count('data-testid="note"') == 40 + len(person.notes)
    assert html.count('data-testid="tag"') == len(every_tag)
    assert 'data-testid="guide-period"' in html and "-loading" not in html  # nothing left to fetch
    assert len(statements) <= 4, "\n".join(statements)


def test_customer_text_is_escaped_everywhere(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    make_hostile(seeded, person.external_userid)
    html = client.get(f"/sidebar/customers/{person.external_userid}").get_data(as_text=True)
    assert "<img src=x" not in html and "<script>alert" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 6


# -- group chats -----------------------------------------------------------------------------------


def test_a_group_shows_its_members_and_links_our_customers(seeded, client):
    group = demo.group_chats()[0]
    sign_in(client, group.owner)
    res = client.get(f"/sidebar/groups/{group.chat_id}")
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and group.name in html
    linked = re.findall(r'href="/sidebar/customers/([^"]+)"', html)
    assert set(linked) == {demo.customer(i).external_userid for i in group.customers}
    for _, stranger in group.strangers:
        assert stranger in html


def test_a_group_the_member_is_not_in_is_404(seeded, client):
    group = demo.group_chats()[0]
    sign_in(client, "huangli")
    assert client.get(f"/sidebar/groups/{group.chat_id}").status_code == 404
    assert client.get("/sidebar/groups/wrNOSUCHGROUP").status_code == 404


@pytest.mark.parametrize("lang,word", [("en", "Profile"), ("zh_CN", "档案")])
def test_the_language_can_be_switched(seeded, client, lang, word):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    client.get(f"/sidebar/lang/{lang}")
    assert word in client.get(f"/sidebar/customers/{person.external_userid}").get_data(as_text=True)


def test_the_channel_a_customer_came_through_reads_as_the_codes_name(seeded, client):
    person = next(
        c
        for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS))
        if c.follows[0].userid == "chenjing" and c.follows[0].state == "mall_order_card"
    )
    sign_in(client, "chenjing")
    html = client.get(f"/sidebar/customers/{person.external_userid}").get_data(as_text=True)
    assert "商城订单页 · 加导购" in html and "mall_order_card" not in html
    with seeded.app_context():  # a state no code of ours carries is shown as it is
        db.session.execute(delete(ChannelCode).where(ChannelCode.state == "mall_order_card"))
        db.session.commit()
    html = client.get(f"/sidebar/customers/{person.external_userid}").get_data(as_text=True)
    assert 'data-testid="channel">mall_order_card<' in html
