"""Deleting a tag that something uses: the admin is told what first, and nothing keeps a dead id."""

from __future__ import annotations

import json

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import AuditLog, SopRule, Tag, TagGroup, TagRule
from tests.web.admin.test_console import csrf_token, qr_sign_in


def test_deleting_a_used_tag_says_what_uses_it_and_leaves_no_dead_id(seeded, app, client):
    with app.app_context():
        doomed, other = db.session.scalars(select(Tag).order_by(Tag.id).limit(2)).all()
        doomed_id, doomed_name = doomed.id, doomed.name
        db.session.add(TagRule(name="回购三次", tag_id=doomed.id, conditions=json.dumps({"orders_min": "3"})))
        sop = db.session.scalar(select(SopRule).order_by(SopRule.id).limit(1))
        sop.audience = json.dumps({"tags_any": f"{doomed.id},{other.id}"})
        sop_id, sop_name = sop.id, sop.name
        db.session.commit()
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")

    asked = client.post(f"/admin/tags/{doomed_id}/delete", data={"csrf_token": token})
    assert asked.status_code == 409
    page = asked.get_data(as_text=True)
    assert page.count('data-testid="tag-use"') == 2 and "回购三次" in page and sop_name in page
    with app.app_context():  # nothing changed yet
        assert db.session.get(Tag, doomed_id) is not None
        assert db.session.scalar(select(TagRule.id).where(TagRule.name == "回购三次")) is not None

    done = client.post(f"/admin/tags/{doomed_id}/delete", data={"csrf_token": token, "confirm": "1"})
    assert done.status_code == 303
    landing = client.get(done.headers["Location"]).get_data(as_text=True)  # says what it did
    assert f"删除了标签“{doomed_name}”" in landing and "从使用它的规则中移除" in landing
    with app.app_context():
        assert db.session.get(Tag, doomed_id) is None
        assert db.session.scalar(select(TagRule.id).where(TagRule.name == "回购三次")) is None
        assert json.loads(db.session.get(SopRule, sop_id).audience) == {"tags_any": str(other.id)}
        assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "tag_uses_removed"))
    rule_page = client.get(f"/admin/sop/{sop_id}").get_data(as_text=True)
    assert doomed_name not in rule_page and f": {doomed_id}" not in rule_page


def test_an_unused_tag_is_deleted_at_once(seeded, app, client):
    with app.app_context():
        group = TagGroup(name="临时", is_local=True)
        db.session.add(group)
        db.session.flush()
        tag = Tag(name="试用装", group_id=group.id)
        db.session.add(tag)
        db.session.commit()
        tag_id = tag.id
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")
    res = client.post(f"/admin/tags/{tag_id}/delete", data={"csrf_token": token})
    assert res.status_code == 303
    with app.app_context():
        assert db.session.get(Tag, tag_id) is None
