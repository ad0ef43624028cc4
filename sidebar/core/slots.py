"""Periodic jobs on any number of consumers, each time slot run once.

Every consumer runs the periodic schedule; when a periodic job fires, its time slot (the fire time
floored to the job's period: the minute, the quarter hour, the day) is claimed by inserting a
``job_slots`` row — one insert wins, the others skip. The winner renews its lease while it works (a
heartbeat thread); a run whose holder died (killed, its host lost) stops renewing, and once the lease has
run out any consumer's every-minute sweep (``take_over``) claims the slot again and runs it. Jobs are
idempotent per slot, so a takeover after a half-finished run is safe.

Rows are written on connections of their own, never the job's unit of work: a claim must be seen by
the other consumers at once, and a job's rollback must not undo its claim.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, Table, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sidebar.extensions import db
from sidebar.models import JobSlot, utcnow

log = logging.getLogger(__name__)

# name -> (the job's body, its period): what ``take_over`` can run again for a dead holder.
PERIODIC: dict[str, tuple[Callable[[], Any], timedelta]] = {}
KEEP = timedelta(days=7)  # finished slots kept this long (what ran when, for an operator)
TAKE_OVER_WITHIN = timedelta(days=1)  # a slot older than this is not run late: the next one comes


def holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:128]


def slot_start(now: datetime, every: timedelta) -> datetime:
    """``now`` floored to the job's period (UTC): every consumer firing in that period names one slot."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    period = int(every.total_seconds())
    return epoch + timedelta(seconds=(int((now - epoch).total_seconds()) // period) * period)


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config["JOB_SLOT_LEASE"]))


def _table() -> Table:
    return JobSlot.__table__  # type: ignore[return-value]


def claim(name: str, slot: datetime, *, now: datetime | None = None) -> str | None:
    """This consumer's holder id if it now holds the slot (inserted, or taken over from a dead holder
    whose lease ran out), else None."""
    now = now or utcnow()
    me, t = holder(), _table()
    lease_until = now + _lease()
    with db.engine.begin() as conn:
        try:
            conn.execute(
                insert(t).values(
                    name=name, slot=slot, holder=me, status="running", lease_until=lease_until,
                    started_at=now, attempts=1,
                )
            )  # fmt: skip
            return me
        except IntegrityError:
            pass
    with db.engine.begin() as conn:
        taken: CursorResult[Any] = conn.execute(  # type: ignore[assignment]
            update(t)
            .where(t.c.name == name, t.c.slot == slot, t.c.status == "running", t.c.lease_until < now)
            .values(holder=me, lease_until=lease_until, attempts=t.c.attempts + 1)
        )
    return me if taken.rowcount else None


def _renew(name: str, slot: datetime, me: str) -> bool:
    t = _table()
    with db.engine.begin() as conn:
        renewed: CursorResult[Any] = conn.execute(  # type: ignore[assignment]
            update(t)
            .where(t.c.name == name, t.c.slot == slot, t.c.holder == me, t.c.status == "running")
            .values(lease_until=utcnow() + _lease())
        )
    return bool(renewed.rowcount)


def _finish(name: str, slot: datetime, me: str, status: str) -> None:
    t = _table()
    with db.engine.begin() as conn:
        conn.execute(
            update(t)
            .where(t.c.name == name, t.c.slot == slot, t.c.holder == me)
            .values(status=status, finished_at=utcnow())
        )


@contextmanager
def _heartbeat(name: str, slot: datetime, me: str) -> Iterator[None]:
    """Renew the lease a few times per lease while the job runs, from a thread of its own."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()
    every = max(_lease().total_seconds() / 3, 0.05)

    def beat() -> None:
        with app.app_context():
            while not stop.wait(every):
                try:
                    _renew(name, slot, me)
                except Exception:  # noqa: BLE001 - a missed beat is retried; the lease has slack
                    log.warning("job slot %s %s: lease not renewed", name, slot, exc_info=True)

    thread = threading.Thread(target=beat, name=f"slot-{name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)


def run(name: str, body: Callable[[], Any], slot: datetime, me: str) -> Any:
    """Run a claimed slot, keeping its lease alive; marked done, or failed (not run again) if it raised."""
    fields = {"periodic": name, "slot": slot.isoformat(), "holder": me}
    try:
        with _heartbeat(name, slot, me):
            result = body()
    except Exception:
        _finish(name, slot, me, "failed")
        log.info("periodic %s for %s failed here", name, slot, extra={"fields": {**fields, "ran": "failed"}})
        raise
    _finish(name, slot, me, "done")
    log.info("periodic %s for %s ran here", name, slot, extra={"fields": {**fields, "ran": "done"}})
    return result


def once_per_slot(
    name: str, body: Callable[[], Any], every: timedelta, *, now: datetime | None = None
) -> Any:
    """What a periodic task does when it fires: claim this period's slot and run, or skip (None)."""
    slot = slot_start(now or utcnow(), every)
    me = claim(name, slot, now=now)
    if me is None:
        return None
    return run(name, body, slot, me)


def take_over(*, now: datetime | None = None) -> list[str]:
    """Run again the slots whose holder died (its lease ran out), one at a time; forget old slots."""
    now = now or utcnow()
    t = _table()
    with db.engine.begin() as conn:
        conn.execute(delete(t).where(t.c.slot < now - KEEP))
        orphans = conn.execute(
            select(t.c.name, t.c.slot).where(
                and_(t.c.status == "running", t.c.lease_until < now, t.c.slot >= now - TAKE_OVER_WITHIN)
            )
        ).all()
    ran = []
    for name, slot in orphans:
        if name not in PERIODIC:
            continue
        me = claim(name, slot, now=now)
        if me is None:
            continue  # another consumer took it first
        log.warning("job slot %s %s: its holder stopped; running it here", name, slot)
        run(name, PERIODIC[name][0], slot, me)
        ran.append(name)
    return ran
