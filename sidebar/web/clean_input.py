"""Text typed into forms and query strings, cleaned once for every view: control characters (NUL and
the other C0 codes but tab, newline and carriage return) are taken out. No one types them; PostgreSQL
refuses NUL in text outright (a 500 from a search box), and the rest only hide in what staff read later.
JSON bodies are checked by their schemas (``data.schemas.NO_CONTROL``), uploaded files by their readers."""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cleaned(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str] | None:
    """The same values without control characters, or None when there were none."""
    if not any(CONTROL.search(k) or CONTROL.search(v) for k, v in values.items(multi=True)):
        return None
    return ImmutableMultiDict([(CONTROL.sub("", k), CONTROL.sub("", v)) for k, v in values.items(multi=True)])


def _clean() -> None:
    args = _cleaned(request.args)
    if args is not None:
        request.__dict__["args"] = args  # werkzeug caches it on the instance: replace the cached value
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = _cleaned(request.form)
        if form is not None:
            request.__dict__["form"] = form


def init_app(app: Flask) -> None:
    app.before_request(_clean)
