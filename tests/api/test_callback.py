"""The callback receiver, end to end: the emulator encrypts, signs and delivers over HTTP; the app
verifies, stores, and a job applies the event."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from emulator import callbacks
from sidebar import demo
from sidebar.extensions import db
from sidebar.jobs import run_due_events
from sidebar.models import Customer, CustomerTag, Follow, Order, Tag, WecomEvent, utcnow


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_url_verification_echoes_the_decrypted_echostr(live_app, emulator):
    res = requests.post(
        emulator.url + "/_emulator/verify-url", json={"url": live_app.url + "/wecom/callback"}, timeout=10
    )
    assert res.json() == {"status": 200, "verified": True}


def test_url_verification_with_a_bad_signature_is_refused(client):
    res = client.get(
        "/wecom/callback",
        query_string={"msg_signature": "0" * 40, "timestamp": "1", "nonce": "n", "echostr": "abc"},
    )
    assert res.status_code == 403


def test_a_bad_signature_is_refused_and_nothing_is_stored(app, client, emulator):
    xml = callbacks.event_xml(
        emulator.state.settings["WECOM_CORP_ID"],
        "change_external_contact",
        "del_follow_user",
        {"UserID": "chenjing", "ExternalUserID": "wmx"},
    )
    params, body = callbacks.signed_request(emulator.state.settings, xml)
    params["msg_signature"] = "f" * 40
    res = client.post("/wecom/callback", query_string=params, data=body)
    assert res.status_code == 403
    # Signed with another corp's token: refused as well.
    params, body = callbacks.signed_request({**emulator.state.settings, "WECOM_CALLBACK_TOKEN": "other"}, xml)
    assert client.post("/wecom/callback", query_string=params, data=body).status_code == 403
    with app.app_context():
        assert count(WecomEvent) == 0


def test_a_callback_signed_right_but_encrypted_with_another_aes_key_is_a_400_that_names_the_key(
    app, client, emulator, caplog
):
    """What a brand sees when WECOM_CALLBACK_AES_KEY differs from the EncodingAESKey saved in WeCom."""
    xml = callbacks.event_xml(
        emulator.state.settings["WECOM_CORP_ID"],
        "change_external_contact",
        "del_follow_user",
        {"UserID": "chenjing", "ExternalUserID": "wmx"},
    )
    other_key = {
        **emulator.state.settings,
        "WECOM_CALLBACK_AES_KEY": "ZYXWVUTSRQPONMLKJIHGFEDCBAabcdefghij0123456",
    }
    params, body = callbacks.signed_request(other_key, xml)
    res = client.post("/wecom/callback", query_string=params, data=body)
    assert res.status_code == 400 and "WECOM_CALLBACK_AES_KEY" in res.get_data(as_text=True)
    assert "check WECOM_CALLBACK_AES_KEY" in caplog.text
    # Not XML at all: a 400 too, never a 500.
    garbage = client.post("/wecom/callback", query_string=params, data=b"\x00not xml")
    assert garbage.status_code == 403
    with app.app_context():
        assert count(WecomEvent) == 0


@pytest.mark.parametrize("skew", [-86400, -3700, 3700])
def test_a_correctly_signed_callback_far_from_now_is_refused_and_not_stored(app, client, emulator, skew):
    xml = callbacks.event_xml(
        emulator.state.settings["WECOM_CORP_ID"],
        "change_external_contact",
        "del_follow_user",
        {"UserID": "chenjing", "ExternalUserID": "wmreplay"},
    )
    params, body = callbacks.signed_request(emulator.state.settings, xml, at=time.time() + skew)
    res = client.post("/wecom/callback", query_string=params, data=body)
    assert res.status_code == 400
    with app.app_context():
        assert count(WecomEvent) == 0
    # The same event signed now is taken, once.
    params, body = callbacks.signed_request(emulator.state.settings, xml)
    assert client.post("/wecom/callback", query_string=params, data=body).status_code == 200
    with app.app_context():
        assert count(WecomEvent) == 1


def test_the_replay_window_is_configurable(another_app, app, emulator):
    strict = another_app(CALLBACK_MAX_SKEW=60).test_client()
    xml = callbacks.event_xml(
        emulator.state.settings["WECOM_CORP_ID"],
        "change_external_tag",
        "create",
        {"Id": "t1", "TagType": "tag"},
    )
    params, body = callbacks.signed_request(emulator.state.settings, xml, at=time.time() - 120)
    assert strict.post("/wecom/callback", query_string=params, data=body).status_code == 400
    params, body = callbacks.signed_request(emulator.state.settings, xml, at=time.time() - 30)
    assert strict.post("/wecom/callback", query_string=params, data=body).status_code == 200


def test_missing_parameters_are_a_400(client):
    assert client.post("/wecom/callback", data="<xml/>").status_code == 400


def test_an_add_event_creates_the_customer_follow_and_tags_from_wecom(seeded, live_app, emulator):
    tag = demo.tag_id("兴趣", "香水")
    result = emulator.send_event(
        change_type="add_external_contact",
        userid="chenjing",
        external_userid="wmNEWCUSTOMER0000000000000000001",
        contact={
            "external_userid": "wmNEWCUSTOMER0000000000000000001",
            "name": "林小满",
            "type": 1,
            "gender": 2,
            "unionid": "ozNEW1",
        },
        tags=[tag],
        state="store_qr_sh01",
    )
    assert result["delivered"] and len(result["attempts"]) == 1
    with seeded.app_context():
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == "wmNEWCUSTOMER0000000000000000001")
        )
        assert customer is not None
        assert (customer.name, customer.gender, customer.unionid) == ("林小满", 2, "ozNEW1")
        follow = customer.follows[0]
        assert follow.staff.userid == "chenjing" and follow.state == "store_qr_sh01" and follow.is_live
        tag_names = set(
            db.session.scalars(
                select(Tag.name)
                .join(CustomerTag, CustomerTag.tag_id == Tag.id)
                .where(CustomerTag.customer_id == customer.id)
            )
        )
        assert tag_names == {"香水"}
        event = db.session.scalar(select(WecomEvent))
        assert (event.status, event.attempts, event.change_type) == ("done", 1, "add_external_contact")
    assert len(emulator.calls("externalcontact/get")) == 1


def test_the_same_event_delivered_three_times_is_one_row_and_one_effect(seeded, live_app, emulator):
    ext = "wmNEWCUSTOMER0000000000000000002"
    emulator.state.add_contact("wangfang", {"external_userid": ext, "name": "周一一", "type": 1})
    xml = callbacks.event_xml(
        emulator.state.settings["WECOM_CORP_ID"],
        "change_external_contact",
        "add_external_contact",
        {"UserID": "wangfang", "ExternalUserID": ext, "WelcomeCode": "w1"},
        create_time=1764000000,
    )
    for _ in range(3):  # each delivery encrypted afresh, as WeCom's retries are
        assert callbacks.deliver(emulator.state.settings, xml, live_app.url + "/wecom/callback")["delivered"]
    with seeded.app_context():
        assert count(WecomEvent) == 1
        assert count(Customer, Customer.external_userid == ext) == 1
        assert (
            count(
                Follow,
                Follow.customer_id
                == select(Customer.id).where(Customer.external_userid == ext).scalar_subquery(),
            )
            == 1
        )
    assert len(emulator.calls("externalcontact/get")) == 1


def test_del_follow_user_marks_the_follow_deleted_and_keeps_the_customer(seeded, live_app, emulator):
    person = demo.customer(0)
    userid = person.follows[0].userid
    emulator.send_event(change_type="del_follow_user", userid=userid, external_userid=person.external_userid)
    with seeded.app_context():
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        assert customer is not None
        follow = next(f for f in customer.follows if f.staff.userid == userid)
        assert follow.deleted_at is not None and follow.deleted_by == "customer"
        assert count(Order, Order.customer_id == customer.id) == len(person.orders)


def test_del_external_contact_by_transfer_is_marked_as_such(seeded, live_app, emulator):
    person = demo.customer(1)
    userid = person.follows[0].userid
    emulator.send_event(
        change_type="del_external_contact",
        userid=userid,
        external_userid=person.external_userid,
        source="DELETE_BY_TRANSFER",
    )
    with seeded.app_context():
        follow = db.session.scalar(
            select(Follow).join(Customer).where(Customer.external_userid == person.external_userid)
        )
        assert follow.deleted_by == "transfer"


def test_a_tag_created_in_wecom_is_mirrored(seeded, live_app, emulator):
    emulator.send_event(change_type="create", group_name="兴趣", tag_name="男士护理")
    with seeded.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.name == "男士护理"))
        assert tag is not None and tag.group.name == "兴趣" and not tag.is_local


def test_a_failing_job_is_retried_with_backoff_and_its_error_stays_visible(seeded, live_app, emulator):
    emulator.configure(always_error={"externalcontact/get": 60020})
    ext = demo.external_userid(5)
    result = emulator.send_event(
        change_type="edit_external_contact", userid=demo.customer(5).follows[0].userid, external_userid=ext
    )
    assert result["delivered"]  # stored and acknowledged, even though the work failed
    with seeded.app_context():
        event = db.session.scalar(select(WecomEvent))
        assert event.status == "failed" and event.attempts == 1
        assert "60020" in event.last_error
        wait = event.next_attempt_at - utcnow()
        assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
        # Before its time comes, nothing is retried.
        assert run_due_events() == 0
    emulator.configure(always_error={})
    with seeded.app_context():
        assert run_due_events(utcnow() + timedelta(seconds=31)) == 1
        db.session.expire_all()
        event = db.session.scalar(select(WecomEvent))
        assert (event.status, event.attempts, event.last_error) == ("done", 2, None)


def test_an_event_that_keeps_failing_ends_dead_with_its_error(seeded, live_app, emulator):
    emulator.configure(always_error={"externalcontact/get": 60020})
    emulator.send_event(
        change_type="edit_external_contact", userid="chenjing", external_userid=demo.external_userid(2)
    )
    with seeded.app_context():
        later = utcnow()
        for _ in range(10):
            later += timedelta(hours=2)
            run_due_events(later)
        event = db.session.scalar(select(WecomEvent))
        assert event.status == "dead" and event.attempts == 6 and "60020" in event.last_error


def test_the_emulator_retries_when_no_200_comes(seeded, live_app, emulator):
    from tests.conftest import Served

    answers = iter([500, 200])
    seen = []

    def flaky(environ, start_response):
        status = next(answers)
        seen.append(status)
        start_response(f"{status} X", [("Content-Type", "text/plain")])
        return [b""]

    server = Served(flaky)
    try:
        result = emulator.send_event(
            change_type="transfer_fail",
            userid="chenjing",
            external_userid="wmx",
            url=server.url,
            retry_delay=0,
        )
    finally:
        server.stop()
    assert [a["status"] for a in result["attempts"]] == [500, 200] == seen


@pytest.mark.slow
def test_a_burst_of_500_events_is_each_answered_in_time_and_all_processed(seeded, deployed):
    """gunicorn answers and a separate huey consumer does the work, as in production; the emulator
    (WeCom) sends from a process of its own. The only bound asserted is WeCom's own: an answer within
    5 s, or WeCom retries. How fast the answers are is bench/callbacks.py's to print."""
    stack, wecom = deployed
    people = [demo.customer(i) for i in range(250)]
    specs = [
        {
            "change_type": "edit_external_contact",
            "userid": p.follows[0].userid,
            "external_userid": p.external_userid,
            "create_time": 1764000000 + n,
        }
        for n, p in enumerate(people)
    ] + [
        {
            "change_type": "transfer_fail",
            "userid": "chenjing",
            "external_userid": p.external_userid,
            "create_time": 1764000000 + n,
        }
        for n, p in enumerate(people)
    ]
    sent = requests.post(
        wecom.url + "/_emulator/burst",
        json={"events": specs, "concurrency": 8, "timeout": callbacks.TIMEOUT},
        timeout=600,
    ).json()
    results = sent["results"]
    # Every event answered 200 at the first attempt, within WeCom's 5 s.
    retried = [r["attempts"] for r in results if not r["delivered"] or len(r["attempts"]) > 1]
    assert not retried, retried[:3]
    assert all(a["status"] == 200 for r in results for a in r["attempts"])
    # Every event stored once and processed (waiting is bounded; the count is what is asserted).
    deadline = time.monotonic() + 180
    done = 0
    while time.monotonic() < deadline and done < 500:
        time.sleep(0.25)
        with seeded.app_context():
            done = count(WecomEvent, WecomEvent.status == "done")
    with seeded.app_context():
        assert count(WecomEvent) == 500
        assert count(WecomEvent, WecomEvent.status == "done") == 500
        assert count(WecomEvent, WecomEvent.last_error.is_not(None)) == 0
