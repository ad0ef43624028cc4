"""Who is signed in. The session holds a staff id; every request re-checks that the member is active."""

from __future__ import annotations

from flask import g, session

from sidebar.extensions import db
from sidebar.models import Staff, StaffStatus

SESSION_KEY = "staff_id"


def current_staff() -> Staff | None:
    """The signed-in, still active staff member, or None."""
    if "staff" not in g:
        staff_id = session.get(SESSION_KEY)
        staff = db.session.get(Staff, staff_id) if staff_id else None
        g.staff = staff if staff is not None and staff.status == StaffStatus.ACTIVE else None
    return g.staff


def sign_in(staff: Staff) -> None:
    session.clear()
    session[SESSION_KEY] = staff.id
    session.permanent = True
    g.staff = staff


def sign_out() -> None:
    session.clear()
    g.pop("staff", None)
