"""获客助手 links in the console (获客与留存 → 获客链接): make one for some members, the link to put in an ad
(with Beside's channel, so each customer names it as their source), what each brought, delete it; the
quota left and how many days it lasts at the last week's pace, and WeCom's own warnings."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sidebar.core import audit, uow
from sidebar.extensions import db
from sidebar.growth import links
from sidebar.models import AcquisitionLink, AuditLog, Staff, StaffStatus, utcnow
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required
from sidebar.wecom.errors import WeComError


def _page(status: int = 200, **context: Any) -> Any:
    now = utcnow()
    rows = links.live()
    try:
        quota, quota_error = links.quota(now=now), None
    except WeComError as exc:
        quota, quota_error = None, exc.in_words()
    warned = AuditLog.action.in_(["acquisition.balance_low", "acquisition.balance_exhausted"])
    warning = db.session.scalar(select(AuditLog).where(warned).order_by(AuditLog.id.desc()).limit(1))
    names = dict(db.session.execute(select(Staff.userid, Staff.name)).tuples().all())
    active = select(Staff).where(Staff.status == StaffStatus.ACTIVE).order_by(Staff.name)
    return render_template(
        "admin/links.html",
        **common(
            links=rows, urls={link.id: links.tracked_url(link) for link in rows},
            members_of={link.id: [names.get(u, u) for u in json.loads(link.userids)] for link in rows},
            all_time=links.adds(rows), week=links.adds(rows, since=now - timedelta(days=7)),
            quota=quota, quota_error=quota_error, warning=warning,
            members=list(db.session.scalars(active)),
            errors=context.pop("errors", {}), form=context.pop("form", MultiDict()),
        ),
    ), status  # fmt: skip


@admin_bp.get("/links")
@console_required
def links_page():
    return _page()


@admin_bp.post("/links")
@admin_required
def link_create():
    form = request.form
    try:
        link = links.create(form.get("name", ""), [int(v) for v in form.getlist("staff_ids") if v.isdigit()],
                            skip_verify=form.get("skip_verify") == "1", now=utcnow())  # fmt: skip
    except links.LinkInvalid as exc:
        uow.discard()
        return _page(422, errors=exc.errors, form=form)
    except WeComError as exc:
        uow.discard()
        return _page(502, errors={"wecom": exc.in_words()}, form=form)
    audit.record(
        viewer(), "acquisition_link.create", "acquisition_link", link.id, ip=client_ip(), name=link.name
    )
    return redirect(url_for("admin.links_page"), 303)


@admin_bp.post("/links/<int:link_id>/delete")
@admin_required
def link_delete(link_id: int):
    link = db.session.get(AcquisitionLink, link_id) or abort(404)
    try:
        links.delete(link, now=utcnow())
    except WeComError as exc:
        uow.discard()
        return _page(502, errors={"wecom": exc.in_words()})
    audit.record(
        viewer(), "acquisition_link.delete", "acquisition_link", link.id, ip=client_ip(), name=link.name
    )
    return redirect(url_for("admin.links_page"), 303)
