"""OneID from an empty database, as a brand's first day goes: staff and customers synced from WeCom (the
emulator), then the brand's members and orders posted to the API. Nothing here is the demo seed: every
phone, member and order arrives through a real path."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from sidebar import demo
from sidebar.data import oneid
from sidebar.extensions import db
from sidebar.models import Customer, Member, Order
from tests.data.test_orders_api import make_key, order


@pytest.fixture()
def synced(app, runner):
    """Staff, tags and customers from WeCom, and nothing else."""
    for command in (["sync", "staff"], ["sync", "customers"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    return app


@pytest.fixture()
def writer(synced, app):
    return make_key(app, "orders:write", "members:write")


def customer_of(index: int) -> Customer:
    person = demo.customer(index)
    return db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))


def with_unionid(count: int, start: int = 1) -> list[int]:
    """Demo customer numbers that WeCom reports with a unionid (WeChat users), none with remark_mobiles."""
    found = [i for i in range(start, 200) if demo.customer(i).unionid and i % 3]
    return found[:count]


def test_a_batch_of_members_lands_each_on_its_own_customer(synced, app, client, writer):
    people = with_unionid(3)
    sent = [("VIP-A", "金卡", 1280), ("VIP-B", "银卡", 300), ("VIP-C", "普通", 7)]
    batch = [
        {"member_no": no, "unionid": demo.customer(i).unionid, "level": level, "points": points}
        for i, (no, level, points) in zip(people, sent, strict=True)
    ]
    res = client.post("/api/v1/members", json={"members": batch}, headers=writer)
    assert res.status_code == 200, res.get_data(as_text=True)
    with app.app_context():
        shown = [(customer_of(i).member_level, customer_of(i).points) for i in people]
    assert shown == [("金卡", 1280), ("银卡", 300), ("普通", 7)]

    # A later change to one member changes that customer alone.
    client.put(
        "/api/v1/members/VIP-B",
        json={"unionid": demo.customer(people[1]).unionid, "level": "金卡", "points": 900},
        headers=writer,
    )
    with app.app_context():
        shown = [(customer_of(i).member_level, customer_of(i).points) for i in people]
    assert shown == [("金卡", 1280), ("金卡", 900), ("普通", 7)]


def test_the_repair_command_puts_each_member_back_on_its_customer(synced, app, client, runner, writer):
    people = with_unionid(3)
    batch = [
        {"member_no": f"VIP-{n}", "unionid": demo.customer(i).unionid, "level": level, "points": n * 100}
        for n, (i, level) in enumerate(zip(people, ["金卡", "银卡", "普通"], strict=True), start=1)
    ]
    client.post("/api/v1/members", json={"members": batch}, headers=writer)
    with app.app_context():  # what the old update did: everyone got the last member's level
        ids = [customer_of(i).id for i in people]
        db.session.execute(
            update(Customer).where(Customer.id.in_(ids)).values(member_level="普通", points=300)
        )
        db.session.commit()
    result = runner.invoke(args=["data", "reapply-members"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["customers"] == 3
    with app.app_context():
        shown = [(customer_of(i).member_level, customer_of(i).points) for i in people]
    assert shown == [("金卡", 100), ("银卡", 200), ("普通", 300)]


def test_a_phone_only_order_matches_through_the_members_phone(synced, app, client, writer):
    """The member, matched by unionid, knows the customer's phone; a Tmall order carrying only that
    phone (as typed, with spaces) is theirs, and so is one that was waiting for it."""
    i = with_unionid(1)[0]
    person = demo.customer(i)
    national = person.phone.removeprefix("+86")
    waiting = order("TM-WAIT", buyer={"phone": national})
    client.post("/api/v1/orders", json=waiting, headers=writer)
    with app.app_context():
        assert db.session.scalar(select(Order.customer_id).where(Order.order_no == "TM-WAIT")) is None
    client.put(
        "/api/v1/members/VIP-P",
        json={"unionid": person.unionid, "phone": f"{national[:3]} {national[3:7]} {national[7:]}"},
        headers=writer,
    )
    later = order("TM-LATER", buyer={"phone": "+86 " + national})
    client.post("/api/v1/orders", json=later, headers=writer)
    with app.app_context():
        c = customer_of(i)
        got = dict(
            db.session.execute(select(Order.order_no, Order.customer_id).where(Order.platform == "tmall"))
            .tuples()
            .all()
        )
        assert got == {"TM-WAIT": c.id, "TM-LATER": c.id}
        assert [(p.value, p.source, p.source_ref) for p in oneid.phones_of(c.id)] == [
            (person.phone, "member", "VIP-P")
        ]
        assert c.phone == person.phone and c.order_count == 2


def test_phones_a_guide_typed_in_wecom_match_orders(synced, app, client, writer):
    person = demo.customer(0)  # every third demo customer's first guide typed the mobile in WeCom
    assert person.remark_mobiles(person.follows[0].userid)
    client.post(
        "/api/v1/orders", json=order("JD-1", platform="jd", buyer={"phone": person.phone}), headers=writer
    )
    with app.app_context():
        c = customer_of(0)
        assert [(p.source, p.source_ref) for p in oneid.phones_of(c.id)] == [
            ("wecom", person.follows[0].userid)
        ]
        got = db.session.execute(
            select(Order.customer_id, Order.matched_by).where(Order.order_no == "JD-1")
        ).one()
        assert tuple(got) == (c.id, "phone")


def test_an_order_matched_by_unionid_teaches_its_phone(synced, app, client, writer):
    i = with_unionid(1)[0]
    person = demo.customer(i)
    first = order("MALL-1", platform="mall", buyer={"unionid": person.unionid, "phone": "13912345670"})
    client.post("/api/v1/orders", json=first, headers=writer)
    client.post(
        "/api/v1/orders",
        json=order("DY-1", platform="douyin", buyer={"phone": "13912345670"}),
        headers=writer,
    )
    with app.app_context():
        c = customer_of(i)
        assert [(p.value, p.source, p.source_ref) for p in oneid.phones_of(c.id)] == [
            ("+8613912345670", "order", "mall:MALL-1")
        ]
        got = db.session.execute(
            select(Order.customer_id, Order.matched_by).where(Order.order_no == "DY-1")
        ).one()
        assert tuple(got) == (c.id, "phone")


def test_a_phone_two_customers_claim_is_a_conflict_not_a_pick(synced, app, client, writer):
    a, b = with_unionid(2)
    members = [
        {"member_no": "M-A", "unionid": demo.customer(a).unionid, "phone": "13700000001"},
        {"member_no": "M-B", "unionid": demo.customer(b).unionid, "phone": "13700000001"},
    ]
    client.post("/api/v1/members", json={"members": members}, headers=writer)
    client.post("/api/v1/orders", json=order("TM-9", buyer={"phone": "13700000001"}), headers=writer)
    with app.app_context():
        assert db.session.scalar(select(Order.customer_id).where(Order.order_no == "TM-9")) is None
        ids = sorted([customer_of(a).id, customer_of(b).id])
        assert ("phone", "+8613700000001", ids) in oneid.conflicts()
        # Each member is still on its own customer (matched by unionid).
        got = dict(db.session.execute(select(Member.member_no, Member.customer_id)).tuples().all())
        assert got == {"M-A": customer_of(a).id, "M-B": customer_of(b).id}
