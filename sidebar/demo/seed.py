"""``flask demo seed``: the demo brand into the database, idempotent and resumable.

Teams, staff and tags go through the same mirror functions a WeCom sync uses. Customers go in chunks
of set-based inserts (explicit ids, one executemany per table per chunk); how many are in is kept in
``key_values``, so running again adds only what is missing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text

from sidebar import demo
from sidebar.content import materials
from sidebar.core import uow
from sidebar.core.analyze import analyze
from sidebar.data import profile
from sidebar.extensions import db
from sidebar.guides import attribution, metrics
from sidebar.models import (
    ChannelCode,
    ChannelCodeMember,
    CouponTemplate,
    Customer,
    CustomerTag,
    Follow,
    KeyValue,
    Material,
    Note,
    Order,
    OrderItem,
    RedPacketRule,
    Role,
    Script,
    SopRule,
    SopStep,
    Staff,
    Store,
    Tag,
    utcnow,
)
from sidebar.org import corp_tags as tag_service
from sidebar.org import staff as staff_service

PROGRESS_KEY = "demo:customers_seeded"


def seed_org() -> dict[str, int]:
    """Teams, stores, staff (with roles) and tags."""
    teams = staff_service.apply_departments(demo.DEPARTMENTS)
    staff_service.apply_members(demo.wecom_members(), teams)
    stores = {s.code: s for s in db.session.scalars(select(Store))}
    for spec in demo.STORES:
        store = stores.get(spec["code"]) or Store(code=spec["code"])
        store.name, store.city, store.team_id = spec["name"], spec["city"], teams[spec["department"]].id
        db.session.add(store)
        stores[spec["code"]] = store
    db.session.flush()
    people = {s.userid: s for s in db.session.scalars(select(Staff))}
    for member in demo.STAFF:
        person = people[member.userid]
        person.role = Role(member.role)
        person.tier = member.tier
        person.store_id = stores[member.store].id if member.store else None
    tag_service.apply_tag_list(demo.wecom_tag_list())
    if db.session.scalar(select(func.count()).select_from(Script)) == 0:
        for scope, department, group, title, body in demo.SCRIPTS:
            team = teams[department].id if department else None
            db.session.add(Script(scope=scope, team_id=team, group_name=group, title=title, body=body))
    if db.session.scalar(select(func.count()).select_from(Material)) == 0:
        _seed_materials()
    if db.session.scalar(select(func.count()).select_from(CouponTemplate)) == 0:
        _seed_money()
    db.session.flush()
    if db.session.scalar(select(func.count()).select_from(SopRule)) == 0:
        _seed_sop()
    if db.session.scalar(select(func.count()).select_from(ChannelCode)) == 0:
        _seed_channel_codes(stores, people)
    return {"teams": len(teams), "staff": len(people), "stores": len(stores)}


def _seed_materials() -> None:
    for kind, title, group, fields in demo.MATERIALS:
        material = Material(
            kind=kind, title=title, group_name=group, **{k: v for k, v in fields.items() if k != "file_name"}
        )
        made = {"image": (demo.poster_png, "image/png"), "video": (demo.clip_mp4, "video/mp4"),
                "file": (demo.guide_pdf, "application/pdf")}  # fmt: skip
        if kind in made:
            make, mime = made[kind]
            content = make()
            stored = f"demo-{fields['file_name']}"
            with open(os.path.join(materials.folder(), stored), "wb") as fh:
                fh.write(content)
            material.file_path, material.file_name, material.file_size, material.mime = (
                stored,
                fields["file_name"],
                len(content),
                mime,
            )
        db.session.add(material)


def _seed_channel_codes(stores: dict[str, Store], people: dict[str, Staff]) -> None:
    """The channel codes the demo's customers came through (their follows carry these states)."""
    for state, name, kind, store, userids in demo.CHANNEL_CODES:
        code = ChannelCode(name=name, state=state, kind=kind, store_id=stores[store].id if store else None)
        members = [p for p in people.values() if p.store_id == code.store_id] if store else []
        members += [people[u] for u in userids]
        code.members = [ChannelCodeMember(staff_id=p.id, position=n) for n, p in enumerate(members)]
        db.session.add(code)


def _seed_sop() -> None:
    """Active SOP rules whose tasks fall due among the demo's customers every day (the weekly one on the
    day the demo is made)."""
    by_title = lambda model, column: {getattr(m, column): m.id for m in db.session.scalars(select(model))}  # noqa: E731
    scripts, mats, templates = (
        by_title(Script, "title"),
        by_title(Material, "title"),
        by_title(CouponTemplate, "name"),
    )
    for name, trigger, days, priority, audience, steps in demo.SOP_RULES:
        rule = SopRule(
            name=name,
            active=True,
            priority=priority,
            trigger=trigger,
            trigger_days=days,
            weekday=demo.today().weekday() if trigger == "weekly" else None,
            window_days=3,
            audience=json.dumps(audience),
        )
        rule.steps = [
            SopStep(
                position=n,
                offset_days=0,
                text=text,
                script_id=scripts.get(script) if script else None,
                material_id=mats.get(material) if material else None,
                coupon_template_id=templates.get(coupon) if coupon else None,
            )
            for n, (text, script, material, coupon) in enumerate(steps)
        ]
        db.session.add(rule)


