"""Usage of what Beside sent (the one send log, ``core.send_log``): sends by day (scripts, materials and
everything else: SOP text, coupons, red packets, welcomes), customers reached, by team and guide, the top
20 scripts and materials and the unused, within the viewer's scope (sends by staff the viewer may see).
All counting is SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import desc, func, select

from sidebar.core.day_math import local_day
from sidebar.core.units import brand_zone
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import Material, Scope, Script, Send, Staff, Team, utcnow

DAYS = 30
KINDS = ("script", "material")  # what the top 20 and the unused lists name


def report(viewer: Any) -> dict[str, Any]:
    since = utcnow() - timedelta(days=DAYS)
    followers = visibility.follower_ids(viewer)
    sends = select(Send).where(Send.created_at >= since)
    if followers is not None:
        sends = sends.where(Send.staff_id.in_(followers))
    scoped = sends.subquery()

    day = local_day(scoped.c.created_at).label("day")
    per_day: dict[tuple[str, str], int] = {
        (str(d), kind): n
        for d, kind, n in db.session.execute(
            select(day, scoped.c.kind, func.count()).group_by(day, scoped.c.kind)
        )
    }
    today = datetime.now(brand_zone()).date()
    days = [(today - timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]

    by_team = db.session.execute(
        select(func.coalesce(Team.name, "—"), func.count())
        .select_from(scoped)
        .join(Staff, Staff.id == scoped.c.staff_id)
        .outerjoin(Team, Team.id == Staff.team_id)
        .group_by(Team.name)
        .order_by(desc(func.count()))
    ).all()
    by_guide = db.session.execute(
        select(Staff.name, func.count())
        .select_from(scoped)
        .join(Staff, Staff.id == scoped.c.staff_id)
        .group_by(Staff.id, Staff.name)
        .order_by(desc(func.count()))
        .limit(50)
    ).all()
    top = db.session.execute(
        select(scoped.c.kind, scoped.c.ref_id, func.count().label("n"))
        .where(scoped.c.kind.in_(KINDS))
        .group_by(scoped.c.kind, scoped.c.ref_id)
        .order_by(desc("n"))
        .limit(20)
    ).all()
    names = _names([(k, r) for k, r, _ in top])
    used_scripts = select(scoped.c.ref_id).where(scoped.c.kind == "script")
    used_materials = select(scoped.c.ref_id).where(scoped.c.kind == "material")
    unused_scripts = db.session.scalars(
        select(Script)
        .where(Script.scope.in_([Scope.ENTERPRISE.value, Scope.TEAM.value]), Script.id.not_in(used_scripts))
        .order_by(Script.id)
        .limit(100)
    ).all()
    unused_materials = db.session.scalars(
        select(Material).where(Material.id.not_in(used_materials)).order_by(Material.id).limit(100)
    ).all()
    reached = db.session.scalar(
        select(func.count(func.distinct(scoped.c.customer_id))).where(
            scoped.c.result == "ok", scoped.c.customer_id.is_not(None)
        )
    )
    others: dict[str, int] = {}
    for (d, kind), n in per_day.items():
        if kind not in KINDS:
            others[d] = others.get(d, 0) + n
    return {
        "days": days,
        "scripts": [per_day.get((d, "script"), 0) for d in days],
        "materials": [per_day.get((d, "material"), 0) for d in days],
        "others": [others.get(d, 0) for d in days],
        "reached": int(reached or 0),
        "by_team": [{"name": n, "count": c} for n, c in by_team],
        "by_guide": [{"name": n, "count": c} for n, c in by_guide],
        "top": [{"kind": k, "name": names.get((k, r), "—"), "count": n} for k, r, n in top],
        "unused_scripts": [s.title or s.body[:30] for s in unused_scripts],
        "unused_materials": [m.title for m in unused_materials],
    }


def _names(items: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    script_ids = [r for k, r in items if k == "script"]
    material_ids = [r for k, r in items if k == "material"]
    names: dict[tuple[str, int], str] = {}
    if script_ids:
        for s in db.session.scalars(select(Script).where(Script.id.in_(script_ids))):
            names[("script", s.id)] = s.title or s.body[:30]
    if material_ids:
        for m in db.session.scalars(select(Material).where(Material.id.in_(material_ids))):
            names[("material", m.id)] = m.title
    return names
