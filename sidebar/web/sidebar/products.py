"""The sidebar's products tab: the catalogue searched by name, sku or category, and a product's card
sent to the chat (a tracked link to its page, or a mini-program card), recorded like a material."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _

from sidebar.core import files as file_store
from sidebar.extensions import db
from sidebar.models import Customer, Product
from sidebar.signals import products, radar
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.sidebar import customer_route, group_member_or_404, me, page_number, sidebar_bp
from sidebar.web.sidebar.cards import card_image, in_chat_with


def _render(*, customer: Customer | None, chat_id: str | None) -> Any:
    q, page = (request.args.get("q") or "").strip()[:64], page_number()
    rows, more = products.search(q, page=page)
    if customer is not None:
        here = url_for("sidebar.products_for_customer", external_userid=customer.external_userid)
    else:
        here = url_for("sidebar.products_for_group", chat_id=chat_id)
    return htmx.render(
        "sidebar/products.html",
        block="product_list",
        staff=me(),
        customer=customer,
        chat_id=chat_id,
        items=rows,
        more=more,
        q=q,
        page=page,
        here=here,
    )


@sidebar_bp.get("/customers/<external_userid>/products")
@customer_route
def products_for_customer(customer: Customer):
    """The catalogue, to send a product's card to this customer."""
    return _render(customer=customer, chat_id=None)


@sidebar_bp.get("/groups/<chat_id>/products")
@login_required
def products_for_group(chat_id: str):
    group_member_or_404(chat_id)
    return _render(customer=None, chat_id=chat_id)


def _card(product_id: int, *, customer: Customer | None, chat_id: str | None) -> Any:
    product = db.session.get(Product, product_id)
    if product is None or not product.active:
        abort(404)
    image = product.image_url or card_image("material")
    tracked_url = None
    if not product.mp_page:
        link = radar.make_product_link(me(), product, customer=customer, chat_id=chat_id)
        code = radar.public_code(link)
        tracked_url = url_for("tracked.page", code=code, _external=True)
        if product.image_path:
            image = url_for("tracked.file", code=code, _external=True)
    return jsonify(products.card(product, tracked_url=tracked_url, image=image))


@sidebar_bp.post("/customers/<external_userid>/products/<int:product_id>/card")
@customer_route
def product_card_for_customer(customer: Customer, product_id: int):
    """The card for this send: a new tracked link for a web product; only from the guide in the chat."""
    if not in_chat_with(me(), customer):
        abort(403, _("Only a guide who has this customer can send them materials."))
    return _card(product_id, customer=customer, chat_id=None)


@sidebar_bp.post("/groups/<chat_id>/products/<int:product_id>/card")
@login_required
def product_card_for_group(chat_id: str, product_id: int):
    group_member_or_404(chat_id)
    return _card(product_id, customer=None, chat_id=chat_id)


@sidebar_bp.get("/products/<int:product_id>/picture")
@login_required
def product_picture(product_id: int):
    """A product's uploaded picture, for the list (the catalogue is the brand's, not a customer's)."""
    product = db.session.get(Product, product_id)
    if product is None or not product.image_path:
        abort(404)
    key = products.picture_key(product.image_path)
    mime = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}.get(
        product.image_path[product.image_path.rfind(".") :], "application/octet-stream"
    )
    return file_store.download(key, filename=None, mimetype=mime, private_max_age=3600)
