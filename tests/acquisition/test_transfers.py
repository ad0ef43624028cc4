"""在职继承 through the emulator over HTTP: a manager moves customers with the message the customer gets;
a third move in 90 days is refused before WeCom is asked; the colleague gets the follow, the open tasks
and the history of guides."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from sidebar.acquisition import inheritance, transfers
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Handover, HandoverStatus, Staff, StaffStatus, utcnow
from sidebar.wecom.gateway import wecom
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in


def _staff(userid: str) -> Staff:
    return db.session.scalar(select(Staff).where(Staff.userid == userid))


def _customers_of(staff: Staff, n: int) -> list[Customer]:
    return list(
        db.session.scalars(
            select(Customer)
            .join(Follow, Follow.customer_id == Customer.id)
            .where(Follow.staff_id == staff.id, Follow.deleted_at.is_(None))
            .order_by(Customer.id)
            .limit(n)
        )
    )


def _live_guides(customer: Customer) -> set[str]:
    return set(
        db.session.scalars(
            select(Staff.userid)
            .join(Follow, Follow.staff_id == Staff.id)
            .where(Follow.customer_id == customer.id, Follow.deleted_at.is_(None))
        )
    )


def test_customers_move_with_the_message_and_arrive_when_wecom_says_done(seeded, emulator):
    emulator.configure(transfer_delay=60.0)
    with seeded.app_context():
        source, target = _staff("wangfang"), _staff("chenjing")
        two = [c for c in _customers_of(source, 5) if "chenjing" not in _live_guides(c)][:2]
        outcomes = transfers.move(source, target, two, "您好，之后由陈静为您服务。")
        db.session.commit()
        assert [o.moved for o in outcomes] == [True, True]
        call = emulator.calls("externalcontact/transfer_customer")[-1]["json"]
        assert call["transfer_success_msg"] == "您好，之后由陈静为您服务。"
        chat = requests.get(
            emulator.url + "/_emulator/welcomes",
            params={"external_userid": two[0].external_userid},
            timeout=5,
        ).json()
        assert chat[-1]["text"]["content"] == "您好，之后由陈静为您服务。"
        assert inheritance.follow_up()["waiting"] == 2  # WeCom waits for the customer
        assert _live_guides(two[0]) >= {"wangfang"}
        emulator.configure(transfer_delay=0.0)
        assert inheritance.follow_up()["done"] == 2
        db.session.commit()
        live = _live_guides(two[0])
        assert "chenjing" in live and "wangfang" not in live
        ended = db.session.scalar(
            select(Follow).where(Follow.customer_id == two[0].id, Follow.staff_id == source.id)
        )
        assert ended.deleted_by == "transfer"


def test_a_third_move_in_90_days_is_refused_before_calling_wecom(seeded, emulator):
    with seeded.test_request_context():
        source, target = _staff("wangfang"), _staff("chenjing")
        customer = _customers_of(source, 1)[0]
        for days in (80, 10):
            db.session.add(
                Handover(
                    resigned=False,
                    handover_userid="liuyang",
                    takeover_staff_id=source.id,
                    external_userid=customer.external_userid,
                    status=HandoverStatus.DONE.value,
                    requested_at=utcnow() - timedelta(days=days),
                )
            )
        db.session.commit()
        before = len(emulator.calls("externalcontact/transfer_customer"))
        [outcome] = transfers.move(source, target, [customer], "")
        assert not outcome.moved and "90" in outcome.why
        assert len(emulator.calls("externalcontact/transfer_customer")) == before
        # One of the two moves is older than 90 days: a move is allowed again.
        db.session.execute(
            Handover.__table__.update()
            .where(Handover.external_userid == customer.external_userid)
            .where(Handover.requested_at > utcnow() - timedelta(days=30))
            .values(requested_at=utcnow() - timedelta(days=95))
        )
        db.session.commit()
        [outcome] = transfers.move(source, target, [customer], "")
        assert outcome.moved


def test_wecom_itself_refuses_a_third_move_and_an_overlong_message(seeded, emulator):
    from sidebar.wecom.errors import WeComError

    with seeded.test_request_context():
        source = _staff("wangfang")
        ext = _customers_of(source, 1)[0].external_userid
        for a, b in (("wangfang", "liuyang"), ("liuyang", "wangfang")):
            answer = wecom().transfer_customers(a, b, [ext], resigned=False)
            assert answer["customer"][0]["errcode"] == 0
        third = wecom().transfer_customers("wangfang", "liuyang", [ext], resigned=False)
        assert third["customer"][0]["errcode"] == 40128
        assert "90" in inheritance.reason(40128)
        with pytest.raises(WeComError):
            wecom().transfer_customers("wangfang", "liuyang", [ext], resigned=False, message="好" * 201)


def test_bad_moves_change_nothing(seeded, emulator):
    with seeded.test_request_context():
        source, target = _staff("wangfang"), _staff("chenjing")
        customer = _customers_of(source, 1)[0]
        with pytest.raises(transfers.TransferError):
            transfers.move(source, target, [customer], "好" * 201)
        with pytest.raises(transfers.TransferError):
            transfers.move(source, source, [customer], "")
        gone = _staff("sunhao")
        assert gone.status != StaffStatus.ACTIVE.value
        with pytest.raises(transfers.TransferError):
            transfers.move(source, gone, [customer], "")
        not_hers = db.session.scalar(
            select(Customer).where(~Customer.follows.any(Follow.staff_id == source.id)).limit(1)
        )
        [outcome] = transfers.move(source, target, [not_hers], "")
        assert not outcome.moved
        assert db.session.scalar(select(Handover.id).limit(1)) is None
    assert emulator.calls("externalcontact/transfer_customer") == []


def test_a_manager_moves_customers_in_the_console_and_the_profile_shows_the_guides(seeded, client, emulator):
    qr_sign_in(client, "lina")
    with seeded.app_context():
        source, target = _staff("wangfang"), _staff("chenjing")
        customer = [c for c in _customers_of(source, 5) if "chenjing" not in _live_guides(c)][0]
        outside = _staff("huangli")  # 华南: not in 李娜's scope
        ids = (source.id, target.id, customer.id, customer.external_userid, outside.id)
    src, dst, cid, ext, other = ids
    page = client.get(f"/admin/transfers?from={src}").get_data(as_text=True)
    assert 'data-testid="transfer-customer"' in page and "0 / 2 次" in page  # moves so far shown
    assert client.get(f"/admin/transfers?from={other}").status_code == 404
    token = csrf_token(client, "/admin/transfers")
    long = "好" * 201
    res = client.post(
        "/admin/transfers",
        data={"csrf_token": token, "from": src, "to": dst, "customer_id": cid, "message": long},
    )
    assert res.status_code == 422 and long in res.get_data(as_text=True)  # what was typed is kept
    res = client.post(
        "/admin/transfers",
        data={"csrf_token": token, "from": src, "to": other, "customer_id": cid, "message": "你好"},
    )
    assert res.status_code == 422  # a colleague outside the manager's scope is not offered
    res = client.post(
        "/admin/transfers",
        data={
            "csrf_token": token,
            "from": src,
            "to": dst,
            "customer_id": cid,
            "message": "您好，陈静会继续为您服务。",
        },
    )
    assert res.status_code == 200
    assert 'data-moved="yes"' in res.get_data(as_text=True)
    with seeded.app_context():
        assert inheritance.follow_up()["done"] == 1
        db.session.commit()
    # The colleague opens the customer: the history of guides shows both.
    side = seeded.test_client()
    sign_in(side, "chenjing")
    history = side.get(f"/sidebar/customers/{ext}/guides", headers={"HX-Request": "true"})
    text = history.get_data(as_text=True)
    assert history.status_code == 200
    assert "王芳" in text and "陈静" in text and "转给同事" in text
    assert 'data-testid="guide-period"' in text
    # Without a CSRF token nothing moves.
    assert client.post("/admin/transfers", data={"from": src, "to": dst, "customer_id": cid}).status_code in (
        400,
        403,
    )
