"""SOP rules in the console: created disabled, previewed with SQL counts, enabled, scoped."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import CouponTemplate, SopRule, SopTask
from tests.web.admin.test_console import csrf_token, qr_sign_in


def test_a_rule_is_created_disabled_previewed_and_enabled(seeded, client, runner):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    res = client.post(
        "/admin/sop",
        data={
            "csrf_token": token,
            "name": "黑金会员周问候",
            "trigger": "weekly",
            "weekday": str(demo.today().weekday()),
            "window_days": "1",
            "member_level": "黑金",
            "step0_offset": "0",
            "step0_text": "{客户称呼}，本周有新品体验～",
        },
    )
    assert res.status_code == 303
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    black_gold = [
        c for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS)) if c.member_level == "黑金"
    ]
    assert re.search(r'data-testid="preview-customers">([\d,]+)<', page).group(1) == f"{len(black_gold):,}"
    assert (
        re.search(r'data-testid="preview-tasks">([\d,]+)<', page).group(1)
        == f"{sum(len(c.serving) for c in black_gold):,}"
    )
    with seeded.app_context():
        rule_id = db.session.scalar(select(SopRule.id).where(SopRule.name == "黑金会员周问候"))
    # (The demo brand has SOP rules of its own: only this rule's tasks are counted.)
    of_rule = select(func.count()).select_from(SopTask).where(SopTask.rule_id == rule_id)
    with seeded.app_context():
        assert db.session.scalar(of_rule) == 0  # the preview made nothing
    runner.invoke(args=["sop", "run"])
    with seeded.app_context():
        assert db.session.scalar(of_rule) == 0  # disabled: nothing yet
    client.post(f"/admin/sop/{rule_id}/enable", data={"csrf_token": token})
    runner.invoke(args=["sop", "run"])
    with seeded.app_context():
        assert db.session.scalar(of_rule) == sum(len(c.serving) for c in black_gold)


def test_bad_rules_are_refused_and_managers_cannot_write(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    assert (
        client.post("/admin/sop", data={"csrf_token": token, "name": "空", "trigger": "added"}).status_code
        == 422
    )  # no step
    assert (
        client.post(
            "/admin/sop", data={"csrf_token": token, "name": "x", "trigger": "never", "step0_text": "t"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/admin/sop",
            data={
                "csrf_token": token,
                "name": "x",
                "trigger": "added",
                "skin_type": "scaly",
                "step0_text": "t",
            },
        ).status_code
        == 422
    )
    qr_sign_in(client, "lina")
    assert (
        client.post(
            "/admin/sop",
            data={
                "csrf_token": csrf_token(client, "/admin/sop"),
                "name": "x",
                "trigger": "added",
                "step0_text": "t",
            },
        ).status_code
        == 403
    )


def test_completion_counts_only_the_managers_team(seeded, client):
    from tests.web.sidebar.test_customers import customer_of
    from tests.web.sidebar.test_tasks import task_for

    east_task = task_for(seeded, customer_of("chenjing").external_userid)
    task_for(seeded, customer_of("huangli").external_userid)
    with seeded.app_context():
        done = db.session.get(SopTask, east_task)
        done.status, done.sent_pieces = "done", 2
        db.session.commit()
    qr_sign_in(client, "lina")
    page = client.get("/admin/sop/completion").get_data(as_text=True)
    assert page.count('data-testid="by_guide-row"') == 1 and "陈静" in page and "黄丽" not in page
    assert "100%" in page
    csv_text = client.get("/admin/sop/completion?format=csv").get_data(as_text=True)
    assert "guide,陈静,1,1,0,0,0,100" in csv_text and "黄丽" not in csv_text
    qr_sign_in(client, "zhangwei")
    assert client.get("/admin/sop/completion").get_data(as_text=True).count('data-testid="by_guide-row"') == 2


def test_the_editor_names_each_problem_in_chinese_and_keeps_what_was_typed(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    with seeded.app_context():
        empty = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))
        empty.stock_left = 0
        empty_id = empty.id
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(SopRule))
    res = client.post(
        "/admin/sop",
        data={
            "csrf_token": token,
            "name": "双十二提醒",
            "trigger": "fixed",
            "fixed_at": "2020-12-12T10:00",  # long past
            "window_days": "3",
            "step0_text": "{客户称呼}，双十二活动开始啦",
            "step0_coupon": str(empty_id),
        },
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert "该时间已过，规则不会生成任何任务" in html  # instead of quietly making no tasks
    assert "这张券已发完" in html  # checked when saved, not when a guide sends it
    assert 'data-testid="error-step0_coupon"' in html
    assert 'value="双十二提醒"' in html and "{客户称呼}，双十二活动开始啦" in html  # nothing typed is lost
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(SopRule)) == before


def test_times_are_the_brands_local_time_and_the_preview_shows_what_the_customer_receives(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    res = client.post(
        "/admin/sop",
        data={
            "csrf_token": token,
            "name": "新年问候",
            "trigger": "fixed",
            "fixed_at": "2099-01-01T10:00",  # 10:00 in Beijing
            "tags_any": ["1", "2"],  # ticked in the picker
            "step0_text": "{客户称呼}，新年快乐",
        },
    )
    assert res.status_code == 303
    with seeded.app_context():
        rule = db.session.scalar(select(SopRule).where(SopRule.name == "新年问候"))
        assert rule.fixed_at.hour == 2 and rule.fixed_at.utcoffset().total_seconds() == 0  # 02:00 UTC
        assert json.loads(rule.audience) == {"tags_any": "1,2"}
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "2099-01-01 10:00（北京时间）" in page
    preview = client.post(
        "/admin/sop/step-preview?n=0",
        data={"step0_text": "{客户称呼}，新年快乐", "step0_coupon": "1"},
        headers={"X-CSRFToken": token},
    ).get_data(as_text=True)
    assert "王女士，新年快乐" in preview and "新客礼券" in preview


def _weekly_rule(client, token, text: str) -> int:
    res = client.post(
        "/admin/sop",
        data={
            "csrf_token": token,
            "name": "黑金周问候",
            "trigger": "weekly",
            "weekday": str(demo.today().weekday()),
            "window_days": "1",
            "member_level": "黑金",
            "tags_any": ["1", "2"],
            "step0_offset": "0",
            "step0_text": text,
        },
    )
    assert res.status_code == 303
    return int(res.headers["Location"].rsplit("/", 1)[1])


def _texts(seeded, rule_id: int) -> dict[str, int]:
    from sidebar.models import SopStep

    with seeded.app_context():
        rows = db.session.execute(
            select(SopStep.text, func.count())
            .join(SopTask, SopTask.step_id == SopStep.id)
            .where(SopTask.rule_id == rule_id)
            .group_by(SopStep.text)
        )
        return dict(rows.tuples().all())


def test_an_edited_rule_changes_tasks_not_yet_made_and_never_doubles_one(seeded, client, runner):
    from werkzeug.datastructures import MultiDict

    from sidebar.sop import editor

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    rule_id = _weekly_rule(client, token, "本周新品～")
    client.post(f"/admin/sop/{rule_id}/enable", data={"csrf_token": token})
    runner.invoke(args=["sop", "run"])
    made = _texts(seeded, rule_id)
    assert set(made) == {"本周新品～"} and made["本周新品～"] > 0

    # The editor opens filled in: name, trigger, audience (both ticked tags), the step's text.
    page = client.get(f"/admin/sop/{rule_id}/edit").get_data(as_text=True)
    assert 'value="黑金周问候"' in page and "本周新品～</textarea>" in page
    assert re.search(r'<option value="weekly" selected', page) and re.search(r"<option selected>黑金", page)
    assert (
        page.count('name="tags_any" value="1" checked') == 1 and 'name="tags_any" value="2" checked' in page
    )
    assert "Changes apply to tasks not yet made" in page or "尚未生成的任务" in page

    # Saved as it opened: nothing changes, no step is replaced.
    with seeded.app_context():
        same = editor.form_of(db.session.get(SopRule, rule_id))
    same["csrf_token"] = token
    res = client.post(f"/admin/sop/{rule_id}/edit", data=same)
    assert res.status_code == 303
    with seeded.app_context():
        rule = db.session.get(SopRule, rule_id)
        assert rule.active and [s.text for s in rule.steps] == ["本周新品～"]
        first_step = rule.steps[0].id

    # The text changes and a second step is added: this week's tasks keep the old words, the changed
    # step makes no second task for this week, the new step makes its own.
    changed = MultiDict(same)
    changed["step0_text"] = "本周新品到店～"
    changed["step1_text"] = "附上新品手册"
    changed["name"] = "黑金周问候（新）"
    res = client.post(f"/admin/sop/{rule_id}/edit", data=changed)
    assert res.status_code == 303
    detail = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "本周新品到店～" in detail and "附上新品手册" in detail and "本周新品～ " not in detail
    assert "黑金周问候（新）" in detail
    runner.invoke(args=["sop", "run"])
    after = _texts(seeded, rule_id)
    assert after == {"本周新品～": made["本周新品～"], "附上新品手册": made["本周新品～"]}
    with seeded.app_context():
        rule = db.session.get(SopRule, rule_id)
        assert rule.active and [s.text for s in rule.steps] == ["本周新品到店～", "附上新品手册"]
        assert rule.steps[0].lineage_id == first_step
    # What was said: the audit, and the flash after saving.
    assert "黑金周问候（新）" in client.get("/admin/audit").get_data(as_text=True)

    # A rule with retired steps still deletes whole.
    client.post(f"/admin/sop/{rule_id}/delete", data={"csrf_token": token})
    with seeded.app_context():
        assert db.session.get(SopRule, rule_id) is None
        assert (
            db.session.scalar(select(func.count()).select_from(SopTask).where(SopTask.rule_id == rule_id))
            == 0
        )


def test_a_bad_edit_changes_nothing_and_managers_cannot_edit(seeded, client):
    from sidebar.sop import editor

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    rule_id = _weekly_rule(client, token, "原来的话")
    with seeded.app_context():
        form = editor.form_of(db.session.get(SopRule, rule_id))
    form["csrf_token"] = token
    form["step0_text"] = "改过的话"
    form["window_days"] = "999"
    res = client.post(f"/admin/sop/{rule_id}/edit", data=form)
    html = res.get_data(as_text=True)
    assert res.status_code == 422 and "改过的话" in html and 'data-testid="error-window_days"' in html
    form["window_days"] = "1"
    form["target"] = "groups"
    assert client.post(f"/admin/sop/{rule_id}/edit", data=form).status_code == 422
    with seeded.app_context():
        rule = db.session.get(SopRule, rule_id)
        assert (
            [s.text for s in rule.steps] == ["原来的话"]
            and rule.window_days == 1
            and rule.target == "customers"
        )

    qr_sign_in(client, "lina")  # a manager
    assert client.get(f"/admin/sop/{rule_id}/edit").status_code == 403
    form["csrf_token"] = csrf_token(client, "/admin/sop")
    assert client.post(f"/admin/sop/{rule_id}/edit", data=form).status_code == 403
