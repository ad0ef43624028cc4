"""Stores made from the console, a store sheet and the API; codes on orders and members that came first
resolve when their store is made."""

from __future__ import annotations

import io

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import AuditLog, Member, Order, Store, Team
from tests.data.test_orders_api import make_key, order
from tests.web.admin.test_console import csrf_token, qr_sign_in


def test_the_api_makes_a_store_and_resolves_what_named_its_code_first(app, client):
    """From an empty database: orders and a member name store SH009 before it exists."""
    writer = make_key(app, "orders:write", "members:write")
    client.post("/api/v1/orders", json=order("POS-1", platform="pos", store_code="SH009"), headers=writer)
    client.put("/api/v1/members/VIP-S", json={"store_code": "SH009"}, headers=writer)
    with app.app_context():
        db.session.add(Team(name="华东大区"))
        db.session.commit()
        assert db.session.scalar(select(Order.store_id).where(Order.order_no == "POS-1")) is None

    stores_key = make_key(app, "stores:write")
    assert client.put("/api/v1/stores/SH009", json={"name": "静安嘉里店"}, headers=writer).status_code == 403
    body = {"name": "静安嘉里店", "city": "上海", "address": "南京西路1515号", "team": "华东大区"}
    res = client.put("/api/v1/stores/SH009", json=body, headers=stores_key)
    assert res.status_code == 201 and res.headers["Location"].endswith("/api/v1/stores/SH009")
    got = res.get_json()
    assert (got["result"], got["team"], got["resolved_orders"], got["resolved_members"]) == (
        "created",
        "华东大区",
        1,
        1,
    )
    with app.app_context():
        store_id = db.session.scalar(select(Store.id).where(Store.code == "SH009"))
        assert db.session.scalar(select(Order.store_id).where(Order.order_no == "POS-1")) == store_id
        assert db.session.scalar(select(Member.store_id).where(Member.member_no == "VIP-S")) == store_id
    # An order arriving now resolves at once; the same PUT again changes nothing.
    client.post("/api/v1/orders", json=order("POS-2", platform="pos", store_code="SH009"), headers=writer)
    again = client.put("/api/v1/stores/SH009", json=body, headers=stores_key)
    assert again.status_code == 200 and again.get_json()["result"] == "unchanged"
    with app.app_context():
        assert db.session.scalar(select(Order.store_id).where(Order.order_no == "POS-2")) == store_id


def test_the_api_refuses_a_bad_store_in_words_and_changes_nothing(app, client):
    key = make_key(app, "stores:write")
    cases = [
        ("SH 1", {"name": "x"}, "code"),
        ("SH1", {"name": ""}, "name"),
        ("SH1", {"name": "x", "team": "没有这个区"}, "team"),
        ("SH1", {"name": "x", "status": "maybe"}, "status"),
        ("SH1", ["not", "an", "object"], "JSON object"),
    ]
    for code, body, word in cases:
        res = client.put(f"/api/v1/stores/{code}", json=body, headers=key)
        assert res.status_code == 422, (code, body)
        assert word in res.get_json()["error"]["message"], res.get_json()
    with app.app_context():
        assert db.session.scalar(select(Store.id)) is None


def test_an_admin_adds_and_changes_a_store_in_the_console(seeded, app, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/stores")
    refused = client.post(
        "/admin/stores", data={"csrf_token": token, "code": "GZ001", "name": "", "city": "广州"}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'data-testid="error-name"' in page and 'value="GZ001"' in page and 'value="广州"' in page
    saved = client.post(
        "/admin/stores", data={"csrf_token": token, "code": "GZ001", "name": "天河城店", "city": "广州"}
    )
    assert saved.status_code == 303
    listing = client.get("/admin/stores").get_data(as_text=True)
    assert "天河城店" in listing and "GZ001" in listing
    client.post(
        "/admin/stores",
        data={"csrf_token": token, "code": "GZ001", "name": "天河城店", "city": "广州", "status": "closed"},
    )
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "GZ001"))
        assert store.status == "closed"
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "store_changed")) is not None


def test_a_manager_sees_the_stores_but_cannot_change_them(seeded, app, client):
    qr_sign_in(client, "lina")
    assert client.get("/admin/stores").status_code == 200
    token = csrf_token(client, "/admin/stores")
    res = client.post("/admin/stores", data={"csrf_token": token, "code": "X1", "name": "x"})
    assert res.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Store.id).where(Store.code == "X1")) is None


def test_a_store_sheet_makes_many_and_names_the_lines_it_refused(seeded, app, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/stores")
    sheet = "门店编码,门店名称,城市,地址,状态\nBJ001,三里屯店,北京,三里屯路19号,营业\nBJ002,,北京,,营业\nBJ003,国贸店,北京,,关闭\n"
    res = client.post(
        "/admin/stores/import",
        data={"csrf_token": token, "file": (io.BytesIO(sheet.encode("utf-8-sig")), "门店.csv")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert 'data-testid="sheet-refused"' in page and "name: required" in page
    with app.app_context():
        got = dict(
            db.session.execute(select(Store.code, Store.status).where(Store.code.like("BJ%"))).tuples().all()
        )
    assert got == {"BJ001": "open", "BJ003": "closed"}
    wrong = client.post(
        "/admin/stores/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and "门店编码" in wrong.get_data(as_text=True)
