"""Hostile input: what is valid JSON or valid text but absurd is refused in words, per record where the
API answers per record, and never answered with a 500 — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import AuditLog, BehaviourEvent, Member, Order, Product, Tag, TagGroup
from tests.data.test_orders_api import make_key, order
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import customer_of


@pytest.fixture()
def writer(seeded, app):
    return make_key(app, "orders:write", "members:write", "events:write", "products:write")


@pytest.mark.parametrize(
    "paid_at",
    ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+08:00", "1900-01-01T00:00:00", "2999-01-01T00:00:00"],
)
def test_dates_outside_a_plausible_window_are_refused_per_order(writer, client, paid_at):
    res = client.post("/api/v1/orders", json={"orders": [order("FAR-1", paid_at=paid_at), order("NEAR-1")]},
                      headers=writer)  # fmt: skip
    assert res.status_code == 200
    far, near = res.get_json()["results"]
    assert far["result"] == "refused" and far["reason"].startswith("paid_at:")
    assert near["result"] == "created"


def test_far_dates_in_members_and_events_are_refused_not_500(writer, client):
    members = client.post(
        "/api/v1/members",
        json={"members": [{"member_no": "M-FAR", "birthday": "0001-01-01"},
                          {"member_no": "M-UPD", "updated_at": "9999-12-31T23:59:59-12:00"}]},
        headers=writer,
    )  # fmt: skip
    assert members.status_code == 200
    assert [r["result"] for r in members.get_json()["results"]] == ["refused", "refused"]
    event = {
        "source": "mall", "event_id": "far-1", "kind": "viewed", "occurred_at": "9999-12-31T23:59:59-09:00",
        "customer": {"phone": "13800138000"}, "sku": "X",
    }  # fmt: skip
    events = client.post("/api/v1/events", json={"events": [event]}, headers=writer)
    assert events.status_code == 200 and events.get_json()["results"][0]["result"] == "refused"


@pytest.mark.parametrize("amount", ["1e30", "1e99", "NaN", "-1", "Infinity", "1E3"])
def test_amounts_in_exponent_form_are_refused_everywhere_money_comes_in(writer, app, client, amount):
    res = client.post("/api/v1/orders", json=order("EXP-1", total_amount=amount), headers=writer)
    assert res.status_code == 200 and res.get_json()["results"][0]["result"] == "refused"
    product = {"sku": "P-EXP", "name": "x", "price": amount, "link": "https://mall.example.com/p"}
    res = client.post("/api/v1/products", json=product, headers=writer)
    assert res.status_code == 200 and res.get_json()["results"][0]["result"] == "refused"
    redeem = make_key(app, "coupons:redeem")
    res = client.post("/api/v1/coupons/NOSUCHCODE/redeem", json={"amount": amount, "order_no": "X"},
                      headers=redeem)  # fmt: skip
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "bad_amount"


@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/members", "/api/v1/events", "/api/v1/products",
                                  "/api/v1/members/M1", "/api/v1/stores/S1"])  # fmt: skip
def test_deeply_nested_json_is_a_400_on_every_endpoint(writer, client, path):
    body = "[" * 5000 + "]" * 5000
    method = client.put if path.count("/") == 4 else client.post
    res = method(path, data=body, content_type="application/json", headers=writer)
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "too_deep"


RACES = {
    "orders": ({"orders": [order(f"RACE-{n}") for n in range(20)]}, Order, Order.order_no.like("RACE-%"), 20),
    "members": ({"members": [{"member_no": f"RACE-M{n}", "level": "金卡"} for n in range(20)]}, Member,
                Member.member_no.like("RACE-M%"), 20),
    "products": ({"products": [{"sku": f"RACE-P{n}", "name": "x", "price": "1.00",
                                "link": "https://mall.example.com/p"} for n in range(20)]}, Product,
                 Product.sku.like("RACE-P%"), 20),
    "events": ({"events": [{"source": "mall", "event_id": f"race-{n}", "kind": "viewed", "sku": "X",
                            "occurred_at": "2026-11-20T10:00:00+08:00", "customer": {"phone": "13800138000"}}
                           for n in range(20)]}, BehaviourEvent, BehaviourEvent.event_id.like("race-%"), 20),
}  # fmt: skip


@pytest.mark.parametrize("what", list(RACES))
def test_the_same_batch_sent_by_eight_at_once_is_stored_once_and_answers_everyone(seeded, app, writer, what):
    batch, model, mine, expected = RACES[what]

    def send(_: int) -> tuple[int, list[str]]:
        res = app.test_client().post(f"/api/v1/{what}", json=batch, headers=writer)
        return res.status_code, [r["result"] for r in (res.get_json() or {}).get("results", [])]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert [status for status, _ in answers] == [200] * 8, answers
    assert all(set(results) <= {"created", "unchanged", "updated"} for _, results in answers), answers
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(model).where(mine)) == expected


def test_control_characters_in_search_boxes_are_taken_out(seeded, client):
    qr_sign_in(client, "zhangwei")
    assert client.get("/admin/customers", query_string={"q": "\x00王"}).status_code == 200
    sign_in(client, "chenjing")
    person = customer_of("chenjing")
    for tab in ("scripts", "materials"):
        res = client.get(f"/sidebar/customers/{person.external_userid}/{tab}", query_string={"q": "\x00"})
        assert res.status_code == 200


def test_a_tag_group_name_that_exists_is_refused_in_words(seeded, app, client):
    with app.app_context():
        existing = db.session.scalar(select(TagGroup.name).where(TagGroup.is_local.is_(False)).limit(1))
        groups = db.session.scalar(select(func.count()).select_from(TagGroup))
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")
    res = client.post("/admin/tags/groups", data={"csrf_token": token, "name": existing, "first_tag": "新的"})
    assert res.status_code == 422 and "exists" in res.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TagGroup)) == groups
        assert db.session.scalar(select(Tag.id).where(Tag.name == "新的")) is None


def test_a_transfer_failure_with_quotes_in_its_words_is_stored_as_json(seeded, app, live_app, emulator):
    emulator.send_event(
        change_type="transfer_fail", userid='chen"jing', external_userid='wm"x', reason='a"b\\c'
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "transfer_failed"))
        assert json.loads(entry.detail) == {"userid": 'chen"jing', "reason": 'a"b\\c'}


def test_a_binary_file_and_an_overlong_cell_are_said_in_words(seeded, app, client):
    from tests.data.test_imports import finished_job, upload

    qr_sign_in(client, "zhangwei")
    binary = upload(client, "tmall", "orders.csv", b"PK\x03\x04\x00\x00\x9c\xff" * 200)
    assert binary.status_code == 422
    assert "\\x9c" not in binary.get_data(as_text=True) and "codec" not in binary.get_data(as_text=True)
    header = (
        "订单编号,买家会员名,买家实际支付金额,订单状态,联系手机,订单付款时间,宝贝标题,宝贝总数量,退款金额\n"
    )
    rows = ("3012345678901,tb_x," + "9" * 200_000 + ",交易成功,,2026-11-01 20:11:20,x,1,0\n"
            "3012345678902,tb_x,10.00,交易成功,,2026-11-01 20:11:20,x,1,0\n")  # fmt: skip
    job, counts = finished_job(app, upload(client, "tmall", "orders.csv", (header + rows).encode("utf-8")))
    assert (counts["created"], counts["refused"]) == (1, 1)
    refused = client.get(f"/admin/jobs/{job.id}/refused")
    lines = refused.get_data().decode("utf-8-sig").splitlines()
    refused.close()
    assert lines[1].startswith("2,")  # the line with the long cell, named right


def test_beacons_for_a_view_the_reader_reopened_are_ignored(seeded, app, client):
    from datetime import timedelta

    from sqlalchemy import update

    from sidebar.models import LinkView, utcnow
    from tests.signals.test_radar import send_tracked, views
    from tests.web.sidebar.test_money import as_customer

    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    path = send_tracked(client, person.external_userid, "秋冬新品")
    reader = app.test_client()
    first = as_customer(reader, path, person.external_userid).get_data(as_text=True)
    first_token = first.split('data-view="', 1)[1].split('"', 1)[0]
    with app.app_context():
        ago = utcnow() - timedelta(minutes=10)
        db.session.execute(update(LinkView).values(opened_at=ago, last_seen_at=ago))
        db.session.commit()
    assert reader.get(path).status_code == 200  # opened again: the first view has ended
    assert reader.post(f"{path}/read", data={"view": first_token, "seconds": "300"}).status_code == 204
    assert sorted(v.seconds for v in views(app)) == [0, 0]


def test_a_form_with_absurd_numbers_is_refused_not_500(seeded, client):
    sign_in(client, "chenjing")
    page = client.get("/sidebar/").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    res = client.post("/sidebar/sends", data={"kind": "script", "ref_id": "9" * 30},
                      headers={"X-CSRFToken": token, "HX-Request": "true"})  # fmt: skip
    assert 400 <= res.status_code < 500


@pytest.mark.parametrize("sync", ["staff", "tags", "groups"])
def test_eight_syncs_at_once_make_each_row_once(app, emulator, sync):
    """Two admins pressing sync, a callback's job beside the nightly run: the rows WeCom names are made
    once and no sync fails on a key another made meanwhile."""
    from sidebar.core import uow
    from sidebar.customers import group_sync
    from sidebar.models import GroupChat, Staff
    from sidebar.org import corp_tags, staff

    work = {
        "staff": staff.sync_staff,
        "tags": corp_tags.sync_corp_tags,
        "groups": lambda: group_sync.sync_groups(restart=True),
    }[sync]
    if sync == "groups":
        with app.app_context(), uow.unit():
            staff.sync_staff()

    def run(_: int) -> str:
        with app.app_context():
            try:
                with uow.unit():
                    work()
                return "ok"
            except Exception as exc:  # noqa: BLE001 - what the sync answered is the assertion
                return f"{type(exc).__name__}: {exc}"[:200]
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(run, range(8))) == ["ok"] * 8
    model = {"staff": Staff, "tags": Tag, "groups": GroupChat}[sync]
    key = {"staff": Staff.userid, "tags": Tag.wecom_tag_id, "groups": GroupChat.chat_id}[sync]
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(model))
        distinct = db.session.scalar(select(func.count(func.distinct(key))))
        assert rows == distinct and rows > 0
