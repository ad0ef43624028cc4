"""Every documented sendworkwxredpack result handled with its documented action (WeChat Pay's red-packet
error table; WeCom docs 90275 and 90281), keeping one payout per packet: SEND_FAILED gets a new bill
number only after a query proves the old one did not pay; rate limits and FATAL_ERROR keep the number;
a packet not opened within 24 h is refunded and its money returns to the budget."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from sidebar.core.units import brand_zone
from sidebar.extensions import db
from sidebar.models import AuditLog, RedPacket, utcnow
from sidebar.money import red_packets
from tests.money.helpers import guide_and_customer, set_rule
from tests.money.test_red_packets import claim, make_packet, send_one
from tests.web.admin.test_console import qr_sign_in


def test_send_failed_is_queried_then_paid_once_under_a_new_number(seeded, emulator):
    emulator.pay(faults=["SEND_FAILED"])
    packet_id, ext, old = make_packet(seeded)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paid"
    with seeded.app_context():
        packet = db.session.get(RedPacket, packet_id)
        assert packet.mch_billno != old and packet.replaced_billnos == old
        actions = list(
            db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == str(packet_id)))
        )
        assert "red_packet.send_failed" in actions and "red_packet.new_billno" in actions
    pay = emulator.pay()
    assert [p["mch_billno"] for p in pay["payouts"]] == [packet.mch_billno]  # one payout
    assert pay["requests"] == 2  # two sends (the query between them proved the first did not pay)


def test_send_failed_under_a_dead_number_never_pays_twice_even_when_asked_again(seeded, emulator):
    emulator.pay(faults=["SEND_FAILED", "SEND_FAILED"])  # the new number fails too
    packet_id, ext, old = make_packet(seeded)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paying"
    with seeded.app_context():
        second = db.session.get(RedPacket, packet_id).mch_billno
        assert second != old and db.session.get(RedPacket, packet_id).new_billno_due
        assert red_packets.reconcile(now=utcnow() + timedelta(seconds=1)) == {"paid": 1}
        packet = db.session.get(RedPacket, packet_id)
        assert packet.replaced_billnos == f"{old},{second}"
    assert [p["mch_billno"] for p in emulator.pay()["payouts"]] == [packet.mch_billno]


def test_rate_limits_and_fatal_error_keep_the_number_and_resolve_by_query(seeded, emulator):
    for i, fault in enumerate(("FREQ_LIMIT", "SECOND_OVER_LIMITED", "FATAL_ERROR", "PROCESSING")):
        emulator.pay(faults=[fault])
        with seeded.app_context():
            staff, customer = guide_and_customer(i + 1)
            packet_id, ext = send_one(staff.id, customer.id, 500), customer.external_userid
            billno = db.session.get(RedPacket, packet_id).mch_billno
        assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paying", fault
        with seeded.app_context():
            assert red_packets.reconcile(now=utcnow() + timedelta(minutes=2)) == {"paid": 1}
            assert db.session.get(RedPacket, packet_id).mch_billno == billno
    assert len(emulator.pay()["payouts"]) == 4


def test_a_param_error_fails_and_releases_the_budget(seeded, emulator):
    with seeded.app_context():
        set_rule(default_team_monthly_budget=500)
    emulator.pay(faults=["PARAM_ERROR"])
    packet_id, ext, _ = make_packet(seeded, 500)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "failed"
    with seeded.app_context():
        staff, customer = guide_and_customer(1)
        assert isinstance(send_one(staff.id, customer.id, 500), int)


def test_a_packet_not_opened_within_24_hours_is_refunded_and_not_counted_as_spend(seeded, client, emulator):
    with seeded.app_context():
        set_rule(default_team_monthly_budget=500)
    packet_id, ext, billno = make_packet(seeded, 500)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paid"
    with seeded.app_context():
        staff, customer = guide_and_customer(1)
        assert send_one(staff.id, customer.id, 500) == "budget"  # the paid packet holds the budget
    emulator.pay(refund=[billno])  # the customer never opened it in WeChat: the money went back
    with seeded.app_context():
        assert red_packets.reconcile(now=utcnow() + timedelta(hours=2)) == {}  # not before WeChat's 24 h
        assert red_packets.reconcile(now=utcnow() + timedelta(hours=26)) == {"refunded": 1}
        packet = db.session.get(RedPacket, packet_id)
        assert packet.status == "refunded" and packet.refund_amount == 500 and packet.refunded_at
        staff, customer = guide_and_customer(1)
        assert isinstance(send_one(staff.id, customer.id, 500), int)  # the budget came back
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/red-packets").get_data(as_text=True)
    assert "24" in page and "退" in page
    with seeded.app_context():  # the export's days are the brand's, not UTC's
        day = utcnow().astimezone(brand_zone()).strftime("%Y-%m-%d")
    with client.get(
        "/admin/red-packets/export", query_string={"from": day, "to": day, "format": "csv"}
    ) as res:
        rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    refunded = [r for r in rows if r[1] == billno]
    assert refunded and refunded[0][6].startswith("已退回") and Decimal(refunded[0][13]) == 5
    assert rows[-1][0] == "合计（已退回）" and Decimal(rows[-1][5]) == 5


def test_a_packet_opened_is_checked_once_and_left_paid(seeded, emulator):
    packet_id, ext, billno = make_packet(seeded)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paid"
    emulator.pay(receive=[billno])
    with seeded.app_context():
        assert red_packets.reconcile(now=utcnow() + timedelta(hours=26)) == {"paid": 1}
        packet = db.session.get(RedPacket, packet_id)
        assert packet.received_at is not None and packet.next_check_at is None
        assert red_packets.reconcile(now=utcnow() + timedelta(hours=60)) == {}
