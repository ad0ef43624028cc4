"""The audit trail: money, transfers, permission and configuration changes, and data leaving."""

from __future__ import annotations

import json
from typing import Any

from flask import g, has_request_context

from sidebar.extensions import db
from sidebar.models import AdminAccount, AuditLog, Staff


def record(
    actor: Staff | AdminAccount | str,
    action: str,
    target_type: str,
    target_id: Any = None,
    *,
    ip: str | None = None,
    **detail: Any,
) -> AuditLog:
    """Add one entry (flushes). ``actor`` is a member, a local admin account, or a word like "system"."""
    entry = AuditLog(
        actor_staff_id=actor.id if isinstance(actor, Staff) else None,
        actor=actor.userid
        if isinstance(actor, Staff)
        else actor.label
        if isinstance(actor, AdminAccount)
        else actor,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=json.dumps(detail, ensure_ascii=False, default=str),
        ip=ip,
    )
    db.session.add(entry)
    db.session.flush()
    if has_request_context():  # the console says what happened once the change is made (web.admin)
        g.setdefault("audited", []).append((action, detail))
    return entry
