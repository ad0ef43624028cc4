"""Group SOP: rules whose audience is group chats (by tag, owner, size, age), one task per group for its
owner, sent into the group from the sidebar's group view; done only when every piece went out."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import func, select

from sidebar import demo
from sidebar.customers import group_notes
from sidebar.extensions import db
from sidebar.models import (
    CouponTemplate,
    GroupChat,
    GroupSopTask,
    SopRule,
    SopStep,
    Staff,
    TaskStatus,
    utcnow,
)
from sidebar.sop import engine
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import csrf


def group_rule(audience: dict, name: str = "群周会") -> SopRule:
    rule = SopRule(
        name=name,
        target="groups",
        active=True,
        trigger="weekly",
        weekday=utcnow().weekday(),
        window_days=2,
        audience=json.dumps(audience, ensure_ascii=False),
    )
    rule.steps = [SopStep(position=0, text="{客户称呼}晚上好，今晚 8 点直播见～")]
    db.session.add(rule)
    db.session.flush()
    return rule


def test_a_group_rule_makes_one_task_per_group_in_its_audience_for_the_owner(seeded, app):
    with app.app_context():
        groups = {g.chat_id: g for g in db.session.scalars(select(GroupChat))}
        vip = next(g for g in groups.values() if g.owner_userid == "chenjing")
        group_notes.add_tag(vip, "VIP群")
        others = [g for g in groups.values() if g.id != vip.id]
        others[0].status = "dismissed"  # a dismissed group gets nothing, whatever its tags
        group_notes.add_tag(others[0], "VIP群")
        tagged = group_rule({"tag": "VIP群"})
        everyone = group_rule({"min_members": 5}, name="大群")
        made = engine.generate(tagged, now=utcnow())
        again = engine.generate(tagged, now=utcnow())
        assert (made, again) == (1, 0)
        task = db.session.scalar(select(GroupSopTask).where(GroupSopTask.rule_id == tagged.id))
        owner_id = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
        assert task.group_id == vip.id and task.staff_id == owner_id
        assert engine.generate(everyone, now=utcnow()) == len(
            [g for g in groups.values() if g.status == "active"]
        )
        preview = engine.preview(tagged, now=utcnow())
        assert preview == {"customers": 1, "tasks": 0}
        db.session.rollback()


def test_the_owner_sends_a_group_task_from_the_group_view_and_it_counts_done(seeded, app, client):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    with app.app_context():
        assert engine.run(now=utcnow())["made"] >= 1  # the demo's weekly group rule
        db.session.commit()
    sign_in(client, "chenjing")
    today = client.get("/sidebar/tasks").get_data(as_text=True)
    assert today.count('data-testid="today-group-row"') == 1 and group.name in today
    page = client.get(f"/sidebar/groups/{group.chat_id}").get_data(as_text=True)
    assert page.count('data-testid="group-task"') == 1 and "各位晚上好" in page
    stages = re.findall(r'data-testid="member-stage">([^<]*)<', page)
    assert stages and all(s in {"引入期", "成长期", "成熟期", "休眠期", "流失期"} for s in stages), stages
    with app.app_context():
        task_id, pieces = db.session.execute(
            select(GroupSopTask.id, func.count())
            .group_by(GroupSopTask.id)
            .join(GroupChat)
            .where(GroupChat.chat_id == group.chat_id)
        ).one()
    token = csrf(client, "/sidebar/")
    url = f"/sidebar/group-tasks/{task_id}/sent"
    assert client.post(url, data={"piece": 1, "total": 2}, headers={"X-CSRFToken": token}).status_code == 409
    assert (
        client.post(url, data={"piece": 0, "total": 2}, headers={"X-CSRFToken": token}).get_json()["status"]
        == "pending"
    )
    # A member of the group who is not its owner neither sees nor sends it.
    other = app.test_client()
    sign_in(other, "wangfang")
    assert 'data-testid="group-task"' not in other.get(f"/sidebar/groups/{group.chat_id}").get_data(
        as_text=True
    )
    assert (
        other.post(
            url, data={"piece": 1, "total": 2}, headers={"X-CSRFToken": csrf(other, "/sidebar/")}
        ).status_code
        == 404
    )
    done = client.post(url, data={"piece": 1, "total": 2}, headers={"X-CSRFToken": token}).get_json()
    assert done["status"] == TaskStatus.DONE.value
    assert 'data-testid="group-task"' not in client.get(f"/sidebar/groups/{group.chat_id}").get_data(
        as_text=True
    )


def test_the_console_makes_group_rules_and_refuses_what_a_group_cannot_get(seeded, client, app):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    base = {
        "csrf_token": token,
        "name": "群直播提醒",
        "target": "groups",
        "weekday": "0",
        "step0_text": "各位今晚见",
    }
    birthday = client.post("/admin/sop", data={**base, "trigger": "birthday"})
    assert birthday.status_code == 422 and "群规则" in birthday.get_data(as_text=True)
    with app.app_context():
        coupon_id = db.session.scalar(select(CouponTemplate.id).where(CouponTemplate.name == "新客礼券"))
    with_coupon = client.post(
        "/admin/sop", data={**base, "trigger": "weekly", "step0_coupon": str(coupon_id)}
    )
    assert with_coupon.status_code == 422 and "优惠券" in with_coupon.get_data(as_text=True)
    made = client.post(
        "/admin/sop", data={**base, "trigger": "weekly", "group_tag": "VIP群", "group_min_members": "3"}
    )
    assert made.status_code == 303
    page = client.get(made.headers["Location"])
    assert page.status_code == 200
    with app.app_context():
        rule = db.session.scalar(select(SopRule).where(SopRule.name == "群直播提醒"))
        assert rule.target == "groups" and json.loads(rule.audience) == {"tag": "VIP群", "min_members": 3}


def test_an_edited_group_rule_keeps_made_tasks_and_makes_no_second_one_for_the_week(seeded, app):
    from sidebar.sop import editor

    with app.app_context():
        rule = group_rule({})
        now = utcnow()
        made = engine.generate(rule, now=now)
        db.session.commit()
        assert made > 0
        form = editor.form_of(rule)
        assert form["target"] == "groups" and form["weekday"] == str(now.weekday())
        form["step0_text"] = "今晚 8 点直播，记得来～"
        assert editor.revise(rule, form, now=now) == 1
        db.session.commit()
        assert engine.generate(rule, now=now) == 0  # this week's groups have their task
        texts = db.session.scalars(
            select(SopStep.text).join(GroupSopTask, GroupSopTask.step_id == SopStep.id)
        ).all()
        assert set(texts) == {"{客户称呼}晚上好，今晚 8 点直播见～"} and len(texts) == made
        assert [s.text for s in rule.steps] == ["今晚 8 点直播，记得来～"]
        # Next week the new words go out.
        assert engine.generate(rule, now=now + timedelta(days=7)) == made
