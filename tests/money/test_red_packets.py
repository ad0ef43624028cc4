"""Red packets: caps, budget, idempotency and payouts, against the real database and the emulator's
WeChat Pay over HTTP. The concurrency cases run threads with their own sessions, so the database's own
locking is what is tested (on PostgreSQL in CI, and on SQLite)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import (
    AuditLog,
    Customer,
    PacketStatus,
    RedPacket,
    Staff,
    utcnow,
)
from sidebar.money import red_packets
from sidebar.money.messages import Refused
from tests.money.helpers import guide_and_customer, in_threads, key, set_rule

# -- red packets ---------------------------------------------------------------------------------


def send_one(staff_id: int, customer_id: int, amount: int = 500, k: str | None = None, **extra):
    staff, customer = db.session.get(Staff, staff_id), db.session.get(Customer, customer_id)
    try:
        packet = red_packets.send(staff, customer, amount=amount, key=k or key(), **extra)
        db.session.commit()
        return packet.id
    except Refused as exc:
        db.session.rollback()
        return exc.code


def test_fifty_concurrent_sends_by_a_guide_capped_at_ten_make_exactly_ten(seeded):
    with seeded.app_context():
        set_rule(guide_daily_count=10, customer_daily_count=100, guide_daily_amount=10**7)
        staff, _ = guide_and_customer()
        customers = [guide_and_customer(i)[1].id for i in range(5)]
        staff_id = staff.id
    results = in_threads(seeded, 50, lambda i: send_one(staff_id, customers[i % 5]))
    with seeded.app_context():
        made = db.session.scalar(
            select(func.count()).select_from(RedPacket).where(RedPacket.staff_id == staff_id)
        )
    assert made == 10
    assert sum(isinstance(r, int) for r in results) == 10
    assert {r for r in results if isinstance(r, str)} == {"guide_count"}


def test_a_double_tap_makes_one_packet_and_a_key_cannot_be_reused(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        staff_id, customer_id = staff.id, customer.id
    tap = key()
    results = in_threads(seeded, 6, lambda i: send_one(staff_id, customer_id, 500, tap))
    assert len(set(results)) == 1 and isinstance(results[0], int)
    with seeded.app_context():
        assert send_one(staff_id, customer_id, 800, tap) == "key_reused"
        assert db.session.scalar(select(func.count()).select_from(RedPacket)) == 1


def test_limits_amounts_reasons_and_the_team_budget(seeded):
    with seeded.app_context():
        set_rule(min_amount=100, max_amount=5000, reason_required_above=2000, customer_daily_count=1)
        staff, customer = guide_and_customer()
        other = guide_and_customer(1)[1]
        assert send_one(staff.id, customer.id, 50) == "amount"
        assert send_one(staff.id, customer.id, 6000) == "amount"
        assert send_one(staff.id, customer.id, 3000) == "reason"
        assert isinstance(send_one(staff.id, customer.id, 3000, reason="生日关怀"), int)
        assert send_one(staff.id, customer.id, 100) == "customer_count"
        set_rule(default_team_monthly_budget=3500)
        assert send_one(staff.id, other.id, 600) == "budget"
        assert isinstance(send_one(staff.id, other.id, 500), int)
        # Nothing refused left a trace; the two made are in the audit log.
        assert db.session.scalar(select(func.count()).select_from(RedPacket)) == 2
        sends = db.session.scalar(select(func.count()).where(AuditLog.action == "red_packet.send"))
        assert sends == 2


def make_packet(app, amount: int = 500) -> tuple[int, str, str]:
    with app.app_context():
        staff, customer = guide_and_customer()
        packet_id = send_one(staff.id, customer.id, amount)
        assert isinstance(packet_id, int)
        return packet_id, customer.external_userid, db.session.get(RedPacket, packet_id).mch_billno


def claim(app, packet_id: int, ext: str, openid: str, now=None) -> str:
    with app.app_context():
        packet = db.session.get(RedPacket, packet_id)
        try:
            return red_packets.claim(packet, openid=openid, external_userid=ext, now=now)
        except Refused as exc:
            return exc.code
        finally:
            db.session.remove()


def test_twenty_concurrent_claims_pay_once(seeded, emulator):
    packet_id, ext, billno = make_packet(seeded)
    openid = emulator.state.openid(ext)
    results = in_threads(seeded, 20, lambda i: claim(seeded, packet_id, ext, openid))
    assert "paid" in results and set(results) <= {"paid", "paying"}
    payouts = emulator.pay()["payouts"]
    assert [p["mch_billno"] for p in payouts] == [billno]
    with seeded.app_context():
        packet = db.session.get(RedPacket, packet_id)
        assert packet.status == "paid" and packet.paid_at is not None and packet.openid == openid
        actions = db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == str(packet_id)))
        assert sorted(actions) == ["red_packet.claim", "red_packet.paid", "red_packet.send"]


def test_only_the_customer_it_was_sent_to_can_open_it(seeded, emulator):
    packet_id, ext, _ = make_packet(seeded)
    stranger = "wm_not_the_customer"
    assert claim(seeded, packet_id, stranger, emulator.state.openid(stranger)) == "not_yours"
    assert emulator.pay()["payouts"] == []


def test_a_payout_timeout_is_resolved_by_the_reconciler_with_one_key_and_one_payout(seeded, emulator):
    emulator.pay(faults=["TIMEOUT"], slow_seconds=2.0)
    packet_id, ext, billno = make_packet(seeded)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paying"
    with seeded.app_context():
        assert "TIMEOUT" in db.session.get(RedPacket, packet_id).last_error
        # Not yet due: the reconciler leaves it alone.
        assert red_packets.reconcile() == {}
        assert red_packets.reconcile(now=utcnow() + timedelta(minutes=2)) == {"paid": 1}
        assert db.session.get(RedPacket, packet_id).status == "paid"
    pay = emulator.pay()
    assert [p["mch_billno"] for p in pay["payouts"]] == [billno]
    assert pay["requests"] == 1  # resolved by querying, never by sending again


def test_a_timeout_before_paying_is_resent_with_the_same_number(seeded, emulator):
    emulator.pay(faults=["TIMEOUT_UNPAID"], slow_seconds=2.0)
    packet_id, ext, billno = make_packet(seeded)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paying"
    with seeded.app_context():
        # WeChat Pay has no record (NOT_FOUND): the reconciler sends again with the same mch_billno.
        assert red_packets.reconcile(now=utcnow() + timedelta(minutes=2)) == {"paid": 1}
    pay = emulator.pay()
    assert [p["mch_billno"] for p in pay["payouts"]] == [billno]
    assert pay["requests"] == 2


def test_systemerror_is_retried_with_the_same_key(seeded, emulator):
    emulator.pay(faults=["SYSTEMERROR_PAID", "SYSTEMERROR"])
    packet_id, ext, billno = make_packet(seeded)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "paid"
    pay = emulator.pay()
    assert pay["requests"] == 3
    assert [p["mch_billno"] for p in pay["payouts"]] == [billno]


def test_notenough_fails_cleanly_and_releases_the_budget(seeded, emulator):
    with seeded.app_context():
        set_rule(default_team_monthly_budget=500)
    emulator.pay(faults=["NOTENOUGH"])
    packet_id, ext, _ = make_packet(seeded, 500)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "failed"
    assert emulator.pay()["payouts"] == []
    with seeded.app_context():
        packet = db.session.get(RedPacket, packet_id)
        assert packet.status == "failed" and "NOTENOUGH" in packet.last_error
        staff, customer = guide_and_customer(1)
        # The failed packet no longer holds the team's 5 yuan: another can be sent.
        assert isinstance(send_one(staff.id, customer.id, 500), int)


def test_unopened_packets_expire_after_a_day_and_release_the_budget(seeded, emulator):
    with seeded.app_context():
        set_rule(default_team_monthly_budget=500)
    packet_id, ext, _ = make_packet(seeded, 500)
    with seeded.app_context():
        staff, customer = guide_and_customer(1)
        assert send_one(staff.id, customer.id, 500) == "budget"
        assert red_packets.expire(now=utcnow() + timedelta(hours=23)) == 0
        assert red_packets.expire(now=utcnow() + timedelta(hours=24, seconds=1)) == 1
        assert db.session.get(RedPacket, packet_id).status == PacketStatus.EXPIRED.value
        assert isinstance(send_one(staff.id, customer.id, 500), int)
    assert claim(seeded, packet_id, ext, emulator.state.openid(ext)) == "expired"
    assert emulator.pay()["payouts"] == []


def test_the_finance_exports_default_range_is_this_month_in_the_brands_calendar(app):
    """At 01:30 on the 1st in Beijing it is still the last day of the month before in UTC."""
    from datetime import UTC, date, datetime

    from sidebar.money import admin as money_admin

    with app.app_context():
        first, last = money_admin.default_range(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    assert (first, last) == (date(2026, 12, 1), date(2026, 12, 1))
