"""The material radar in the console: per tracked material, opens, unique readers, average reading time
and forwards, by team and by guide, within the viewer's scope (a manager sees their teams' sends); admins
say which materials go out tracked and which tag an open adds."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from sidebar.content import material_admin, materials
from sidebar.core import audit, uow
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import TRACKABLE_KINDS, Material, Tag
from sidebar.signals import radar
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import admin_required, console_required, is_admin


def _radar_page(status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
    followers = visibility.follower_ids(viewer())
    figures = radar.by_material(staff_ids=followers)
    tracked = list(
        db.session.scalars(
            select(Material).where(Material.kind.in_(TRACKABLE_KINDS)).order_by(Material.id.desc())
        )
    )
    return render_template(
        "admin/radar.html",
        figures=figures,
        materials=tracked,
        trackable=radar.trackable,
        tags=list(db.session.scalars(select(Tag).order_by(Tag.group_id, Tag.order, Tag.id))),
        is_admin=is_admin(viewer()),
        error=error,
    ), status


@admin_bp.get("/radar")
@console_required
def radar_page():
    """Every material sent as a tracked link, with what customers did with it."""
    return _radar_page()


def _material_in_scope(material_id: int) -> Material:
    """The material if the viewer may see it: an admin any; a manager those for everyone or for their
    team or a team above it (as their guides do); else 404."""
    v = viewer()
    material = db.session.get(Material, material_id) if is_admin(v) else materials.get_visible(v, material_id)
    if material is None:
        abort(404)
    return material


@admin_bp.get("/radar/<int:material_id>")
@console_required
def radar_material(material_id: int):
    """One material's opens, readers, reading time and forwards by team and by guide."""
    material = _material_in_scope(material_id)
    followers = visibility.follower_ids(viewer())
    return render_template(
        "admin/radar_material.html",
        material=material,
        sends=radar.sends_count(material.id, staff_ids=followers),
        breakdown=radar.material_breakdown(material, staff_ids=followers),
    )


@admin_bp.post("/radar/<int:material_id>")
@admin_required
def radar_settings(material_id: int):
    """Send this material tracked or not, and the tag an open puts on the customer."""
    material = db.session.get(Material, material_id) or abort(404)
    try:
        material_admin.set_radar(
            material, tracked=request.form.get("tracked") == "1", open_tag_id=request.form.get("open_tag_id")
        )
    except material_admin.MaterialError as exc:
        uow.discard()
        return _radar_page(422, error=str(exc))
    audit.record(
        viewer(),
        "material_radar_changed",
        "material",
        material.id,
        ip=client_ip(),
        title=material.title,
        tracked=material.tracked,
        open_tag_id=material.open_tag_id,
    )
    return redirect(url_for("admin.radar_page"), 303)
