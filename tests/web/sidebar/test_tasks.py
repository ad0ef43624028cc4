"""SOP tasks in the sidebar: previewed, sent piece by piece in order, done only when all went out."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import event, select

from sidebar.customers import salutation
from sidebar.extensions import db
from sidebar.models import Coupon, CouponTemplate, Customer, Script, SopRule, SopStep, SopTask, utcnow
from sidebar.sop import engine as sop_engine
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import csrf, customer_of, hx


def task_for(app, external_userid: str, coupon: str | None = None) -> int:
    """A two-piece task (text + a company script, and a coupon if named) due now for the customer's
    first follower."""
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
        script = db.session.scalar(select(Script).where(Script.title == "防晒"))
        rule = SopRule(
            name="新客关怀",
            active=True,
            trigger="weekly",
            trigger_days=0,
            weekday=utcnow().weekday(),
            window_days=2,
            audience=json.dumps({"q": customer.phone}),
        )
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == coupon))
        rule.steps = [
            SopStep(
                position=0,
                offset_days=0,
                text="{客户称呼}，最近皮肤状态怎么样？",
                script_id=script.id,
                coupon_template_id=template.id if template else None,
            )
        ]
        db.session.add(rule)
        db.session.flush()
        assert sop_engine.generate(rule, now=utcnow()) >= 1
        db.session.commit()
        return db.session.scalar(select(SopTask.id).where(SopTask.customer_id == customer.id))


def test_the_tasks_tab_previews_each_piece_filled_in(seeded, client):
    person = customer_of("chenjing")
    task_for(seeded, person.external_userid)
    sign_in(client, "chenjing")
    html = client.get(f"/sidebar/customers/{person.external_userid}/tasks").get_data(as_text=True)
    greeting = salutation.default_for(person.name, person.gender)
    assert "新客关怀" in html and f"{greeting}，最近皮肤状态怎么样？" in html and "记得涂防晒" not in html
    assert html.count('data-testid="piece"') == 2


def test_pieces_are_recorded_in_order_and_the_last_one_completes_the_task(seeded, client):
    person = customer_of("chenjing")
    task_id = task_for(seeded, person.external_userid)
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    out_of_order = client.post(
        f"/sidebar/tasks/{task_id}/sent", data={"piece": 1, "total": 2}, headers={"X-CSRFToken": token}
    )
    assert out_of_order.status_code == 409
    assert client.post(
        f"/sidebar/tasks/{task_id}/sent", data={"piece": 0, "total": 2}, headers={"X-CSRFToken": token}
    ).json == {"status": "pending", "sent": 1}
    assert client.post(
        f"/sidebar/tasks/{task_id}/sent", data={"piece": 1, "total": 2}, headers={"X-CSRFToken": token}
    ).json == {"status": "done", "sent": 2}
    assert "新客关怀" not in client.get(f"/sidebar/customers/{person.external_userid}/tasks").get_data(
        as_text=True
    )


def test_a_task_is_skipped_only_with_a_reason_and_only_by_its_guide(seeded, client):
    person = customer_of("chenjing")
    task_id = task_for(seeded, person.external_userid)
    other = seeded.test_client()
    sign_in(other, "wangfang")
    assert (
        other.post(
            f"/sidebar/tasks/{task_id}/sent",
            data={"piece": 0, "total": 2},
            headers={"X-CSRFToken": csrf(other, "/sidebar/")},
        ).status_code
        == 404
    )
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    path = f"/sidebar/tasks/{task_id}/skip"
    assert (
        client.post(
            path, data={"reason": " ", "external_userid": person.external_userid}, headers=hx(token)
        ).status_code
        == 422
    )
    assert (
        client.post(
            path, data={"reason": "客户在外地", "external_userid": person.external_userid}, headers=hx(token)
        ).status_code
        == 200
    )
    with seeded.app_context():
        task = db.session.get(SopTask, task_id)
        assert (task.status, task.skip_reason) == ("skipped", "客户在外地")


def test_a_task_with_a_coupon_issues_it_once_when_its_turn_comes(seeded, client):
    person = customer_of("chenjing")
    task_id = task_for(seeded, person.external_userid, coupon="新客礼券")
    sign_in(client, "chenjing")
    html = client.get(f"/sidebar/customers/{person.external_userid}/tasks").get_data(as_text=True)
    assert html.count('data-testid="piece"') == 3 and "新客礼券（满300减50）" in html
    with seeded.app_context():
        assert db.session.scalar(select(Coupon.id)) is None  # nothing issued by showing the task
    token = csrf(client, "/sidebar/")
    first = client.post(f"/sidebar/tasks/{task_id}/coupon", headers={"X-CSRFToken": token})
    again = client.post(f"/sidebar/tasks/{task_id}/coupon", headers={"X-CSRFToken": token})
    assert first.status_code == 200 and first.json == again.json and first.json["msgtype"] == "news"
    for piece in range(3):
        client.post(
            f"/sidebar/tasks/{task_id}/sent",
            data={"piece": piece, "total": 3},
            headers={"X-CSRFToken": token},
        )
    with seeded.app_context():
        coupons = db.session.scalars(select(Coupon)).all()
        assert len(coupons) == 1 and coupons[0].card_sent_at is not None
        assert db.session.get(SopTask, task_id).status == "done"
    # Another guide's task is not theirs to issue from.
    sign_in(client, "huangli")
    assert (
        client.post(
            f"/sidebar/tasks/{task_id}/coupon", headers={"X-CSRFToken": csrf(client, "/sidebar/")}
        ).status_code
        == 404
    )


def test_the_tasks_tab_renders_with_at_most_8_queries(seeded, client):
    person = customer_of("chenjing")
    for _ in range(3):
        task_for(seeded, person.external_userid, coupon="新客礼券")
    sign_in(client, "chenjing")
    with seeded.app_context():
        engine = db.engine
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        res = client.get(f"/sidebar/customers/{person.external_userid}/tasks")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert res.get_data(as_text=True).count('data-testid="task"') == 3
    assert len(statements) <= 8, "\n".join(statements)


def test_expired_tasks_are_not_shown(seeded, client):
    person = customer_of("chenjing")
    task_id = task_for(seeded, person.external_userid)
    with seeded.app_context():
        db.session.get(SopTask, task_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    sign_in(client, "chenjing")
    assert 'data-testid="no-tasks"' in client.get(
        f"/sidebar/customers/{person.external_userid}/tasks"
    ).get_data(as_text=True)


def test_the_morning_reminder_goes_once_a_day_to_guides_with_due_tasks(seeded, emulator):
    from sidebar.sop import reminders as sop_reminders

    person = customer_of("chenjing")
    task_for(seeded, person.external_userid)
    with seeded.app_context():
        first = sop_reminders.send(utcnow(), agent_id="1000002")
        again = sop_reminders.send(utcnow(), agent_id="1000002")
    assert first["sent"] >= 1 and first["failed"] == 0 and again["sent"] == 0
    sent = emulator.state.messages
    # One message each (guides whose demo customers raised alerts are reminded too).
    assert len(sent) == first["sent"] and len({m["touser"] for m in sent}) == len(sent)
    mine = [m for m in sent if m["touser"] == "chenjing"]
    assert len(mine) == 1 and "1 个 SOP 任务" in mine[0]["text"]["content"]


def test_the_today_page_lists_only_the_guides_own_tasks(seeded, client):
    mine, theirs = customer_of("chenjing"), customer_of("wangfang", not_followed_by="chenjing")
    task_for(seeded, mine.external_userid)
    task_for(seeded, theirs.external_userid)
    sign_in(client, "chenjing")
    html = client.get("/sidebar/tasks").get_data(as_text=True)
    assert html.count('data-testid="today-row"') == 1 and mine.name in html and theirs.name not in html
    # Each task names its rule, when it was due and how much of it is sent.
    assert html.count('data-testid="today-task"') == 1 and "新客关怀" in html and "2 条消息" in html
    assert "1 位客户，共 1 个任务" in html


def test_flask_sop_run_makes_due_tasks(seeded, runner):
    with seeded.app_context():
        rule = SopRule(
            name="周一问候",
            active=True,
            trigger="weekly",
            trigger_days=0,
            weekday=utcnow().weekday(),
            window_days=1,
            audience=json.dumps({"member_level": "黑金"}),
        )
        rule.steps = [SopStep(position=0, offset_days=0, text="{客户称呼}，新的一周好～")]
        db.session.add(rule)
        db.session.commit()
    result = runner.invoke(args=["sop", "run"])
    assert result.exit_code == 0 and json.loads(result.output)["made"] > 0
    assert json.loads(runner.invoke(args=["sop", "run"]).output)["made"] == 0


def test_customers_to_win_back_are_on_the_today_page_and_in_the_morning_message(seeded, client, emulator):
    from sidebar.models import Alert, Staff
    from sidebar.sop import reminders as sop_reminders

    person, theirs = customer_of("chenjing"), customer_of("wangfang", not_followed_by="chenjing")
    with seeded.app_context():
        staff = {s.userid: s.id for s in db.session.scalars(select(Staff))}
        ids = dict(db.session.execute(select(Customer.external_userid, Customer.id)).tuples().all())
        db.session.add(
            Alert(kind="dormant", customer_id=ids[person.external_userid], staff_id=staff["chenjing"])
        )
        db.session.add(
            Alert(kind="lost", customer_id=ids[theirs.external_userid], staff_id=staff["wangfang"])
        )
        db.session.commit()
    sign_in(client, "chenjing")
    html = client.get("/sidebar/tasks").get_data(as_text=True)
    assert person.name in html and "进入休眠" in html and f'data-open-chat="{person.external_userid}"' in html
    assert theirs.name not in html  # another guide's alert
    with seeded.app_context():
        # The demo's own data already flags some quiet big spenders; count what chenjing has open.
        mine = db.session.query(Alert).filter_by(staff_id=staff["chenjing"], resolved_at=None).count()
        assert sop_reminders.send(utcnow(), agent_id="1000002")["sent"] >= 2
    to_chenjing = next(m for m in emulator.state.messages if m["touser"] == "chenjing")
    assert f"{mine} 位客户需要挽回" in to_chenjing["text"]["content"]
