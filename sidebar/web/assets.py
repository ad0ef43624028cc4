"""Static files under content-hashed URLs with a one-year cache, gzip for text responses.

``asset_url("css/sidebar.css")`` gives ``/assets/<hash>/css/sidebar.css``; the hash changes when the
file does, so browsers keep files until they change and a second open of the sidebar fetches none.
Compressed bodies are made once per file. HTML and JSON responses are gzipped on the way out, so the
page budget holds without a proxy in front (a proxy that compresses is still welcome).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from threading import Lock
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface

assets_bp = Blueprint("assets", __name__)
ONE_YEAR = 31536000
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    digest: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


class AssetStore:
    def __init__(self, root: str):
        self.root = root
        self._cache: dict[str, Asset] = {}
        self._lock = Lock()

    def get(self, path: str) -> Asset | None:
        with self._lock:
            if path in self._cache and not current_app.debug:
                return self._cache[path]
            full = os.path.realpath(os.path.join(self.root, path))
            if not full.startswith(os.path.realpath(self.root) + os.sep) or not os.path.isfile(full):
                return None
            with open(full, "rb") as fh:
                body = fh.read()
            mimetype = mimetypes.guess_type(full)[0] or "application/octet-stream"
            if mimetype == "text/javascript":
                mimetype = "application/javascript"
            compress = mimetype.startswith(COMPRESSIBLE) and len(body) > 512
            asset = Asset(
                digest=hashlib.sha256(body).hexdigest()[:12],
                body=body,
                gzipped=gzip.compress(body, 9, mtime=0) if compress else None,
                mimetype=mimetype,
            )
            self._cache[path] = asset
            return asset


def asset_url(path: str) -> str:
    asset = current_app.extensions["assets"].get(path)
    if asset is None:
        raise LookupError(f"no static file {path!r}")
    return f"/assets/{asset.digest}/{path}"


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


@assets_bp.get("/assets/<digest>/<path:path>")
def serve(digest: str, path: str):
    """A static file; cached for a year when the URL's hash is the file's."""
    asset = current_app.extensions["assets"].get(path)
    if asset is None:
        abort(404)
    use_gzip = asset.gzipped is not None and _accepts_gzip()
    res = Response(asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype)
    if use_gzip:
        res.headers["Content-Encoding"] = "gzip"
    res.headers["Vary"] = "Accept-Encoding"
    if digest == asset.digest:
        res.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    else:
        res.headers["Cache-Control"] = "no-cache"  # an old page asking for a file that has changed
    res.headers["X-Content-Type-Options"] = "nosniff"
    return res


def compress_response(res: Response) -> Response:
    """gzip HTML and JSON bodies over 1 KB for clients that accept it."""
    if (
        res.direct_passthrough
        or res.status_code < 200
        or res.status_code in (204, 304)
        or "Content-Encoding" in res.headers
        or not (res.mimetype or "").startswith(("text/html", "application/json"))
        or not _accepts_gzip()
    ):
        return res
    body = res.get_data()
    if len(body) < 1024:
        return res
    res.set_data(gzip.compress(body, 6))
    res.headers["Content-Encoding"] = "gzip"
    res.vary.add("Accept-Encoding")
    return res


class SessionInterface(SecureCookieSessionInterface):
    """The cookie session, except on static files: a ``Set-Cookie`` (and ``Vary: Cookie``) there would
    make every cached copy miss on the next request."""

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if request.endpoint in SESSIONLESS_ENDPOINTS:
            return
        super().save_session(app, session, response)


SESSIONLESS_ENDPOINTS = {
    "assets.serve",
    "static",
    "health.healthz",
    "health.wecom_domain_verification",
    "claim.card_image",
}


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.extensions["assets"] = AssetStore(app.static_folder or "static")
    app.jinja_env.globals["asset_url"] = asset_url
    app.register_blueprint(assets_bp)
    app.after_request(compress_response)
