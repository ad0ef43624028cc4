"""Scripts on the server: who sees which, variables, a guide's own scripts, and recorded sends."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from sidebar import demo
from sidebar.content import scripts
from sidebar.customers import salutation
from sidebar.extensions import db
from sidebar.models import Script, Send, Staff
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import csrf, customer_of, hx


def texts(html: str) -> list[str]:
    return re.findall(r'data-testid="script-text">(.*?)</p>', html, re.S)


def test_team_scripts_reach_their_team_only(seeded, client):
    mine, theirs = customer_of("chenjing"), customer_of("huangli")
    sign_in(client, "chenjing")  # 华东
    html = client.get(f"/sidebar/customers/{mine.external_userid}/scripts?tab=team").get_data(as_text=True)
    assert any("护肤沙龙" in t for t in texts(html)) and not any("华南门店" in t for t in texts(html))
    other = seeded.test_client()
    sign_in(other, "huangli")  # 华南
    html = other.get(f"/sidebar/customers/{theirs.external_userid}/scripts?tab=team").get_data(as_text=True)
    assert any("华南门店" in t for t in texts(html)) and not any("护肤沙龙" in t for t in texts(html))


def test_variables_are_filled_for_the_customer_and_guide(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    html = client.get(f"/sidebar/customers/{person.external_userid}/scripts?q=添加后问候").get_data(
        as_text=True
    )
    greeting = salutation.default_for(person.name, person.gender)
    assert texts(html) == [f"{greeting}您好，我是上海静安嘉里店的陈静，以后有任何护肤问题都可以随时找我～"]


def test_the_salutation_is_the_guides_choice_and_never_the_remark(seeded, client):
    """{客户称呼} reads the salutation set in the profile (or surname + 女士/先生), never the remark, which
    holds the guide's private notes."""
    person = next(
        c
        for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS))
        if c.follows[0].userid == "chenjing" and c.follows[0].remark
    )
    remark = person.follows[0].remark  # the demo's remarks read like real ones: "丁清-广州"
    sign_in(client, "chenjing")
    path = f"/sidebar/customers/{person.external_userid}"
    html = client.get(f"{path}/scripts").get_data(as_text=True)
    assert texts(html) and not any(remark in t for t in texts(html))
    token = csrf(client, "/sidebar/")
    saved = client.post(f"{path}/profile", data={"salutation": "  琪琪姐 "}, headers=hx(token))
    assert saved.status_code == 200 and "琪琪姐" in saved.get_data(as_text=True)
    html = client.get(f"{path}/scripts?q=添加后问候").get_data(as_text=True)
    assert texts(html) == ["琪琪姐您好，我是上海静安嘉里店的陈静，以后有任何护肤问题都可以随时找我～"]
    too_long = client.post(f"{path}/profile", data={"salutation": "姐" * 17}, headers=hx(token))
    assert too_long.status_code == 422
    assert "琪琪姐" in client.get(f"{path}/scripts?q=添加后问候").get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "gender", "expected"),
    [("王琪", 2, "王女士"), ("陈文～", 1, "陈先生"), ("欧阳娜娜", 2, "欧阳女士"), ("张瑶婉大橙子", 0, ""),
     ("Amy", 2, ""), ("  ", 2, "")],
)  # fmt: skip
def test_the_default_salutation(name, gender, expected):
    assert salutation.default_for(name, gender) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [("{客户称呼}您好，新品到了", "您好，新品到了"), ("{客户称呼}，新品到了～", "新品到了～"),
     ("早上好\n{客户称呼}！周末见", "早上好\n周末见"), ("送给{客户称呼}的礼物", "送给的礼物")],
)  # fmt: skip
def test_no_greeting_leaves_no_stray_comma(body, expected):
    """A customer with no salutation (gender unknown, a nickname): the script greets with 您好, not
    with their whole WeChat nickname, and without a comma left at the start."""
    assert scripts.fill(body, {"客户称呼": ""}) == (expected, [])


def test_unknown_variables_are_shown_and_block_sending(seeded, client):
    with seeded.app_context():
        db.session.add(Script(scope="enterprise", title="坏变量", body="{客户称呼}，您的券码是{券码}"))
        db.session.commit()
    sign_in(client, "chenjing")
    html = client.get(
        f"/sidebar/customers/{customer_of('chenjing').external_userid}/scripts?q=券码"
    ).get_data(as_text=True)
    assert "{券码}" in texts(html)[0] and "未知变量" in html
    assert (
        re.search(r'data-testid="send"[^>]*disabled', html.replace("\n", " "))
        or 'disabled data-testid="send"' in html
    )


