"""``/api/v1``: JSON for the sidebar's scripts and for other systems. Errors use the one envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from pydantic import ValidationError

from sidebar.api import openapi
from sidebar.api.openapi import (
    Answers,
    Doc,
    EventAnswers,
    ProductAnswers,
    Redeemed,
    RedeemIn,
    Signature,
    StoreIn,
    StoreOut,
    documented,
)
from sidebar.core import json_depth, once, uow
from sidebar.core.units import parse_yuan
from sidebar.customers import rule_tags
from sidebar.data import members, orders, profile
from sidebar.data.schemas import MAX_BATCH, MemberIn, MembersBatch, OrderIn, OrdersBatch, reasons
from sidebar.extensions import csrf
from sidebar.jobs import evaluate_signals
from sidebar.models import ApiKey
from sidebar.money import coupons, messages
from sidebar.money.messages import Refused
from sidebar.org import api_keys, stores
from sidebar.signals import behaviour, products, recommend
from sidebar.signals.behaviour import EventIn, EventsBatch
from sidebar.signals.products import ProductIn, ProductsBatch
from sidebar.web.auth import current_staff
from sidebar.web.errors import json_error
from sidebar.wecom import jssdk
from sidebar.wecom.errors import WeComError, WeComUnavailable
from sidebar.wecom.gateway import wecom

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)  # JSON endpoints authenticate by session or API key; none reads a form.


API_BODY_MAX = 16 * 1024 * 1024  # 500 records of any kind fit in a fraction of this


@api_bp.before_request
def _refuse_absurd_json() -> Any:
    """A body larger than any batch, or nested past anything the schemas take, is refused before it is
    parsed (``core.json_depth``): parsing it would be the failure."""
    if request.method not in ("POST", "PUT") or not request.is_json:
        return None
    if (request.content_length or 0) > API_BODY_MAX:
        return json_error(413, "too_large", "The body is larger than any batch; send at most 500 records.")
    if json_depth.too_deep(request.get_data(cache=True)):
        return json_error(400, "too_deep", f"JSON nested deeper than {json_depth.MAX_DEPTH} levels.")
    return None


@api_bp.get("/jssdk/signature")
@documented(
    Doc(
        "A JS-SDK signature for the sidebar page (signed in members only)",
        ok=(200, Signature),
        errors=(400, 401, 502, 503),
        auth="session",
        query=[
            {"name": "url", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["agent", "corp"]}},
        ],
    )
)
def jssdk_signature():
    """``{timestamp, nonceStr, signature}`` for ``url``: app ticket (type=agent) or corp ticket (corp)."""
    if current_staff() is None:
        return json_error(401, "unauthorized", "Sign in first.")
    url = request.args.get("url", "")
    kind = request.args.get("type", "agent")
    if not url.startswith(("http://", "https://")):
        return json_error(400, "bad_url", "url must be the page URL, starting with http:// or https://.")
    if kind not in ("agent", "corp"):
        return json_error(400, "bad_type", "type must be agent or corp.")
    try:
        client = wecom()
        ticket = client.agent_ticket() if kind == "agent" else client.corp_ticket()
    except WeComUnavailable:
        # The page says so at once and offers to retry (WECOM_INTERACTIVE_TIMEOUT bounds the wait).
        return json_error(503, "wecom_unreachable", "WeCom cannot be reached right now. Try again.")
    except WeComError as exc:
        return json_error(502, "wecom_unavailable", f"WeCom did not give a ticket: {exc.errmsg}")
    return jsonify(jssdk.sign_url(ticket, url))


# -- coupon redemption (POS and mall systems) -------------------------------------------------------

REDEEM_STATUS = {
    "unknown_code": 404,
    "already_redeemed": 409,
    "expired": 409,
    "not_yet_valid": 409,
    "below_threshold": 422,
    "bad_order_no": 422,
    "bad_amount": 422,
}


def _api_key(scope: str) -> ApiKey | Any:
    """The caller's live API key if it may do ``scope``; else the 401 or 403 answer to give."""
    header = request.headers.get("Authorization", "")
    key = api_keys.check(header[7:] if header.startswith("Bearer ") else None)
    if key is None:
        return json_error(401, "unauthorized", "Send a live API key as 'Authorization: Bearer <key>'.")
    if not api_keys.allows(key, scope):
        return json_error(403, "forbidden", f"This API key may not {scope}; ask for a key with that scope.")
    return key


