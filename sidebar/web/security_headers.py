"""Security headers on every response, set in this one place.

- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin`` everywhere.
- A Content-Security-Policy on every HTML page: scripts and styles from our own origin only (no inline
  script, no eval: htmx runs with ``allowEval`` off and its indicator styles in our stylesheets).
- Framing by area: the console may not be framed at all; the pages WeCom opens (the sidebar, sign-in,
  the customer-facing claim pages and anything else outside the console) only by WeCom's client origins
  (``FRAME_ANCESTORS``) and, outside production, by the emulator's preview page.
- HSTS in production (``HSTS_MAX_AGE`` seconds; 0 turns it off).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request

from sidebar.config import origin

CONSOLE_PREFIX = "/admin"


def content_security_policy(cfg: Mapping[str, Any], *, console: bool) -> str:
    """The policy for a page in the console or elsewhere, from the app's settings."""
    # Forms that post here may redirect to WeCom's sign-in (the claim pages do): Chrome applies
    # form-action to that redirect too.
    sign_in_origins = sorted({origin(cfg["WECOM_OAUTH_BASE"]), origin(cfg["WECOM_LOGIN_BASE"])})
    if console:
        ancestors = "'none'"
    else:
        ancestors = cfg["FRAME_ANCESTORS"]
        if cfg.get("PREVIEW_ENABLED") and cfg.get("PREVIEW_ORIGIN"):
            ancestors += " " + cfg["PREVIEW_ORIGIN"]
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # Avatars come from WeCom's and WeChat's image hosts, which are many and change.
        "img-src": "'self' data: https:",
        "connect-src": "'self'",
        "font-src": "'self'",
        # The JS-SDK may open WeCom's own frames (login, secure gateway).
        "frame-src": "'self' https://login.work.weixin.qq.com https://open.work.weixin.qq.com",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": " ".join(["'self'", *sign_in_origins]),
        "frame-ancestors": ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _set_headers(res: Response) -> Response:
    cfg = current_app.config
    res.headers.setdefault("X-Content-Type-Options", "nosniff")
    res.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if cfg["APP_ENV"] == "production" and cfg["HSTS_MAX_AGE"] > 0:
        res.headers.setdefault("Strict-Transport-Security", f"max-age={int(cfg['HSTS_MAX_AGE'])}")
    if res.mimetype == "text/html":
        console = request.path == CONSOLE_PREFIX or request.path.startswith(CONSOLE_PREFIX + "/")
        res.headers["Content-Security-Policy"] = current_app.extensions["csp"][console]
        if console:
            res.headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    return res


def init_app(app: Flask) -> None:
    # Settings do not change while the app runs: both policies are made once.
    app.extensions["csp"] = {
        console: content_security_policy(app.config, console=console) for console in (True, False)
    }
    app.after_request(_set_headers)
