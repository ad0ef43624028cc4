"""``flask demo seed``: the demo brand, the same people the emulator serves, idempotent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from sidebar import demo
from sidebar.demo.seed import PROGRESS_KEY
from sidebar.extensions import db
from sidebar.models import (
    Customer,
    Follow,
    KeyValue,
    Note,
    Order,
    OrderItem,
    Staff,
    Store,
    Tag,
    TagGroup,
    Team,
)

MODELS = (Team, Store, Staff, Customer, Follow, TagGroup, Tag, Order, OrderItem, Note)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_makes_the_demo_brand_and_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        counts = {m.__name__: count(m) for m in MODELS}
        assert counts["Team"] == 3 and counts["Store"] == 3 and counts["Staff"] == 8
        assert counts["Customer"] == 300 and counts["TagGroup"] == 4
        assert counts["Order"] > 300 and counts["OrderItem"] >= counts["Order"] and counts["Note"] > 100
        roles = dict(db.session.execute(select(Staff.userid, Staff.role)).all())
        assert roles["zhangwei"] == "admin" and roles["lina"] == "manager" and roles["chenjing"] == "guide"
        platforms = set(db.session.scalars(select(Order.platform).distinct()))
        assert {"mall", "tmall", "pos"} <= platforms
        skin = set(db.session.scalars(select(Customer.skin_type).distinct()))
        assert skin == {"dry", "oily", "combination", "normal", "sensitive"}
    again = runner.invoke(args=["demo", "seed"])
    assert json.loads(again.output)["added"]["customers"] == 0
    with app.app_context():
        assert {m.__name__: count(m) for m in MODELS} == counts


def test_seed_grows_to_a_larger_count_without_duplicates(app, runner):
    runner.invoke(args=["demo", "seed", "--customers", "50"])
    result = runner.invoke(args=["demo", "seed", "--customers", "120", "--chunk", "40"])
    assert json.loads(result.output)["added"]["customers"] == 70
    with app.app_context():
        assert count(Customer) == 120
        ids = set(db.session.scalars(select(Customer.external_userid)))
        assert ids == {demo.external_userid(i) for i in range(120)}
        # Totals on the customer row agree with the orders themselves.
        person = demo.customer(3)
        c = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        assert c.order_count == len([o for o in person.orders if o.status != "refunded"])
        assert c.total_spent == sum(o.total for o in person.orders if o.status != "refunded")
        # New rows after explicit ids still get ids from the sequence (PostgreSQL's is moved on).
        db.session.add(Customer(external_userid="wmafterseed"))
        db.session.commit()


def test_the_emulator_serves_the_same_people(seeded, emulator):
    person = demo.customer(42)
    with seeded.app_context():
        c = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        followers = set(
            db.session.scalars(select(Staff.userid).join(Follow).where(Follow.customer_id == c.id))
        )
    wecom = emulator.state.contact(person.external_userid)
    assert wecom["external_contact"]["name"] == c.name
    assert {f["userid"] for f in wecom["follow_user"]} == followers


def test_a_seed_made_by_several_processes_is_the_same_and_can_be_run_again(app, runner):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the processes COPY into PostgreSQL; SQLite takes one writer")
    made = runner.invoke(args=["demo", "seed", "--customers", "250", "--chunk", "60", "--workers", "2"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output.strip().splitlines()[-1])["added"]["customers"] == 250
    people = [demo.customer(i) for i in range(250)]
    with app.app_context():
        assert count(Customer) == 250 and count(Order) == sum(len(p.orders) for p in people)
        assert count(OrderItem) == sum(len(o.items) for p in people for o in p.orders)
        assert count(Follow) == sum(len(p.follows) for p in people)
        person = people[77]
        c = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
        assert (c.name, c.phone, c.order_count) == (
            person.name,
            person.phone,
            len([o for o in person.orders if o.status != "refunded"]),
        )
        # A run that stopped before it recorded its progress: the chunks already in are skipped.
        db.session.delete(db.session.get(KeyValue, PROGRESS_KEY))
        db.session.commit()
    again = runner.invoke(args=["demo", "seed", "--customers", "250", "--chunk", "60", "--workers", "2"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert count(Customer) == 250
