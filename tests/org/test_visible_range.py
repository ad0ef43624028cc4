"""Staff sync from the app's visible range, department by department (doc 90201; doc 90313: 60011 outside
the range, 45029 for `fetch_child=1` on a large org), and the group sync owner by owner (doc 92120: 81017
without owner_filter past 1,000 visible members). Cursors WeCom no longer accepts (50100) restart the
batch instead of failing forever."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from wechatpy.exceptions import WeChatClientException

from sidebar import demo
from sidebar.customers import group_sync, sync
from sidebar.extensions import db
from sidebar.models import GroupChat, Staff, StaffStatus
from sidebar.org import staff as staff_sync
from sidebar.wecom.gateway import gateway


def _a_corp_past_1000_people(emulator) -> None:
    """1,001 more members in the app's visible range (doc 92120: past 1,000 an unfiltered list is 81017)."""
    with emulator.state.lock:
        for i in range(1001):
            userid = f"crowd{i:04d}"
            emulator.state.users[userid] = {"userid": userid, "name": "店员", "department": [3], "status": 1}


def _statuses(app) -> dict[str, str]:
    with app.app_context():
        return {s.userid: s.status for s in db.session.scalars(select(Staff))}


def test_a_visible_range_of_one_region_syncs_its_members_department_by_department(app, emulator):
    emulator.configure(visible_departments=[2])
    with app.app_context():
        staff_sync.sync_staff()
        db.session.commit()
    east = {s.userid for s in demo.STAFF if s.department == 2 and s.active}
    assert {u for u, st in _statuses(app).items() if st == StaffStatus.ACTIVE} == east
    listed = [c for c in emulator.calls("user/list")]
    assert listed and all(c["errcode"] == 0 for c in listed)
    assert all(c["args"].get("fetch_child") != "1" for c in listed)
    assert {c["args"]["department_id"] for c in listed} == {"2"}


def test_a_large_org_is_never_asked_for_everyone_at_once(app, emulator):
    emulator.configure(fetch_child_limit=2)  # the whole corp in one answer would be too big (45029)
    with app.app_context():
        staff_sync.sync_staff()
        db.session.commit()
    active = {u for u, st in _statuses(app).items() if st == StaffStatus.ACTIVE}
    assert active == {s.userid for s in demo.STAFF if s.active}
    assert all(c["errcode"] == 0 for c in emulator.calls("user/list"))


def test_the_emulator_refuses_what_wecom_refuses_through_wechatpy(emulator):
    client = emulator.wechatpy_client()
    emulator.configure(visible_departments=[2])
    with pytest.raises(WeChatClientException) as outside:
        client.user.list(1, fetch_child=True)
    assert outside.value.errcode == 60011
    emulator.configure(visible_departments=None, fetch_child_limit=2)
    with pytest.raises(WeChatClientException) as too_big:
        client.user.list(1, fetch_child=True)
    assert too_big.value.errcode == 45029
    _a_corp_past_1000_people(emulator)
    with pytest.raises(WeChatClientException) as unfiltered:
        client.post("externalcontact/groupchat/list", data={"limit": 100})
    assert unfiltered.value.errcode == 81017


def test_groups_are_synced_owner_by_owner_in_a_corp_past_1000_people(seeded, app, emulator):
    _a_corp_past_1000_people(emulator)
    with app.app_context():
        totals = group_sync.sync_groups()
        db.session.commit()
        stored = set(db.session.scalars(select(GroupChat.chat_id)))
    assert stored == {g.chat_id for g in demo.group_chats()} and totals["groups"] == len(stored)
    calls = emulator.calls("externalcontact/groupchat/list")
    assert all(c["errcode"] == 0 for c in calls)
    assert all(0 < len(c["json"]["owner_filter"]["userid_list"]) <= 100 for c in calls)


def test_a_dead_customer_sync_cursor_restarts_its_batch(seeded, app, emulator):
    with app.app_context():
        gateway().store.set(sync.PROGRESS_KEY, json.dumps({"batch": 0, "cursor": "a-cursor-from-last-week"}))
        totals = sync.sync_customers()
        db.session.commit()
    assert totals["cursor_restarts"] == 1 and totals["contacts"] > 0
    answers = [c["errcode"] for c in emulator.calls("externalcontact/batch/get_by_user")]
    assert answers[0] == 50100 and set(answers[1:]) == {0}


def test_cursors_expire_after_the_emulators_lifetime(seeded, app, emulator):
    import time

    emulator.configure(cursor_lifetime=0.2)
    page = emulator.wechatpy_client().post(
        "externalcontact/batch/get_by_user", data={"userid_list": ["chenjing"], "limit": 1}
    )
    assert page["next_cursor"]
    time.sleep(0.3)
    with pytest.raises(WeChatClientException) as expired:
        emulator.wechatpy_client().post(
            "externalcontact/batch/get_by_user",
            data={"userid_list": ["chenjing"], "limit": 1, "cursor": page["next_cursor"]},
        )
    assert expired.value.errcode == 50100
    with app.app_context():
        gateway().store.set(group_sync.PROGRESS_KEY, json.dumps({"batch": 0, "cursor": "expired-cursor"}))
        totals = group_sync.sync_groups()
        db.session.commit()
    assert totals["cursor_restarts"] == 1 and totals["groups"] > 0
