"""The sidebar beside a customer group chat: its members, with our customers linked."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from sidebar.customers import groups
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.sidebar import common, me, sidebar_bp
from sidebar.wecom.errors import WeComError


@sidebar_bp.get("/groups/<chat_id>")
@login_required
def group_detail(chat_id: str):
    """A customer group: name, owner, members, and which members are our customers."""
    try:
        group = groups.group_for(me(), chat_id, keep=True)
    except groups.NotAMember:
        abort(404, _("You are not a member of this group chat."))
    except WeComError as exc:
        return htmx.render("sidebar/group.html", status=502, group=None, error=exc.errmsg, **common())
    return htmx.render("sidebar/group.html", group=group, error=None, **common())