def test_a_guide_writes_edits_and_deletes_their_own_scripts_only(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    res = client.post(
        "/sidebar/scripts?tab=mine",
        data={"body": "{客户称呼}，明天见～", "external_userid": person.external_userid},
        headers=hx(token),
    )
    assert res.status_code == 200 and "明天见" in res.get_data(as_text=True)
    assert (
        client.post(
            "/sidebar/scripts?tab=mine",
            data={"body": "  ", "external_userid": person.external_userid},
            headers=hx(token),
        ).status_code
        == 422
    )
    with seeded.app_context():
        own = db.session.scalar(select(Script).where(Script.body.like("%明天见%")))
        company = db.session.scalar(select(Script).where(Script.scope == "enterprise"))
        own_id, company_id = own.id, company.id
    other = seeded.test_client()
    sign_in(other, "wangfang")
    other_token = csrf(other, "/sidebar/")
    theirs = customer_of("wangfang")
    assert "明天见" not in other.get(
        f"/sidebar/customers/{theirs.external_userid}/scripts?tab=mine"
    ).get_data(as_text=True)
    assert (
        other.post(
            f"/sidebar/scripts/{own_id}/delete",
            data={"external_userid": theirs.external_userid},
            headers=hx(other_token),
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/sidebar/scripts/{company_id}/delete",
            data={"external_userid": person.external_userid},
            headers=hx(token),
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/sidebar/scripts/{own_id}/delete",
            data={"external_userid": person.external_userid},
            headers=hx(token),
        ).status_code
        == 200
    )
    with seeded.app_context():
        assert db.session.get(Script, own_id) is None and db.session.get(Script, company_id) is not None


def test_favourites_come_first(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    with seeded.app_context():
        last = db.session.scalar(select(Script).where(Script.title == "使用方法"))
    html = client.post(
        f"/sidebar/scripts/{last.id}/star?tab=enterprise",
        data={"external_userid": person.external_userid},
        headers=hx(token),
    ).get_data(as_text=True)
    assert texts(html)[0].endswith("再用面霜锁水。")


def test_sends_are_recorded_for_visible_customers_and_scripts_only(seeded, client):
    mine, theirs = customer_of("chenjing"), customer_of("wangfang", not_followed_by="chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    with seeded.app_context():
        script_id = db.session.scalar(select(Script.id).where(Script.title == "防晒"))
        south = db.session.scalar(select(Script.id).where(Script.title == "华南新品体验"))
    ok = client.post(
        "/sidebar/sends",
        data={"kind": "script", "ref_id": script_id, "external_userid": mine.external_userid},
        headers={"X-CSRFToken": token},
    )
    assert ok.status_code == 201
    assert (
        client.post(
            "/sidebar/sends",
            data={"kind": "script", "ref_id": script_id, "external_userid": theirs.external_userid},
            headers={"X-CSRFToken": token},
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/sidebar/sends",
            data={"kind": "script", "ref_id": south, "external_userid": mine.external_userid},
            headers={"X-CSRFToken": token},
        ).status_code
        == 404
    )
    with seeded.app_context():
        send = db.session.scalar(select(Send))
        assert send.staff_id == db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
        assert "防晒" in send.summary and send.result == "ok"


def test_scripts_work_in_a_group_chat(seeded, client):
    group = demo.group_chats()[0]
    sign_in(client, group.owner)
    html = client.get(f"/sidebar/groups/{group.chat_id}/scripts?q=添加后问候").get_data(as_text=True)
    assert texts(html)[0].startswith("各位您好")
    assert seeded.test_client().get(f"/sidebar/groups/{group.chat_id}/scripts").status_code == 302
    other = seeded.test_client()
    sign_in(other, "huangli")
    assert other.get(f"/sidebar/groups/{group.chat_id}/scripts").status_code == 404


def test_fill_leaves_unknown_variables_in_place():
    text, unknown = scripts.fill("{a}{客户称呼}{ b }", {"客户称呼": "王女士"})
    assert text == "{a}王女士{ b }" and unknown == ["a"]


def test_a_guide_edits_their_own_script(seeded, client):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    client.post(
        "/sidebar/scripts?tab=mine",
        data={"body": "初稿", "external_userid": person.external_userid},
        headers=hx(token),
    )
    with seeded.app_context():
        own_id = db.session.scalar(select(Script.id).where(Script.body == "初稿"))
    html = client.get(f"/sidebar/customers/{person.external_userid}/scripts?tab=mine").get_data(as_text=True)
    assert f"/sidebar/scripts/{own_id}/edit" in html
    res = client.post(
        f"/sidebar/scripts/{own_id}/edit?tab=mine",
        data={"body": "定稿 {客户称呼}", "external_userid": person.external_userid},
        headers=hx(token),
    )
    assert res.status_code == 200 and "定稿" in res.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.get(Script, own_id).body == "定稿 {客户称呼}"


def test_materials_show_their_kind_once_and_sizes_people_read(seeded, client):
    from sidebar.web.labels import filesize

    sign_in(client, "chenjing")
    html = client.get(f"/sidebar/customers/{customer_of('chenjing').external_userid}/materials").get_data(
        as_text=True
    )
    items = html.split('data-testid="material"')[1:]
    assert items and all(item.count('data-testid="material-kind"') == 1 for item in items)
    assert " 0 KB" not in html and '小程序</span> <span class="badge">小程序' not in html
    assert [filesize(n) for n in (0, 609, 1536, 5 * 1024 * 1024)] == ["0 B", "609 B", "2 KB", "5.0 MB"]
