"""The OpenAPI document of ``/api/v1``, generated from the code: each endpoint declares its request and
answers with ``@documented`` (pydantic models for the bodies, the one error envelope for every error),
and ``document(app)`` walks the app's routes, so an undocumented endpoint is an error, not a gap.

Hand-rolled rather than spectree or flask-smorest: both validate a request as a whole, but the batch
endpoints must take the good records of a batch and refuse the bad ones one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import Flask
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from sidebar.data.schemas import MemberIn, MembersBatch, OrderIn, OrdersBatch, Strict, Text
from sidebar.signals.behaviour import EventIn, EventsBatch
from sidebar.signals.products import ProductIn, ProductsBatch

F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"


class ErrorBody(BaseModel):
    code: str = Field(description="For machines, e.g. unauthorized, forbidden, batch_too_large.")
    message: str = Field(description="For people.")


class Error(BaseModel):
    """Every error, whatever the endpoint."""

    error: ErrorBody


class Signature(BaseModel):
    timestamp: int
    nonceStr: str  # noqa: N815  (WeCom's spelling)
    signature: str


class RedeemIn(BaseModel):
    order_no: str = Field(max_length=64)
    amount: str = Field(description='The order\'s amount in yuan, e.g. "399.00".')


class Redeemed(BaseModel):
    code: str
    status: str
    repeated: bool
    order_no: str | None
    redeemed_at: str | None
    template: str


class Outcome(BaseModel):
    platform: str | None = None
    order_no: str | None = None
    member_no: str | None = None
    result: Literal["created", "updated", "unchanged", "refused"]
    reason: str | None = None


class Counts(BaseModel):
    created: int
    updated: int
    unchanged: int
    refused: int


class Answers(BaseModel):
    """One outcome per record sent, in order, and how many of each."""

    results: list[Outcome]
    counts: Counts


class EventOutcome(BaseModel):
    event_id: str | None = None
    result: Literal["created", "unchanged", "refused"]
    matched: bool | None = Field(None, description="Tied to a customer (else kept and matched later).")
    reason: str | None = None


class EventCounts(BaseModel):
    created: int
    unchanged: int
    refused: int
    unmatched: int


class EventAnswers(BaseModel):
    """One outcome per event sent, in order, and how many of each."""

    results: list[EventOutcome]
    counts: EventCounts


class ProductOutcome(BaseModel):
    sku: str | None = None
    result: Literal["created", "updated", "unchanged", "refused"]
    reason: str | None = None


class ProductAnswers(BaseModel):
    """One outcome per product sent, in order, and how many of each."""

    results: list[ProductOutcome]
    counts: Counts


class StoreIn(Strict):
    """A store as the brand's systems know it; the code is in the URL."""

    name: Text = Field(min_length=1, max_length=64)
    city: Text | None = Field(None, max_length=32)
    address: Text | None = Field(None, max_length=255)
    team: Text | None = Field(None, max_length=64, description="The region: a team's name (or id) in Beside.")
    status: Literal["open", "closed"] = "open"


class StoreOut(BaseModel):
    """The store as saved, how it came out, and how many orders and members its code resolved."""

    code: str
    name: str
    city: str | None
    address: str | None
    team: str | None
    status: str
    result: Literal["created", "updated", "unchanged"]
    resolved_orders: int
    resolved_members: int


MODELS: list[type[BaseModel]] = [
    Error,
    Signature,
    RedeemIn,
    Redeemed,
    Answers,
    OrderIn,
    OrdersBatch,
    MemberIn,
    MembersBatch,
    EventAnswers,
    EventIn,
    EventsBatch,
    ProductAnswers,
    ProductIn,
    ProductsBatch,
    StoreIn,
    StoreOut,
]


@dataclass
class Doc:
    summary: str
    ok: tuple[int, type[BaseModel] | None]
    errors: tuple[int, ...]
    body: list[type[BaseModel]] = field(default_factory=list)
    auth: Literal["api_key", "session", "none"] = "api_key"
    query: list[dict[str, Any]] = field(default_factory=list)
    # Another success the endpoint answers with the same body (201 when a PUT made the resource).
    also: tuple[int, ...] = ()


def documented(doc: Doc) -> Callable[[F], F]:
    """Attach the endpoint's OpenAPI description to its view."""

    def attach(view: F) -> F:
        view.__openapi__ = doc  # type: ignore[attr-defined]
        return view

    return attach


def _schemas() -> dict[str, Any]:
    _, top = models_json_schema([(m, "validation") for m in MODELS], ref_template=REF)
    return top["$defs"]


def _operation(doc: Doc, path_params: list[str]) -> dict[str, Any]:
    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": REF.format(model=model.__name__)}

    error = {"description": "The error envelope", "content": {"application/json": {"schema": ref(Error)}}}
    status, model = doc.ok
    ok: dict[str, Any] = {"description": "OK"}
    if model is not None:
        ok["content"] = {"application/json": {"schema": ref(model)}}
    op: dict[str, Any] = {
        "summary": doc.summary,
        "responses": {
            str(status): ok,
            **{str(code): {**ok, "description": "Created"} for code in doc.also},
            **{str(code): error for code in doc.errors},
        },
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
            for name in path_params
        ]
        + doc.query,
        "security": {"api_key": [{"apiKey": []}], "session": [{"session": []}], "none": []}[doc.auth],
    }
    if doc.body:
        schema = ref(doc.body[0]) if len(doc.body) == 1 else {"anyOf": [ref(m) for m in doc.body]}
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return op


def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every ``/api/v1`` route of ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        doc: Doc | None = getattr(view, "__openapi__", None)
        if doc is None:
            raise LookupError(f"{rule.rule} has no @documented description")
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(doc, list(rule.arguments))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Beside API",
            "version": "1",
            "description": "Orders, members and coupon redemption for the brand's systems; JS-SDK "
            'signatures for the sidebar. Errors are always {"error": {"code", "message"}}.',
        },
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key from the console."},
                "session": {"type": "apiKey", "in": "cookie", "name": "beside_session"},
            },
        },
    }
