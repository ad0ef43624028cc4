"""Console pages for SOP rules: write one, see what it would make, then enable it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import func, select

from sidebar.core import audit
from sidebar.customers import profile
from sidebar.customers import query as customer_query
from sidebar.extensions import db
from sidebar.models import (
    CouponTemplate,
    Material,
    Scope,
    Script,
    SopRule,
    SopStep,
    SopTask,
    Team,
    Trigger,
    utcnow,
)
from sidebar.sop import engine as sop_engine
from sidebar.sop import stats as sop_stats
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import admin_required, console_required, is_admin

AUDIENCE_FIELDS = (
    "tags_any",
    "tags_all",
    "tags_none",
    "skin_type",
    "lifecycle_stage",
    "member_level",
    "team_id",
)

MAX_STEPS = 3


def _names() -> dict[str, dict[str, str]]:
    """Tag and team names by id, for an audience in words."""
    return {
        "tag_names": {str(t.id): t.name for g in profile.all_tag_groups() for t in g.tags},
        "team_names": {str(t.id): t.name for t in db.session.scalars(select(Team))},
    }


def _choices() -> dict[str, object]:
    return {
        "triggers": [t.value for t in Trigger],
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
        "max_steps": MAX_STEPS,
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
    rules = list(db.session.scalars(select(SopRule).order_by(SopRule.priority.desc(), SopRule.id)))
    return render_template("admin/sop.html", rules=rules, counts=counts, error=None, **_choices())


def _int(name: str, default: int = 0, low: int = 0, high: int = 3650) -> int:
    raw = request.form.get(name) or ""
    try:
        value = int(raw) if raw else default
    except ValueError:
        abort(422, f"{name} must be a whole number")
    if not low <= value <= high:
        abort(422, f"{name} must be between {low} and {high}")
    return value


@admin_bp.post("/sop")
@admin_required
def sop_rule_create():
    """A new rule, saved disabled: look at its numbers before switching it on."""
    form = request.form
    name = (form.get("name") or "").strip()[:64]
    trigger = form.get("trigger", "")
    if not name or trigger not in {t.value for t in Trigger}:
        abort(422, "a name and a trigger are required")
    audience: dict[str, str] = {k: form[k] for k in AUDIENCE_FIELDS if form.get(k)}
    try:
        customer_query.parse(audience)
    except customer_query.BadFilter as exc:
        abort(422, str(exc))
    rule = SopRule(
        name=name,
        active=False,
        trigger=trigger,
        trigger_days=_int("trigger_days"),
        window_days=_int("window_days", 3, 0, 60),
        priority=_int("priority", 0, -100, 100),
        audience=json.dumps(audience),
    )
    for bound in ("starts_at", "ends_at"):
        if form.get(bound):
            try:
                setattr(rule, bound, datetime.fromisoformat(form[bound]).replace(tzinfo=UTC))
            except ValueError:
                abort(422, f"{bound} must be a date and time")
    if trigger == Trigger.WEEKLY.value:
        rule.weekday = _int("weekday", 0, 0, 6)
    if trigger == Trigger.FIXED.value:
        try:
            rule.fixed_at = datetime.fromisoformat(form.get("fixed_at", "")).replace(tzinfo=UTC)
        except ValueError:
            abort(422, "a fixed trigger needs a date and time")
    for n in range(MAX_STEPS):
        text = (form.get(f"step{n}_text") or "").strip()
        script_id = form.get(f"step{n}_script") or None
        material_id = form.get(f"step{n}_material") or None
        coupon_id = form.get(f"step{n}_coupon") or None
        if text or script_id or material_id or coupon_id:
            rule.steps.append(
                SopStep(
                    position=n,
                    offset_days=_int(f"step{n}_offset", 0, 0, 365),
                    text=text[:2000],
                    script_id=int(script_id) if script_id else None,
                    material_id=int(material_id) if material_id else None,
                    coupon_template_id=int(coupon_id) if coupon_id else None,
                )
            )
    if not rule.steps:
        abort(422, "a rule needs at least one step")
    db.session.add(rule)
    db.session.flush()
    audit.record(viewer(), "sop_rule_created", "sop_rule", rule.id, ip=client_ip(), name=name)
    return redirect(url_for("admin.sop_rule_detail", rule_id=rule.id), 303)


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
    report = sop_stats.report(viewer())
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
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
            headers={"Content-Disposition": "attachment; filename=sop-completion.csv"},
        )
    return render_template(
        "admin/sop_completion.html", report=report, viewer=viewer(), is_admin=is_admin(viewer())
    )
