"""Tests generated from the app's route table, so a new route is covered the day it is added.

- Every GET route under /sidebar and /admin answers a member who may use it, with and without
  ``HX-Request`` (a reload, a direct link, a history-restore miss), with something other than a 5xx.
- Every route that names an object (customer, group chat, task, coupon, red packet, script, material,
  job) refuses another guide's object and a forged id with 404, another region's object to a manager,
  and everything to someone not signed in; and none of those requests changes anything.

A route whose URL takes a parameter this file does not know fails here: say what it names below.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from sidebar import demo
from sidebar.extensions import db
from sidebar.growth import links
from sidebar.guides import commission, metrics
from sidebar.models import (
    ArchiveMessage,
    Attribution,
    BackgroundJob,
    Campaign,
    ChannelCode,
    CommissionStatement,
    CouponTemplate,
    Customer,
    GroupChat,
    Material,
    Product,
    RedPacket,
    ReferralCampaign,
    ReferralInvite,
    ReferralReward,
    ReferralRung,
    Script,
    SensitiveHit,
    SensitiveRule,
    SopRule,
    SopStep,
    SopTask,
    Staff,
    utcnow,
)
from sidebar.money import coupons, group_coupons, red_packets
from sidebar.sop import engine as sop_engine
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import customer_of

# Parameters that name an object someone owns or may not see.
OBJECT_PARAMS = {
    "external_userid",
    "chat_id",
    "task_id",
    "coupon_id",
    "packet_id",
    "script_id",
    "material_id",
    "job_id",
    "statement_id",
    "drop_id",
    "campaign_id",
    "userid",  # a member: whose archived conversations
    "message_id",  # an archived message
    "hit_id",  # a compliance alert on an archived message
    "reward_id",  # a referral reward: the inviter's
}
# Configuration every console user may read and only admins may change.
CONFIG_PARAMS = {
    "rule_id", "template_id", "staff_id", "tag_id", "group_id", "key_id", "team_id", "code_id", "product_id",
    "referral_id", "invite_id",  # a referral campaign (任务宝) and an invitation held in it
    "link_id",  # a 获客助手 link
}  # fmt: skip
# Parameters that are not objects: the value a request uses.
FIXED = {
    "code": "en", "fmt": "csv", "action": "disable", "kind": "daily", "day": "2026-01-05", "preset": "tmall",
}  # fmt: skip

SOUTH = {"huangli", "zhaomin", "sunhao"}  # 华南: another region than chenjing's and lina's
FORM = {
    "body": "不该被保存",
    "skin_type": "sensitive",
    "remark": "不该被保存",
    "description": "不该被保存",
    "tag_id": "1",
    "action": "add",
    "amount": "2",
    "reason": "不该被保存",
    "key": "route-table-key-1",
    "template_id": "1",
    "title": "不该被保存",
    "name": "不该被保存",
    "piece": "0",
    "total": "1",
    "kind": "script",
    "ref_id": "1",
    "monthly_amount": "1",
    "role": "admin",
}


def rules(prefixes: tuple[str, ...]):
    from flask import current_app

    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(prefixes):
            unknown = set(rule.arguments) - OBJECT_PARAMS - CONFIG_PARAMS - set(FIXED)
            assert not unknown, f"{rule.rule}: tell tests/web/test_route_table.py what {unknown} names"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


@dataclass
class World:
    """Objects owned in 华南 (``theirs``) and objects chenjing and the admin may use (``mine``)."""

    theirs: dict[str, str] = field(default_factory=dict)
    theirs_console: dict[str, str] = field(default_factory=dict)  # what a manager's console may not touch
    mine: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # text only the owner may see


def _task(customer: Customer, staff: Staff, name: str) -> int:
    rule = SopRule(
        name=name,
        active=True,
        trigger="weekly",
        trigger_days=0,
        weekday=utcnow().weekday(),
        window_days=2,
        audience=json.dumps({"q": customer.phone}),
    )
    rule.steps = [SopStep(position=0, offset_days=0, text=name)]
    db.session.add(rule)
    db.session.flush()
    sop_engine.generate(rule, now=utcnow())
    return db.session.scalar(
        select(SopTask.id).where(SopTask.customer_id == customer.id, SopTask.staff_id == staff.id)
    )


def _statements(theirs: Staff, mine: Staff) -> tuple[int, int]:
    """A commission statement of each guide's, drafted for an ended month both sold in."""
    rows = db.session.execute(
        select(Attribution.month, Attribution.staff_id)
        .where(Attribution.staff_id.in_([theirs.id, mine.id]), Attribution.month < metrics.this_month())
        .distinct()
    ).all()
    both = sorted({m for m, s in rows if s == theirs.id} & {m for m, s in rows if s == mine.id})
    commission.save_rates([("default", "", 300)])
    commission.draft(both[-1])
    db.session.commit()
    ids = dict(
        db.session.execute(
            select(CommissionStatement.staff_id, func.min(CommissionStatement.id)).group_by(
                CommissionStatement.staff_id
            )
        ).all()
    )
    return ids[theirs.id], ids[mine.id]


