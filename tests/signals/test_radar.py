"""The material radar: a material sent as a tracked link, opened by the customer in WeChat (WeCom OAuth as
the emulator answers it), forwarded, read; the guide's app message, the timeline and the console's figures."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from sidebar.extensions import db
from sidebar.jobs import run_due_radar_notices
from sidebar.models import Customer, CustomerTag, LinkView, Material, RadarNotice, Tag, TagGroup, utcnow
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import csrf, customer_of
from tests.web.sidebar.test_money import as_customer


def read(app, fn):
    """``fn()`` inside an app context (the test's own session), for looking at the database."""
    with app.app_context():
        return fn()


def material_id(app, title: str) -> int:
    return read(app, lambda: db.session.scalar(select(Material.id).where(Material.title == title)))


def views(app) -> list[LinkView]:
    return read(app, lambda: db.session.scalars(select(LinkView).order_by(LinkView.id)).all())


def send_tracked(client, ext: str, title: str) -> str:
    """What the guide's send button does: a tracked link for this send; returns the link's path."""
    m_id = material_id(client.application, title)
    res = client.post(
        f"/sidebar/customers/{ext}/materials/{m_id}/tracked",
        headers={"X-CSRFToken": csrf(client, "/sidebar/")},
    )
    assert res.status_code == 200, res.data
    news = res.get_json()["news"]
    assert res.get_json()["msgtype"] == "news" and news["title"] == title
    return urlsplit(news["link"]).path


def reading_messages(emulator, userid: str) -> list[str]:
    return [
        m["text"]["content"]
        for m in emulator.state.messages
        if m.get("touser") == userid and "正在看" in m.get("text", {}).get("content", "")
    ]


def test_the_customer_opening_a_tracked_pdf_tells_the_guide_once_an_hour(seeded, client, app, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬护肤手册")
    assert path.startswith("/t/")

    reader = app.test_client()
    page = as_customer(reader, path, person.external_userid)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "秋冬护肤手册" in html and 'data-testid="privacy-notice"' in html and "data-pdf=" in html
    assert person.name not in html  # the page is the material's, never the customer's
    assert reading_messages(emulator, "chenjing") == [f"{person.name} 正在看《秋冬护肤手册》"]
    with reader.get(f"{path}/file") as served:  # a streamed file: close it
        assert served.data.startswith(b"%PDF-")

    # A reload is the same view; a second send of the same material opened within the hour is a new
    # view but no second message.
    reader.get(path)
    second = send_tracked(client, person.external_userid, "秋冬护肤手册")
    reader.get(second)
    seen = views(app)
    assert len(seen) == 2 and not any(v.forwarded for v in seen)
    assert len(reading_messages(emulator, "chenjing")) == 1

    # The guide's timeline shows the open.
    timeline = client.get(f"/sidebar/customers/{person.external_userid}/timeline").get_data(as_text=True)
    assert timeline.count('data-testid="timeline-entry"') == 2 and "秋冬护肤手册" in timeline


def test_an_open_by_someone_else_is_a_forward_and_nobody_is_told(seeded, client, app, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬新品")
    as_customer(app.test_client(), path, person.external_userid)
    stranger = as_customer(app.test_client(), path, "a-friend-in-wechat")
    assert stranger.status_code == 200 and "秋冬新品" in stranger.get_data(as_text=True)
    assert person.name not in stranger.get_data(as_text=True)
    assert [v.forwarded for v in views(app)] == [False, True]
    assert len(reading_messages(emulator, "chenjing")) == 1

    admin = app.test_client()
    qr_sign_in(admin, "zhangwei")
    radar_page = admin.get("/admin/radar").get_data(as_text=True)
    row = radar_page[radar_page.index("秋冬新品") :]
    assert 'data-testid="radar-opens">2<' in row and 'data-testid="radar-readers">2<' in row
    assert 'data-testid="radar-forwards">1<' in row
    detail = admin.get(f"/admin/radar/{material_id(app, '秋冬新品')}").get_data(as_text=True)
    assert "陈静" in detail or "chenjing" in detail


def test_a_link_with_a_bad_signature_or_anothers_code_shows_nothing(seeded, client, app):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬新品")
    other = send_tracked(client, person.external_userid, "敏感肌护理指南")
    code, signature = path.rsplit("/", 1)[1].split(".")
    other_code = other.rsplit("/", 1)[1].split(".")[0]
    visitor = app.test_client()
    for bad in (f"/t/{code}.{'0' * len(signature)}", f"/t/{other_code}.{signature}", f"/t/{code}", "/t/x.y"):
        res = visitor.get(bad)
        assert res.status_code == 404, bad
        assert person.name not in res.get_data(as_text=True)
        assert visitor.get(f"{bad}/file").status_code == 404
    assert views(app) == []


def test_reading_time_comes_from_the_beacon_and_only_grows(seeded, client, app):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬新品")
    reader = app.test_client()
    html = as_customer(reader, path, person.external_userid).get_data(as_text=True)
    view_token = html.split('data-view="', 1)[1].split('"', 1)[0]
    # A page open two seconds cannot have been read for a day, whatever its beacon claims.
    assert reader.post(f"{path}/read", data={"view": view_token, "seconds": "99999"}).status_code == 204
    assert views(app)[0].seconds <= 5
    with app.app_context():  # the reader opened it an hour ago
        db.session.execute(update(LinkView).values(opened_at=utcnow() - timedelta(hours=1), seconds=0))
        db.session.commit()
    assert reader.post(f"{path}/read", data={"view": view_token, "seconds": "42"}).status_code == 204
    assert reader.post(f"{path}/read", data={"view": view_token, "seconds": "7"}).status_code == 204
    assert [v.seconds for v in views(app)] == [42]
    assert reader.post(f"{path}/read", data={"view": view_token, "seconds": "999999"}).status_code == 204
    assert 3600 <= views(app)[0].seconds <= 3610  # no longer than it has been open
    assert reader.post(f"{path}/read", data={"view": "forged", "seconds": "5"}).status_code == 404
    assert reader.post(f"{path}/read", data={"view": view_token, "seconds": "soon"}).status_code == 400
    other = send_tracked(client, person.external_userid, "敏感肌护理指南")
    assert reader.post(f"{other}/read", data={"view": view_token, "seconds": "5"}).status_code == 404

    client.get(f"/sidebar/customers/{person.external_userid}/timeline")
    timeline = client.get(f"/sidebar/customers/{person.external_userid}/timeline").get_data(as_text=True)
    assert "60 分钟" in timeline  # the hour the page was open


def test_a_material_can_tag_the_customer_who_opens_it(seeded, client, app):
    person = customer_of("chenjing")
    with app.app_context():
        group = TagGroup(name="雷达", is_local=True)
        db.session.add(group)
        db.session.flush()
        tag = Tag(name="读过新品", group_id=group.id, is_local=True)
        db.session.add(tag)
        db.session.flush()
        tag_id = tag.id
        db.session.get(Material, material_id(app, "秋冬新品")).open_tag_id = tag_id
        db.session.commit()
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬新品")
    as_customer(app.test_client(), path, person.external_userid)
    with app.app_context():
        customer_id = db.session.scalar(
            select(Customer.id).where(Customer.external_userid == person.external_userid)
        )
        row = db.session.get(CustomerTag, (customer_id, tag_id))
        assert row is not None and row.source == "radar"


def test_only_the_guide_in_the_chat_makes_tracked_links(seeded, client, app):
    person = customer_of("chenjing")
    manager = app.test_client()
    sign_in(manager, "lina")
    url = f"/sidebar/customers/{person.external_userid}/materials/{material_id(app, '秋冬新品')}/tracked"
    assert manager.post(url, headers={"X-CSRFToken": csrf(manager, "/sidebar/")}).status_code == 403
    stranger = app.test_client()
    sign_in(stranger, "huangli")
    assert stranger.post(url, headers={"X-CSRFToken": csrf(stranger, "/sidebar/")}).status_code == 404
    sign_in(client, "chenjing")
    untracked = material_id(app, "秋冬修护系列海报")
    plain = f"/sidebar/customers/{person.external_userid}/materials/{untracked}/tracked"
    assert client.post(plain, headers={"X-CSRFToken": csrf(client, "/sidebar/")}).status_code == 404
    assert client.post(url).status_code == 400  # no CSRF token


def test_a_notice_wecom_refused_is_sent_by_the_sweeper(seeded, client, app, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬新品")
    emulator.configure(queued_errors={"message/send": [48002]})
    as_customer(app.test_client(), path, person.external_userid)
    notice = read(app, lambda: db.session.scalar(select(RadarNotice)))
    assert notice.status == "due" and notice.attempts == 1 and reading_messages(emulator, "chenjing") == []
    assert read(app, lambda: run_due_radar_notices(utcnow() + timedelta(minutes=2))) == 1
    assert read(app, lambda: db.session.scalar(select(RadarNotice.status))) == "sent"
    assert reading_messages(emulator, "chenjing") == [f"{person.name} 正在看《秋冬新品》"]


def test_console_settings_refuse_what_cannot_be_tracked(seeded, app):
    admin = app.test_client()
    qr_sign_in(admin, "zhangwei")
    token = csrf(admin, "/admin/radar")
    video = read(app, lambda: db.session.scalar(select(Material.id).where(Material.kind == "video")))
    res = admin.post(f"/admin/radar/{video}", data={"csrf_token": token, "tracked": "1"})
    assert res.status_code == 422 and 'data-testid="radar-error"' in res.get_data(as_text=True)
    assert not read(app, lambda: db.session.get(Material, video).tracked)
    poster = material_id(app, "秋冬修护系列海报")
    assert admin.post(f"/admin/radar/{poster}", data={"csrf_token": token, "tracked": "1"}).status_code == 303
    assert read(app, lambda: db.session.get(Material, poster).tracked)

    manager = app.test_client()
    qr_sign_in(manager, "lina")
    assert manager.get("/admin/radar").status_code == 200
    refused = manager.post(f"/admin/radar/{poster}", data={"csrf_token": csrf(manager, "/admin/radar")})
    assert refused.status_code == 403

    created = admin.post(
        "/admin/materials",
        data={"csrf_token": token, "kind": "article", "title": "会员日", "text": "第一段\n第二段"},
    )
    assert created.status_code == 303
    assert read(app, lambda: db.session.get(Material, material_id(app, "会员日")).tracked)
