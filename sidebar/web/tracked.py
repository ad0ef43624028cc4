"""Tracked pages (the material radar): what a customer sees when they tap a material a guide sent as a
tracked link, at ``/t/<code>.<signature>``.

WeChat's silent OAuth says who is reading (the visitor session the claim pages use); the open is
recorded, the guide told by a job after commit, and the page's script reports reading time to
``/t/<code>/read`` with ``navigator.sendBeacon``. The page shows the material and a privacy notice,
never anything about the customer the link was sent to.
"""

from __future__ import annotations

import mimetypes

from flask import Blueprint, abort, render_template, request, session, url_for
from flask_babel import gettext as _

from sidebar import jobs
from sidebar.content import materials
from sidebar.core import files as file_store
from sidebar.core import once, uow
from sidebar.extensions import csrf, db
from sidebar.models import LinkView, MaterialKind, TrackedLink
from sidebar.signals import products, radar
from sidebar.web.claim import VISITOR, visitor_sign_in

tracked_bp = Blueprint("tracked", __name__, url_prefix="/t")

VIEW_SALT = "link-view"


def _link_or_404(code: str) -> TrackedLink:
    link = radar.from_public_code(code)
    if link is None:
        abort(404, _("This link is not valid."))
    return link


@tracked_bp.get("/<code>")
def page(code: str):
    """The material, after WeChat says who is reading; the open is recorded."""
    link = _link_or_404(code)
    visitor = session.get(VISITOR)
    if not visitor:
        return visitor_sign_in(request.path)
    opened = radar.record_open(link, openid=visitor["openid"], external_userid=visitor.get("external_userid"))
    if opened.notice_id is not None:
        notice_id = opened.notice_id
        uow.after_commit(lambda: jobs.notify_reader(notice_id))
    if opened.tag_added and opened.reader_id is not None:
        reader_id = opened.reader_id
        uow.after_commit(lambda: jobs.push_tags(reader_id))
    view_token = once.sign(VIEW_SALT, opened.view_id)
    product = link.product
    if product is not None:
        image = url_for("tracked.file", code=code) if product.image_path else product.image_url
        return render_template(
            "tracked/product.html", product=product, code=code, view_token=view_token, image=image
        )
    material = link.material
    assert material is not None  # a link is to a material or a product
    paragraphs = [p.strip() for p in (material.text or "").split("\n") if p.strip()]
    return render_template(
        "tracked/page.html",
        material=material,
        code=code,
        paragraphs=paragraphs,
        is_pdf=material.kind == MaterialKind.FILE.value,
        is_image=material.kind == MaterialKind.IMAGE.value,
        view_token=view_token,
    )


@tracked_bp.get("/<code>/file")
def file(code: str):
    """The material's image or PDF, or the product's picture, to anyone holding a valid link (it is what
    the link was made to show; nothing of the customer's)."""
    link = _link_or_404(code)
    material, product = link.material, link.product
    if product is not None and product.image_path:
        key, name = products.picture_key(product.image_path), product.image_path
    elif material is not None and material.kind in (MaterialKind.IMAGE.value, MaterialKind.FILE.value):
        key, name = materials.file_key(material.file_path or ""), material.file_path or ""
    else:
        abort(404)
    mime = (material.mime if product is None and material is not None else None) or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    try:
        return file_store.download(key, filename=None, mimetype=mime, private_max_age=3600)
    except file_store.FileMissing:
        abort(404)


@tracked_bp.post("/<code>/read")
@csrf.exempt  # sent by navigator.sendBeacon; the signed view token is the credential
def read(code: str):
    """Reading time so far, from the page: ``view`` (the signed view id) and ``seconds``."""
    link = _link_or_404(code)
    view_id = once.unsign(VIEW_SALT, request.form.get("view", ""))
    view = db.session.get(LinkView, view_id) if view_id is not None else None
    if view is None or view.link_id != link.id:
        abort(404)
    try:
        seconds = int(request.form.get("seconds", ""))
    except ValueError:
        abort(400, "seconds must be a number")
    radar.record_reading(view, seconds)
    return "", 204
