"""The figures managers pay guides by, computed from records a brand makes through the real paths on an
empty database — customers arriving through a channel code (WeCom's add events), a move to a colleague
(在职继承), orders over the API, and what guides send: a script, a coupon card, a red-packet card, an SOP
piece, a post into a group chat — each compared with the figure worked out by hand."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sidebar.acquisition import codes, inheritance, reports, stats, transfers
from sidebar.content import scripts, usage
from sidebar.core.locking import day_start
from sidebar.customers import group_stats
from sidebar.extensions import db
from sidebar.guides import attribution, metrics
from sidebar.models import (
    CouponTemplate,
    Customer,
    GroupChat,
    GroupSopTask,
    GuideMonth,
    Role,
    Script,
    SopRule,
    SopStep,
    SopTask,
    Staff,
    utcnow,
)
from sidebar.money import coupons, red_packets
from sidebar.sop import engine
from sidebar.sop import tasks as sop_tasks
from tests.data.test_orders_api import make_key, order

NEW = [f"wmFIGURES{n:023d}" for n in (1, 2)]


def staff(userid: str) -> Staff:
    return db.session.scalar(select(Staff).where(Staff.userid == userid))


def customer(ext: str) -> Customer:
    return db.session.scalar(select(Customer).where(Customer.external_userid == ext))


@pytest.fixture()
def brand(app, runner, live_app, emulator):
    """An empty database with WeCom's staff, customers and groups synced, as on a first day."""
    for command in (["sync", "staff"], ["sync", "customers"], ["sync", "groups"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        staff("zhangwei").role = Role.ADMIN  # what an admin does on the Staff page
        db.session.commit()
    return app


def test_reports_months_channel_codes_usage_and_groups_match_the_hand_count(brand, emulator, client):
    app = brand
    with app.app_context():
        code = codes.create("柜台码", "single", staff_ids=[staff("chenjing").id])
        db.session.commit()
        config_id, state = code.config_id, code.state
    # Two customers scan 陈静's code: WeCom tells the app through add events.
    for n, ext in enumerate(NEW, start=1):
        emulator.send_event(
            change_type="add_external_contact",
            config_id=config_id,
            contact={"external_userid": ext, "name": f"新客{n}", "type": 1, "unionid": f"ozFIGURES{n}"},
        )
    with app.app_context():
        chen, wang = staff("chenjing"), staff("wangfang")
        first, second = customer(NEW[0]), customer(NEW[1])
        # 陈静 hands the first over to 王芳 (在职继承): WeCom moves them, the app follows up.
        outcome = transfers.move(chen, wang, [first], "之后由王芳为您服务")
        db.session.commit()
        assert [o.moved for o in outcome] == [True]
        assert inheritance.follow_up()["done"] == 1
        db.session.commit()
    time.sleep(1.1)  # the orders are paid after the move, to the second
    paid = datetime.now(UTC).replace(microsecond=0).isoformat()
    key = make_key(app, "orders:write")
    client.post(
        "/api/v1/orders",
        json={"orders": [
            order("MALL-F2", platform="mall", paid_at=paid, total_amount="300.00", buyer={"unionid": "ozFIGURES2"},
                  items=[{"sku": "A", "name": "精华", "quantity": 1, "price": "300.00"}]),
            order("MALL-F1", platform="mall", paid_at=paid, total_amount="100.00", buyer={"unionid": "ozFIGURES1"},
                  items=[{"sku": "B", "name": "面膜", "quantity": 1, "price": "100.00"}]),
        ]},
        headers=key,
    )  # fmt: skip

    with app.app_context():
        chen, wang, second = staff("chenjing"), staff("wangfang"), customer(NEW[1])
        # 陈静 sends the second customer a script, a coupon card and a red-packet card.
        script = Script(title="问候", body="您好", scope="enterprise")
        template = CouponTemplate(name="满300减30", value_kind="amount", value=3000, threshold=30000,
                                  valid_days=30, total_stock=10, stock_left=10)  # fmt: skip
        db.session.add_all([script, template])
        db.session.commit()
        scripts.record_send(chen, kind="script", item=script, customer=second, chat_id=None, msgtype="text",
                            summary="您好", entered=False)  # fmt: skip
        coupon = coupons.issue(chen, second, template.id, "figures-coupon-1")
        coupons.mark_sent(coupon)
        red_packets.rule().enabled = True  # an admin turned red packets on
        db.session.flush()
        packet = red_packets.send(chen, second, amount=888, key="figures-packet-1", reason="生日")
        red_packets.mark_sent(packet)
        db.session.commit()
        # An SOP rule for customers who came through the code: 陈静 sends its one piece.
        rule = SopRule(name="新客第一天", active=True, trigger="added", window_days=1,
                       audience=json.dumps({"state": state}))  # fmt: skip
        rule.steps = [SopStep(position=0, offset_days=0, text="欢迎您")]
        db.session.add(rule)
        db.session.flush()
        engine.generate(rule, now=utcnow())
        task = db.session.scalar(
            select(SopTask).where(SopTask.rule_id == rule.id, SopTask.staff_id == chen.id)
        )
        assert task is not None and task.customer_id == second.id
        sop_tasks.record_piece(task, 0, 1)
        # A weekly group rule: 陈静 posts its piece into a group she owns.
        group = db.session.scalar(select(GroupChat).where(GroupChat.owner_userid == "chenjing").limit(1))
        group_rule = SopRule(name="群周会", target="groups", active=True, trigger="weekly",
                             weekday=utcnow().weekday(), window_days=2, audience=json.dumps({"owner": "chenjing"}))  # fmt: skip
        group_rule.steps = [SopStep(position=0, text="今晚 8 点直播见")]
        db.session.add(group_rule)
        db.session.flush()
        engine.generate(group_rule, now=utcnow())
        group_task = db.session.scalar(
            select(GroupSopTask).where(
                GroupSopTask.rule_id == group_rule.id, GroupSopTask.group_id == group.id
            )
        )
        sop_tasks.record_piece(group_task, 0, 1)
        db.session.commit()
        attribution.recompute()
        metrics.recompute(metrics.this_month())
        db.session.commit()

        now = utcnow()
        start, end = day_start(now), now + timedelta(minutes=1)
        # 陈静: two customers added through her code; the move is not a loss; her sale is the second's.
        mine = reports.figures(staff("chenjing"), start, end)
        assert (mine.added, mine.lost, mine.orders, mine.sales) == (2, 0, 1, 30000)
        assert (mine.coupons_issued, mine.tasks_done) == (1, 1)
        # 王芳: the customer handed to her is neither new nor lost; his order after the move is hers.
        hers = reports.figures(staff("wangfang"), start, end)
        assert (hers.added, hers.lost, hers.orders, hers.sales) == (0, 0, 1, 10000)
        brand_wide = reports.figures(staff("zhangwei"), start, end)
        assert (brand_wide.added, brand_wide.lost, brand_wide.orders, brand_wide.sales) == (2, 0, 2, 40000)

        # The code brought two customers, lost none; both to 陈静.
        figures = stats.by_code([state])[state]
        assert (figures.adds, figures.lost, figures.net) == (2, 0, 2)
        assert [(name, f.adds, f.lost) for name, f in stats.by_guide(state)] == [("陈静", 2, 0)]

        # The guides' month: 陈静 reached one customer with four sends (script, coupon, red packet, SOP
        # piece; the group post reached a group, not a customer); 王芳 added no one.
        month = metrics.this_month()
        chen_month = db.session.get(GuideMonth, (staff("chenjing").id, month))
        assert (chen_month.customers_added, chen_month.customers_reached, chen_month.sends) == (2, 1, 4)
        assert (chen_month.orders, chen_month.sales) == (1, 30000)
        wang_month = db.session.get(GuideMonth, (staff("wangfang").id, month))
        assert (wang_month.customers_added, wang_month.orders, wang_month.sales) == (0, 1, 10000)

        # Usage counts everything sent: one script; a coupon, a red packet and two SOP texts besides.
        used = usage.report(staff("zhangwei"))
        assert (sum(used["scripts"]), sum(used["materials"]), sum(used["others"]), used["reached"]) == (
            1,
            0,
            4,
            1,
        )

        # The group's sends from Beside: the SOP post.
        shown = {g.name: g.sends for g in group_stats.report(staff("zhangwei"))["groups"]}
        assert shown[group.name] == 1
        db.session.rollback()
