"""客户公海 from an empty database: buyers known only by phone (an order without a WeCom customer, a member
never matched) are in the pool with what is known of them; head office assigns them to a store's guides;
the guide adds one by phone in WeCom (the emulator) and Beside recognises the phone, marks the assignment
added and puts the pre-set tags on the new customer (预打标签); they leave the pool."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.growth import pool
from sidebar.models import (
    Customer,
    CustomerTag,
    Member,
    Order,
    PoolAssignment,
    PoolCustomer,
    Role,
    Staff,
    StaffStatus,
    Store,
    Tag,
    TagGroup,
    utcnow,
)
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in

PHONES = ("13800138001", "13800138002", "13800138003")


def _brand_with_buyers(app) -> dict[str, int]:
    """An empty brand's first day: a store, its guide, a tag, and buyers from an order file and the
    member system (nothing synced from WeCom yet)."""
    with app.app_context():
        store = Store(code="SH01", name="上海静安店")
        db.session.add(store)
        db.session.flush()
        guide = Staff(
            userid="chenjing", name="陈静", store_id=store.id, role=Role.GUIDE, status=StaffStatus.ACTIVE
        )
        group = TagGroup(name="来源", is_local=True)
        db.session.add_all([guide, group])
        db.session.flush()
        tag = Tag(group_id=group.id, name="公海添加", is_local=True)
        db.session.add(tag)
        now = utcnow()
        db.session.add_all([
            Order(platform="tmall", order_no="T1", buyer_phone="+86" + PHONES[0], total_amount=59900,
                  paid_at=now - timedelta(days=3), store_id=store.id),
            Order(platform="tmall", order_no="T2", buyer_phone="+86" + PHONES[0], total_amount=10000,
                  paid_at=now - timedelta(days=1), store_id=store.id),
            Member(member_no="M2", phone="+86" + PHONES[1], name="王女士", store_id=store.id, skin_type="dry"),
            Member(member_no="M3", phone="+86" + PHONES[2], name="赵女士", store_id=store.id),
        ])  # fmt: skip
        db.session.commit()
        return {"guide": guide.id, "tag": tag.id, "store": store.id}


def test_a_pool_customer_is_assigned_added_by_phone_and_carries_the_preset_tags(app, live_app, emulator):
    ids = _brand_with_buyers(app)
    with app.app_context():
        assert pool.refresh(utcnow()) == 3
        top = db.session.scalar(select(PoolCustomer).where(PoolCustomer.phone == "+86" + PHONES[0]))
        assert (top.spend, top.orders, top.store_id) == (69900, 2, ids["store"])
        assert pool.assign(utcnow(), per_guide=2, message="您好，我是静安店的陈静", tag_ids=[ids["tag"]]) == 2
        db.session.commit()
        guide = db.session.get(Staff, ids["guide"])
        listed = pool.todays(guide, utcnow())
        assert [a.pool_customer.phone for a in listed] == [
            "+86" + PHONES[0],
            "+86" + PHONES[1],
        ]  # spend first
        assert json.loads(listed[0].tag_ids) == [ids["tag"]]

    # The guide's today page lists them: the phone to copy, the message, the tags.
    client = app.test_client()
    sign_in(client, "chenjing")
    today = client.get("/sidebar/tasks").get_data(as_text=True)
    assert today.count('data-testid="pool-row"') == 2 and 'value="13800138001"' in today
    assert "您好，我是静安店的陈静" in today and "公海添加" in today

    # The guide adds the top buyer by phone in WeCom.
    done = emulator.send_event(change_type="add_external_contact", userid="chenjing", phone=PHONES[0],
                               name="李女士")  # fmt: skip
    assert done["delivered"]
    ext = done["fields"]["ExternalUserID"]
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
        added = db.session.scalar(select(PoolAssignment).where(PoolAssignment.customer_id == customer.id))
        assert added.status == "added" and added.staff_id == ids["guide"]
        tagged = db.session.scalars(select(CustomerTag.tag_id).where(CustomerTag.customer_id == customer.id))
        assert list(tagged) == [ids["tag"]]
        # Their orders are theirs now (OneID through the phone), and they are out of the pool.
        assert {o.customer_id for o in db.session.scalars(select(Order))} >= {customer.id}
        assert pool.refresh(utcnow()) == 2
        still = db.session.scalar(select(PoolAssignment).where(PoolAssignment.status == "assigned"))
        assert still.pool_customer.phone == "+86" + PHONES[1]
        # Tomorrow the one not added goes back to the pool and is assigned again.
        assert pool.assign(utcnow() + timedelta(days=1), per_guide=2) == 2
        assert (
            db.session.scalar(select(PoolAssignment.status).where(PoolAssignment.id == still.id)) == "expired"
        )


def test_head_office_sets_the_rule_and_assigns_from_the_console(seeded, client):
    """On the demo brand: the rule is refused in words when it makes no sense, saved when it does, and
    "assign now" fills the guides' lists; a manager reads the page and changes nothing."""
    with seeded.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "SH01"))
        db.session.add_all([Member(member_no=f"POOL{n}", phone=f"+861390000{n:04d}", name=f"会员{n}",
                                   store_id=store.id) for n in range(30)])  # fmt: skip
        db.session.commit()
        guides = db.session.scalar(
            select(func.count()).where(Staff.store_id == store.id, Staff.role == Role.GUIDE,
                                       Staff.status == StaffStatus.ACTIVE)
        )  # fmt: skip
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/pool")
    bad = client.post("/admin/pool/rule", data={"csrf_token": token, "per_guide": "0", "active": "1"})
    assert bad.status_code == 422 and 'data-testid="error-per_guide"' in bad.get_data(as_text=True)
    with seeded.app_context():
        assert pool.rule().active is False
    saved = client.post("/admin/pool/rule", data={"csrf_token": token, "per_guide": "2", "active": "1",
                                                  "message": "您好，我是您的专属顾问"})  # fmt: skip
    assert saved.status_code == 303
    assert client.post("/admin/pool/assign", data={"csrf_token": token}).status_code == 303
    page = client.get("/admin/pool").get_data(as_text=True)
    assert f'data-testid="pool-assigned">{2 * guides}<' in page

    manager = seeded.test_client()
    qr_sign_in(manager, "lina")
    assert manager.get("/admin/pool").status_code == 200
    theirs = csrf_token(manager, "/admin/pool")
    assert manager.post("/admin/pool/assign", data={"csrf_token": theirs}).status_code == 403
