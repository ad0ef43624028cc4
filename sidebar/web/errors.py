"""Error pages: HTML for people, the one JSON envelope under /api/ and for JSON clients."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    """The API's single error envelope: ``{"error": {"code", "message"}}`` with a real status."""
    return jsonify(error={"code": code, "message": message}), status


def _code_for(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_")


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    if wants_json():
        return json_error(status, _code_for(exc), exc.description or exc.name)
    return render_template(
        "errors/error.html", status=status, title=exc.name, message=exc.description
    ), status


def handle_unexpected(exc: Exception):
    # A handler for Exception stops Flask from logging it, so log it here, with its traceback; the
    # user sees a plain sentence, never the internals.
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    wrapped = InternalServerError()
    wrapped.original_exception = exc
    return handle_http_error(wrapped)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
