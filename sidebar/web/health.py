"""``/healthz``: the process is alive (a load balancer's liveness probe; it never touches the database,
so a database outage does not get every web process restarted). ``/readyz``: ready to serve — the
database answers, Redis answers when ``REDIS_URL`` is set, and the database's schema is at the
migrations' head; 503 naming what is not. Also WeCom's domain-verification file, served from the
instance folder, so a brand proves it owns the sidebar's domain without touching the reverse proxy."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import redis
from flask import Blueprint, abort, current_app, jsonify, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sidebar.core import uow
from sidebar.extensions import db

health_bp = Blueprint("health", __name__)


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The revisions the code's migrations end at."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations")).get_heads())


@health_bp.get("/healthz")
def healthz():
    """Alive: the process answers."""
    return jsonify(status="ok")


@health_bp.get("/readyz")
def readyz():
    """200 when the database answers and its schema is at the migrations' head (and Redis answers a
    ping, when ``REDIS_URL`` is set); 503 with what is not ready otherwise."""
    answer: dict[str, str] = {"status": "ok", "database": "ok", "migrations": "ok"}
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        if applied != migration_heads():
            answer.update(status="error", migrations="behind: run flask db upgrade")
    except SQLAlchemyError:
        uow.discard()
        try:
            db.session.execute(text("SELECT 1"))
            answer.update(status="error", migrations="none applied: run flask db upgrade")
        except SQLAlchemyError:
            uow.discard()
            answer.update(status="error", database="unreachable", migrations="unknown")
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
