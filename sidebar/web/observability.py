"""Per request: its id (``sidebar.logs``), its latency in the route's histogram (``sidebar.metrics``), and,
with ``LOG_FORMAT=json``, one log line. ``/metrics`` serves the host's metrics in Prometheus' text format
to the addresses in ``METRICS_ALLOW`` only (the scraper's; loopback by default); anyone else gets 404,
as if there were no such page."""

from __future__ import annotations

import ipaddress
import logging
import time
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, request

from sidebar import logs, metrics
from sidebar.extensions import huey

observability_bp = Blueprint("observability", __name__)
request_log = logging.getLogger("beside.request")


def allowed_networks(setting: str) -> list[Any]:
    """``METRICS_ALLOW``: addresses or networks, comma-separated."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


@observability_bp.get("/metrics")
def metrics_page() -> Response:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        abort(404)
    if not any(address in net for net in current_app.config["METRICS_NETWORKS"]):
        abort(404)
    body, content_type = metrics.exposition(huey)
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _begin() -> None:
    g.request_started = time.perf_counter()
    g.request_id = logs.begin(request.headers.get("X-Request-Id"))


def _finish(response: Response) -> Response:
    started = getattr(g, "request_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
    if route != "/metrics":
        metrics.http_seconds.labels(route, request.method, str(response.status_code)).observe(seconds)
    response.headers["X-Request-Id"] = g.request_id
    if current_app.config["LOG_FORMAT"] == "json":
        # The path without its query: OAuth codes and signed tokens travel in query strings.
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "fields": {
                    "method": request.method,
                    "route": route,
                    "path": request.path[:300],
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                    "remote": request.remote_addr,
                }
            },
        )
    return response


def _end(_exc: BaseException | None) -> None:
    logs.end()


def init_app(app: Flask) -> None:
    app.config["METRICS_NETWORKS"] = allowed_networks(app.config["METRICS_ALLOW"])
    if app.config["LOG_FORMAT"] == "json":
        logs.configure("json", app.config["LOG_LEVEL"])
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)
    app.register_blueprint(observability_bp)
