"""Liveness with a database check (and Redis when one is configured), for load balancers and the run
script: 503 names what did not answer. Also WeCom's domain-verification file, served from the instance
folder, so a brand proves it owns the sidebar's domain without touching the reverse proxy."""

from __future__ import annotations

import redis
from flask import Blueprint, abort, current_app, jsonify, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sidebar.core import uow
from sidebar.extensions import db

health_bp = Blueprint("health", __name__)


@health_bp.get("/healthz")
@health_bp.get("/readyz")
def healthz():
    """200 when the database answers a query (and Redis a ping, when ``REDIS_URL`` is set); 503 with
    what did not answer otherwise."""
    answer: dict[str, str] = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        uow.discard()
        answer.update(status="error", database="unreachable")
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            client.ping()
            client.close()
            answer["redis"] = "ok"
        except redis.RedisError:
            answer.update(status="error", redis="unreachable")
    return jsonify(answer), 200 if answer["status"] == "ok" else 503


@health_bp.get("/WW_verify_<code>.txt")
def wecom_domain_verification(code: str):
    """The file WeCom asks to find at the web root when the sidebar's domain is set as the app's trusted
    domain (可信域名): put the downloaded ``WW_verify_….txt`` into the instance folder."""
    if not code.isalnum() or len(code) > 64:
        abort(404)
    return send_from_directory(current_app.instance_path, f"WW_verify_{code}.txt", mimetype="text/plain")
