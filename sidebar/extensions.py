"""Extensions created once and bound to the app in ``create_app``.

``huey`` exists at import so tasks can be declared with ``@huey.task``; its storage is chosen by
``init_huey`` from the settings (SQLite file by default, Redis when ``REDIS_URL`` is set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

from sidebar.metrics import db_connections_in_use

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The typed declarative base; ``db.Model`` is built on it, so models are typed for mypy."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay loaded after the request's one commit, so templates render without reloading them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

if TYPE_CHECKING:
    # mypy cannot see through Flask-SQLAlchemy's dynamically built db.Model.
    class Model(Base):
        __abstract__ = True
else:
    Model = db.Model

migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
huey = Huey("beside", storage_class=MemoryStorage, utc=True)

# The app the job consumer runs tasks in; set by init_huey.
_job_app: Flask | None = None


@event.listens_for(Pool, "checkout")
def _connection_out(*_: Any) -> None:
    db_connections_in_use.inc()


@event.listens_for(Pool, "checkin")
def _connection_back(*_: Any) -> None:
    db_connections_in_use.dec()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, let readers run beside a writer, wait for locks instead of failing.

    synchronous=NORMAL is the usual pairing with WAL: no corruption on a crash, one fsync per checkpoint
    rather than per commit. A power cut may lose the last commits; production runs on PostgreSQL.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def init_huey(app: Flask) -> None:
    """Point the shared huey at the storage the settings name."""
    global _job_app
    _job_app = app
    if app.config["HUEY_IMMEDIATE"]:
        huey.immediate = True
        return
    huey.immediate = False
    if app.config.get("REDIS_URL"):
        huey.storage = RedisStorage(huey.name, url=app.config["REDIS_URL"])
    else:
        huey.storage = SqliteStorage(huey.name, filename=app.config["HUEY_SQLITE_PATH"])


def job_app() -> Flask:
    """The app tasks run in: the one ``create_app`` configured last (``wsgi`` makes it for gunicorn and
    for the consumer, ``huey_consumer wsgi.huey``)."""
    if _job_app is None:
        raise RuntimeError("no app is configured for jobs: run the consumer as `huey_consumer wsgi.huey`")
    return _job_app