@pytest.fixture()
def world(seeded) -> World:
    w = World()
    with seeded.app_context():
        staff = {s.userid: s for s in db.session.scalars(select(Staff))}
        south_person = next(
            c
            for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
            if {f.userid for f in c.follows} <= SOUTH and c.follows[0].userid == "huangli"
        )
        mine_person = customer_of("chenjing")
        south = db.session.scalar(
            select(Customer).where(Customer.external_userid == south_person.external_userid)
        )
        ours = db.session.scalar(
            select(Customer).where(Customer.external_userid == mine_person.external_userid)
        )
        south_team = staff["huangli"].team_id
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))

        coupon = coupons.issue(staff["huangli"], south, template.id, "route-south-0001")
        db.session.commit()
        my_coupon = coupons.issue(staff["chenjing"], ours, template.id, "route-mine-00001")
        db.session.commit()
        packet = red_packets.send(staff["huangli"], south, amount=200, key="route-south-pk01")
        db.session.commit()
        my_packet = red_packets.send(staff["chenjing"], ours, amount=200, key="route-mine-pk001")
        db.session.commit()
        script = Script(
            scope="personal", owner_staff_id=staff["huangli"].id, title="黄丽私房话术", body="黄丽私房话术"
        )
        team_script = Script(scope="team", team_id=south_team, title="华南团队话术", body="华南团队话术")
        my_script = Script(
            scope="personal", owner_staff_id=staff["chenjing"].id, title="陈静的话术", body="x"
        )
        material = Material(kind="text", title="华南内部素材", text="华南内部素材", team_id=south_team)
        my_material = db.session.scalar(select(Material).where(Material.file_path.is_not(None)))
        job = BackgroundJob(kind="export", staff_id=staff["zhaomin"].id, params="{}")
        my_job = BackgroundJob(kind="export", staff_id=staff["zhangwei"].id, params="{}")
        db.session.add_all([script, team_script, my_script, material, job, my_job])
        db.session.flush()
        south_task = _task(south, staff["huangli"], "华南任务")
        my_task = _task(ours, staff["chenjing"], "陈静任务")
        db.session.commit()

        groups = demo.group_chats()
        south_group = next(g for g in groups if g.owner == "huangli")
        my_group = next(g for g in groups if g.owner == "chenjing")
        stored = {
            g.chat_id: g for g in db.session.scalars(select(GroupChat))
        }  # the seed keeps the demo's groups
        south_drop = group_coupons.drop(
            staff["huangli"], stored[south_group.chat_id], template.id, 1, "route-south-drop"
        ).id
        db.session.commit()
        my_drop = group_coupons.drop(
            staff["chenjing"], stored[my_group.chat_id], template.id, 1, "route-mine-drop1"
        ).id
        db.session.commit()
        said = [
            ArchiveMessage(seq=n, msgid=f"route-{n}", action="send", msgtype="text", sender=who,
                           staff_userid=who, customer_userid=person.external_userid, sent_at=utcnow(),
                           summary=words, content="{}")
            for n, who, person, words in ((1, "huangli", south, "华南内部素材"), (2, "chenjing", ours, "x"))
        ]  # fmt: skip
        db.session.add_all(said)
        db.session.flush()
        watched = SensitiveRule(name="路由表规则", kind="words", side="both", words="华南", active=True)
        db.session.add(watched)
        db.session.flush()
        caught = [
            SensitiveHit(rule_id=watched.id, message_id=m.id, staff_userid=m.staff_userid,
                         customer_userid=m.customer_userid, matched="x", sent_at=m.sent_at)
            for m in said
        ]  # fmt: skip
        db.session.add_all(caught)
        db.session.commit()
        referral = ReferralCampaign(
            name="路由表任务宝", starts_at=utcnow(), ends_at=utcnow() + timedelta(days=9)
        )
        db.session.add(referral)
        db.session.flush()
        held = ReferralInvite(campaign_id=referral.id, inviter_id=ours.id, invitee_id=south.id,
                              staff_userid="chenjing", status="held", reason="burst", added_at=utcnow(),
                              counts_at=utcnow())  # fmt: skip
        db.session.add(held)
        rung = ReferralRung(campaign_id=referral.id, friends=1, kind="coupon", coupon_template_id=template.id)
        db.session.add(rung)
        db.session.flush()
        south_reward, my_reward = (
            ReferralReward(campaign_id=referral.id, rung_id=rung.id, inviter_id=who.id, coupon_id=c.id,
                           status="issued")
            for who, c in ((south, coupon), (ours, my_coupon))
        )  # fmt: skip
        db.session.add_all([south_reward, my_reward])
        db.session.commit()  # (SQLite: the token store writes on its own connection when WeCom is called)
        link = links.create(
            "路由表链接", [staff["chenjing"].id], skip_verify=True, now=utcnow()
        )  # in WeCom too
        db.session.commit()
        rule_id = db.session.scalar(select(SopRule.id).order_by(SopRule.id))
        tag_id, group_id = db.session.execute(text("SELECT id, group_id FROM tags ORDER BY id")).first()
        w.theirs = {
            "external_userid": south.external_userid,
            "chat_id": south_group.chat_id,
            "task_id": str(south_task),
            "coupon_id": str(coupon.id),
            "packet_id": str(packet.id),
            "script_id": str(script.id),
            "material_id": str(material.id),
            "job_id": str(job.id),
            "drop_id": str(south_drop),
            # The demo's mass message, made by the admin: a manager's console does not show it.
            "campaign_id": str(db.session.scalar(select(Campaign.id).order_by(Campaign.id))),
            "userid": "huangli",
            "message_id": str(said[0].id),
            "hit_id": str(caught[0].id),
            # The catalogue is the brand's: a product is nobody's, the customer it goes to is.
            "product_id": str(db.session.scalar(select(Product.id).order_by(Product.id))),
            # So is a referral campaign: the customer invited to it is someone's.
            "referral_id": str(referral.id),
            "invite_id": str(held.id),
            "reward_id": str(south_reward.id),
            "link_id": str(link.id),
        }
        # A manager's console: the other region's team script, not a guide's personal one.
        w.theirs_console = {
            **w.theirs,
            "script_id": str(team_script.id),
            "staff_id": str(staff["huangli"].id),
        }
        w.mine = {
            "external_userid": ours.external_userid,
            "chat_id": my_group.chat_id,
            "task_id": str(my_task),
            "coupon_id": str(my_coupon.id),
            "packet_id": str(my_packet.id),
            "script_id": str(my_script.id),
            "material_id": str(my_material.id),
            "job_id": str(my_job.id),
            "drop_id": str(my_drop),
            "campaign_id": str(db.session.scalar(select(Campaign.id).order_by(Campaign.id))),
            "userid": "chenjing",
            "message_id": str(said[1].id),
            "hit_id": str(caught[1].id),
            "rule_id": str(rule_id),
            "template_id": str(template.id),
            "staff_id": str(staff["wangfang"].id),
            "tag_id": str(tag_id),
            "group_id": str(group_id),
            "key_id": "1",
            "team_id": str(south_team),
            "code_id": str(db.session.scalar(select(ChannelCode.id).order_by(ChannelCode.id))),
            "product_id": str(db.session.scalar(select(Product.id).order_by(Product.id))),
            "referral_id": str(referral.id),
            "invite_id": str(held.id),
            "reward_id": str(my_reward.id),
            "link_id": str(link.id),
        }
        statement, my_statement = _statements(staff["huangli"], staff["chenjing"])
        w.theirs["statement_id"] = w.theirs_console["statement_id"] = str(statement)
        w.mine["statement_id"] = str(my_statement)
        w.names = [south_person.name, "黄丽私房话术", "华南团队话术", "华南内部素材", "华南任务"]
        assert db.session.get(RedPacket, packet.id) is not None
    return w