def _seed_money() -> None:
    """Coupon templates and head office's red-packet rule."""
    for name, value_kind, value, threshold, days, stock, per_customer, per_guide, levels, how in demo.COUPONS:
        db.session.add(
            CouponTemplate(
                name=name,
                value_kind=value_kind,
                value=value,
                threshold=threshold,
                valid_days=days,
                total_stock=stock,
                stock_left=stock,
                per_customer_limit=per_customer,
                per_guide_daily=per_guide,
                eligible_levels=json.dumps(levels, ensure_ascii=False),
                delivery=how,
                miniprogram_appid=demo.MINIPROGRAM_APPID if how == "miniprogram" else None,
                miniprogram_page="pages/coupon/detail?code={code}" if how == "miniprogram" else None,
            )
        )
    if db.session.scalar(select(func.count()).select_from(RedPacketRule)) == 0:
        db.session.add(RedPacketRule())


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert_chunk(people: list[demo.DemoCustomer], ctx: dict[str, Any]) -> dict[str, int]:
    now = utcnow()
    customer_id = _next_id(Customer)
    order_id = _next_id(Order)
    customers, follows, ctags, orders, items, notes = [], [], [], [], [], []
    for c in people:
        customers.append(
            {
                "id": customer_id,
                "external_userid": c.external_userid,
                "name": c.name,
                "avatar": c.avatar,
                "type": c.type,
                "gender": c.gender,
                "unionid": c.unionid,
                "corp_name": c.corp_name,
                "phone": c.phone,
                "birthday": c.birthday,
                "skin_type": c.skin_type,
                "skin_concerns": c.skin_concerns,
                "age_range": c.age_range,
                "city": c.city,
                "member_level": c.member_level,
                "points": c.points,
                "wecom_synced_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
        for f in c.follows:
            staff_id = ctx["staff"][f.userid]
            follows.append(
                {
                    "staff_id": staff_id,
                    "customer_id": customer_id,
                    "remark": f.remark,
                    "description": f.description,
                    "remark_mobiles": "",
                    "add_way": f.add_way,
                    "state": f.state,
                    "added_at": datetime.fromtimestamp(f.createtime, UTC),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for tid in f.tag_ids:
                ctags.append(
                    {
                        "customer_id": customer_id,
                        "tag_id": ctx["tags"][tid],
                        "staff_id": staff_id,
                        "source": "wecom",
                        "created_at": now,
                    }
                )
        for o in c.orders:
            staff_id = ctx["staff"].get(o.staff_userid) if o.staff_userid else None
            orders.append(
                {
                    "id": order_id,
                    "platform": o.platform,
                    "order_no": o.order_no,
                    "customer_id": customer_id,
                    "staff_id": staff_id,
                    "buyer_unionid": c.unionid,
                    "buyer_phone": c.phone,
                    "status": o.status,
                    "total_amount": o.total,
                    "paid_at": o.paid_at,
                    "store_id": ctx["store_of"].get(staff_id) if o.platform == "pos" else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for sku, title, category, qty, price in o.items:
                items.append(
                    {
                        "order_id": order_id,
                        "sku": sku,
                        "title": title,
                        "category": category,
                        "quantity": qty,
                        "unit_price": price,
                        "amount": qty * price,
                    }
                )
            order_id += 1
        for userid, body, at in c.notes:
            notes.append(
                {"customer_id": customer_id, "staff_id": ctx["staff"][userid], "body": body, "created_at": at}
            )
        customer_id += 1

    for model, rows in (
        (Customer, customers),
        (Follow, follows),
        (CustomerTag, ctags),
        (Order, orders),
        (OrderItem, items),
        (Note, notes),
    ):
        if rows:
            db.session.execute(insert(model), rows)
    return {"customers": len(customers), "orders": len(orders), "items": len(items)}


def _fix_sequences() -> None:
    """PostgreSQL: explicit ids leave the sequences behind; move them past the highest id."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("customers", "orders"):
        # table names come from the literal tuple above, never from input
        top = f"COALESCE((SELECT MAX(id) FROM {table}), 1)"  # noqa: S608
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})"
        db.session.execute(text(sql))


def seed(
    customers: int = demo.DEFAULT_CUSTOMERS,
    *,
    chunk: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Bring the demo data up to ``customers`` customers. Commits per chunk (resumable)."""
    started = time.monotonic()
    org = seed_org()
    uow.commit_point("the organisation first")
    ctx = {
        "staff": {s.userid: s.id for s in db.session.scalars(select(Staff))},
        "store_of": {s.id: s.store_id for s in db.session.scalars(select(Staff))},
        "tags": {
            t.wecom_tag_id: t.id for t in db.session.scalars(select(Tag).where(Tag.wecom_tag_id.is_not(None)))
        },
    }
    row = db.session.get(KeyValue, PROGRESS_KEY)
    done = int(row.value) if row else 0
    anchor = demo.today()
    totals = {"customers": 0, "orders": 0, "items": 0}
    for start in range(done, customers, chunk):
        end = min(customers, start + chunk)
        counts = _insert_chunk([demo.customer(i, anchor=anchor) for i in range(start, end)], ctx)
        for k, v in counts.items():
            totals[k] += v
        db.session.merge(KeyValue(key=PROGRESS_KEY, value=str(end), expires_at=None))
        uow.commit_point("one chunk at a time (resumable)")
        if progress:
            progress(end, customers)
    _fix_sequences()
    uow.commit_point("the id sequences")
    # The profile columns come from the orders the way they do for a real brand (RFM segments too).
    if totals["customers"]:
        analyze("customers", "follows", "customer_tags", "orders", "order_items", "notes")
        profile.recompute()
        uow.commit_point("the computed profiles")
        # And what each guide sold, every month of the demo's history, as the console shows it.
        attribution.recompute()
        metrics.recompute(metrics.EVERY_MONTH)
        uow.commit_point("the guides' months")
    return {
        **org,
        "added": totals,
        "total_customers": max(done, customers),
        "seconds": round(time.monotonic() - started, 1),
    }
