"""``flask demo seed``: the demo brand into the database, idempotent and resumable.

Teams, staff and tags go through the same mirror functions a WeCom sync uses. Customers go in chunks,
one COPY per table per chunk on PostgreSQL (an executemany on SQLite), their ids reserved from the
sequences first; a large demo is made by several processes at once. How many are in is kept in
``key_values`` (and a chunk already in is skipped), so running again adds only what is missing.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Table, func, select, text

from sidebar import demo
from sidebar.content import materials
from sidebar.core import bulk_insert, uow
from sidebar.core.analyze import analyze
from sidebar.core.files import files
from sidebar.core.units import brand_zone
from sidebar.customers import group_sync
from sidebar.data import profile
from sidebar.extensions import db
from sidebar.guides import attribution, metrics
from sidebar.models import (
    Campaign,
    ChannelCode,
    ChannelCodeMember,
    CouponTemplate,
    Customer,
    CustomerIdentity,
    CustomerTag,
    Follow,
    GroupChat,
    IdentitySource,
    KeyValue,
    Material,
    Note,
    Order,
    OrderItem,
    Product,
    RedPacketRule,
    Role,
    Script,
    SignalRule,
    SopRule,
    SopStep,
    Staff,
    Store,
    Tag,
    utcnow,
)
from sidebar.org import corp_tags as tag_service
from sidebar.org import staff as staff_service
from sidebar.signals import products, recommend

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
    if db.session.scalar(select(func.count()).select_from(SignalRule)) == 0:
        _seed_signal_rules()
    if db.session.scalar(select(func.count()).select_from(Campaign)) == 0:
        _seed_campaign(people["zhangwei"])
    if db.session.scalar(select(func.count()).select_from(Product)) == 0:
        products.upsert(demo.products())
        for product in db.session.scalars(select(Product)):
            products.set_picture(product, demo.product_png(product.category))
    if db.session.scalar(select(func.count()).select_from(GroupChat)) == 0:
        # What `flask sync groups` would store from the emulator (which serves the same groups).
        joined = int(time.time()) - 86400 * 30
        for chat in demo.group_chats():
            group_sync.store_chat(demo.group_chat_payload(chat, joined))
    return {"teams": len(teams), "staff": len(people), "stores": len(stores)}


def _seed_materials() -> None:
    for kind, title, group, fields in demo.MATERIALS:
        material = Material(
            kind=kind, title=title, group_name=group, **{k: v for k, v in fields.items() if k != "file_name"}
        )
        # Images, videos and files are their file; a link's or a mini-program's file is its cover picture.
        made = {"video": (demo.clip_mp4, "video/mp4"), "file": (demo.guide_pdf, "application/pdf")}
        if "file_name" in fields:
            make, mime = made.get(kind, (demo.poster_png, "image/png"))
            content = make()
            stored = f"demo-{fields['file_name']}"
            files().put(materials.file_key(stored), io.BytesIO(content), mime)
            material.file_path, material.file_name, material.file_size, material.mime = (
                stored,
                fields["file_name"],
                len(content),
                mime,
            )
        db.session.add(material)


def _seed_channel_codes(stores: dict[str, Store], people: dict[str, Staff]) -> None:
    """The channel codes the demo's customers came through (their follows carry these states), each the
    联系我 way the emulator holds for it (``demo.contact_ways``), so its QR image and poster work."""
    wecom_base = str(current_app.config["WECOM_API_BASE"]).rstrip("/").removesuffix("/cgi-bin")
    for state, name, kind, store, userids in demo.CHANNEL_CODES:
        code = ChannelCode(name=name, state=state, kind=kind, store_id=stores[store].id if store else None)
        if "qyapi.weixin.qq.com" not in wecom_base:  # the emulator holds these ways; real WeCom does not
            code.config_id = demo.contact_way_id(state)
            code.qr_code = f"{wecom_base}/_emulator/contact_way/{code.config_id}.png"
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
    for name, group_steps in demo.GROUP_SOP_RULES:
        rule = SopRule(
            name=name,
            target="groups",
            active=True,
            trigger="weekly",
            weekday=demo.today().weekday(),
            window_days=3,
            audience="{}",
        )
        rule.steps = [
            SopStep(position=n, text=text, script_id=scripts.get(script) if script else None)
            for n, (text, script) in enumerate(group_steps)
        ]
        db.session.add(rule)


def _seed_campaign(author: Staff) -> None:
    """A mass message scheduled for tomorrow morning: the demo hands it to the emulator's guides then,
    and it can be sent at once from its page's copy or edited."""
    tomorrow = datetime.now(brand_zone()).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )
    db.session.add(
        Campaign(
            name=demo.CAMPAIGN["name"],
            text=demo.CAMPAIGN["text"],
            material_ids="[]",
            audience=json.dumps(demo.CAMPAIGN["audience"]),
            send_at=tomorrow.astimezone(UTC),
            staff_id=author.id,
        )
    )


