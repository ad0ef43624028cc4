"""Liveness with a database check, for load balancers and the run script."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sidebar.core import uow
from sidebar.extensions import db

health_bp = Blueprint("health", __name__)


@health_bp.get("/healthz")
def healthz():
    """200 when the database answers a query, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        uow.discard()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
