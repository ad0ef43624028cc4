"""JS-SDK signatures for ``ww.register``: config (corp ticket) and agentConfig (app ticket). doc 96909."""

from __future__ import annotations

import hashlib
import secrets
import time


def signature(ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """sha1 over the four fields in WeCom's fixed order, URL byte for byte (never re-encoded)."""
    plain = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()  # noqa: S324  (WeCom's algorithm)


def sign_url(ticket: str, url: str, *, now: float | None = None) -> dict[str, str | int]:
    """A fresh ``{timestamp, nonceStr, signature}`` for ``url`` (the page URL without ``#...``)."""
    url = url.split("#", 1)[0]
    timestamp = int(now if now is not None else time.time())
    noncestr = secrets.token_urlsafe(12)
    return {
        "timestamp": timestamp,
        "nonceStr": noncestr,
        "signature": signature(ticket, noncestr, timestamp, url),
    }
