"""Orders and members in over the API: scopes, upserts by (platform, order_no), versions, per-record
answers, batch limits, and the customer's profile updated from what came in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Customer, Member, Order, OrderItem
from sidebar.org import api_keys


def make_key(app, *scopes: str) -> dict[str, str]:
    with app.app_context():
        key = api_keys.create("系统 " + "+".join(scopes), list(scopes))
        db.session.commit()
    return {"Authorization": f"Bearer {key}"}


def order(no: str = "TM-1001", **fields) -> dict:
    base = {
        "platform": "tmall",
        "order_no": no,
        "status": "paid",
        "paid_at": "2026-11-20T10:00:00+08:00",
        "total_amount": "399.00",
        "items": [
            {"sku": "SERUM-30", "name": "修护精华 30ml", "category": "精华", "quantity": 1, "price": "399.00"}
        ],
        "buyer": {},
    }
    return base | fields


@pytest.fixture()
def writer(seeded, app):
    return make_key(app, "orders:write", "members:write")


def test_keys_need_the_scope(seeded, app, client):
    redeem_only = make_key(app, "coupons:redeem")
    assert client.post("/api/v1/orders", json=order(), headers=redeem_only).status_code == 403
    assert client.post("/api/v1/members", json={"member_no": "M1"}, headers=redeem_only).status_code == 403
    res = client.post("/api/v1/orders", json=order())
    assert res.status_code == 401 and res.get_json()["error"]["code"] == "unauthorized"
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Order).where(Order.order_no == "TM-1001")) == 0
        )


def test_an_order_is_created_then_updated_then_unchanged_and_older_versions_lose(seeded, app, client, writer):
    person = demo.customer(3)
    first = order(buyer={"phone": person.phone.removeprefix("+86")}, updated_at="2026-11-20T10:05:00+08:00")
    res = client.post("/api/v1/orders", json=first, headers=writer)
    assert res.status_code == 200
    assert res.get_json()["results"] == [{"platform": "tmall", "order_no": "TM-1001", "result": "created"}]
    again = client.post("/api/v1/orders", json=first, headers=writer).get_json()
    assert again["results"][0]["result"] == "unchanged"
    refunded = order(status="refunded", buyer=first["buyer"], updated_at="2026-11-22T09:00:00+08:00")
    assert (
        client.post("/api/v1/orders", json=refunded, headers=writer).get_json()["results"][0]["result"]
        == "updated"
    )
    late = client.post("/api/v1/orders", json=first, headers=writer).get_json()["results"][0]
    assert late["result"] == "unchanged" and "older" in late["reason"]
    with app.app_context():
        stored = db.session.scalar(select(Order).where(Order.order_no == "TM-1001"))
        assert stored.status == "refunded" and stored.refund_amount == 39900
        assert stored.matched_by == "phone"
        assert (
            db.session.scalar(
                select(func.count()).select_from(OrderItem).where(OrderItem.order_id == stored.id)
            )
            == 1
        )


def test_a_batch_answers_each_order_and_keeps_the_good_ones(seeded, app, client, writer):
    batch = {
        "orders": [
            order("JD-1", platform="jd"),
            order("JD-2", platform="jd", total_amount=12),
            order("JD-3", platform="jd", paid_at="yesterday"),
            order("JD-1", platform="jd"),
            order("JD-4", platform="jd", status="partly_refunded", refund_amount="100.00"),
            order("JD-5", platform="jd", buyer={"phone": "138\x000000"}),  # a NUL cannot be stored
        ]
    }
    body = client.post("/api/v1/orders", json=batch, headers=writer).get_json()
    results = [r["result"] for r in body["results"]]
    assert results == ["created", "refused", "refused", "refused", "created", "refused"]
    assert "total_amount" in body["results"][1]["reason"] and "paid_at" in body["results"][2]["reason"]
    assert body["results"][5]["reason"] == "buyer.phone: must not contain control characters"
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "refused": 4}
    with app.app_context():
        sent = ["JD-1", "JD-2", "JD-3", "JD-4", "JD-5"]
        nos = set(db.session.scalars(select(Order.order_no).where(Order.order_no.in_(sent))))
        assert nos == {"JD-1", "JD-4"}


def test_bad_requests_get_the_envelope_and_change_nothing(seeded, app, client, writer):
    res = client.post("/api/v1/orders", data="{not json", headers=writer, content_type="application/json")
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "malformed_json"
    res = client.post("/api/v1/orders", json={"orders": [order(f"T{n}") for n in range(501)]}, headers=writer)
    assert res.status_code == 413 and res.get_json()["error"]["code"] == "batch_too_large"
    assert client.post("/api/v1/orders", json=[order()], headers=writer).status_code == 422
    with app.app_context():
        sent = ["TM-1001", *(f"T{n}" for n in range(501))]
        assert db.session.scalar(select(func.count()).select_from(Order).where(Order.order_no.in_(sent))) == 0


def test_a_phone_we_cannot_read_is_kept_and_not_used_for_matching(seeded, app, client, writer):
    client.post("/api/v1/orders", json=order("TM-9", buyer={"phone": "call me maybe"}), headers=writer)
    with app.app_context():
        stored = db.session.scalar(select(Order).where(Order.order_no == "TM-9"))
        assert (stored.buyer_phone, stored.buyer_phone_raw, stored.customer_id) == (
            None,
            "call me maybe",
            None,
        )


def test_orders_feed_the_customers_profile(seeded, app, client, writer):
    person = demo.customer(5)
    with app.app_context():
        before = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        count, spent = before.order_count, before.total_spent
    batch = {
        "orders": [
            order(f"YZ-{n}", platform="youzan", total_amount="100.50", buyer={"phone": person.phone})
            for n in range(3)
        ]
    }
    client.post("/api/v1/orders", json=batch, headers=writer)
    with app.app_context():
        after = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        assert after.order_count == count + 3 and after.total_spent == spent + 3 * 10050
        assert after.stats_computed_at is not None


def test_a_member_matches_by_phone_carries_its_level_and_settles_orders_that_named_it(
    seeded, app, client, writer
):
    person = demo.customer(11)
    # An order that names only a member number: nobody can tell whose it is yet.
    client.post(
        "/api/v1/orders", json=order("POS-77", platform="pos", buyer={"member_no": "VIP0077"}), headers=writer
    )
    with app.app_context():
        assert db.session.scalar(select(Order.customer_id).where(Order.order_no == "POS-77")) is None
    res = client.put(
        "/api/v1/members/VIP0077",
        json={"phone": person.phone, "level": "黑金", "points": 8800, "birthday": "1990-05-01"},
        headers=writer,
    )
    assert res.status_code == 200 and res.get_json()["results"][0]["result"] == "created"
    with app.app_context():
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        member = db.session.scalar(select(Member).where(Member.member_no == "VIP0077"))
        assert (member.customer_id, member.matched_by) == (customer.id, "phone")
        assert (customer.member_level, customer.points) == ("黑金", 8800)
        matched = db.session.scalar(select(Order).where(Order.order_no == "POS-77"))
        assert (matched.customer_id, matched.matched_by) == (customer.id, "member_no")
    mismatch = client.put("/api/v1/members/VIP0077", json={"member_no": "OTHER"}, headers=writer)
    assert mismatch.status_code == 422
    bad = client.put("/api/v1/members/VIP0078", json={"birthday": "not a date"}, headers=writer)
    assert bad.status_code == 422 and "birthday" in bad.get_json()["error"]["message"]


def test_orders_waiting_for_a_new_customer_are_theirs_once_wecom_says_who_they_are(
    seeded, app, live_app, emulator, writer
):
    """A mall order names a unionid nobody has yet; the customer then adds a guide, and the add-contact
    callback brings their unionid: the order is theirs, and their profile counts it."""
    client = app.test_client()
    client.post(
        "/api/v1/orders", json=order("MALL-1", platform="mall", buyer={"unionid": "ozLATE1"}), headers=writer
    )
    with app.app_context():
        assert db.session.scalar(select(Order.customer_id).where(Order.order_no == "MALL-1")) is None
    result = emulator.send_event(
        change_type="add_external_contact",
        userid="chenjing",
        external_userid="wmLATECUSTOMER000000000000000001",
        contact={
            "external_userid": "wmLATECUSTOMER000000000000000001",
            "name": "晚到",
            "type": 1,
            "unionid": "ozLATE1",
        },
    )
    assert result["delivered"]
    with app.app_context():
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == "wmLATECUSTOMER000000000000000001")
        )
        matched = db.session.scalar(select(Order).where(Order.order_no == "MALL-1"))
        assert (matched.customer_id, matched.matched_by) == (customer.id, "unionid")
        assert (customer.order_count, customer.total_spent, customer.lifecycle_stage) == (1, 39900, "new")
