"""Error pages: HTML for people, the one JSON envelope under /api/ and for JSON clients."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, default_exceptions

from sidebar.extensions import db
from sidebar.web import htmx

# What a person reads when a request fails and the view said nothing more specific (werkzeug's own
# descriptions are English and written for developers).
IN_WORDS = {
    400: _l("The request could not be read. Reload the page and try again."),
    403: _l("You do not have permission to do this."),
    404: _l("This is no longer here. Reload the page."),
    405: _l("This action is not available here. Reload the page."),
    409: _l("This changed in the meantime. Reload the page and try again."),
    413: _l("The file is too large."),
    422: _l("Some of what you entered cannot be saved. Check the form."),
    429: _l("Too many tries in a short time. Wait a minute and try again."),
    500: _l("Something went wrong on our side. Try again; if it keeps happening, tell your administrator."),
    502: _l("WeCom did not accept the request. Try again in a moment."),
    503: _l("The service is busy or being updated. Try again in a moment."),
}


# The page's heading for each status (never werkzeug's English names).
TITLES = {
    400: _l("The request could not be read"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not available here"),
    409: _l("Changed in the meantime"),
    413: _l("File too large"),
    422: _l("Cannot be saved"),
    429: _l("Too many tries"),
    500: _l("Something went wrong"),
    502: _l("WeCom did not accept it"),
    503: _l("Busy for a moment"),
}


def error_page(status: int, message: str, title: str | None = None) -> str:
    """The error page in the layout of where it happened: the console's (with its navigation, for a
    signed-in admin or manager), else the plain page with a way back to the sidebar or the console."""
    from sidebar.web.console_auth import current_viewer

    heading = title or str(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400]))
    in_console = request.path.startswith("/admin")
    if in_console and current_viewer() is not None:
        return render_template("admin/error.html", status=status, title=heading, message=message)
    back = "/admin/" if in_console else "/sidebar/" if request.path.startswith("/sidebar") else None
    return render_template("errors/error.html", status=status, title=heading, message=message, back=back)


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


def in_words(exc: HTTPException) -> str:
    """The description the view gave, or a sentence for the status when it gave none of its own."""
    status = exc.code or 500
    default = default_exceptions.get(status)
    given = exc.description and (default is None or exc.description != default.description)
    return str(exc.description) if given else str(IN_WORDS.get(status, exc.name))


def handle_csrf_error(exc: CSRFError):
    """Flask-WTF's reasons are English and technical ("The CSRF tokens do not match."): the person is
    told in their words that the page went stale (signed in again elsewhere, or open too long)."""
    stale = _l("This page has expired (you signed in again, or it was open long). Reload it and try again.")
    return handle_http_error(BadRequest(str(stale)))


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    if request.headers.get("HX-Request") and not request.path.startswith("/api/"):
        # Nothing is swapped in (the form and what was typed stay); the page shows why in a toast.
        res, status = json_error(status, _code_for(exc), in_words(exc))
        res.headers["HX-Reswap"] = "none"
        return htmx.hx_trigger(res, "failed", in_words(exc)), status
    if wants_json():
        return json_error(status, _code_for(exc), exc.description or exc.name)
    return error_page(status, in_words(exc)), status


def handle_unexpected(exc: Exception):
    # A handler for Exception stops Flask from logging it, so log it here, with its traceback; the
    # user sees a plain sentence, never the internals.
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    wrapped = InternalServerError()
    wrapped.original_exception = exc
    return handle_http_error(wrapped)


def handle_out_of_range(exc: Exception):
    """A number (or date) in the request past what the database holds — an id of thirty digits, an
    integer column given 2**40 — reached a query: the request was absurd, not our failure. Refused as a
    400 in words, after the rollback the failed statement needs; the views' own checks say more where
    they can (``core.numbers``)."""
    db.session.rollback()
    current_app.logger.info("refused out-of-range input on %s %s: %s", request.method, request.path, exc)
    return handle_http_error(
        BadRequest(str(_l("A number or date in the request is outside what can be stored.")))
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    # Python's own (SQLite: an int past 64 bits) and the database's (PostgreSQL: "integer out of range").
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(DataError, handle_out_of_range)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
