"""The shared store, on the database and on Redis (``TEST_REDIS_URL``; CI runs a Redis)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from sidebar.extensions import db
from sidebar.wecom.gateway import wecom
from sidebar.wecom.store import DatabaseStore, LockTimeout, RedisStore

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL to run the Redis cases")


@pytest.fixture(params=["database", pytest.param("redis", marks=needs_redis)])
def store(request, ctx):
    if request.param == "database":
        yield DatabaseStore(db.engine, poll=0.01)
        return
    redis_store = RedisStore(REDIS_URL, prefix=f"beside-test-{os.getpid()}-{time.monotonic_ns()}:")
    yield redis_store
    redis_store.redis.close()


def test_values_expire(store):
    store.set("k", "v", ttl=0.3)
    assert store.get("k") == "v"
    time.sleep(0.5)
    assert store.get("k") is None
    store.set("k", "w")
    store.set("k", "x")
    assert store.get("k") == "x"
    store.delete("k")
    assert store.get("k") is None


def test_a_lock_is_held_by_one_worker_at_a_time(store):
    inside, most = 0, 0
    guard = threading.Lock()

    def work():
        nonlocal inside, most
        with store.lock("job", ttl=5, wait=10):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert most == 1


def test_waiting_too_long_for_a_lock_is_an_error(store):
    with store.lock("busy", ttl=5), pytest.raises(LockTimeout), store.lock("busy", ttl=5, wait=0.2):
        pass


def test_a_dead_holders_lock_is_taken_over_after_it_expires(store):
    # Acquire and "die": never release. (Keep a reference: a dropped context manager is closed by the
    # garbage collector, which would release the lock and make this test prove nothing.)
    orphan = store.lock("orphan", ttl=0.3)
    orphan.__enter__()
    started = time.monotonic()
    # Taken (no LockTimeout within the 5 s wait), and only once the orphan's TTL had run out.
    with store.lock("orphan", ttl=5, wait=5):
        assert time.monotonic() - started >= 0.2
    assert orphan is not None


@needs_redis
def test_apps_sharing_redis_fetch_the_token_once(another_app, emulator):
    first, second = another_app(REDIS_URL=REDIS_URL), another_app(REDIS_URL=REDIS_URL)
    # Other tests' tokens may be in this Redis: start clean for this corp.
    with first.app_context():
        client = wecom()
        assert isinstance(client.credentials.store, RedisStore)
        client.credentials.store.delete(client.credentials.prefix + "access_token")
    for application in (first, second, first):
        with application.app_context():
            wecom().get("user/get", params={"userid": "lina"})
    assert len(emulator.calls("gettoken")) == 1


@needs_redis
def test_jobs_use_redis_when_it_is_configured(another_app):
    from huey.storage import RedisStorage

    from sidebar.extensions import huey

    another_app(REDIS_URL=REDIS_URL, HUEY_IMMEDIATE=False)
    try:
        assert isinstance(huey.storage, RedisStorage)
    finally:
        huey.immediate = True
