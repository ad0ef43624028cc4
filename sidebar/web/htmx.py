"""htmx through one set of helpers: whether a request wants a fragment, rendering a named block of a
page template as that fragment, and the response headers htmx acts on."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, make_response, request


def is_htmx() -> bool:
    """A fragment request: htmx, but not a boosted navigation or a history restore (those want pages)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template_name: str, *, block: str | None = None, status: int = 200, **context: Any) -> Response:
    """The whole page, or for an htmx request one named block of it.

    Fragments are blocks of the page template, so one template serves both.
    """
    env = current_app.jinja_env
    template = env.get_or_select_template(template_name)
    current_app.update_template_context(context)
    if block and is_htmx():
        render_block = template.blocks[block]
        html = "".join(render_block(template.new_context(context)))
    else:
        html = template.render(context)
    res = make_response(html, status)
    res.vary.add("HX-Request")
    return res


def hx_redirect(location: str) -> Response:
    """Tell htmx to navigate the whole page (a plain redirect would be swapped into a div)."""
    res = make_response("", 200)
    res.headers["HX-Redirect"] = location
    return res


def hx_trigger(res: Response, event: str, detail: Any = None) -> Response:
    """Fire a client-side event after the swap (e.g. a toast)."""
    existing = json.loads(res.headers.get("HX-Trigger", "{}") or "{}")
    existing[event] = detail if detail is not None else True
    res.headers["HX-Trigger"] = json.dumps(existing)  # ASCII: headers are latin-1; htmx decodes \uXXXX
    return res