def _seed_signal_rules() -> None:
    """The mall signals a brand starts with: a cart left, a product viewed again and again, a VIP back."""
    script_id = db.session.scalar(select(Script.id).where(Script.title == "修护面霜"))
    for name, kind, params in demo.SIGNAL_RULES:
        db.session.add(SignalRule(name=name, kind=kind, script_id=script_id, notify=True, **params))


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
                miniprogram_page="pages/coupon/detail.html?code={code}" if how == "miniprogram" else None,
            )
        )
    if db.session.scalar(select(func.count()).select_from(RedPacketRule)) == 0:
        db.session.add(RedPacketRule(enabled=True))  # the demo brand has turned them on


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _chunk_rows(
    people: list[demo.DemoCustomer], customer_ids: list[int], order_ids: list[int], ctx: dict[str, Any]
) -> list[tuple[Table, list[dict[str, Any]]]]:
    """Every row of these customers, table by table, with their ids given (reserved beforehand)."""
    now = utcnow()
    next_order = iter(order_ids)
    customers, identities, follows, ctags, orders, items, notes = [], [], [], [], [], [], []
    for c, customer_id in zip(people, customer_ids, strict=True):
        if c.phone:
            identities.append(
                {
                    "customer_id": customer_id,
                    "kind": "phone",
                    "value": c.phone,
                    "source": IdentitySource.DEMO,
                    "created_at": now,
                }
            )
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
                    "remark_mobiles": ",".join(c.remark_mobiles(f.userid)),
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
            order_id = next(next_order)
            staff_id = ctx["staff"].get(o.staff_userid) if o.staff_userid else None
            orders.append(
                {
                    "id": order_id,
                    "platform": o.platform,
                    "order_no": o.order_no,
                    "customer_id": customer_id,
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
        for userid, body, at in c.notes:
            notes.append(
                {"customer_id": customer_id, "staff_id": ctx["staff"][userid], "body": body, "created_at": at}
            )
    return [
        (_table(Customer), customers),
        (_table(CustomerIdentity), identities),
        (_table(Follow), follows),
        (_table(CustomerTag), ctags),
        (_table(Order), orders),
        (_table(OrderItem), items),
        (_table(Note), notes),
    ]


def _counts(people: list[demo.DemoCustomer]) -> dict[str, int]:
    return {
        "customers": len(people),
        "orders": sum(len(c.orders) for c in people),
        "items": sum(len(o.items) for c in people for o in c.orders),
    }


def _insert_chunk(people: list[demo.DemoCustomer], ctx: dict[str, Any]) -> dict[str, int]:
    """In this process: ids from the sequences (PostgreSQL, then COPY) or after the highest (SQLite)."""
    counts = _counts(people)
    ids = {}
    for model, n in ((Customer, counts["customers"]), (Order, counts["orders"])):
        reserved = bulk_insert.reserve_ids(_table(model), n)
        ids[model] = reserved if reserved is not None else list(range(_next_id(model), _next_id(model) + n))
    for table, rows in _chunk_rows(people, ids[Customer], ids[Order], ctx):
        bulk_insert.insert_rows(table, rows)
    return counts


_worker_connection: Any = None


def _chunk_in_worker(url: str, start: int, end: int, ctx: dict[str, Any], anchor: date) -> dict[str, int]:
    """One chunk in a worker process (``seed(workers=…)``): made, COPYed and committed on the worker's
    own connection. A chunk whose first customer is in already is skipped, so a run that stopped
    part-way can be run again."""
    import psycopg

    global _worker_connection
    if _worker_connection is None:
        _worker_connection = psycopg.connect(url, autocommit=True)  # each chunk its own transaction()
        # Loading: the search indexes' new entries gathered in bigger batches before they are merged
        # (GIN's pending list), and a chunk's commit need not wait for its WAL to reach the disk (a
        # crash loses at most the last chunks, which a run again adds).
        _worker_connection.execute("SET gin_pending_list_limit = '64MB'")
        _worker_connection.execute("SET synchronous_commit = off")
    connection = _worker_connection
    with connection.transaction():
        first = connection.execute(
            "SELECT 1 FROM customers WHERE external_userid = %s", (demo.external_userid(start),)
        ).fetchone()
        if first is not None:
            return {"customers": 0, "orders": 0, "items": 0}
        people = [demo.customer(i, anchor=anchor) for i in range(start, end)]
        counts = _counts(people)
        ids = {
            table: [
                row[0]
                for row in connection.execute(
                    "SELECT nextval(CAST(%s AS regclass)) FROM generate_series(1, %s)", (f"{table}_id_seq", n)
                )
            ]
            for table, n in (("customers", counts["customers"]), ("orders", counts["orders"]))
        }
        for table, rows in _chunk_rows(people, ids["customers"], ids["orders"], ctx):
            bulk_insert.copy_rows(connection, table, rows)
    return counts


def _insert_in_workers(
    todo: list[tuple[int, int]],
    ctx: dict[str, Any],
    anchor: date,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    """The chunks over ``workers`` processes, each making its customers and COPYing them on its own
    connection: making a million demo customers is 70 s of Python, which one process cannot overlap
    with storing them. Processes are spawned, not forked: nothing of this one's connections goes along."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    totals = {"customers": 0, "orders": 0, "items": 0}
    made = todo[0][0]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {
            pool.submit(_chunk_in_worker, url, start, end, ctx, anchor): end - start for start, end in todo
        }
        for future in as_completed(futures):
            for k, v in future.result().items():
                totals[k] += v
            made += futures[future]
            if progress:
                progress(made, todo[-1][1])
    return totals


# The name and remark search indexes (GIN over each text's characters and pairs): filled row by row
# they were a third of a large seed's storing; built once over the loaded rows, a few seconds.
SEARCH_INDEXES = ("ix_customers_name_grams", "ix_follows_remark_grams")


def _drop_search_indexes() -> None:
    for name in SEARCH_INDEXES:
        db.session.execute(text(f"DROP INDEX IF EXISTS {name}"))  # names from the tuple above
    uow.commit_point("loaded without the search indexes")


def _search_indexes() -> None:
    """The search indexes as the models define them, made if missing (PostgreSQL): each on a connection
    of its own at the same time (a GIN build runs on one core; there are two indexes)."""
    if db.engine.dialect.name != "postgresql":
        return
    uow.commit_point("before the indexes are made beside this session")
    wanted = [i for t in (_table(Customer), _table(Follow)) for i in t.indexes if i.name in SEARCH_INDEXES]
    engine = db.engine  # (the threads have no app context)

    def make(index: Any) -> None:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            index.create(connection, checkfirst=True)

    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        for made in [pool.submit(make, index) for index in wanted]:
            made.result()


def seed(
    customers: int = demo.DEFAULT_CUSTOMERS,
    *,
    chunk: int = 5000,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Bring the demo data up to ``customers`` customers. Commits per chunk (resumable). With
    ``workers`` > 1 on PostgreSQL, the chunks are made and stored by that many processes."""
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
    todo = [(start, min(customers, start + chunk)) for start in range(done, customers, chunk)]
    _search_indexes()  # (made again here too, should a run have stopped while they were away)
    if workers > 1 and db.engine.dialect.name == "postgresql" and len(todo) > 1:
        if done == 0:
            _drop_search_indexes()
        totals = _insert_in_workers(todo, ctx, anchor, workers, progress)
        _search_indexes()
        db.session.merge(KeyValue(key=PROGRESS_KEY, value=str(customers), expires_at=None))
        uow.commit_point("every chunk is in")
    else:
        for start, end in todo:
            counts = _insert_chunk([demo.customer(i, anchor=anchor) for i in range(start, end)], ctx)
            for k, v in counts.items():
                totals[k] += v
            db.session.merge(KeyValue(key=PROGRESS_KEY, value=str(end), expires_at=None))
            uow.commit_point("one chunk at a time (resumable)")
            if progress:
                progress(end, customers)
    # The profile columns come from the orders the way they do for a real brand (RFM segments too).
    if totals["customers"]:
        analyze(
            "customers", "customer_identities", "follows", "customer_tags", "orders", "order_items", "notes"
        )
        profile.recompute()
        uow.commit_point("the computed profiles")
        # And what each guide sold, every month of the demo's history, as the console shows it.
        attribution.recompute()
        metrics.recompute(metrics.EVERY_MONTH)
        uow.commit_point("the guides' months")
        # Which products are bought together, for the profile's recommendations.
        recommend.recompute_pairs()
        uow.commit_point("the co-purchase pairs")
    return {
        **org,
        "added": totals,
        "total_customers": max(done, customers),
        "seconds": round(time.monotonic() - started, 1),
    }
