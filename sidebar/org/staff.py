"""Staff and teams mirrored from WeCom's departments and members.

Role, store and tier are ours (set in the console) and never overwritten by a sync — with one exception
for a brand's first day: the members ``WECOM_ADMIN_USERIDS`` names become admins when the sync first
meets them, or while the brand has no admin at all (so the first admin can sign in with WeCom).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from sidebar.core import upsert
from sidebar.extensions import db
from sidebar.models import Role, Staff, StaffStatus, Team, utcnow
from sidebar.wecom.errors import NO_PRIVILEGE, WeComError
from sidebar.wecom.gateway import wecom

# WeCom member status: 1 active, 2 disabled, 4 not yet activated, 5 left the company.
_LEFT = 5


def apply_departments(departments: list[dict[str, Any]]) -> dict[int, Team]:
    """Mirror departments as teams, parents included; returns teams by department id."""
    teams = {
        t.wecom_department_id: t
        for t in db.session.scalars(select(Team).where(Team.wecom_department_id.is_not(None)))
    }
    for d in departments:
        team = teams.get(d["id"])
        if team is None:  # (made once even when two syncs run at once)
            now = utcnow()
            team = upsert.ensure(
                Team, "wecom_department_id", d["id"], name=d["name"], created_at=now, updated_at=now
            )
            teams[d["id"]] = team
        team.name = d["name"]
    db.session.flush()
    for d in departments:
        parent = teams.get(d.get("parentid") or 0)
        teams[d["id"]].parent_id = parent.id if parent and parent is not teams[d["id"]] else None
    db.session.flush()
    return {k: v for k, v in teams.items() if k is not None}


def apply_members(members: list[dict[str, Any]], teams: dict[int, Team]) -> dict[str, int]:
    """Mirror members as staff; members WeCom no longer lists, or lists as left, are marked resigned."""
    counts = {"active": 0, "resigned": 0}
    staff = {s.userid: s for s in db.session.scalars(select(Staff))}
    named = configured_admins()
    no_admin_yet = not any(s.role == Role.ADMIN for s in staff.values())
    listed: set[str] = set()
    now = utcnow()
    for m in members:
        person = staff.get(m["userid"])
        new = person is None
        if person is None:  # (made once even when two syncs run at once)
            now_row = utcnow()
            person = upsert.ensure(
                Staff, "userid", m["userid"], name=m.get("name") or m["userid"], role=Role.GUIDE.value,
                status=StaffStatus.ACTIVE.value, tier="B", departments="", created_at=now_row,
                updated_at=now_row,
            )  # fmt: skip
            staff[m["userid"]] = person
        if m["userid"] in named and (new or no_admin_yet) and person.role != Role.ADMIN:
            person.role = Role.ADMIN
            counts["made_admin"] = counts.get("made_admin", 0) + 1
        listed.add(m["userid"])
        person.name = m.get("name") or m["userid"]
        person.position = m.get("position") or person.position
        person.avatar = m.get("avatar") or person.avatar
        departments = [int(d) for d in m.get("department") or []]
        person.departments = ",".join(str(d) for d in departments)
        main = m.get("main_department") or (departments[0] if departments else None)
        if main in teams:
            person.team_id = teams[main].id
        _set_status(person, int(m.get("status", 1)) != _LEFT, now)
    for userid, person in staff.items():
        if userid not in listed:
            _set_status(person, False, now)
    for person in staff.values():
        counts["active" if person.status == StaffStatus.ACTIVE else "resigned"] += 1
    db.session.flush()
    return counts


def configured_admins() -> set[str]:
    """The userids ``WECOM_ADMIN_USERIDS`` names (comma- or space-separated)."""
    raw = str(current_app.config.get("WECOM_ADMIN_USERIDS") or "")
    return {u for u in raw.replace(",", " ").split() if u}


def _set_status(person: Staff, active: bool, now: Any) -> None:
    if active:
        person.status = StaffStatus.ACTIVE
        person.resigned_at = None
    elif person.status != StaffStatus.RESIGNED:
        person.status = StaffStatus.RESIGNED
        person.resigned_at = now


def sync_staff() -> dict[str, int]:
    """Pull the departments and members of the app's visible range from WeCom and mirror them.

    Department by department, never ``department_id=1&fetch_child=1``: that call is refused with 60011
    when the app's visible range (可见范围) is not the whole corp, and with 45029 for a large one (doc
    90313: "建议按部门分别拉取，同时不要指定fetch_child=1"). ``department/list`` gives the departments the
    app may see; members put in the range one by one (``agent/get`` allow_userinfos) are read singly."""
    client = wecom()
    departments = client.get("department/list").get("department") or []
    teams = apply_departments(departments)
    members: dict[str, dict[str, Any]] = {}
    for department in departments:
        try:
            listed = client.get("user/list", params={"department_id": department["id"]}).get("userlist")
        except WeComError as exc:
            if exc.errcode != NO_PRIVILEGE:
                raise
            continue  # listed by department/list but not ours to read: nothing to mirror
        for m in listed or []:
            members.setdefault(m["userid"], m)
    agent = client.get("agent/get", params={"agentid": current_app.config["WECOM_AGENT_ID"]})
    for entry in (agent.get("allow_userinfos") or {}).get("user") or []:
        userid = entry.get("userid")
        if userid and userid not in members:
            members[userid] = client.get("user/get", params={"userid": userid})
    return apply_members(list(members.values()), teams)
