"""Quick-reply scripts (话术): what a guide may see, the variables filled per customer, favourites,
their own scripts, and the record of what was sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, desc, exists, or_, select
from sqlalchemy.orm import aliased

from sidebar.core import send_log
from sidebar.core.errors import DomainError
from sidebar.customers import salutation
from sidebar.extensions import db
from sidebar.models import Customer, Scope, Script, ScriptFavourite, Send, Staff, Team, utcnow

PAGE_SIZE = 20
BODY_MAX = 2000
VARIABLE = re.compile(r"\{([^{}\s]{1,16})\}")
# The variables a script may use, as guides write them.
VARIABLES = {
    "客户称呼": _l("the salutation set in the profile, or surname + 女士/先生, never the remark"),
    "客户姓名": _l("the customer's WeChat name"),
    "导购姓名": _l("the guide's name"),
    "门店": _l("the guide's store"),
    "会员等级": _l("the customer's member level"),
}
TABS = ("enterprise", "team", "mine")


class ScriptError(DomainError):
    code = "bad_script"


@dataclass
class Filled:
    script: Script
    text: str
    unknown: list[str]
    favourite: bool


def context_for(staff: Staff, customer: Customer | None) -> dict[str, str]:
    """Values for the variables: the customer's (in a group chat, a greeting for everyone) and the guide's."""
    if customer is None:
        name = greeting = "各位"
        level = ""
    else:
        name = customer.name
        greeting = salutation.of(customer)
        level = customer.member_level or ""
    return {
        "客户称呼": greeting,
        "客户姓名": name,
        "导购姓名": staff.name,
        "门店": staff.store.name if staff.store else "",
        "会员等级": level,
    }


# Punctuation that follows a greeting ("{客户称呼}，…"): it goes with the greeting when that is empty.
_AFTER_GREETING = re.compile(r"[，,、：:！!]\s*")


def fill(body: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """The body with known variables filled; unknown ones are left in place and listed. A variable with
    no value at the start of a line takes the punctuation after it along ("{客户称呼}，新品到了" →
    "新品到了"; "{客户称呼}您好" → "您好")."""
    unknown: list[str] = []
    out: list[str] = []
    at = 0
    for match in VARIABLE.finditer(body):
        out.append(body[at : match.start()])
        at = match.end()
        name = match.group(1)
        if name not in values:
            unknown.append(name)
            out.append(match.group(0))
            continue
        value = values[name]
        starts_line = match.start() == 0 or body[match.start() - 1] == "\n"
        if not value and starts_line and (after := _AFTER_GREETING.match(body, at)):
            at = after.end()
        out.append(value)
    out.append(body[at:])
    return "".join(out), unknown


def team_and_ancestors(team_id: int | None) -> Select:
    """The guide's team and every team above it: team-scoped scripts of any of them apply."""
    up = select(Team.id, Team.parent_id).where(Team.id == team_id).cte("team_up", recursive=True)
    parent = aliased(Team)
    up = up.union_all(select(parent.id, parent.parent_id).where(parent.id == up.c.parent_id))
    return select(up.c.id)


def visible(staff: Staff, tab: str | None = None) -> Select:
    """``SELECT scripts`` this guide may use; ``tab`` narrows to enterprise, team or mine."""
    enterprise = Script.scope == Scope.ENTERPRISE.value
    team = (Script.scope == Scope.TEAM.value) & Script.team_id.in_(team_and_ancestors(staff.team_id))
    mine = (Script.scope == Scope.PERSONAL.value) & (Script.owner_staff_id == staff.id)
    condition = {"enterprise": enterprise, "team": team, "mine": mine}.get(
        tab or "", or_(enterprise, team, mine)
    )
    return select(Script).where(condition)


def listing(staff: Staff, *, tab: str, q: str = "", page: int = 1) -> tuple[list[tuple[Script, bool]], bool]:
    """A page of scripts, favourites first, then the most used, then the newest; and whether more follow."""
    starred = exists().where(ScriptFavourite.script_id == Script.id, ScriptFavourite.staff_id == staff.id)
    query = visible(staff, tab).add_columns(starred.label("starred"))
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Script.body.like(like, escape="\\"), Script.title.like(like, escape="\\")))
    query = query.order_by(desc("starred"), desc(Script.use_count), desc(Script.id))
    rows = list(db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).tuples())
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def get_visible(staff: Staff, script_id: int) -> Script | None:
    return db.session.scalar(visible(staff).where(Script.id == script_id))


def _check(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip()[:64], (body or "").strip()
    if not body:
        raise ScriptError("body")
    if len(body) > BODY_MAX:
        raise ScriptError("body")
    return title, body


def create_own(staff: Staff, *, title: str, body: str, group_name: str = "") -> Script:
    title, body = _check(title, body)
    script = Script(
        scope=Scope.PERSONAL.value,
        owner_staff_id=staff.id,
        title=title,
        body=body,
        group_name=group_name.strip()[:32],
    )
    db.session.add(script)
    db.session.flush()
    return script


def own(staff: Staff, script_id: int) -> Script | None:
    """A guide's own script (only those can they edit or delete)."""
    return db.session.scalar(
        select(Script).where(
            Script.id == script_id, Script.scope == Scope.PERSONAL.value, Script.owner_staff_id == staff.id
        )
    )


def update_own(script: Script, *, title: str, body: str) -> None:
    script.title, script.body = _check(title, body)
    db.session.flush()


def toggle_favourite(staff: Staff, script: Script) -> bool:
    row = db.session.get(ScriptFavourite, (staff.id, script.id))
    if row is None:
        db.session.add(ScriptFavourite(staff_id=staff.id, script_id=script.id))
    else:
        db.session.delete(row)
    db.session.flush()
    return row is None


def record_send(
    staff: Staff,
    *,
    kind: str,
    item: Any,
    customer: Customer | None,
    chat_id: str | None,
    msgtype: str,
    summary: str,
    entered: bool,
) -> Send:
    """A send WeCom confirmed (or text it put in the input box): the source of usage reports."""
    send = send_log.record(
        staff.id,
        kind=kind,
        ref_id=item.id,
        customer_id=customer.id if customer else None,
        chat_id=chat_id,
        msgtype=msgtype,
        summary=summary,
        result="entered" if entered else "ok",
    )
    item.use_count = (item.use_count or 0) + 1
    item.last_used_at = utcnow()
    db.session.flush()
    return send
