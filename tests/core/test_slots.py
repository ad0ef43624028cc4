"""Periodic jobs on any number of consumers, each slot run once (``core.slots``): two consumers firing
the same job at once run it once; a slot whose runner died is taken over once its lease runs out, and
not before; a long run keeps its lease; a real periodic task goes through it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sidebar.core import slots
from sidebar.extensions import db
from sidebar.models import JobSlot, utcnow


def test_the_slot_is_the_fire_time_floored_to_the_period():
    at = datetime(2026, 12, 7, 10, 7, 42, tzinfo=UTC)
    assert slots.slot_start(at, timedelta(minutes=1)) == datetime(2026, 12, 7, 10, 7, tzinfo=UTC)
    assert slots.slot_start(at, timedelta(minutes=15)) == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert slots.slot_start(at, timedelta(days=1)) == datetime(2026, 12, 7, tzinfo=UTC)


def test_two_consumers_firing_at_once_run_the_job_once(app, another_app):
    other = another_app()  # a second consumer: its own process state, the same database
    ran: list[str] = []
    gate = threading.Barrier(2)
    now = utcnow()

    def body() -> None:
        ran.append(threading.current_thread().name)
        time.sleep(0.2)

    def consumer(application) -> None:
        with application.app_context():
            gate.wait(5)
            slots.once_per_slot("nightly", body, timedelta(days=1), now=now)

    threads = [threading.Thread(target=consumer, args=(a,), name=n) for a, n in ((app, "A"), (other, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(ran) == 1
    with app.app_context():
        (row,) = db.session.scalars(select(JobSlot).where(JobSlot.name == "nightly")).all()
        assert row.status == "done" and row.finished_at is not None


def test_a_slot_whose_runner_died_is_taken_over_after_its_lease_and_not_before(app):
    ran: list[int] = []
    slots.PERIODIC["test_job"] = (lambda: ran.append(1), timedelta(minutes=1))
    try:
        with app.app_context():
            now = utcnow()
            slot = slots.slot_start(now, timedelta(minutes=1))
            assert slots.claim("test_job", slot, now=now)  # a consumer claims it, then is killed
            assert slots.take_over(now=now) == [] and ran == []  # its lease (1 s in tests) still runs
            assert slots.take_over(now=now + timedelta(seconds=2)) == ["test_job"] and ran == [1]
            row = db.session.scalar(select(JobSlot).where(JobSlot.name == "test_job"))
            assert (row.status, row.attempts) == ("done", 2)
            assert slots.take_over(now=now + timedelta(seconds=5)) == []  # done: never again
    finally:
        del slots.PERIODIC["test_job"]


def test_a_long_run_renews_its_lease_so_no_one_takes_it_over(app):
    results: list[str | None] = []
    with app.app_context():
        now = utcnow()

        def long_body() -> str:
            time.sleep(2.5)  # two and a half leases
            return "finished"

        def rival() -> None:
            time.sleep(1.8)
            with app.app_context():
                results.append(slots.claim("long_job", slots.slot_start(now, timedelta(days=1))))

        t = threading.Thread(target=rival)
        t.start()
        assert slots.once_per_slot("long_job", long_body, timedelta(days=1), now=now) == "finished"
        t.join(5)
    assert results == [None]


def test_a_failed_run_is_marked_and_not_retried(app):
    with app.app_context():
        now = utcnow()

        def broken() -> None:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            slots.once_per_slot("broken_job", broken, timedelta(minutes=5), now=now)
        row = db.session.scalar(select(JobSlot).where(JobSlot.name == "broken_job"))
        assert row.status == "failed"
        assert slots.once_per_slot("broken_job", broken, timedelta(minutes=5), now=now) is None


def test_the_real_periodic_tasks_run_once_per_slot(seeded):
    from sidebar import jobs

    first = jobs.return_unclaimed_coupons.call_local()
    second = jobs.return_unclaimed_coupons.call_local()  # another consumer in the same five minutes
    assert first == 0 and second is None
    with seeded.app_context():
        names = set(db.session.scalars(select(JobSlot.name)))
    assert "return_unclaimed_coupons" in names and "return_unclaimed_coupons" in slots.PERIODIC
