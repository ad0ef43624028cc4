"""The product catalogue in the console: the list with how often each was sent and opened, a sheet
imported (xlsx or csv, each row answered), a picture uploaded per product. Admins change it; managers
read it."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from sidebar.core import audit, uow
from sidebar.customers import visibility
from sidebar.data import imports
from sidebar.data.sheets import UnreadableFile
from sidebar.extensions import db
from sidebar.models import Product
from sidebar.signals import products, radar, recommend
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import admin_required, console_required, is_admin


def _page(status: int = 200, *, error: str | None = None, outcomes: list | None = None):  # type: ignore[no-untyped-def]
    opened = {f.key: f for f in radar.by_product(staff_ids=visibility.follower_ids(viewer()))}
    return render_template(
        "admin/products.html",
        items=list(db.session.scalars(select(Product).order_by(Product.id))),
        opened=opened,
        is_admin=is_admin(viewer()),
        error=error,
        outcomes=outcomes or [],
        refused=[o for o in outcomes or [] if o.result == "refused"],
    ), status


@admin_bp.get("/products")
@console_required
def products_page():
    """The catalogue guides send from, with sends and tracked opens."""
    return _page()


@admin_bp.post("/products/import")
@admin_required
def products_import():
    """Every row of a products sheet, upserted by sku; the refused rows listed with their reasons."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, error="choose an .xlsx or .csv file")
    try:
        stored = imports.save_upload(upload.stream, upload.filename)
        with imports.local_file(stored) as path:
            outcomes = products.import_file(path)
    except (UnreadableFile, products.ProductError) as exc:
        uow.discard()
        return _page(422, error=str(exc))
    counts = {
        k: sum(1 for o in outcomes if o.result == k) for k in ("created", "updated", "unchanged", "refused")
    }
    audit.record(viewer(), "products.import", "product", None, ip=client_ip(), **counts)
    uow.after_commit(recommend.forget_catalogue)
    return _page(outcomes=outcomes)


@admin_bp.post("/products/<int:product_id>/picture")
@admin_required
def product_picture(product_id: int):
    """A picture for the product, checked by its bytes."""
    product = db.session.get(Product, product_id) or abort(404)
    upload = request.files.get("file")
    content = upload.read(products.IMAGE_MAX + 1) if upload is not None else b""
    try:
        products.set_picture(product, content)
    except products.ProductError as exc:
        uow.discard()
        return _page(422, error=f"{product.sku}: {exc}")
    audit.record(viewer(), "products.picture", "product", product.id, ip=client_ip(), sku=product.sku)
    return redirect(url_for("admin.products_page"), 303)
