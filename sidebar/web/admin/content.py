"""Console pages for what guides send: company and team scripts (with import and export)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.content import material_admin, script_io, scripts
from sidebar.content import usage as usage_service
from sidebar.core import audit, uow
from sidebar.extensions import db
from sidebar.models import Material, MaterialKind, Scope, Script, Tag, Team
from sidebar.signals import radar
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import admin_required, console_required, current_viewer, is_admin

SAMPLE = {
    "客户称呼": "王女士",
    "客户姓名": "王小美",
    "导购姓名": "陈静",
    "门店": "上海静安嘉里店",
    "会员等级": "金卡",
}


def _page(status: int = 200, **context):  # type: ignore[no-untyped-def]
    viewer = current_viewer()
    return render_template(
        "admin/scripts.html",
        scripts_list=list(db.session.scalars(script_io.managed())),
        teams=list(db.session.scalars(select(Team).order_by(Team.id))),
        variables=scripts.VARIABLES,
        viewer=viewer,
        is_admin=is_admin(viewer) if viewer else False,
        import_errors=context.pop("import_errors", None),
        import_counts=context.pop("import_counts", None),
        error=context.pop("error", None),
        **context,
    ), status


@admin_bp.get("/scripts")
@console_required
def scripts_admin():
    """Company and team scripts; admins edit, import and export them."""
    return _page()


def _values() -> dict[str, object]:
    scope = request.form.get("scope", "")
    if scope not in (Scope.ENTERPRISE.value, Scope.TEAM.value):
        abort(422, _("Choose whether the script is for the whole company or a team."))
    team_id = request.form.get("team_id") or None
    if scope == Scope.TEAM.value and (team_id is None or db.session.get(Team, int(team_id)) is None):
        abort(422, _("Choose the team."))
    body = (request.form.get("body") or "").strip()
    if not body or len(body) > scripts.BODY_MAX:
        abort(422, _("Write the script's text (at most 2,000 characters)."))
    try:
        order = int(request.form.get("order") or 0)
    except ValueError:
        abort(422, _("The display order must be a whole number."))
    return {
        "scope": scope,
        "team_id": int(team_id) if scope == Scope.TEAM.value and team_id else None,
        "group_name": (request.form.get("group_name") or "").strip()[:32],
        "title": (request.form.get("title") or "").strip()[:64],
        "order": order,
        "body": body,
    }


@admin_bp.post("/scripts")
@admin_required
def script_admin_create():
    script = Script(**_values())
    db.session.add(script)
    db.session.flush()
    audit.record(viewer(), "script_created", "script", script.id, ip=client_ip(), title=script.title)
    return redirect(url_for("admin.scripts_admin"), 303)


def _managed_or_404(script_id: int) -> Script:
    script = db.session.scalar(script_io.managed().where(Script.id == script_id))
    return script or abort(404)


@admin_bp.post("/scripts/<int:script_id>")
@admin_required
def script_admin_update(script_id: int):
    script = _managed_or_404(script_id)
    for key, value in _values().items():
        setattr(script, key, value)
    audit.record(viewer(), "script_updated", "script", script.id, ip=client_ip(), title=script.title)
    return redirect(url_for("admin.scripts_admin"), 303)


@admin_bp.post("/scripts/<int:script_id>/delete")
@admin_required
def script_admin_delete(script_id: int):
    script = _managed_or_404(script_id)
    audit.record(viewer(), "script_deleted", "script", script.id, ip=client_ip(), title=script.title)
    db.session.delete(script)
    return redirect(url_for("admin.scripts_admin"), 303)


@admin_bp.post("/scripts/preview")
@console_required
def script_preview():
    """The text as a guide would send it to a sample customer; unknown variables called out."""
    text, unknown = scripts.fill(request.form.get("body", ""), SAMPLE)
    return render_template("admin/_script_preview.html", text=text, unknown=unknown)


@admin_bp.get("/scripts/export.<fmt>")
@admin_required
def scripts_export(fmt: str):
    if fmt == "xlsx":
        data, mime = (
            script_io.export_xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        data, mime = script_io.export_csv(), "text/csv; charset=utf-8"
    else:
        abort(404)
    audit.record(viewer(), "scripts_exported", "script", None, ip=client_ip(), format=fmt)
    return Response(
        data, mimetype=mime, headers={"Content-Disposition": f"attachment; filename=scripts.{fmt}"}
    )


@admin_bp.post("/scripts/import")
@admin_required
def scripts_import():
    """All rows or none: any bad row is reported with its reason and nothing is imported."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, error=_("Choose an .xlsx or .csv file."))
    content = upload.read(5 * 2**20 + 1)
    if len(content) > 5 * 2**20:
        return _page(422, error=_("The file is larger than 5 MB."))
    try:
        counts = script_io.import_file(upload.filename, content)
    except script_io.ImportRefused as refused:
        uow.discard()
        return _page(422, import_errors=refused.errors)
    audit.record(viewer(), "scripts_imported", "script", None, ip=client_ip(), **counts)
    return _page(import_counts=counts)


# -- materials -------------------------------------------------------------------------------------


def _materials_page(status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]

    return render_template(
        "admin/materials.html",
        items=list(db.session.scalars(select(Material).order_by(Material.id.desc()))),
        teams=list(db.session.scalars(select(Team).order_by(Team.id))),
        kinds=[k.value for k in MaterialKind],
        tags=list(db.session.scalars(select(Tag).order_by(Tag.group_id, Tag.order, Tag.id))),
        trackable=radar.trackable,
        viewer=viewer(),
        is_admin=is_admin(viewer()),
        error=error,
    ), status


@admin_bp.get("/materials")
@console_required
def materials_admin():
    """Materials guides can send; admins add and remove them."""
    return _materials_page()


@admin_bp.post("/materials")
@admin_required
def material_admin_create():
    file = request.files.get("file")
    upload = None
    if file is not None and file.filename:
        content = file.read(material_admin.LIMITS["file"] + 1)  # never more than the largest limit, plus one
        file.close()
        upload = (file.filename, content)
    try:
        material = material_admin.create(request.form.to_dict(), upload)
    except material_admin.MaterialError as exc:
        uow.discard()
        return _materials_page(422, error=str(exc))
    audit.record(
        viewer(),
        "material_created",
        "material",
        material.id,
        ip=client_ip(),
        title=material.title,
        kind=material.kind,
    )
    return redirect(url_for("admin.materials_admin"), 303)


@admin_bp.post("/materials/<int:material_id>/delete")
@admin_required
def material_admin_delete(material_id: int):
    material = db.session.get(Material, material_id) or abort(404)
    audit.record(viewer(), "material_deleted", "material", material.id, ip=client_ip(), title=material.title)
    material_admin.delete(material)
    return redirect(url_for("admin.materials_admin"), 303)


# -- usage -----------------------------------------------------------------------------------------


@admin_bp.get("/usage")
@console_required
def usage():
    """Sends of scripts and materials in the viewer's scope: by day, team and guide; top and unused."""
    return render_template(
        "admin/usage.html",
        report=usage_service.report(viewer()),
        viewer=viewer(),
        is_admin=is_admin(viewer()),
    )
