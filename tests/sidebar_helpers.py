"""Signing in to the app through the real OAuth flow against the emulator."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, Follow, Note, Order, OrderItem, Tag

XSS = '<img src=x onerror=alert(1)><script>alert("x")</script>'


def sign_in(client, userid: str, next_path: str = "/sidebar/"):
    """Follow /auth/login -> the emulator's authorize page (as=userid) -> /auth/callback."""
    res = client.get("/auth/login", query_string={"next": next_path})
    assert res.status_code == 302, res.data
    authorize = res.headers["Location"].split("#")[0]
    picked = requests.get(authorize, params={"as": userid}, allow_redirects=False, timeout=10)
    assert picked.status_code == 302, picked.text
    back = urlsplit(picked.headers["Location"])
    signed_in = client.get(back.path + "?" + back.query)
    # A sign-in that could not complete (WeCom not answering) fails here, not later as a puzzling
    # redirect; a refusal (403: resigned, unknown) is for the caller to check.
    completed = signed_in.status_code == 302 and "/auth/" not in signed_in.headers["Location"]
    assert completed or signed_in.status_code == 403, signed_in.get_data(as_text=True)[:500]
    return signed_in


def make_hostile(app, external_userid: str) -> None:
    """Put script payloads where outsiders write: nickname, remark, a tag name, an item title, a note."""
    with app.app_context():
        c = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
        c.name = XSS
        db.session.scalar(select(Follow).where(Follow.customer_id == c.id)).remark = XSS
        db.session.scalar(
            select(Tag).join(CustomerTag, CustomerTag.tag_id == Tag.id).where(CustomerTag.customer_id == c.id)
        ).name = XSS
        item = OrderItem(sku="X", title=XSS, category="x", quantity=1, unit_price=100, amount=100)
        db.session.add(
            Order(
                platform="mall",
                order_no="XSS-1",
                customer_id=c.id,
                total_amount=100,
                paid_at=c.created_at,
                items=[item],
            )
        )
        db.session.add(Note(customer_id=c.id, body=XSS))
        db.session.commit()
