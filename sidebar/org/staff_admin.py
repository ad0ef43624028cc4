"""Staff settings that are ours, not WeCom's: role, team and store (the tier is computed or overridden
with a reason: ``guides.tiers``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sidebar.core import audit
from sidebar.core.errors import DomainError
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import Follow, Role, Staff, Store, Team


class StaffError(DomainError):
    code = "bad_staff_change"


def in_scope(viewer: Any):  # type: ignore[no-untyped-def]
    """``SELECT staff`` the viewer may see: everyone for admins, the team subtree for managers."""
    query = select(Staff)
    if viewer.role != Role.ADMIN:
        followers = visibility.follower_ids(viewer)
        query = query.where(Staff.id.in_(followers))  # type: ignore[arg-type]
    return query


def with_customer_counts(viewer: Any) -> list[tuple[Staff, int]]:
    """Staff in scope with how many customers each still holds (live follows), one query."""
    held = (
        select(Follow.staff_id, func.count().label("n"))
        .where(Follow.deleted_at.is_(None))
        .group_by(Follow.staff_id)
        .subquery()
    )
    query = (
        in_scope(viewer).add_columns(func.coalesce(held.c.n, 0)).outerjoin(held, held.c.staff_id == Staff.id)
    )
    query = query.order_by(Staff.status, Staff.team_id, Staff.name)
    return [(s, n) for s, n in db.session.execute(query)]


def update(
    staff: Staff,
    *,
    role: str,
    team_id: int | None,
    store_id: int | None,
    actor: Any,
    ip: str | None,
) -> dict[str, Any]:
    """Change what changed; every change goes to the audit log with old and new values. (The tier is
    not set here: it is computed, or overridden with a reason, on the guide's page: ``guides.tiers``.)"""
    if role not in {r.value for r in Role}:
        raise StaffError("unknown role")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise StaffError("no such team")
    if store_id is not None and db.session.get(Store, store_id) is None:
        raise StaffError("no such store")
    changes: dict[str, Any] = {}
    for name, value in (("role", role), ("team_id", team_id), ("store_id", store_id)):
        old = getattr(staff, name)
        old = old.value if isinstance(old, Role) else old
        if old != value:
            changes[name] = {"old": old, "new": value}
            setattr(staff, name, Role(role) if name == "role" else value)
    if changes:
        audit.record(actor, "staff_updated", "staff", staff.userid, ip=ip, **changes)
    db.session.flush()
    return changes
