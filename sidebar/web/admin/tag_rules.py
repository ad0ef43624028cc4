"""Automatic tags in the console (标签 → 自动标签): a rule is conditions on the customer plus a tag; the
page shows how many customers the conditions match before saving, what each rule has tagged, and the
customers guides exempted by hand. Managers may look; admins change (``customers.rule_tags``)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import audit, uow
from sidebar.customers import profile, rule_tags
from sidebar.extensions import db
from sidebar.jobs import evaluate_tag_rules
from sidebar.models import LifecycleStage, RfmSegment, Tag, TagRule
from sidebar.web import htmx
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required
from sidebar.web.forms import SKIN_TYPES


def _page(status: int = 200, **context: Any) -> Any:
    rules = list(db.session.scalars(select(TagRule).order_by(TagRule.id)))
    groups = profile.all_tag_groups()
    return htmx.render(
        "admin/tag_rules.html",
        status=status,
        rules=rules,
        exceptions=rule_tags.exception_counts(),
        groups=groups,
        tag_names={str(t.id): t.name for g in groups for t in g.tags},
        stages=[s.value for s in LifecycleStage],
        segments=[s.value for s in RfmSegment],
        skin_types=dict(SKIN_TYPES),
        form=context.pop("form", request.form),
        **common(**context),
    )


@admin_bp.get("/tag-rules")
@console_required
def tag_rules():
    return _page()


@admin_bp.post("/tag-rules/preview")
@console_required
def tag_rule_preview():
    """How many customers the conditions typed so far match (htmx, while the admin fills the form)."""
    try:
        n: int | None = rule_tags.count(rule_tags.conditions(request.form))
        error = None
    except rule_tags.BadRule as exc:
        n, error = None, str(exc)
    return htmx.render("admin/tag_rules.html", block="preview", n=n, preview_error=error, **common())


@admin_bp.post("/tag-rules")
@admin_required
def tag_rule_create():
    tag = db.session.get(Tag, request.form.get("tag_id", type=int) or 0)
    try:
        if tag is None:
            raise rule_tags.BadRule(_("Choose the tag the rule gives."))
        rule = rule_tags.create(request.form.get("name") or "", tag, rule_tags.conditions(request.form))
    except rule_tags.BadRule as exc:
        uow.discard()
        return _page(422, error=str(exc))
    audit.record(
        viewer(), "tag_rule.create", "tag_rule", rule.id, ip=client_ip(), name=rule.name, tag=tag.name
    )
    uow.after_commit(evaluate_tag_rules)
    return redirect(url_for("admin.tag_rules"), 303)


def _rule_or_404(rule_id: int) -> TagRule:
    return db.session.get(TagRule, rule_id) or abort(404)


@admin_bp.post("/tag-rules/<int:rule_id>/toggle")
@admin_required
def tag_rule_toggle(rule_id: int):
    """Disable (its tags come off) or enable (they go on again) a rule."""
    rule = _rule_or_404(rule_id)
    rule.enabled = not rule.enabled
    audit.record(viewer(), "tag_rule.toggle", "tag_rule", rule.id, ip=client_ip(), enabled=rule.enabled)
    uow.after_commit(evaluate_tag_rules)
    return redirect(url_for("admin.tag_rules"), 303)


@admin_bp.post("/tag-rules/<int:rule_id>/delete")
@admin_required
def tag_rule_delete(rule_id: int):
    rule = _rule_or_404(rule_id)
    name = rule.name
    got = rule_tags.delete_rule(rule)
    audit.record(viewer(), "tag_rule.delete", "tag_rule", rule_id, ip=client_ip(), name=name, **got)
    return redirect(url_for("admin.tag_rules"), 303)


@admin_bp.post("/tag-rules/<int:rule_id>/clear-exceptions")
@admin_required
def tag_rule_clear(rule_id: int):
    """The customers guides exempted get the rule's tag again (if they still match)."""
    rule = _rule_or_404(rule_id)
    n = rule_tags.clear_exceptions(rule)
    audit.record(viewer(), "tag_rule.clear_exceptions", "tag_rule", rule.id, ip=client_ip(), cleared=n)
    uow.after_commit(evaluate_tag_rules)
    return redirect(url_for("admin.tag_rules"), 303)
