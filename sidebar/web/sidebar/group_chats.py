"""The sidebar beside a customer group chat: its members (our customers with stage and spend, who is
nobody's contact yet), this week's joins and leaves, and the group's tags and notes."""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for
from flask_babel import gettext as _

from sidebar.content import scripts
from sidebar.core import uow
from sidebar.customers import group_notes, groups
from sidebar.models import GroupChat
from sidebar.sop import tasks as sop_tasks
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.sidebar import common, me, sidebar_bp
from sidebar.web.sidebar.tasks import piece_sent
from sidebar.wecom.errors import WeComError

PAGE = "sidebar/group.html"


def _render(
    group: groups.GroupView,
    stored: GroupChat,
    *,
    block: str | None = None,
    status: int = 200,
    error: str | None = None,
    typed: str = "",
) -> Any:
    return htmx.render(
        PAGE,
        block=block,
        status=status,
        group=group,
        tags=group_notes.tags_of(stored),
        known_tags=group_notes.all_tags(),
        notes=group_notes.notes_of(stored),
        tasks=_tasks(stored),
        form_error=error,
        error_in=block.removeprefix("group_") if error and block else None,
        typed=typed,
        error=None,
        **common(),
    )


def _tasks(stored: GroupChat) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The group SOP tasks due for this member in this group, piece by piece ("各位" for the customer)."""
    values = scripts.context_for(me(), None)
    out = []
    for task in sop_tasks.due_for_group(me(), stored):
        pieces = sop_tasks.pieces(task, values)
        for piece in pieces:
            if piece.get("tracked"):
                piece["url"] = url_for(
                    "sidebar.material_tracked_for_group",
                    chat_id=stored.chat_id,
                    material_id=piece["material_id"],
                )
            elif piece.get("material_id") and piece["message"] is None:
                piece["url"] = url_for("sidebar.material_message", material_id=piece["material_id"])
        out.append((task, pieces))
    return out


def group_or_404(chat_id: str) -> tuple[groups.GroupView, GroupChat]:
    """The group (the member must be in it, WeCom says), stored as WeCom has it now; a chat WeCom says
    is dismissed is 410 and one it does not know 404, each said in words."""
    try:
        return _group(chat_id)
    except groups.ChatGone as exc:
        abort(410 if exc.dismissed else 404, str(exc))


def _group(chat_id: str) -> tuple[groups.GroupView, GroupChat]:
    try:
        view = groups.group_for(me(), chat_id, keep=True)
    except groups.NotAMember:
        abort(404, _("You are not a member of this group chat."))
    stored = group_notes.stored(chat_id)
    assert stored is not None  # group_for(keep=True) stored it
    return view, stored


@sidebar_bp.get("/groups/<chat_id>")
@login_required
def group_detail(chat_id: str):
    """A customer group: name, owner, members, this week's joins and leaves, tags and notes."""
    try:
        view, stored = _group(chat_id)
    except groups.ChatGone as exc:
        status = 410 if exc.dismissed else 404
        return htmx.render(PAGE, status=status, group=None, gone=str(exc), **common())
    except WeComError as exc:
        return htmx.render(PAGE, status=502, group=None, error=exc.in_words(), **common())
    return _render(view, stored)


@sidebar_bp.get("/groups/<chat_id>/tasks")
@login_required
def group_tasks(chat_id: str):
    """The group's SOP tasks (what the page draws again after sending)."""
    view, stored = group_or_404(chat_id)
    return _render(view, stored, block="group_tasks")


@sidebar_bp.post("/group-tasks/<int:task_id>/sent")
@login_required
def group_task_piece_sent(task_id: int):
    """WeCom confirmed one piece of a group task, sent into the group; the last makes it done."""
    return piece_sent(sop_tasks.my_group_task(me(), task_id))


@sidebar_bp.post("/groups/<chat_id>/tags")
@login_required
def group_tag_change(chat_id: str):
    """Add a tag to the group (by name; made on first use) or take one off (by id)."""
    view, stored = group_or_404(chat_id)
    try:
        if request.form.get("action") == "remove":
            group_notes.remove_tag(stored, int(request.form.get("tag_id", "0") or 0))
        else:
            group_notes.add_tag(stored, request.form.get("name", ""))
    except (group_notes.BadGroupInput, ValueError):
        uow.discard()
        view, stored = group_or_404(chat_id)
        return _render(
            view,
            stored,
            block="group_tags",
            status=422,
            error=_("A tag is 1 to 32 characters."),
            typed=request.form.get("name", ""),
        )
    return _render(view, stored, block="group_tags")


@sidebar_bp.post("/groups/<chat_id>/notes")
@login_required
def group_note_add(chat_id: str):
    """A note on the group; an empty or overlong one answers 422 and keeps what was typed."""
    view, stored = group_or_404(chat_id)
    try:
        group_notes.add_note(stored, me(), request.form.get("body", ""))
    except group_notes.BadGroupInput:
        uow.discard()
        view, stored = group_or_404(chat_id)
        return _render(
            view,
            stored,
            block="group_notes",
            status=422,
            error=_("Write the note (at most 1,000 characters)."),
            typed=request.form.get("body", ""),
        )
    return _render(view, stored, block="group_notes")