def url_for_rule(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = values.get(name, FIXED.get(name))
        assert value is not None, (rule.rule, name)
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
    return path


def forged(rule) -> dict[str, str]:
    return {
        name: (
            "wmFORGED0000000000000000000000" if name == "external_userid" else "wrFORGED000000000000000000"
        )
        if name in ("external_userid", "chat_id")
        else "987654"
        for name in rule.arguments
        if name in OBJECT_PARAMS | CONFIG_PARAMS
    }


# Not changes anyone made: the shared store (tokens, tickets, lookup caches), and when WeCom was last
# asked about a customer (a refused open still asks WeCom first, as DESIGN §5.1 wants, and stores what
# it said, which touches the row).
UNWATCHED_TABLES = {"key_values"}
UNWATCHED_COLUMNS = {"customers.wecom_synced_at", "customers.updated_at"}


def snapshot(app) -> dict[str, str]:
    """A digest of every table's rows."""
    digests = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in UNWATCHED_TABLES:
                continue
            columns = [c for c in table.columns if f"{table.name}.{c.name}" not in UNWATCHED_COLUMNS]
            rows = db.session.execute(select(*columns)).all()
            digests[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return digests


def csrf_of(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    return found.group(1) if found else ""


def request(client, rule, method: str, values: dict[str, str], token: str = "", chat: str = ""):
    """An htmx request as the page makes it; forms name the chat they came from (``chat``: a customer
    the signed-in member may see), so only the object in the URL is foreign."""
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    form = {**FORM, "external_userid": chat} if chat else FORM
    return client.open(
        url_for_rule(rule, values), method=method, data=form if method == "POST" else None, headers=headers
    )


# -- 3: every GET route answers a plain request and an htmx one -----------------------------------


@pytest.mark.parametrize("surface, member", [("/sidebar", "chenjing"), ("/admin", "zhangwei")])
def test_every_get_route_answers_with_and_without_htmx(world, seeded, client, surface, member):
    if surface == "/sidebar":
        sign_in(client, member)
    else:
        qr_sign_in(client, member)
    with seeded.test_request_context():
        routes = [(rule, m) for rule, m in rules((surface,)) if m == "GET"]
    assert len(routes) > 5
    for rule, _method in routes:
        if rule.endpoint in ("admin.login", "admin.login_callback", "admin.login_wecom"):
            continue  # the sign-in pages, tried signed out in test_redirects.py
        path = url_for_rule(rule, world.mine)
        for headers in ({}, {"HX-Request": "true"}):
            try:
                res = client.get(path, headers=headers)
            except Exception as exc:  # TESTING propagates errors: report which route
                raise AssertionError(f"{path} {headers}: {exc!r}") from exc
            assert res.status_code < 500, (path, headers, res.status_code)
            if not headers and res.status_code == 200 and res.mimetype == "text/html":
                # A plain request gets a whole page, not a fragment.
                assert "<html" in res.get_data(as_text=True), path
            res.close()


# -- 4: every route that names an object checks who is asking -------------------------------------


def test_every_object_route_refuses_other_peoples_and_forged_objects(world, seeded, app, client, emulator):
    before = snapshot(app)
    with app.test_request_context():
        table = list(rules(("/sidebar", "/admin")))
    object_routes = [(r, m) for r, m in table if set(r.arguments) & OBJECT_PARAMS]
    assert len(object_routes) >= 30

    def refused(res, expected: set[int], what: str) -> None:
        assert res.status_code in expected, (what, res.status_code)
        body = res.get_data(as_text=True)
        res.close()
        for name in world.names:
            assert name not in body, (what, name)

    # Nobody signed in: sent to sign in, never shown anything.
    for rule, method in table:
        if rule.endpoint.startswith("admin.login") or rule.endpoint in ("sidebar.set_language",):
            continue
        res = request(client, rule, method, {**world.mine, **world.theirs})
        assert res.status_code in (302, 303, 400, 401) or res.headers.get("HX-Redirect"), (rule.rule, method)
        refused(res, {200, 302, 303, 400, 401}, f"signed out {method} {rule.rule}")

    # A guide: another guide's object and a forged id are 404 in the sidebar; the console is closed.
    sign_in(client, "chenjing")
    token = csrf_of(client, "/sidebar/")
    own = world.mine["external_userid"]  # chenjing's customer, in lina's region too
    for rule, method in object_routes:
        expected = {404} if rule.rule.startswith("/sidebar") else {403}
        refused(
            request(client, rule, method, world.theirs, token, own), expected, f"guide {method} {rule.rule}"
        )
        refused(
            request(client, rule, method, forged(rule), token, own),
            expected,
            f"guide forged {method} {rule.rule}",
        )

    # WeCom was asked once about each id (the customer: not chenjing's; the forged one: nobody's), and
    # the answers were remembered rather than asked again on every route.
    assert len(emulator.calls("externalcontact/get")) == 2

    # A manager: the other region's objects are not theirs, in the sidebar or the console.
    client = app.test_client()  # each person in a browser of their own
    qr_sign_in(client, "lina")
    token = csrf_of(client, "/admin/")
    for rule, method in object_routes:
        expected = {404} if rule.rule.startswith("/sidebar") else {403, 404}
        values = world.theirs if rule.rule.startswith("/sidebar") else {**world.mine, **world.theirs_console}
        refused(request(client, rule, method, values, token, own), expected, f"manager {method} {rule.rule}")

    # An admin: a forged id of any kind is 404 in the console.
    client = app.test_client()
    qr_sign_in(client, "zhangwei")
    token = csrf_of(client, "/admin/")
    for rule, method in table:
        if rule.rule.startswith("/admin") and set(rule.arguments) & (OBJECT_PARAMS | CONFIG_PARAMS):
            refused(
                request(client, rule, method, forged(rule), token, own),
                {404},
                f"admin forged {method} {rule.rule}",
            )

    assert snapshot(app) == before
