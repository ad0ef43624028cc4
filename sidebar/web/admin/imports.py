"""Order and member files in the console: pick a preset (or a saved mapping), upload, watch the progress,
download the refused rows. A file whose columns the preset does not know gets a form to map its columns
by hand, which can be saved for next time. Admins only: a file rewrites the brand's data."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from sidebar.core import files as file_store
from sidebar.core import uow
from sidebar.customers import bulk
from sidebar.data import imports, presets
from sidebar.data.sheets import PasswordNeeded, UnreadableFile, WrongPassword, open_sheet
from sidebar.extensions import db
from sidebar.jobs import run_import
from sidebar.models import PLATFORMS, AdminAccount, Staff
from sidebar.web import htmx
from sidebar.web.admin import admin_bp, common, viewer
from sidebar.web.console_auth import admin_required, console_required
from sidebar.web.labels import IMPORT_FIELDS


def _kind() -> str:
    kind = request.values.get("kind") or "orders"
    if kind not in imports.KINDS:
        abort(400, _("Choose orders or members."))
    return kind


def _page(status: int = 200, **context: Any) -> Any:
    return htmx.render(
        "admin/imports.html",
        status=status,
        order_presets=imports.presets("orders"),
        member_presets=imports.presets("members"),
        recent=imports.recent(),
        columns_of={p.key: p.columns for p in presets.BUILT_IN.values()},
        platforms=list(PLATFORMS),
        **common(**context),
    )


@admin_bp.get("/data/imports")
@console_required
def imports_page():
    return _page()


def _start(kind: str, stored: str, original: str, the: presets.Preset) -> Any:
    who = viewer()
    job = imports.start(
        kind,
        stored,
        original,
        the,
        staff_id=who.id if isinstance(who, Staff) else None,
        admin_id=who.id if isinstance(who, AdminAccount) else None,
    )
    job_id = job.id
    try:
        run_import(job_id)
    except Exception:  # the job row keeps the error; the progress view shows it
        current_app.logger.exception("import %s failed", job_id)
    db.session.expire_all()
    return redirect(url_for("admin.job_view", job_id=job_id), 303)


def _headers(stored: str) -> list[str]:
    with imports.local_file(stored) as path, open_sheet(path) as sheet:
        return sheet.headers


SAMPLE_ROWS = 3


def _samples(stored: str) -> dict[str, str]:
    """A few values of each column (the first rows), shown beside it so a column is known by its content."""
    out: dict[str, list[str]] = {}
    with imports.local_file(stored) as path, open_sheet(path) as sheet:
        for n, (_line, values) in enumerate(sheet.rows()):
            if n >= SAMPLE_ROWS:
                break
            for header, value in zip(sheet.headers, values, strict=False):
                if header and value and len(out.setdefault(header, [])) < SAMPLE_ROWS:
                    out[header].append(value[:24])
    return {h: "、".join(v) for h, v in out.items()}


def _mapping_form(kind: str, stored: str, original: str, headers: list[str], error: str, **extra: Any) -> Any:
    """The file's columns against our fields, for the admin to pair up (422: the file was not read)."""
    chosen = extra.get("chosen") or imports.guess_columns(kind, headers, IMPORT_FIELDS)
    return _page(
        422,
        mapping={
            "kind": kind,
            "file": stored,
            "original": original,
            "headers": headers,
            "samples": _samples(stored),
            "fields": imports.fields(kind),
            "required": presets.ORDER_REQUIRED if kind == "orders" else presets.MEMBER_REQUIRED,
            "chosen": chosen,
            "platform": extra.get("platform", "other"),
        },
        error=error,
    )


