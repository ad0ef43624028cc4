"""Stores in the console: the list with their guides, an admin's form to add or change one (by code), and
a store sheet (xlsx or csv) to make many at once. Orders and members that named a code before its store
existed are resolved to it as it is made."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from sidebar.data.sheets import SUFFIXES, UnreadableFile, open_sheet
from sidebar.extensions import db
from sidebar.models import Staff, StaffStatus, Store, Team
from sidebar.org import stores
from sidebar.web.admin import admin_bp, common, viewer
from sidebar.web.console_auth import admin_required, console_required

SHEET_MAX_BYTES = 5 * 1024 * 1024  # thousands of stores; a bigger file is not a store sheet


def _page(status: int = 200, **context: Any) -> Any:
    guides = dict(
        db.session.execute(
            select(Staff.store_id, func.count())
            .where(Staff.store_id.is_not(None), Staff.status == StaffStatus.ACTIVE)
            .group_by(Staff.store_id)
        )
        .tuples()
        .all()
    )
    context.setdefault("form", {})
    return (
        render_template(
            "admin/stores.html",
            stores=stores.all_stores(),
            guides=guides,
            unknown_codes=stores.unknown_codes(),
            teams=list(db.session.scalars(select(Team).order_by(Team.name))),
            **common(**context),
        ),
        status,
    )


@admin_bp.get("/stores")
@console_required
def stores_page():
    """Every store with its region, status and active guides; the codes orders name that no store has."""
    code = request.args.get("code", "")
    store = db.session.scalar(select(Store).where(Store.code == code)) if code else None
    form = (
        {
            "code": store.code,
            "name": store.name,
            "city": store.city or "",
            "address": store.address or "",
            "team": str(store.team_id or ""),
            "status": store.status,
        }
        if store
        else {"code": code}
    )
    return _page(form=form)


@admin_bp.post("/stores")
@admin_required
def store_save():
    """Add a store, or change the one with this code; a refusal keeps what was typed."""
    form = {k: request.form.get(k, "") for k in ("code", "name", "city", "address", "team", "status")}
    try:
        store, result, resolved = stores.save(form["code"], form, actor=viewer())
    except stores.InvalidStore as exc:
        return _page(422, form=form, errors=exc.errors)
    return redirect(
        url_for(
            "admin.stores_page",
            saved=store.code,
            result=result,
            orders=resolved.orders,
            members=resolved.members,
        ),
        303,
    )


@admin_bp.post("/stores/import")
@admin_required
def stores_import():
    """A store sheet: 门店编码, 门店名称 and optionally 城市, 地址, 区域, 状态 in the first row."""
    upload = request.files.get("file")
    name = (upload.filename or "") if upload else ""
    suffix = Path(name).suffix.lower()
    if upload is None or not name:
        return _page(422, sheet_error=_("Choose a file."))
    if suffix not in SUFFIXES:
        return _page(422, sheet_error=_("Send an .xlsx or .csv file."))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"stores{suffix}"
        upload.save(path)
        if path.stat().st_size > SHEET_MAX_BYTES:
            return _page(422, sheet_error=_("The file is larger than a store sheet can be (5 MB)."))
        try:
            with open_sheet(path) as sheet:
                outcome = stores.import_rows(sheet.headers, sheet.rows(), actor=viewer())
        except UnreadableFile as exc:
            return _page(422, sheet_error=exc.message)
        except stores.InvalidStore as exc:
            return _page(422, sheet_error="; ".join(exc.errors.values()))
    return _page(sheet=outcome)
