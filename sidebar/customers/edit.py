"""Changes a guide makes to a customer from the sidebar: retail profile, WeCom remark, notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sidebar.core import phones
from sidebar.core.errors import DomainError
from sidebar.data import oneid
from sidebar.extensions import db
from sidebar.models import Customer, Follow, IdentitySource, Note, Staff
from sidebar.wecom.gateway import wecom

REMARK_MAX = 20  # WeCom's limits for externalcontact/remark
DESCRIPTION_MAX = 150
NOTE_MAX = 2000


class InvalidInput(DomainError):
    """Input that cannot be saved; ``errors`` maps each field to its message."""

    code = "invalid_input"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def update_profile(customer: Customer, values: dict[str, Any], *, by: Staff) -> set[int]:
    """Apply already validated profile values (see ``sidebar.web.forms.ProfileForm``). A phone the
    guide typed is one the customer is known by (OneID) and the one the profile shows; orders waiting on
    it are matched. Returns the customers whose orders changed (to recompute)."""
    for name in ("skin_type", "age_range", "city", "member_level"):
        setattr(customer, name, values.get(name) or None)
    customer.salutation = (values.get("salutation") or "").strip() or None
    customer.skin_concerns = ",".join(values.get("skin_concerns") or [])
    birthday = values.get("birthday")
    customer.birthday = birthday if isinstance(birthday, date) else None
    customer.points = int(values.get("points") or 0)
    db.session.flush()
    number = phones.normalise(values.get("phone"))
    if not number or number == customer.phone:
        return set()
    customer.phone = number
    db.session.flush()
    return oneid.learn_phones([(customer.id, number, IdentitySource.GUIDE, by.userid)])


def update_remark(follow: Follow, *, remark: str, description: str) -> None:
    """WeCom first, then our copy: if WeCom refuses, nothing changes here and the error surfaces."""
    if len(remark) > REMARK_MAX or len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            {"remark": f"at most {REMARK_MAX} characters", "description": f"at most {DESCRIPTION_MAX}"}
        )
    wecom().remark(
        follow.staff.userid, follow.customer.external_userid, remark=remark, description=description
    )
    follow.remark = remark
    follow.description = description
    db.session.flush()


def add_note(customer: Customer, body: str, *, author: Staff) -> Note:
    text = (body or "").strip()
    if not text:
        raise InvalidInput({"body": "empty"})
    if len(text) > NOTE_MAX:
        raise InvalidInput({"body": "too long"})
    note = Note(customer_id=customer.id, staff_id=author.id, body=text)
    db.session.add(note)
    db.session.flush()
    return note
