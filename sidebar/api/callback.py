"""The WeCom callback receiver: verify, decrypt, store under a dedupe key, enqueue, answer 200.

The work itself happens in a job, so WeCom hears back well within its 5 s (DESIGN.md §5.5).
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, abort, current_app, request

from sidebar.events import callbacks as events
from sidebar.extensions import csrf
from sidebar.jobs import process_event
from sidebar.wecom.crypto import InvalidCallback, Undecryptable
from sidebar.wecom.gateway import gateway

log = logging.getLogger(__name__)
callback_bp = Blueprint("wecom_callback", __name__, url_prefix="/wecom")
csrf.exempt(callback_bp)  # authenticated by WeCom's signature instead

_PARAMS = ("msg_signature", "timestamp", "nonce")


def _refuse_undecryptable(exc: Undecryptable) -> None:
    log.error(
        "a WeCom callback signed with our token could not be decrypted (%s): check WECOM_CALLBACK_AES_KEY "
        "(and WECOM_CORP_ID) against the EncodingAESKey in WeCom's admin",
        exc,
    )
    abort(400, "cannot decrypt: check WECOM_CALLBACK_AES_KEY")


def _params() -> tuple[str, str, str]:
    values = tuple(request.args.get(name, "") for name in _PARAMS)
    if not all(values):
        abort(400, "msg_signature, timestamp and nonce are required")
    return values  # type: ignore[return-value]


def _refuse_replays(timestamp: str) -> None:
    """A correctly signed callback from too long ago (or ahead) is a replay, not WeCom retrying: WeCom
    retries within seconds. Refused (and logged) before anything is stored; the dedupe key covers exact
    repeats inside the window, and event rows are kept longer than it (see ``events.callbacks``)."""
    skew = current_app.config["CALLBACK_MAX_SKEW"]
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        age = float("inf")
    if age > skew:
        log.warning("refused a WeCom callback with timestamp %r: more than %ss from now", timestamp, skew)
        abort(400, "timestamp is too far from now")


@callback_bp.get("/callback")
def verify():
    """URL verification when the callback is saved in the WeCom admin: echo the decrypted echostr."""
    signature, timestamp, nonce = _params()
    try:
        echo = gateway().crypto.verify_url(signature, timestamp, nonce, request.args.get("echostr", ""))
    except Undecryptable as exc:
        _refuse_undecryptable(exc)
    except InvalidCallback:
        abort(403, "signature check failed")
    _refuse_replays(timestamp)
    return Response(echo, mimetype="text/plain")


@callback_bp.post("/callback")
def receive():
    """An encrypted event: store it once, hand it to a job, answer 200 with an empty body."""
    signature, timestamp, nonce = _params()
    try:
        xml = gateway().crypto.decrypt(request.get_data(), signature, timestamp, nonce)
    except Undecryptable as exc:
        _refuse_undecryptable(exc)
    except InvalidCallback:
        abort(403, "signature check failed")
    _refuse_replays(timestamp)
    try:
        event_id, created = events.record(xml)
    except events.MalformedEvent:
        abort(400, "not an event")
    if created:
        _enqueue(event_id)  # stored and committed by ``record``
    return Response("", status=200)


def _enqueue(event_id: int) -> None:
    try:
        process_event(event_id)
    except Exception:
        # Stored is enough: the sweeper picks it up. WeCom must not redeliver over our queue's trouble.
        log.exception("could not enqueue callback event %s", event_id)
