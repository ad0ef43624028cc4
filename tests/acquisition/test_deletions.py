"""Customers lost: deletions either way reach the console list (transfers excepted) within scope, a
guide deleting many is flagged, and managers get one app message per hour at most."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sidebar import demo
from sidebar.acquisition import deletions
from sidebar.extensions import db
from sidebar.models import Follow
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import customer_of


def customers_of(userid: str, n: int) -> list[demo.DemoCustomer]:
    """``n`` different demo customers whose first follower is ``userid``."""
    found = [c for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS)) if c.follows[0].userid == userid]
    return found[:n]


def lose(emulator, *, userid: str, ext: str, by: str, source: str | None = None) -> None:
    spec = {"change_type": "del_follow_user" if by == "customer" else "del_external_contact"}
    emulator.send_event(**spec, userid=userid, external_userid=ext, **({"source": source} if source else {}))


def test_losses_show_in_words_within_scope_and_transfers_do_not(seeded, client, live_app, emulator):
    left, removed, moved = customers_of("chenjing", 3)
    lose(emulator, userid="chenjing", ext=left.external_userid, by="customer")
    lose(emulator, userid="chenjing", ext=removed.external_userid, by="staff")
    lose(emulator, userid="chenjing", ext=moved.external_userid, by="staff", source="DELETE_BY_TRANSFER")
    qr_sign_in(client, "lina")  # 华东's manager: chenjing is hers
    html = client.get("/admin/deletions?days=1").get_data(as_text=True)
    assert html.count('data-testid="deletion-row"') == 2
    assert left.name in html and removed.name in html and moved.name not in html
    assert "客户删除了导购" in html and "导购删除了客户" in html
    other = seeded.test_client()
    qr_sign_in(other, "zhaomin")  # 华南's manager sees none of it
    assert 'data-testid="deletion-row"' not in other.get("/admin/deletions?days=1").get_data(as_text=True)
    assert client.get("/admin/deletions?days=9999").status_code == 400


def test_a_guide_deleting_many_is_flagged(seeded, client, live_app, emulator):
    seeded.config["DELETION_FLAG_PER_DAY"] = 1
    for person in customers_of("chenjing", 2):
        lose(emulator, userid="chenjing", ext=person.external_userid, by="staff")
    qr_sign_in(client, "zhangwei")
    html = client.get("/admin/deletions").get_data(as_text=True)
    assert 'data-testid="flagged-guide"' in html and "陈静" in html


def test_managers_hear_once_an_hour(seeded, live_app, emulator):
    person = customer_of("chenjing")
    lose(emulator, userid="chenjing", ext=person.external_userid, by="customer")
    with seeded.app_context():
        deleted = db.session.scalar(
            select(Follow.deleted_at).where(Follow.deleted_at.is_not(None)).order_by(Follow.deleted_at.desc())
        )
        next_hour = deleted.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1, minutes=5)
        first = deletions.notify_managers(next_hour, agent_id="1000002")
        again = deletions.notify_managers(next_hour + timedelta(minutes=20), agent_id="1000002")
    told = {m["touser"] for m in emulator.state.messages}
    assert {"lina", "zhangwei"} <= told and "zhaomin" not in told  # her region lost no one
    assert first["sent"] == len(told) and again == {"sent": 0, "skipped": first["sent"], "failed": 0}
    text = next(m for m in emulator.state.messages if m["touser"] == "lina")["text"]["content"]
    assert "1 位客户删除了导购" in text and person.name in text
