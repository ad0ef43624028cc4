"""API keys for systems outside (POS, the mall, the CRM). Only a SHA-256 of a key is kept; the key
itself is shown once, when it is made. A key may do only what its scopes say."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import ApiKey, utcnow

PREFIX = "bsk_"
SCOPES = (
    "coupons:redeem",
    "orders:write",
    "members:write",
    "events:write",
    "products:write",
    "stores:write",
)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(name: str, scopes: list[str] | tuple[str, ...] = ("coupons:redeem",)) -> str:
    """Make a key named ``name`` that may do ``scopes`` (flushes) and return it: the only time it can
    be read."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 64:
        raise ValueError("name the key (at most 64 characters)")
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError("scopes are some of: " + ", ".join(SCOPES))
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ValueError("a key with this name exists")
    key = PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiKey(
            name=name,
            prefix=key[:12],
            key_hash=_digest(key),
            scopes=" ".join(s for s in SCOPES if s in scopes),
        )
    )
    db.session.flush()
    return key


def revoke(api_key: ApiKey) -> None:
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()


def check(key: str | None) -> ApiKey | None:
    """The live key this is, or None. The lookup is by digest; the compare is constant-time anyway."""
    if not key or not key.startswith(PREFIX):
        return None
    digest = _digest(key)
    found = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None)))
    if found is None or not hmac.compare_digest(found.key_hash, digest):
        return None
    return found


def allows(api_key: ApiKey, scope: str) -> bool:
    return scope in (api_key.scopes or "").split()
