"""Sending callback events to the app as WeCom does: encrypted, signed, retried when no 200 comes."""

from __future__ import annotations

import secrets
import time
from typing import Any
from xml.sax.saxutils import escape

import requests

from emulator import crypto

# WeCom waits 5 s for an answer, then tries again; three retries in all.
TIMEOUT = 5.0
RETRIES = 3


def event_xml(
    corp_id: str, event: str, change_type: str | None, fields: dict[str, Any], create_time: int | None = None
) -> str:
    parts = {
        "ToUserName": corp_id,
        "FromUserName": "sys",
        "CreateTime": str(create_time or int(time.time())),
        "MsgType": "event",
        "Event": event,
    }
    if change_type:
        parts["ChangeType"] = change_type
    parts.update({k: str(v) for k, v in fields.items() if v is not None})
    inner = "".join(
        f"<{k}>{v}</{k}>" if k == "CreateTime" else f"<{k}><![CDATA[{escape(v)}]]></{k}>"
        for k, v in parts.items()
    )
    return f"<xml>{inner}</xml>"


def _encrypted(settings: dict[str, Any], plain: str, at: float | None = None) -> tuple[dict[str, str], str]:
    """``plain`` encrypted for the corp, and the signed query parameters that go with it (signed as of
    ``at``, now by default: tests replay old callbacks with it)."""
    encrypted = crypto.encrypt(plain, settings["WECOM_CALLBACK_AES_KEY"], settings["WECOM_CORP_ID"])
    timestamp, nonce = str(int(time.time() if at is None else at)), secrets.token_hex(8)
    params = {
        "msg_signature": crypto.signature(settings["WECOM_CALLBACK_TOKEN"], timestamp, nonce, encrypted),
        "timestamp": timestamp,
        "nonce": nonce,
    }
    return params, encrypted


def signed_request(
    settings: dict[str, Any], message: str, at: float | None = None
) -> tuple[dict[str, str], str]:
    """Query parameters and body for one delivery of ``message`` (signed as of ``at``)."""
    params, encrypted = _encrypted(settings, message, at)
    return params, crypto.envelope(encrypted, settings["WECOM_CORP_ID"], settings["WECOM_AGENT_ID"])


def deliver(
    settings: dict[str, Any],
    message: str,
    url: str,
    *,
    timeout: float = TIMEOUT,
    retries: int = RETRIES,
    retry_delay: float = 0.5,
) -> dict[str, Any]:
    """POST ``message`` until the app answers 200, at most ``1 + retries`` times. Each attempt is
    encrypted afresh (new nonce and random prefix), as WeCom's retries are."""
    attempts: list[dict[str, Any]] = []
    for n in range(1 + retries):
        params, payload = signed_request(settings, message)
        started = time.monotonic()
        try:
            res = requests.post(
                url,
                params=params,
                data=payload.encode("utf-8"),
                timeout=timeout,
                headers={"Content-Type": "text/xml"},
            )
            status: int | None = res.status_code
            error = None if status == 200 else res.text[:200]
        except requests.RequestException as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        attempts.append({"status": status, "elapsed": round(time.monotonic() - started, 4), "error": error})
        if status == 200:
            break
        if n < retries:
            time.sleep(retry_delay)
    return {"delivered": attempts[-1]["status"] == 200, "attempts": attempts}


def verify_url(settings: dict[str, Any], url: str) -> dict[str, Any]:
    """What the WeCom admin does when a callback URL is saved: GET with an encrypted echostr."""
    echo = secrets.token_hex(8)
    params, encrypted = _encrypted(settings, echo)
    params["echostr"] = encrypted
    res = requests.get(url, params=params, timeout=TIMEOUT)
    return {"status": res.status_code, "verified": res.status_code == 200 and res.text == echo}
