"""Past 500 followers WeCom pages ``follow_user`` (doc 92114 "获取客户详情": next_cursor). Every page is
read, so a follow on the second page is not ended as if the guide had lost the customer."""

from __future__ import annotations

from sqlalchemy import select

from sidebar import demo
from sidebar.customers import contacts
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Staff


def _crowd(emulator, ext: str, n: int) -> None:
    """``n`` members follow the customer ahead of the demo's own followers (who end up on page two)."""
    with emulator.state.lock:
        own = emulator.state.follows[ext]
        crowd = {
            f"crowd{i:04d}": {**next(iter(own.values())), "userid": f"crowd{i:04d}", "tags": set()}
            for i in range(n)
        }
        emulator.state.follows[ext] = {**crowd, **own}


def test_a_customer_with_more_than_500_followers_keeps_the_follows_on_later_pages(seeded, app, emulator):
    person = demo.customer(0)
    _crowd(emulator, person.external_userid, 520)
    with app.app_context():
        contacts.refresh_customer(person.external_userid)
        db.session.commit()
        live = set(
            db.session.scalars(
                select(Staff.userid)
                .join(Follow, Follow.staff_id == Staff.id)
                .join(Customer, Customer.id == Follow.customer_id)
                .where(Customer.external_userid == person.external_userid, Follow.deleted_at.is_(None))
            )
        )
    assert live == {f.userid for f in person.follows}
    pages = [c["args"].get("cursor", "") for c in emulator.calls("externalcontact/get")]
    assert pages == ["", "500"]


def test_wechatpy_sees_500_followers_and_a_cursor(emulator):
    person = demo.customer(0)
    _crowd(emulator, person.external_userid, 520)
    first = emulator.wechatpy_client().external_contact.get(person.external_userid)
    assert len(first["follow_user"]) == 500 and first["next_cursor"] == "500"
