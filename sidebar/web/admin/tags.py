"""Corp tags in the console: groups and tags created, renamed, moved and deleted in WeCom first."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for

from sidebar.core import uow
from sidebar.customers import profile
from sidebar.extensions import db
from sidebar.models import Tag, TagGroup
from sidebar.org import tag_admin
from sidebar.web.admin import admin_bp, common, viewer
from sidebar.web.console_auth import admin_required, console_required
from sidebar.wecom.errors import WeComError


@admin_bp.get("/tags")
@console_required
def tags():
    return render_template("admin/tags.html", groups=profile.all_tag_groups(), error=None, **common())


def _tag_action(action: Any) -> Any:
    """Run a tag change; WeCom's refusal or a bad name comes back on the page, nothing changed."""
    try:
        action()
    except tag_admin.TagInUse:
        raise  # the caller asks the admin first (``_deleting``)
    except (tag_admin.TagError, WeComError) as exc:
        uow.discard()
        message = exc.in_words() if isinstance(exc, WeComError) else str(exc)
        return render_template(
            "admin/tags.html", groups=profile.all_tag_groups(), error=message, **common()
        ), 422
    return redirect(url_for("admin.tags"), 303)


def _group_or_404(group_id: int) -> TagGroup:
    return db.session.get(TagGroup, group_id) or abort(404)


def _tag_or_404(tag_id: int) -> Tag:
    return db.session.get(Tag, tag_id) or abort(404)


@admin_bp.post("/tags/groups")
@admin_required
def tag_group_create():
    form = request.form
    return _tag_action(
        lambda: tag_admin.create_group(
            form.get("name", ""), form.get("first_tag", ""), local=bool(form.get("local")), actor=viewer()
        )
    )


@admin_bp.post("/tags/groups/<int:group_id>/tags")
@admin_required
def tag_create(group_id: int):
    group = _group_or_404(group_id)
    return _tag_action(lambda: tag_admin.add_tag(group, request.form.get("name", ""), actor=viewer()))


@admin_bp.post("/tags/groups/<int:group_id>/rename")
@admin_required
def tag_group_rename(group_id: int):
    group = _group_or_404(group_id)
    return _tag_action(lambda: tag_admin.rename(group, request.form.get("name", ""), actor=viewer()))


@admin_bp.post("/tags/groups/<int:group_id>/delete")
@admin_required
def tag_group_delete(group_id: int):
    group = _group_or_404(group_id)
    return _deleting(group, url_for("admin.tag_group_delete", group_id=group.id))


@admin_bp.post("/tags/<int:tag_id>/rename")
@admin_required
def tag_rename(tag_id: int):
    tag = _tag_or_404(tag_id)
    return _tag_action(lambda: tag_admin.rename(tag, request.form.get("name", ""), actor=viewer()))


@admin_bp.post("/tags/<int:tag_id>/move")
@admin_required
def tag_move(tag_id: int):
    tag = _tag_or_404(tag_id)
    return _tag_action(lambda: tag_admin.move(tag, request.form.get("direction", ""), actor=viewer()))


@admin_bp.post("/tags/<int:tag_id>/delete")
@admin_required
def tag_delete(tag_id: int):
    """Delete a tag; when something uses it, first a page that says what (and what deleting does)."""
    tag = _tag_or_404(tag_id)
    return _deleting(tag, url_for("admin.tag_delete", tag_id=tag.id))


def _deleting(item: Tag | TagGroup, action: str) -> Any:
    confirmed = request.form.get("confirm") == "1"
    try:
        return _tag_action(lambda: tag_admin.delete(item, actor=viewer(), confirmed=confirmed))
    except tag_admin.TagInUse as exc:
        uow.discard()
        return render_template(
            "admin/tag_delete.html", item=item, uses=exc.uses, action=action, **common()
        ), 409