@api_bp.post("/coupons/<code>/redeem")
@documented(
    Doc(
        "Redeem a coupon for an order (coupons:redeem)",
        ok=(200, Redeemed),
        errors=(401, 403, 404, 409, 422),
        body=[RedeemIn],
    )
)
def redeem_coupon(code: str):
    """Mark a coupon used by an order: ``{"order_no": "...", "amount": "399.00"}`` (yuan) with
    ``Authorization: Bearer <API key>``. The same order again answers 200 with ``repeated: true``."""
    key = _api_key("coupons:redeem")
    if not isinstance(key, ApiKey):
        return key
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(422, "malformed_json", 'Send {"order_no": "…", "amount": "399.00"} as JSON.')
    amount = parse_yuan(body.get("amount", ""), allow_zero=True)
    if amount is None:
        return json_error(422, "bad_amount", 'amount is the order\'s amount in yuan, e.g. "399.00".')
    try:
        done = coupons.redeem(code, order_no=str(body.get("order_no") or ""), amount=amount, by=key.name)
    except Refused as exc:
        uow.discard()
        return json_error(REDEEM_STATUS.get(exc.code, 409), exc.code, messages.english(exc))
    coupon = done.coupon
    return jsonify(
        code=coupon.code,
        status=coupon.status,
        repeated=done.repeated,
        order_no=coupon.redeem_order_no,
        redeemed_at=coupon.redeemed_at.isoformat() if coupon.redeemed_at else None,
        template=coupon.template.name,
    )


# -- customer data in (orders, members) ---------------------------------------------------------------


def _batch(field: str) -> list[Any] | Any:
    """The records sent: one object, or ``{field: [...]}`` of at most MAX_BATCH; else the answer to give."""
    body = request.get_json(silent=True)
    if body is None:
        return json_error(422, "malformed_json", "Send a JSON object (Content-Type: application/json).")
    if isinstance(body, dict) and field in body:
        records = body[field]
        if not isinstance(records, list) or not records:
            return json_error(422, "invalid", f"{field} must be a non-empty list.")
    elif isinstance(body, dict):
        records = [body]
    else:
        return json_error(422, "invalid", f"Send one record as an object, or {{{field!r}: [...]}}.")
    if len(records) > MAX_BATCH:
        return json_error(413, "batch_too_large", f"At most {MAX_BATCH} {field} a request; split the batch.")
    return records


def _keyed_batch(scope: str, field: str) -> list[Any] | Any:
    """The batch a caller whose key has ``scope`` sent; else the 401/403/413/422 answer to give."""
    key = _api_key(scope)
    if not isinstance(key, ApiKey):
        return key
    return _batch(field)


def _counts(outcomes: list[Any], kinds: tuple[str, ...]) -> dict[str, int]:
    counts = dict.fromkeys(kinds, 0)
    for outcome in outcomes:
        counts[outcome.result] += 1
    return counts


def _records_in(
    scope: str, field: str, upsert: Callable[[list[Any]], tuple[list[orders.Outcome], set[int]]]
) -> Any:
    """The shape of every batch endpoint: the key's scope, the batch, the upsert, the answers."""
    records = _keyed_batch(scope, field)
    if not isinstance(records, list):
        return records
    return _answer(*once.on_conflict_again(lambda: upsert(records)))


def _answer(outcomes: list[orders.Outcome], touched: set[int]) -> Any:
    profile.recompute(touched)
    rule_tags.evaluate_all(only=touched)  # the automatic tags of the customers whose profile moved
    counts = _counts(outcomes, ("created", "updated", "unchanged", "refused"))
    return jsonify(results=[o.as_dict() for o in outcomes], counts=counts)


@api_bp.post("/orders")
@documented(
    Doc(
        "Upsert one order or a batch of up to 500 (orders:write)",
        ok=(200, Answers),
        errors=(401, 403, 413, 422),
        body=[OrdersBatch, OrderIn],
    )
)
def orders_in():
    """Orders from the mall, Tmall, JD, Douyin, Youzan, Weimob or POS: one order, or ``{"orders": [...]}``
    of up to 500, upserted by (platform, order_no). Each is answered created, updated, unchanged or
    refused with the reason; the good ones go in whatever the others say. Needs ``orders:write``."""
    return _records_in("orders:write", "orders", orders.upsert)


@api_bp.post("/members")
@documented(
    Doc(
        "Upsert one member or a batch of up to 500 (members:write)",
        ok=(200, Answers),
        errors=(401, 403, 413, 422),
        body=[MembersBatch, MemberIn],
    )
)
def members_in():
    """Member records, ``{"members": [...]}`` of up to 500 (or one), upserted by member_no. Needs
    ``members:write``."""
    return _records_in("members:write", "members", members.upsert)


