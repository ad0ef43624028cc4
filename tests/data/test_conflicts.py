"""Identity conflicts: two customers claiming one phone match nobody; an admin settles who it belongs to
(the waiting orders follow, the audit log says so) and can undo it."""

from __future__ import annotations

from sqlalchemy import select

from sidebar import demo
from sidebar.data import oneid
from sidebar.extensions import db
from sidebar.models import AuditLog, Customer, IdentitySource, Order
from tests.data.test_orders_api import make_key, order
from tests.web.admin.test_console import csrf_token, qr_sign_in


def two_claim_one_phone(app) -> tuple[int, int, str]:
    with app.app_context():
        a = db.session.scalar(
            select(Customer).where(Customer.external_userid == demo.customer(10).external_userid)
        )
        b = db.session.scalar(
            select(Customer).where(Customer.external_userid == demo.customer(11).external_userid)
        )
        oneid.learn_phones([(b.id, a.phone, IdentitySource.GUIDE, "test")])  # a guide typed it on b
        db.session.commit()
        return a.id, b.id, a.phone


def claims(customer_id: int, phone: str) -> list[str]:
    """Where the customer's live claim on this phone came from (empty: no claim)."""
    return [i.source for i in oneid.phones_of(customer_id) if i.value == phone and i.released_at is None]


def test_a_shared_phone_waits_for_an_admin_who_settles_it_and_can_undo(seeded, app, client):
    a, b, phone = two_claim_one_phone(app)
    key = make_key(app, "orders:write")
    res = client.post("/api/v1/orders", json=order("TM-SHARED", buyer={"phone": phone}), headers=key)
    assert res.get_json()["counts"]["created"] == 1
    with app.app_context():
        assert db.session.scalar(select(Order.customer_id).where(Order.order_no == "TM-SHARED")) is None

    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/data").get_data(as_text=True)
    assert phone in page and page.count('data-testid="settle"') >= 2
    token = csrf_token(client, "/admin/data")
    res = client.post(
        "/admin/data/conflicts/settle",
        data={"csrf_token": token, "kind": "phone", "value": phone, "customer_id": a},
    )
    assert res.status_code == 303
    with app.app_context():
        got = db.session.execute(
            select(Order.customer_id, Order.matched_by).where(Order.order_no == "TM-SHARED")
        ).one()
        assert tuple(got) == (a, "phone")
        assert claims(b, phone) == []  # released: kept with its source, for the undo
        assert db.session.get(Customer, a).order_count >= 1
        settled = db.session.scalar(select(AuditLog).where(AuditLog.action == "oneid.settle"))
        assert settled is not None and phone in settled.detail
        settlement_id = int(settled.target_id)
    page = client.get("/admin/data").get_data(as_text=True)
    assert 'data-testid="conflict"' not in page and 'data-testid="undo-settlement"' in page

    res = client.post("/admin/data/conflicts/undo", data={"csrf_token": token, "settlement": settlement_id})
    assert res.status_code == 303
    with app.app_context():
        assert claims(b, phone) == ["guide"]
        assert db.session.scalar(select(Order.customer_id).where(Order.order_no == "TM-SHARED")) is None
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "oneid.undo")) is not None
    assert 'data-testid="conflict"' in client.get("/admin/data").get_data(as_text=True)
    again = client.post("/admin/data/conflicts/undo", data={"csrf_token": token, "settlement": settlement_id})
    assert again.status_code == 422


def test_settling_needs_an_admin_and_a_real_conflict(seeded, app, client):
    a, b, phone = two_claim_one_phone(app)
    qr_sign_in(client, "lina")
    token = csrf_token(client, "/admin/data")
    data = {"csrf_token": token, "kind": "phone", "value": phone, "customer_id": a}
    assert client.post("/admin/data/conflicts/settle", data=data).status_code == 403
    client.get("/admin/logout")
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/data")
    for bad in ({"customer_id": 999999}, {"kind": "email"}, {"value": "+8613900000000"}):
        res = client.post("/admin/data/conflicts/settle", data=data | {"csrf_token": token} | bad)
        assert res.status_code == 422, bad
    with app.app_context():
        assert claims(b, phone) == ["guide"]  # nothing changed
