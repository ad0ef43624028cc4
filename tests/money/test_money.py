"""Coupons and red packets: caps, stock, idempotency and payouts, against the real database and the
emulator's WeChat Pay over HTTP. The concurrency cases run threads with their own sessions, so the
database's own locking is what is tested (on PostgreSQL in CI, and on SQLite)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import (
    AuditLog,
    Coupon,
    CouponTemplate,
    Customer,
    Follow,
    PacketStatus,
    RedPacket,
    RedPacketRule,
    Staff,
    utcnow,
)
from sidebar.money import coupons, red_packets
from sidebar.money.messages import Refused


def key() -> str:
    return uuid.uuid4().hex


def guide_and_customer(n: int = 0) -> tuple[Staff, Customer]:
    """A guide and the n-th customer they follow."""
    staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
    customer = db.session.scalars(
        select(Customer)
        .join(Follow, Follow.customer_id == Customer.id)
        .where(Follow.staff_id == staff.id, Follow.deleted_at.is_(None))
        .order_by(Customer.id)
    ).all()[n]
    return staff, customer


def set_rule(**fields) -> RedPacketRule:
    rule = red_packets.rule()
    for name, value in fields.items():
        setattr(rule, name, value)
    db.session.commit()
    return rule


def in_threads(app, n: int, work, workers: int = 12) -> list:
    """Run ``work(i)`` n times at once, each in its own app context (its own session)."""
    start = threading.Barrier(min(n, workers))

    def run(i: int):
        with app.app_context():
            try:
                if i < workers:
                    start.wait(10)
                return work(i)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(n)))


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


# -- coupons ---------------------------------------------------------------------------------------


def make_template(**fields) -> CouponTemplate:
    stock = fields.pop("stock", 30)
    template = CouponTemplate(
        name=fields.pop("name", "满300减50"),
        value=fields.pop("value", 5000),
        threshold=fields.pop("threshold", 30000),
        valid_days=fields.pop("valid_days", 30),
        total_stock=stock,
        stock_left=stock,
        per_customer_limit=fields.pop("per_customer_limit", 1000),
        per_guide_daily=fields.pop("per_guide_daily", 1000),
        **fields,
    )
    db.session.add(template)
    db.session.commit()
    return template


def issue_one(staff_id: int, customer_id: int, template_id: int, k: str | None = None):
    staff, customer = db.session.get(Staff, staff_id), db.session.get(Customer, customer_id)
    try:
        coupon = coupons.issue(staff, customer, template_id, k or key())
        db.session.commit()
        return coupon.code
    except Refused as exc:
        db.session.rollback()
        return exc.code


def test_a_hundred_concurrent_issues_of_thirty_in_stock_make_exactly_thirty(seeded):
    with seeded.app_context():
        template_id = make_template(stock=30).id
        staff, customer = guide_and_customer()
        ids = staff.id, customer.id
    results = in_threads(seeded, 100, lambda i: issue_one(*ids, template_id))
    with seeded.app_context():
        template = db.session.get(CouponTemplate, template_id)
        made = db.session.scalar(select(func.count()).where(Coupon.template_id == template_id))
        assert made == 30 and template.stock_left == 0
    assert results.count("out_of_stock") == 70
    assert len({r for r in results if r != "out_of_stock"}) == 30  # thirty different codes


def test_limits_per_customer_and_per_guide_and_eligibility(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        others = [guide_and_customer(i)[1] for i in (1, 2, 3)]
        template = make_template(per_customer_limit=1, per_guide_daily=3)
        assert len(issue_one(staff.id, customer.id, template.id)) == coupons.CODE_LENGTH
        assert issue_one(staff.id, customer.id, template.id) == "customer_limit"
        assert len(issue_one(staff.id, others[0].id, template.id)) == coupons.CODE_LENGTH
        assert len(issue_one(staff.id, others[1].id, template.id)) == coupons.CODE_LENGTH
        assert issue_one(staff.id, others[2].id, template.id) == "guide_quota"
        # Refusals gave the stock back.
        assert db.session.get(CouponTemplate, template.id).stock_left == 27
        other_level = "黑金" if customer.member_level != "黑金" else "普通"
        gold = make_template(name="专享", eligible_levels=f'["{other_level}"]')
        assert issue_one(staff.id, customer.id, gold.id) == "not_eligible"
        offers = {o.template.id: o for o in coupons.offers(staff, customer)}
        assert offers[template.id].blocked == "customer_limit"


def test_a_repeated_tap_returns_the_same_coupon(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template()
        tap = key()
        first = issue_one(staff.id, customer.id, template.id, tap)
        assert issue_one(staff.id, customer.id, template.id, tap) == first
        assert db.session.get(CouponTemplate, template.id).stock_left == 29


def test_redemption_is_idempotent_and_refuses_expired_used_and_foreign_codes(seeded):
    with seeded.app_context():
        staff, customer = guide_and_customer()
        template = make_template()
        code = issue_one(staff.id, customer.id, template.id)
        first = coupons.redeem(code, order_no="POS-1", amount=40000, by="pos")
        db.session.commit()
        again = coupons.redeem(code, order_no="POS-1", amount=40000, by="pos")
        assert not first.repeated and again.repeated and again.coupon.redeem_order_no == "POS-1"
        assert db.session.scalar(select(func.count()).where(AuditLog.action == "coupon.redeem")) == 1
        with pytest.raises(Refused) as used:
            coupons.redeem(code, order_no="POS-2", amount=40000, by="pos")
        assert used.value.code == "already_redeemed"
        with pytest.raises(Refused) as foreign:
            coupons.redeem("NOTOURS12345", order_no="POS-3", amount=40000, by="pos")
        assert foreign.value.code == "unknown_code"
        late = issue_one(staff.id, guide_and_customer(1)[1].id, template.id)
        with pytest.raises(Refused) as expired:
            coupons.redeem(late, order_no="POS-4", amount=40000, by="pos", now=utcnow() + timedelta(days=31))
        assert expired.value.code == "expired"
        with pytest.raises(Refused) as low:
            coupons.redeem(late, order_no="POS-5", amount=100, by="pos")
        assert low.value.code == "below_threshold"
