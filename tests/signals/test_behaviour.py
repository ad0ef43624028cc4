"""Mall behaviour over the API (scopes, per-event answers, the sender's key, unmatched events matched
later, daily counts, retention) and the signal rules that bring it to the guide (app message, the
customer's activity, the today page with a suggested script)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from sidebar.data import oneid
from sidebar.extensions import db
from sidebar.jobs import match_behaviour_now
from sidebar.models import (
    BehaviourDay,
    BehaviourEvent,
    Customer,
    CustomerSignal,
    IdentitySource,
    Script,
    SignalRule,
)
from sidebar.signals import rules as signal_rules
from tests.data.test_orders_api import make_key
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import csrf, customer_of


@pytest.fixture(autouse=True)
def no_demo_rules(seeded):
    """Each test makes the rules it is about (the demo brand starts with three)."""
    with seeded.app_context():
        db.session.execute(delete(SignalRule))
        db.session.commit()


def read(app, fn):
    with app.app_context():
        return fn()


def event(n: int, kind: str = "viewed", *, ago: timedelta = timedelta(minutes=5), **who) -> dict:
    at = (datetime.now(UTC) - ago).isoformat()
    return {
        "event_id": f"e-{n}",
        "kind": kind,
        "occurred_at": at,
        "sku": "LX-SER-01",
        "product_name": "澜序 玻色因紧致精华 30ml",
        "customer": who,
    }


def messages_to(emulator, userid: str) -> list[str]:
    return [
        m["text"]["content"] for m in emulator.state.messages if m.get("touser") == userid and "text" in m
    ]


def test_a_batch_answers_each_event_and_a_resend_changes_nothing(seeded, app, client):
    key = make_key(app, "events:write")
    person = customer_of("chenjing")
    national = person.phone.removeprefix("+86")
    batch = [
        event(1, external_userid=person.external_userid),
        event(2, "carted", phone=f"{national[:3]} {national[3:7]} {national[7:]}"),
        event(3, unionid="ozUnknownShopper0000000001"),
        event(4, "teleported", external_userid=person.external_userid),
        {**event(5, external_userid=person.external_userid), "sku": None},
        {**event(6, external_userid=person.external_userid), "product_name": "bad\x00name"},
        event(7, "paid", external_userid=person.external_userid) | {"amount": "399.00"},
    ]
    res = client.post("/api/v1/events", json={"events": batch}, headers=key)
    body = res.get_json()
    assert res.status_code == 200, body
    assert body["counts"] == {"created": 4, "unchanged": 0, "refused": 3, "unmatched": 1}
    results = {r["event_id"]: r for r in body["results"]}
    assert results["e-1"]["matched"] and results["e-2"]["matched"] and not results["e-3"]["matched"]
    assert results["e-4"]["result"] == "refused" and "kind" in results["e-4"]["reason"]
    assert "sku" in results["e-5"]["reason"] and "control" in results["e-6"]["reason"]

    again = client.post("/api/v1/events", json={"events": batch[:3]}, headers=key).get_json()
    assert again["counts"]["created"] == 0 and again["counts"]["unchanged"] == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BehaviourEvent)) == 4
        customer_id = db.session.scalar(
            select(Customer.id).where(Customer.external_userid == person.external_userid)
        )
        day = db.session.scalar(select(BehaviourDay).where(BehaviourDay.customer_id == customer_id))
        assert (day.viewed, day.carted, day.paid, day.paid_amount) == (1, 1, 1, 39900)


def test_the_api_needs_a_key_with_the_scope_and_a_bounded_batch(seeded, app, client):
    assert client.post("/api/v1/events", json=event(1, external_userid="x")).status_code == 401
    orders_only = make_key(app, "orders:write")
    assert (
        client.post("/api/v1/events", json=event(1, external_userid="x"), headers=orders_only).status_code
        == 403
    )
    key = make_key(app, "events:write")
    many = [event(n, unionid="u") for n in range(501)]
    assert client.post("/api/v1/events", json={"events": many}, headers=key).status_code == 413
    assert client.post("/api/v1/events", data="nope", headers=key).status_code == 422
    assert read(app, lambda: db.session.scalar(select(func.count()).select_from(BehaviourEvent))) == 0


def test_an_unknown_shopper_is_matched_once_they_are_known(seeded, app, client):
    key = make_key(app, "events:write")
    client.post("/api/v1/events", json={"events": [event(1, phone="13912345678")]}, headers=key)
    person = customer_of("wangfang")
    with app.app_context():
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        oneid.learn_phones([(customer.id, "13912345678", IdentitySource.MEMBER, "VIP1")])  # a member import
        db.session.commit()
        customer_id = customer.id
        assert match_behaviour_now()["customers"] == 1
        matched = db.session.scalar(select(BehaviourEvent))
        assert matched.customer_id == customer_id and matched.matched_by == "phone"
        assert (
            db.session.scalar(select(BehaviourDay.viewed).where(BehaviourDay.customer_id == customer_id)) == 1
        )


def test_raw_events_past_retention_go_and_their_days_stay(seeded, app, client):
    key = make_key(app, "events:write")
    person = customer_of("chenjing")
    old = event(1, ago=timedelta(days=100), external_userid=person.external_userid)
    client.post(
        "/api/v1/events",
        json={"events": [old, event(2, external_userid=person.external_userid)]},
        headers=key,
    )
    with app.app_context():
        assert match_behaviour_now()["pruned"] == 1
        assert db.session.scalar(select(func.count()).select_from(BehaviourEvent)) == 1
        assert db.session.scalar(select(func.count()).select_from(BehaviourDay)) == 2


def rule(app, **fields) -> int:
    with app.app_context():
        script_id = db.session.scalar(select(Script.id).where(Script.title == "修护面霜"))
        made = signal_rules.create({"notify": "1", "script_id": str(script_id), **fields})
        db.session.commit()
        return made.id


def test_a_cart_left_reaches_the_guide_once_with_a_suggested_script(seeded, app, client, emulator):
    rule(app, name="加购未下单", kind="cart_left", minutes="30")
    key = make_key(app, "events:write")
    person = customer_of("chenjing")
    other = customer_of("liuyang")
    batch = [
        event(1, "carted", ago=timedelta(minutes=45), external_userid=person.external_userid),
        event(2, "carted", ago=timedelta(minutes=10), external_userid=person.external_userid),  # not yet
        event(3, "carted", ago=timedelta(minutes=50), external_userid=other.external_userid),
        event(4, "paid", ago=timedelta(minutes=40), external_userid=other.external_userid),  # they bought
    ]
    client.post("/api/v1/events", json={"events": batch}, headers=key)
    told = [m for m in messages_to(emulator, "chenjing") if "加购了" in m]
    assert told == [f"{person.name} 加购了“澜序 玻色因紧致精华 30ml”，30 分钟未下单\n建议话术：修护面霜"]
    assert not [m for m in messages_to(emulator, "liuyang") if "加购了" in m]
    client.post("/api/v1/events", json={"events": batch}, headers=key)  # again: nothing new
    assert read(app, lambda: db.session.scalar(select(func.count()).select_from(CustomerSignal))) == 1

    sign_in(client, "chenjing")
    today = client.get("/sidebar/tasks").get_data(as_text=True)
    assert 'data-testid="signal-row"' in today and "加购了" in today
    assert 'data-testid="signal-script"' in today and person.name[:1] in today
    activity = client.get(f"/sidebar/customers/{person.external_userid}/timeline").get_data(as_text=True)
    assert activity.count('data-testid="signal-entry"') == 1
    assert "近 30 天：浏览商品 0 次，加购 2 次，支付 0 单" in activity


def test_repeated_views_and_a_vips_return_fire_once_each(seeded, app, client, emulator):
    rule(app, name="反复浏览", kind="viewed_often", times="3")
    rule(app, name="VIP 回访", kind="vip_returns", days="60", levels="金卡,黑金")
    key = make_key(app, "events:write")
    person = customer_of("chenjing")
    with app.app_context():
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        customer.member_level = "黑金"
        db.session.commit()
    views = [
        event(n, ago=timedelta(minutes=20 - n), external_userid=person.external_userid) for n in range(4)
    ]
    client.post("/api/v1/events", json={"events": views}, headers=key)
    with app.app_context():
        kinds = sorted(
            db.session.scalars(
                select(SignalRule.kind).join(CustomerSignal, CustomerSignal.rule_id == SignalRule.id)
            )
        )
    assert kinds == ["viewed_often", "vip_returns"]
    told = messages_to(emulator, "chenjing")
    assert any("今天看了" in m for m in told) and any("60 天来首次逛商城" in m for m in told)


def test_a_bad_rule_is_refused_and_only_admins_make_rules(seeded, app):
    admin = app.test_client()
    qr_sign_in(admin, "zhangwei")
    token = csrf(admin, "/admin/signal-rules")
    bad = admin.post(
        "/admin/signal-rules", data={"csrf_token": token, "name": "x", "kind": "cart_left", "minutes": "2"}
    )
    assert bad.status_code == 422 and 'data-testid="signal-rule-error"' in bad.get_data(as_text=True)
    assert 'value="x"' in bad.get_data(as_text=True)  # what was typed stays
    vip = admin.post(
        "/admin/signal-rules", data={"csrf_token": token, "name": "v", "kind": "vip_returns", "levels": ""}
    )
    assert vip.status_code == 422
    assert read(app, lambda: db.session.scalar(select(func.count()).select_from(SignalRule))) == 0
    good = admin.post(
        "/admin/signal-rules",
        data={"csrf_token": token, "name": "加购", "kind": "cart_left", "minutes": "30"},
    )
    assert good.status_code == 303
    rule_id = read(app, lambda: db.session.scalar(select(SignalRule.id)))
    assert admin.post(f"/admin/signal-rules/{rule_id}/toggle", data={"csrf_token": token}).status_code == 303
    assert read(app, lambda: db.session.get(SignalRule, rule_id).enabled) is False
    manager = app.test_client()
    qr_sign_in(manager, "lina")
    assert manager.get("/admin/signal-rules").status_code == 200
    refused = manager.post(
        "/admin/signal-rules",
        data={"csrf_token": csrf(manager, "/admin/signal-rules"), "name": "m", "kind": "cart_left"},
    )
    assert refused.status_code == 403
