"""The shared store for tokens, tickets, locks and cursors, seen alike by every worker.

The database backend (table ``key_values``) is the default; Redis is used when ``REDIS_URL`` is set.
The database backend works on its own connection, so it never commits or rolls back the caller's
unit of work.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Protocol, cast

import redis
from redis.exceptions import LockNotOwnedError
from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from sidebar.models.activity import KeyValue
from sidebar.models.base import utcnow

log = logging.getLogger(__name__)


class LockTimeout(RuntimeError):
    """Another worker held the lock for longer than we were willing to wait."""


class SharedStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def delete(self, key: str) -> None: ...

    def lock(self, name: str, ttl: float = 30, wait: float = 35) -> AbstractContextManager[None]: ...


class DatabaseStore:
    """Key-value rows with an optional expiry; a lock is a row whose insert only one worker wins."""

    def __init__(self, engine: Engine, poll: float = 0.05):
        self.engine = engine
        self.poll = poll
        self.table = cast(Table, KeyValue.__table__)

    def get(self, key: str) -> str | None:
        t = self.table
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.c.value).where(
                    t.c.key == key, or_(t.c.expires_at.is_(None), t.c.expires_at > utcnow())
                )
            ).first()
        return row[0] if row else None

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        t = self.table
        expires_at = utcnow() + timedelta(seconds=ttl) if ttl else None
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(t).where(t.c.key == key).values(value=value, expires_at=expires_at)
            ).rowcount
            if not changed:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t).values(key=key, value=value, expires_at=expires_at))
                except IntegrityError:
                    # Another worker inserted it between our update and insert; theirs is as fresh.
                    conn.execute(update(t).where(t.c.key == key).values(value=value, expires_at=expires_at))

    def delete(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.key == key))

    def _try_acquire(self, key: str, token: str, ttl: float) -> bool:
        t = self.table
        now = utcnow()
        with self.engine.begin() as conn:
            # A lock whose holder died is taken over once it expires.
            conn.execute(delete(t).where(and_(t.c.key == key, t.c.expires_at <= now)))
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t).values(key=key, value=token, expires_at=now + timedelta(seconds=ttl)))
            return True
        except IntegrityError:
            return False

    @contextmanager
    def lock(self, name: str, ttl: float = 30, wait: float = 35) -> Iterator[None]:
        key = "lock:" + name
        token = uuid.uuid4().hex
        deadline = time.monotonic() + wait
        while not self._try_acquire(key, token, ttl):
            if time.monotonic() > deadline:
                raise LockTimeout(name)
            time.sleep(self.poll)
        try:
            yield
        finally:
            with self.engine.begin() as conn:
                t = self.table
                conn.execute(delete(t).where(t.c.key == key, t.c.value == token))


class RedisStore:
    """The same contract on Redis, for deployments that run one."""

    def __init__(self, url: str, prefix: str = "beside:"):
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix

    def get(self, key: str) -> str | None:
        return self.redis.get(self.prefix + key)  # type: ignore[return-value]

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self.redis.set(self.prefix + key, value, px=int(ttl * 1000) if ttl else None)

    def delete(self, key: str) -> None:
        self.redis.delete(self.prefix + key)

    @contextmanager
    def lock(self, name: str, ttl: float = 30, wait: float = 35) -> Iterator[None]:
        lock = self.redis.lock(self.prefix + "lock:" + name, timeout=ttl, blocking_timeout=wait)
        if not lock.acquire():
            raise LockTimeout(name)
        try:
            yield
        finally:
            try:
                lock.release()
            except LockNotOwnedError:
                # Held past its TTL and taken over by another worker, as the database store allows
                # too; theirs is not ours to release.
                log.warning("lock %s outlived its %ss TTL", name, ttl)