@admin_bp.post("/data/imports")
@admin_required
def import_upload():
    """Store the file, check its columns against the preset, and start the import (or ask for a
    mapping when the columns do not fit)."""
    kind = _kind()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, error=_("Choose a .csv or .xlsx file."))
    try:
        the = imports.preset(request.form.get("preset") or "")
    except LookupError:
        return _page(422, error=_("Choose a preset or a saved mapping."))
    if the.kind != kind:
        return _page(422, error=_("That preset is for another kind of file."))
    password = request.form.get("password") or ""
    try:
        stored = imports.save_upload(upload.stream, upload.filename)
        if password:
            imports.unlock_stored(stored, password)
        headers = _headers(stored)
    except WrongPassword:
        return _page(
            422,
            error=_(
                "The password does not open this workbook. Check the SMS, choose the file again and retry."
            ),
            password_needed=kind,
        )
    except PasswordNeeded:
        return _page(
            422,
            error=_(
                "This workbook is protected by a password (JD and Taobao send it by SMS when you export). "
                "Choose the file again, enter the password and import."
            ),
            password_needed=kind,
        )
    except UnreadableFile as exc:
        return _page(422, error=_("The file cannot be read: %(why)s", why=str(exc)))
    try:
        imports.resolve(headers, the)
    except imports.MissingColumns as exc:
        missing = "; ".join(
            _(
                "“%(field)s” (%(preset)s calls it %(names)s)",
                field=_field(f),
                preset=the.label,
                names=" / ".join(h),
            )
            if h
            else _field(f)
            for f, h in exc.missing.items()
        )
        return _mapping_form(
            kind,
            stored,
            upload.filename,
            headers,
            _("The file has no column for %(missing)s. Map its columns by hand:", missing=missing),
            platform=the.platform or "other",
        )
    return _start(kind, stored, upload.filename, the)


@admin_bp.post("/data/imports/map")
@admin_required
def import_map():
    """Import an uploaded file with columns the admin paired by hand; optionally save the pairing."""
    kind = _kind()
    stored, original = request.form.get("file") or "", request.form.get("original") or ""
    try:
        headers = _headers(stored)
    except (FileNotFoundError, UnreadableFile):
        return _page(422, error=_("That upload is gone; upload the file again."))
    chosen = {f: request.form.get(f"col_{f}") or "" for f in imports.fields(kind)}
    chosen = {f: h for f, h in chosen.items() if h in headers}
    platform = request.form.get("platform") or "other"
    if platform not in PLATFORMS:
        platform = "other"
    the = imports.from_columns(kind, platform, chosen, label=_("By hand"))
    try:
        imports.resolve(headers, the)
    except imports.MissingColumns as exc:
        return _mapping_form(
            kind,
            stored,
            original,
            headers,
            _("Still missing: %(fields)s.", fields=", ".join(_field(f) for f in exc.missing)),
            chosen=chosen,
            platform=platform,
        )
    name = (request.form.get("save_as") or "").strip()
    if name:
        mapping = imports.save_mapping(name, kind, platform, chosen)
        the = imports.preset(f"mapping:{mapping.id}")
    uow.commit_point("the mapping is kept even if the import fails")
    return _start(kind, stored, original, the)


@admin_bp.get("/jobs/<int:job_id>/refused")
@admin_required
def import_refused(job_id: int):
    """The refused rows of an import, with line numbers and reasons (its starter only)."""
    job = bulk.visible_job(viewer(), job_id)
    if job is None or job.kind not in imports.KINDS.values() or not job.result:
        abort(404)
    name = json.loads(job.result).get("refused_file")
    if not name:
        abort(404)
    try:
        return file_store.download(
            imports.key_of(name), filename=f"refused-rows-{job.id}.csv", mimetype="text/csv"
        )
    except (FileNotFoundError, file_store.FileMissing):
        abort(404)


def _field(name: str) -> str:
    return str(IMPORT_FIELDS.get(name, name))


@admin_bp.get("/data/imports/templates/<preset>.csv")
@console_required
def import_template(preset: str):
    """A preset's columns as an empty csv (UTF-8 with BOM, so Excel shows the Chinese headers): what to
    fill in for the POS and member templates, or what the platform's file should contain."""
    the = presets.BUILT_IN.get(preset) or abort(404)
    headers = [names[0] for names in the.columns.values() if names]
    body = "\ufeff" + ",".join(f'"{h}"' for h in headers) + "\r\n"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={the.key}-template.csv"},
    )
