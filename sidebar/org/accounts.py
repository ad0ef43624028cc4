"""Local admin accounts for the first set-up: hashed passwords, rate-limited sign-in, one vague error."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import AdminAccount, utcnow
from sidebar.wecom.gateway import gateway

MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
# Checked when the username is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


class SignInRefused(DomainError):
    """Wrong username or password, or too many attempts: the page says the same for all three."""

    code = "sign_in_refused"


def create(username: str, password: str) -> AdminAccount:
    username = username.strip()
    if not username or len(username) > 64:
        raise ValueError("username must be 1 to 64 characters")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must be at least {MIN_PASSWORD} characters")
    if db.session.scalar(select(AdminAccount).where(AdminAccount.username == username)):
        raise ValueError("that username is taken")
    account = AdminAccount(username=username, password_hash=generate_password_hash(password))
    db.session.add(account)
    db.session.flush()
    return account


def _failures(key: str) -> int:
    return int(gateway().store.get(key) or 0)


def authenticate(username: str, password: str, *, ip: str) -> AdminAccount:
    """The account, or ``SignInRefused``. Five failures from one address or for one username lock both
    out for 15 minutes."""
    store = gateway().store
    keys = (f"signin:fail:ip:{ip}", f"signin:fail:user:{username.strip().lower()}")
    if any(_failures(k) >= MAX_FAILURES for k in keys):
        raise SignInRefused("too many attempts")
    account = db.session.scalar(select(AdminAccount).where(AdminAccount.username == username.strip()))
    if account is None or not check_password_hash(account.password_hash, password):
        if account is None:
            check_password_hash(_DUMMY_HASH, password)
        for key in keys:
            store.set(key, str(_failures(key) + 1), ttl=LOCKOUT_SECONDS)
        raise SignInRefused("wrong username or password")
    for key in keys:
        store.delete(key)
    account.last_login_at = utcnow()
    return account
