"""Who may see which customer: the one check every customer path goes through (``visibility``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sidebar import demo
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Staff, utcnow

SOUTH = {"huangli", "zhaomin", "sunhao"}  # 华南; everyone else but the admin is 华东


def staff(userid: str) -> Staff:
    return db.session.scalar(select(Staff).where(Staff.userid == userid))


def people(predicate) -> list[demo.DemoCustomer]:
    return [c for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS)) if predicate(c)]


def followers(c: demo.DemoCustomer) -> set[str]:
    return {f.userid for f in c.follows}


def visible_ids(member: str) -> set[str]:
    return set(
        db.session.scalars(visibility.visible(staff(member)).with_only_columns(Customer.external_userid))
    )


@pytest.fixture()
def world(seeded, ctx):
    return seeded


def test_a_guide_sees_exactly_the_customers_they_follow(world):
    expected = {c.external_userid for c in people(lambda c: "chenjing" in followers(c))}
    assert visible_ids("chenjing") == expected
    theirs = people(lambda c: "chenjing" not in followers(c))[0]
    with pytest.raises(visibility.NotVisible):
        visibility.customer_for(staff("chenjing"), theirs.external_userid, ask_wecom=False)


def test_a_manager_sees_their_team_subtree_and_not_the_other_region(world):
    south_only = {c.external_userid for c in people(lambda c: followers(c) <= SOUTH)}
    east = {c.external_userid for c in people(lambda c: followers(c) - SOUTH - {"zhangwei"})}
    seen = visible_ids("lina")
    assert seen == east
    assert not seen & south_only
    assert visible_ids("zhaomin") == {c.external_userid for c in people(lambda c: followers(c) & SOUTH)}


def test_an_admin_sees_everyone(world):
    assert len(visible_ids("zhangwei")) == demo.DEFAULT_CUSTOMERS


def test_a_resigned_followers_customers_stay_visible_to_their_manager_not_to_colleagues(world):
    held = people(lambda c: followers(c) == {"huangli"})[0].external_userid
    staff("huangli").status = "resigned"
    db.session.flush()
    assert held in visible_ids("zhaomin")  # so the manager can hand them on
    assert held not in visible_ids("chenjing") and held not in visible_ids("lina")


def test_an_ended_follow_no_longer_shows_the_customer(world):
    mine = people(lambda c: followers(c) == {"chenjing"})[0]
    customer = visibility.customer_for(staff("chenjing"), mine.external_userid, ask_wecom=False)
    follow = db.session.scalar(select(Follow).where(Follow.customer_id == customer.id))
    follow.deleted_at, follow.deleted_by = utcnow(), "customer"
    db.session.flush()
    with pytest.raises(visibility.NotVisible):
        visibility.customer_for(staff("chenjing"), mine.external_userid, ask_wecom=False)
    assert mine.external_userid not in visible_ids("lina")


def test_malformed_ids_are_refused_without_asking_wecom(world, emulator):
    for forged in ("", "x" * 65, "wm' OR 1=1 --", "../etc/passwd"):
        with pytest.raises(visibility.NotVisible):
            visibility.customer_for(staff("chenjing"), forged)
    assert emulator.calls("externalcontact/get") == []


def test_wecom_is_asked_at_most_30_times_a_minute_per_member_and_a_no_is_remembered(world, emulator):
    me = staff("chenjing")
    forged = [f"wmFORGED{n:024d}" for n in range(visibility.LOOKUPS_PER_MINUTE + 5)]
    for ext in forged:
        with pytest.raises(visibility.NotVisible):
            visibility.customer_for(me, ext)
    assert len(emulator.calls("externalcontact/get")) == visibility.LOOKUPS_PER_MINUTE
    # The same id again is answered from memory, and another member has a budget of their own.
    with pytest.raises(visibility.NotVisible):
        visibility.customer_for(me, forged[0])
    with pytest.raises(visibility.NotVisible):
        visibility.customer_for(staff("wangfang"), forged[0])
    assert len(emulator.calls("externalcontact/get")) == visibility.LOOKUPS_PER_MINUTE + 1


def test_the_lookup_budget_is_a_sliding_minute_not_a_clock_minute(world, emulator, monkeypatch):
    """30 lookups at 12:00:59 leave none for 12:01:00; the budget comes back a minute after they were made."""
    me = staff("chenjing")
    start = 60 * 1_000_000 + 59.0  # one second before a clock minute ends
    clock = {"now": start}
    monkeypatch.setattr(visibility.time, "time", lambda: clock["now"])
    for n in range(visibility.LOOKUPS_PER_MINUTE):
        with pytest.raises(visibility.NotVisible):
            visibility.customer_for(me, f"wmSLIDE{n:024d}")
    clock["now"] = start + 1  # the next clock minute, the same sliding one
    with pytest.raises(visibility.NotVisible):
        visibility.customer_for(me, "wmSLIDElate000000000000000000000")
    assert len(emulator.calls("externalcontact/get")) == visibility.LOOKUPS_PER_MINUTE
    clock["now"] = start + 61
    with pytest.raises(visibility.NotVisible):
        visibility.customer_for(me, "wmSLIDEnext000000000000000000000")
    assert len(emulator.calls("externalcontact/get")) == visibility.LOOKUPS_PER_MINUTE + 1


def test_a_customer_wecom_confirms_is_stored_and_shown(world, emulator):
    """No follow on record yet (the add callback not processed): WeCom is asked and its answer kept."""
    person = people(lambda c: followers(c) == {"chenjing"})[0]
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == person.external_userid))
    for follow in db.session.scalars(select(Follow).where(Follow.customer_id == customer.id)):
        db.session.delete(follow)
    db.session.commit()
    shown = visibility.customer_for(staff("chenjing"), person.external_userid)
    assert shown.external_userid == person.external_userid
    assert len(emulator.calls("externalcontact/get")) == 1
    db.session.rollback()  # what WeCom said was committed by the lookup itself
    assert db.session.scalar(select(Follow).where(Follow.customer_id == customer.id)) is not None