@api_bp.put("/members/<member_no>")
@documented(
    Doc(
        "Upsert one member by its number (members:write)",
        ok=(200, Answers),
        errors=(401, 403, 422),
        body=[MemberIn],
    )
)
def member_put(member_no: str):
    """One member record by its number (the body's member_no, if given, must be the same)."""
    key = _api_key("members:write")
    if not isinstance(key, ApiKey):
        return key
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(422, "malformed_json", "Send the member as a JSON object.")
    if body.setdefault("member_no", member_no) != member_no:
        return json_error(422, "invalid", "member_no in the body is not the one in the URL.")
    outcomes, touched = once.on_conflict_again(lambda: members.upsert([body]))
    if outcomes[0].result == "refused":
        return json_error(422, "invalid", outcomes[0].reason or "refused")
    return _answer(outcomes, touched)


@api_bp.post("/events")
@documented(
    Doc(
        "Mall behaviour: one event or a batch of up to 500 (events:write)",
        ok=(200, EventAnswers),
        errors=(401, 403, 413, 422),
        body=[EventsBatch, EventIn],
    )
)
def events_in():
    """What shoppers did in the mall or mini-program: ``{"events": [...]}`` of up to 500 (or one). Each
    is keyed by (source, event_id): sending it again changes nothing. An event whose shopper is not yet
    known is kept and matched later. Needs ``events:write``."""
    records = _keyed_batch("events:write", "events")
    if not isinstance(records, list):
        return records
    outcomes, touched = once.on_conflict_again(lambda: behaviour.ingest(records))
    counts = _counts(outcomes, ("created", "unchanged", "refused"))
    unmatched = sum(1 for o in outcomes if o.result != "refused" and not o.matched)
    if touched:
        uow.after_commit(evaluate_signals)
    return jsonify(results=[o.as_dict() for o in outcomes], counts={**counts, "unmatched": unmatched})


@api_bp.post("/products")
@documented(
    Doc(
        "Upsert one product or a batch of up to 500 (products:write)",
        ok=(200, ProductAnswers),
        errors=(401, 403, 413, 422),
        body=[ProductsBatch, ProductIn],
    )
)
def products_in():
    """The catalogue: ``{"products": [...]}`` of up to 500 (or one), upserted by sku. A product needs a
    link or a mini-program page; a picture is the https URL of a JPG, PNG or WebP file. Needs
    ``products:write``."""
    records = _keyed_batch("products:write", "products")
    if not isinstance(records, list):
        return records
    outcomes = once.on_conflict_again(lambda: products.upsert(records))
    uow.after_commit(recommend.forget_catalogue)
    counts = _counts(outcomes, ("created", "updated", "unchanged", "refused"))
    return jsonify(results=[o.as_dict() for o in outcomes], counts=counts)


@api_bp.put("/stores/<code>")
@documented(
    Doc(
        "Create or change one store by its code (stores:write)",
        ok=(200, StoreOut),
        also=(201,),
        errors=(401, 403, 422),
        body=[StoreIn],
    )
)
def store_put(code: str):
    """One store by the brand's own code: orders and members that named the code before are resolved
    to it. 201 when it was made, 200 otherwise. Needs ``stores:write``."""
    key = _api_key("stores:write")
    if not isinstance(key, ApiKey):
        return key
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(422, "malformed_json", "Send the store as a JSON object.")
    try:
        given = StoreIn.model_validate(body)
        store, result, resolved = stores.save(code, given.model_dump(), actor=f"api:{key.name}")
    except ValidationError as exc:
        return json_error(422, "invalid", reasons(exc))
    except stores.InvalidStore as exc:
        return json_error(422, exc.code, exc.message)
    answer = StoreOut(
        code=store.code,
        name=store.name,
        city=store.city,
        address=store.address,
        team=store.team.name if store.team else None,
        status=store.status,
        result=result,  # type: ignore[arg-type]
        resolved_orders=resolved.orders,
        resolved_members=resolved.members,
    )
    response = jsonify(answer.model_dump())
    if result == "created":
        response.status_code = 201
        response.headers["Location"] = url_for("api.store_put", code=store.code)
    return response


@api_bp.get("/openapi.json")
@documented(Doc("This document", ok=(200, None), errors=(), auth="none"))
def openapi_document():
    """The OpenAPI document of every /api/v1 endpoint, made from the code."""
    return jsonify(openapi.document(current_app))
