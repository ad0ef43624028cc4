"""Access tokens and JS-SDK tickets, cached in the shared store and refreshed by one worker at a time.

Keys carry the corp, the agent and a hash of the secret, so two apps of one corp never share a token
(wechatpy's own keys leave those out). A value is refreshed ``margin`` seconds before it expires.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

from sidebar.wecom.store import SharedStore

# A fetch returns the value and its lifetime in seconds.
Fetch = Callable[[], tuple[str, int]]


class CredentialCache:
    def __init__(self, store: SharedStore, corp_id: str, agent_id: str, secret: str, margin: float):
        secret_hash = hashlib.sha256(secret.encode()).hexdigest()[:12]
        self.prefix = f"wecom:{corp_id}:{agent_id}:{secret_hash}:"
        self.store = store
        self.margin = margin

    def _fresh(self, key: str) -> str | None:
        raw = self.store.get(key)
        if not raw:
            return None
        entry = json.loads(raw)
        if entry["expires_at"] - self.margin <= time.time():
            return None
        return entry["value"]

    def get(self, name: str, fetch: Fetch) -> str:
        """The cached value, fetched under the store's lock when missing or about to expire."""
        key = self.prefix + name
        value = self._fresh(key)
        if value:
            return value
        with self.store.lock(key):
            # Another worker may have fetched it while we waited for the lock.
            value = self._fresh(key)
            if value:
                return value
            value, expires_in = fetch()
            entry = {"value": value, "expires_at": time.time() + expires_in}
            self.store.set(key, json.dumps(entry), ttl=expires_in)
            return value

    def invalidate(self, name: str, stale: str) -> None:
        """Forget ``stale`` if it is still the cached value; a newer one another worker fetched stays."""
        key = self.prefix + name
        with self.store.lock(key):
            raw = self.store.get(key)
            if raw and json.loads(raw)["value"] == stale:
                self.store.delete(key)
