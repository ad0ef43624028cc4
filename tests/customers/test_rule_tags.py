"""Automatic tags: a rule's conditions give its tag set-based, only the difference is written and pushed
to WeCom, what the rule did not give it never takes off, a guide's hand removal makes an exception, and
turning a rule off or deleting it takes off what it gave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from sidebar.core import uow
from sidebar.customers import rule_tags
from sidebar.extensions import db
from sidebar.jobs import run_due_tag_pushes
from sidebar.models import (
    AuditLog,
    Customer,
    CustomerStats,
    CustomerTag,
    Staff,
    Tag,
    TagGroup,
    TagRule,
    TagRuleExclusion,
    utcnow,
)
from sidebar.org import tag_admin
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import csrf, hx, sign_in


def push_all() -> None:
    """What the minute sweeper does, until nothing is due."""
    while run_due_tag_pushes(utcnow() + timedelta(minutes=2)):
        pass


def big_spenders(minimum_fen: int) -> set[str]:
    return set(
        db.session.scalars(
            select(Customer.external_userid)
            .join(CustomerStats)
            .where(CustomerStats.total_spent >= minimum_fen)
        )
    )


def carrying(tag: Tag, **where) -> set[str]:
    query = (
        select(Customer.external_userid)
        .join(CustomerTag, CustomerTag.customer_id == Customer.id)
        .where(CustomerTag.tag_id == tag.id, CustomerTag.sync_status != "removing")
        .filter_by(**where)
    )
    return set(db.session.scalars(query))


def a_fresh_tag() -> Tag:
    """A new WeCom tag (made in WeCom first, as the console does), which no customer carries yet."""
    group = db.session.scalar(select(TagGroup).where(TagGroup.is_local.is_(False)).order_by(TagGroup.id))
    return tag_admin.add_tag(group, "自动大客户", actor="test")


@pytest.fixture()
def rule(seeded):
    with seeded.app_context():
        tag = a_fresh_tag()
        made = rule_tags.create("大额客户", tag, rule_tags.conditions({"spent_min": "3000"}))
        db.session.commit()
        return made.id, tag.id, tag.wecom_tag_id


def test_a_rule_tags_who_matches_pushes_it_and_only_the_difference_next_time(seeded, emulator, rule):
    rule_id, tag_id, wecom_tag = rule
    with seeded.app_context(), uow.unit():
        first = rule_tags.evaluate(db.session.get(TagRule, rule_id))
        tag = db.session.get(Tag, tag_id)
        expected = big_spenders(300_000)
        assert expected and first == {"added": len(expected), "removed": 0}
        assert carrying(tag, source="rule") == expected
        assert db.session.get(TagRule, rule_id).last_count == len(expected)
    with seeded.app_context():
        push_all()
    marked = {c["json"]["external_userid"] for c in emulator.calls("externalcontact/mark_tag")
              if c["json"]["add_tag"] == [wecom_tag]}  # fmt: skip
    assert marked == expected
    with seeded.app_context(), uow.unit():
        assert rule_tags.evaluate(db.session.get(TagRule, rule_id)) == {"added": 0, "removed": 0}


def test_a_customer_who_stops_matching_loses_only_the_rules_tag(seeded, emulator, rule):
    rule_id, tag_id, wecom_tag = rule
    with seeded.app_context(), uow.unit():
        rule_tags.evaluate(db.session.get(TagRule, rule_id))
    with seeded.app_context():
        push_all()
    with seeded.app_context(), uow.unit():
        tag = db.session.get(Tag, tag_id)
        leaving, by_hand = sorted(big_spenders(300_000))[:2]
        # One customer had the tag put on by a guide as well: the rule's row is theirs, so leave it manual.
        hand = db.session.scalar(select(Customer).where(Customer.external_userid == by_hand))
        row = db.session.get(CustomerTag, (hand.id, tag.id))
        row.source, row.rule_id = "manual", None
        for ext in (leaving, by_hand):
            customer_id = select(Customer.id).where(Customer.external_userid == ext).scalar_subquery()
            db.session.execute(
                update(CustomerStats).where(CustomerStats.customer_id == customer_id).values(total_spent=100)
            )
        got = rule_tags.evaluate(db.session.get(TagRule, rule_id))
        assert got == {"added": 0, "removed": 1}
        assert leaving not in carrying(tag) and by_hand in carrying(tag)
    with seeded.app_context():
        push_all()
    removed = [
        c["json"]
        for c in emulator.calls("externalcontact/mark_tag")
        if c["json"]["remove_tag"] == [wecom_tag]
    ]
    assert [c["external_userid"] for c in removed] == [leaving]
    with seeded.app_context():
        assert db.session.scalar(select(CustomerTag).join(Customer, Customer.id == CustomerTag.customer_id).where(Customer.external_userid == leaving,
                                 CustomerTag.tag_id == tag_id)) is None  # fmt: skip


def test_a_guide_taking_a_rule_tag_off_makes_an_exception_until_cleared(seeded, client, emulator, rule):
    rule_id, tag_id, _ = rule
    with seeded.app_context(), uow.unit():
        rule_tags.evaluate(db.session.get(TagRule, rule_id))
        chenjing = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        mine = db.session.scalar(
            select(Customer)
            .join(CustomerTag, CustomerTag.customer_id == Customer.id)
            .where(CustomerTag.rule_id == rule_id, Customer.follows.any(staff_id=chenjing.id))
        )
        ext = mine.external_userid
    with seeded.app_context():
        push_all()
    sign_in(client, "chenjing")
    res = client.post(
        f"/sidebar/customers/{ext}/tags",
        data={"tag_id": tag_id, "action": "remove"},
        headers=hx(csrf(client, "/sidebar/")),
    )
    assert res.status_code == 200
    with seeded.app_context(), uow.unit():
        assert db.session.get(TagRuleExclusion, (rule_id, mine.id)) is not None
        push_all()
        assert rule_tags.evaluate(db.session.get(TagRule, rule_id))["added"] == 0  # stays off
        assert rule_tags.clear_exceptions(db.session.get(TagRule, rule_id)) == 1
        assert rule_tags.evaluate(db.session.get(TagRule, rule_id))["added"] == 1  # back on


def test_turning_a_rule_off_or_deleting_it_takes_off_what_it_gave(seeded, client, emulator, rule):
    rule_id, tag_id, _ = rule
    with seeded.app_context(), uow.unit():
        rule_tags.evaluate(db.session.get(TagRule, rule_id))
        n = len(big_spenders(300_000))
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tag-rules")
    assert client.post(f"/admin/tag-rules/{rule_id}/toggle", data={"csrf_token": token}).status_code == 303
    with seeded.app_context():
        tag = db.session.get(Tag, tag_id)
        assert carrying(tag) == set()  # unsent adds are simply dropped
        assert db.session.get(TagRule, rule_id).enabled is False
    assert client.post(f"/admin/tag-rules/{rule_id}/toggle", data={"csrf_token": token}).status_code == 303
    with seeded.app_context():
        assert len(carrying(db.session.get(Tag, tag_id))) == n
        push_all()
    assert client.post(f"/admin/tag-rules/{rule_id}/delete", data={"csrf_token": token}).status_code == 303
    with seeded.app_context():
        assert db.session.get(TagRule, rule_id) is None
        assert carrying(db.session.get(Tag, tag_id)) == set()  # pushed ones are being removed in WeCom
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "tag_rule.delete")) is not None


def test_the_console_previews_creates_and_refuses_bad_rules(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tag-rules")
    with seeded.app_context():
        tag = a_fresh_tag()
        expected = len(big_spenders(300_000))
        tag_id = tag.id
        db.session.commit()
    preview = client.post(
        "/admin/tag-rules/preview",
        data={"csrf_token": token, "spent_min": "3000"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert f"{expected:,}" in preview and "<html" not in preview
    bad = client.post(
        "/admin/tag-rules",
        data={"csrf_token": token, "name": "坏规则", "tag_id": tag_id, "orders_min": "many"},
    )
    assert bad.status_code == 422 and "orders_min" in bad.get_data(as_text=True)
    empty = client.post("/admin/tag-rules", data={"csrf_token": token, "name": "没条件", "tag_id": tag_id})
    assert empty.status_code == 422
    made = client.post(
        "/admin/tag-rules",
        data={
            "csrf_token": token,
            "name": "复购客户",
            "tag_id": tag_id,
            "orders_min": "2",
            "lifecycle_stage": "active",
        },
    )
    assert made.status_code == 303, made.get_data(as_text=True)[-3000:]
    with seeded.app_context():
        rules = list(db.session.scalars(select(TagRule)))
        assert [r.name for r in rules] == ["复购客户"]
        active_repeat = set(
            db.session.scalars(
                select(Customer.external_userid)
                .join(CustomerStats)
                .where(CustomerStats.order_count >= 2, CustomerStats.lifecycle_stage == "active")
            )
        )
        assert carrying(db.session.get(Tag, tag_id)) == active_repeat  # created and run
    with seeded.app_context():
        perfume = db.session.scalar(select(Tag).where(Tag.name == "香水"))
        rule_tags.create(
            "敏感肌香水",
            perfume,
            rule_tags.conditions({"skin_type": "sensitive", "tags_any": str(perfume.id)}),
        )
        db.session.commit()
    page = client.get("/admin/tag-rules").get_data(as_text=True)
    assert "复购客户" in page and "成熟期" in page
    assert ": 敏感性" in page and ": 香水" in page  # the conditions in words, not codes or ids


def test_managers_may_look_but_not_change(seeded, client, rule):
    rule_id, tag_id, _ = rule
    qr_sign_in(client, "lina")
    assert client.get("/admin/tag-rules").status_code == 200
    token = csrf_token(client, "/admin/tag-rules")
    for path in (f"/admin/tag-rules/{rule_id}/toggle", f"/admin/tag-rules/{rule_id}/delete"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    with seeded.app_context():
        assert db.session.get(TagRule, rule_id).enabled is True


def test_a_deleted_tag_or_group_leaves_no_rows_on_customers(seeded, client, emulator):
    """customer_tags has no foreign keys (for the rules' bulk inserts): deleting a tag in the console, or
    a group in WeCom, takes its rows off every customer in the same transaction."""
    from sidebar.models import CustomerTag, Tag, TagGroup
    from sidebar.org import corp_tags
    from tests.web.admin.test_console import csrf_token, qr_sign_in

    with seeded.app_context():
        carried = db.session.execute(
            select(CustomerTag.tag_id, Tag.group_id).join(Tag, Tag.id == CustomerTag.tag_id).limit(1)
        ).first()
        tag_id, group_id = carried
        other_group = db.session.scalar(
            select(TagGroup.id)
            .join(Tag, Tag.group_id == TagGroup.id)
            .join(CustomerTag, CustomerTag.tag_id == Tag.id)
            .where(TagGroup.id != group_id, TagGroup.wecom_group_id.is_not(None))
            .limit(1)
        )
        other_wecom = db.session.get(TagGroup, other_group).wecom_group_id
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")
    assert client.post(f"/admin/tags/{tag_id}/delete", data={"csrf_token": token}).status_code == 303
    with emulator.state.lock:  # the other group goes in WeCom; the next sync learns it
        emulator.state.tag_groups = [g for g in emulator.state.tag_groups if g["group_id"] != other_wecom]
    with seeded.app_context():
        corp_tags.sync_corp_tags()
        db.session.commit()
        assert db.session.scalar(select(CustomerTag).where(CustomerTag.tag_id == tag_id)) is None
        orphans = db.session.scalar(
            select(func.count()).select_from(CustomerTag).where(~CustomerTag.tag_id.in_(select(Tag.id)))
        )
        assert orphans == 0
