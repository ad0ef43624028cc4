"""``flask sync staff|tags|customers`` against the emulator: complete, idempotent, resumable."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from sidebar import demo
from sidebar.customers import sync
from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, Follow, Staff, Tag, TagGroup, Team


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def run(runner, *args) -> dict:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def expected_follows(n: int = demo.DEFAULT_CUSTOMERS) -> int:
    # A sync reads members in the app's range: the demo's leaver has none of his follows listed.
    return sum(len(demo.customer(i).serving) for i in range(n))


def test_sync_staff_mirrors_departments_and_members(app, runner):
    assert run(runner, "sync", "staff") == {"active": 7, "resigned": 1}
    with app.app_context():
        assert {t.name for t in db.session.scalars(select(Team))} == {"澜序美妆", "华东大区", "华南大区"}
        lina = db.session.scalar(select(Staff).where(Staff.userid == "lina"))
        assert lina.team.name == "华东大区" and lina.team.parent.name == "澜序美妆"
        assert db.session.scalar(select(Staff).where(Staff.userid == "sunhao")).status == "resigned"


def test_a_member_who_leaves_wecom_is_marked_resigned_on_the_next_sync(app, runner, emulator):
    run(runner, "sync", "staff")
    del emulator.state.users["wangfang"]
    assert run(runner, "sync", "staff") == {"active": 6, "resigned": 2}
    with app.app_context():
        gone = db.session.scalar(select(Staff).where(Staff.userid == "wangfang"))
        assert gone.status == "resigned" and gone.resigned_at is not None


def test_sync_tags_mirrors_groups_and_removes_what_wecom_dropped(app, runner, emulator):
    run(runner, "sync", "tags")
    with app.app_context():
        assert count(TagGroup) == 4 and count(Tag) == 17
    emulator.state.tag_groups = [g for g in emulator.state.tag_groups if g["group_name"] != "购买意向"]
    run(runner, "sync", "tags")
    with app.app_context():
        assert count(TagGroup) == 3 and count(Tag) == 14


def test_sync_customers_brings_in_every_customer_follow_and_tag_and_is_idempotent(app, runner, emulator):
    run(runner, "sync", "staff")
    first = run(runner, "sync", "customers")
    with app.app_context():
        assert count(Customer) == demo.DEFAULT_CUSTOMERS
        assert count(Follow) == expected_follows()
        tags_first = count(CustomerTag)
        person = demo.customer(7)
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        assert customer.name == person.name and customer.unionid == person.unionid
        names = set(
            db.session.scalars(
                select(Tag.wecom_tag_id)
                .join(CustomerTag, CustomerTag.tag_id == Tag.id)
                .where(CustomerTag.customer_id == customer.id)
            )
        )
        assert names == set(person.tag_ids)
    second = run(runner, "sync", "customers")
    assert first["contacts"] == second["contacts"] == expected_follows()
    with app.app_context():
        assert count(Customer) == demo.DEFAULT_CUSTOMERS
        assert count(Follow) == expected_follows()
        assert count(CustomerTag) == tags_first
    pages = emulator.calls("externalcontact/batch/get_by_user")
    assert all(len(c["json"]["userid_list"]) <= 100 and c["json"]["limit"] <= 100 for c in pages)


def test_an_interrupted_customer_sync_resumes_where_it_stopped(app, runner, emulator):
    run(runner, "sync", "staff")

    class Interrupted(Exception):
        pass

    def stop_after_two_pages(totals):
        if totals["pages"] == 2:
            raise Interrupted

    with app.app_context(), pytest.raises(Interrupted):
        sync.sync_customers(on_page=stop_after_two_pages)
    calls_before = len(emulator.calls("externalcontact/batch/get_by_user"))
    resumed = run(runner, "sync", "customers")
    with app.app_context():
        assert count(Customer) == demo.DEFAULT_CUSTOMERS
        assert count(Follow) == expected_follows()
    # The second run asked only for the pages the first had not finished.
    assert resumed["contacts"] == expected_follows() - 2 * sync.PAGE_SIZE
    assert len(emulator.calls("externalcontact/batch/get_by_user")) - calls_before == resumed["pages"]


def test_sync_customers_rides_out_the_rate_limit(app, runner, emulator):
    run(runner, "sync", "staff")
    emulator.configure(queued_errors={"externalcontact/batch/get_by_user": [45009, 45009]})
    run(runner, "sync", "customers")
    with app.app_context():
        assert count(Customer) == demo.DEFAULT_CUSTOMERS
    answers = [c["errcode"] for c in emulator.calls("externalcontact/batch/get_by_user")]
    assert answers[:3] == [45009, 45009, 0]
