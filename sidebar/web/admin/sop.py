"""Console pages for SOP rules: write one, see what it would make, then enable it."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from sidebar.acquisition import codes
from sidebar.content import scripts
from sidebar.core import audit, export
from sidebar.customers import profile
from sidebar.extensions import db
from sidebar.models import (
    CouponTemplate,
    GroupTag,
    Material,
    Scope,
    Script,
    SopRule,
    SopTask,
    Staff,
    StaffStatus,
    Team,
    Trigger,
    utcnow,
)
from sidebar.money import coupons
from sidebar.sop import editor
from sidebar.sop import engine as sop_engine
from sidebar.sop import stats as sop_stats
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.admin.content import SAMPLE
from sidebar.web.console_auth import admin_required, console_required, is_admin
from sidebar.web.forms import MEMBER_LEVELS
from sidebar.web.labels import zone_note


def _names() -> dict[str, dict[str, str]]:
    """Tag, team and channel-code names, for an audience in words."""
    return {
        "tag_names": {str(t.id): t.name for g in profile.all_tag_groups() for t in g.tags},
        "team_names": {str(t.id): t.name for t in db.session.scalars(select(Team))},
        "channel_names": {c.state: c.name for c in codes.all_codes()},
        "staff_names": dict(db.session.execute(select(Staff.userid, Staff.name)).tuples().all()),
    }


def _choices() -> dict[str, object]:
    return {
        "owners": list(
            db.session.scalars(
                select(Staff).where(Staff.status == StaffStatus.ACTIVE.value).order_by(Staff.name)
            )
        ),
        "triggers": [t.value for t in Trigger],
        "group_tags": list(db.session.scalars(select(GroupTag.name).order_by(GroupTag.name))),
        "tag_groups": profile.all_tag_groups(),
        "teams": list(db.session.scalars(select(Team).order_by(Team.id))),
        "scripts": list(
            db.session.scalars(
                select(Script).where(Script.scope == Scope.ENTERPRISE.value).order_by(Script.id)
            )
        ),
        "materials": list(db.session.scalars(select(Material).order_by(Material.id))),
        "coupon_templates": list(
            db.session.scalars(
                select(CouponTemplate).where(CouponTemplate.active.is_(True)).order_by(CouponTemplate.id)
            )
        ),
        "max_steps": editor.MAX_STEPS,
        "levels": MEMBER_LEVELS,
        "channel_codes": codes.all_codes(),
        "zone": zone_note(),
        "viewer": viewer(),
        "is_admin": is_admin(viewer()),
    }


@admin_bp.get("/sop")
@console_required
def sop_rules():
    """Rules, with how many tasks each has open and done."""
    counts = {
        (rule_id, status): n
        for rule_id, status, n in db.session.execute(
            select(SopTask.rule_id, SopTask.status, func.count()).group_by(SopTask.rule_id, SopTask.status)
        )
    }
    return _list_page(200, counts=counts)


def _list_page(
    status: int, *, counts: dict | None = None, errors: dict | None = None, form: Any = None
) -> Any:
    if counts is None:
        counts = {
            (rule_id, state): n
            for rule_id, state, n in db.session.execute(
                select(SopTask.rule_id, SopTask.status, func.count()).group_by(
                    SopTask.rule_id, SopTask.status
                )
            )
        }
    rules = list(db.session.scalars(select(SopRule).order_by(SopRule.priority.desc(), SopRule.id)))
    return (
        render_template(
            "admin/sop.html",
            rules=rules,
            counts=counts,
            errors=errors or {},
            form=form or MultiDict(),
            editing=None,
            **_choices(),
        ),
        status,
    )


@admin_bp.post("/sop")
@admin_required
def sop_rule_create():
    """A new rule, saved disabled: look at its numbers before switching it on. A form with problems comes
    back with each one named beside its field and everything typed kept (422)."""
    try:
        rule = editor.build(request.form, now=utcnow())
    except editor.RuleInvalid as exc:
        return _list_page(422, errors=exc.errors, form=request.form)
    db.session.add(rule)
    db.session.flush()
    audit.record(viewer(), "sop_rule_created", "sop_rule", rule.id, ip=client_ip(), name=rule.name)
    return redirect(url_for("admin.sop_rule_detail", rule_id=rule.id), 303)


@admin_bp.route("/sop/<int:rule_id>/edit", methods=["GET", "POST"])
@admin_required
def sop_rule_edit(rule_id: int):
    """The editor, filled in with the rule. Saving changes what tasks not yet made will be; tasks already
    made keep their content (``editor.revise``). A form with problems comes back marked (422), the rule
    unchanged."""
    rule = db.session.get(SopRule, rule_id) or abort(404)
    errors: dict[str, str] = {}
    form: Any = editor.form_of(rule)
    if request.method == "POST":
        try:
            replaced = editor.revise(rule, request.form, now=utcnow())  # checks everything before changing
        except editor.RuleInvalid as exc:
            errors, form = exc.errors, request.form
        else:
            audit.record(
                viewer(),
                "sop_rule_edited",
                "sop_rule",
                rule.id,
                ip=client_ip(),
                name=rule.name,
                steps=replaced,
            )
            return redirect(url_for("admin.sop_rule_detail", rule_id=rule.id), 303)
    return (
        render_template(
            "admin/sop_edit.html", rule=rule, editing=rule, errors=errors, form=form, **_choices()
        ),
        422 if errors else 200,
    )


@admin_bp.post("/sop/step-preview")
@console_required
def sop_step_preview():
    """What the customer receives for one step of the editor, filled for a sample customer, and whether
    its coupon could be issued."""
    n = request.args.get("n", "0")
    if not n.isdigit() or int(n) >= editor.MAX_STEPS:
        abort(404)
    get = lambda part: (request.form.get(f"step{n}_{part}") or "").strip()  # noqa: E731
    pieces: list[tuple[str, str]] = []
    unknown: list[str] = []
    if get("text"):
        text, missing = scripts.fill(get("text"), SAMPLE)
        pieces.append(("text", text))
        unknown += missing
    script = db.session.get(Script, int(get("script"))) if get("script").isdigit() else None
    if script is not None:
        text, missing = scripts.fill(script.body, SAMPLE)
        pieces.append(("text", text))
        unknown += missing
    material = db.session.get(Material, int(get("material"))) if get("material").isdigit() else None
    if material is not None:
        pieces.append(("material", material.title))
    template = db.session.get(CouponTemplate, int(get("coupon"))) if get("coupon").isdigit() else None
    problem = None
    if template is not None:
        pieces.append(("coupon", f"{template.name}（{coupons.describe(template)}）"))
        ends_at = editor.Reader(request.form).local_time("ends_at")
        problem = editor.coupon_problem(template, ends_at, utcnow())
    return render_template(
        "admin/_sop_step_preview.html", pieces=pieces, unknown=unknown, problem=problem, n=n
    )


@admin_bp.get("/sop/<int:rule_id>")
@console_required
def sop_rule_detail(rule_id: int):
    """The rule, and what a run now would make (SQL counts, nothing created)."""
    rule = db.session.get(SopRule, rule_id) or abort(404)
    preview = sop_engine.preview(rule, now=utcnow())
    return render_template(
        "admin/sop_rule.html",
        rule=rule,
        preview=preview,
        audience=json.loads(rule.audience or "{}"),
        passed=rule.fixed_at is not None
        and rule.fixed_at + timedelta(days=rule.window_days or 1) <= utcnow(),
        **_names(),
        **_choices(),
    )


@admin_bp.post("/sop/<int:rule_id>/<action>")
@admin_required
def sop_rule_action(rule_id: int, action: str):
    rule = db.session.get(SopRule, rule_id) or abort(404)
    if action not in ("enable", "disable", "delete"):
        abort(404)
    audit.record(
        viewer(),
        f"sop_rule_{action}d" if action != "delete" else "sop_rule_deleted",
        "sop_rule",
        rule.id,
        ip=client_ip(),
        name=rule.name,
    )
    if action == "delete":
        db.session.delete(rule)
    else:
        rule.active = action == "enable"
    return redirect(url_for("admin.sop_rules"), 303)


@admin_bp.get("/sop/completion")
@console_required
def sop_completion():
    """Completion by team, guide and rule over 30 days, in the viewer's scope; ``?format=csv`` exports."""
    groups = request.args.get("target") == "groups"
    report = sop_stats.report(viewer(), groups=groups)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = export.CsvWriter(out)
        writer.writerow(["by", "name", "due", "done", "skipped", "overdue", "open", "rate%"])
        for by in ("by_team", "by_guide", "by_rule"):
            for row in report[by]:
                writer.writerow(
                    [
                        by[3:],
                        row["name"],
                        row["due"],
                        row["done"],
                        row["skipped"],
                        row["overdue"],
                        row["open"],
                        row["rate"],
                    ]
                )
        return Response(
            "\ufeff" + out.getvalue(),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f"attachment; filename=sop-completion{'-groups' if groups else ''}.csv"
            },
        )
    return render_template(
        "admin/sop_completion.html",
        report=report,
        viewer=viewer(),
        is_admin=is_admin(viewer()),
        groups=groups,
    )
