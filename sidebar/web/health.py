"""Liveness with a database check (and Redis when one is configured), for load balancers and the run
script: 503 names what did not answer."""

from __future__ import annotations

import redis
from flask import Blueprint, current_app, jsonify
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
