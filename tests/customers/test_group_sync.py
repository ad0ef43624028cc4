"""Customer group chats kept in our database: synced page by page through the emulator (resumable),
kept current by change_external_chat events (joins with their scene, leaves, dismissal), and the
sidebar's group view counting this week's joins and leaves and who is nobody's contact yet."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from sidebar import demo
from sidebar.customers import group_sync
from sidebar.extensions import db
from sidebar.models import GroupChat, GroupChatMember, GroupNote, GroupTag
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import csrf


def many_groups(emulator, n: int) -> None:
    """``n`` more small groups on the WeCom side, owned by chenjing."""
    now = int(time.time())
    with emulator.state.lock:
        for i in range(n):
            chat_id = f"wrBench{i:06d}"
            emulator.state.group_chats[chat_id] = {
                "chat_id": chat_id,
                "name": f"群 {i}",
                "owner": "chenjing",
                "create_time": now,
                "notice": "",
                "member_list": [
                    {
                        "userid": "chenjing",
                        "type": 1,
                        "join_time": now,
                        "join_scene": 1,
                        "invitor": {"userid": "chenjing"},
                    },
                    {
                        "userid": f"wmStranger{i:06d}",
                        "type": 2,
                        "join_time": now,
                        "join_scene": 3,
                        "name": f"客{i}",
                    },
                ],
                "admin_list": [],
            }


def test_every_group_is_synced_page_by_page_and_an_interrupted_run_resumes(seeded, app, emulator):
    many_groups(emulator, 1200)
    expected = len(emulator.state.group_chats)

    def stop(totals):
        raise RuntimeError("stopped after the first page")

    with app.app_context():
        with pytest.raises(RuntimeError):
            group_sync.sync_groups(on_page=stop)
        first = db.session.scalar(select(func.count()).select_from(GroupChat))
        assert first == 1000  # the first page is kept
        result = group_sync.sync_groups()
        db.session.commit()
        assert result["resumed"] == 1 and result["pages"] == 1
        assert db.session.scalar(select(func.count()).select_from(GroupChat)) == expected
        members = db.session.scalar(select(func.count()).select_from(GroupChatMember))
        assert members == sum(len(c["member_list"]) for c in emulator.state.group_chats.values())
    assert len(emulator.calls("externalcontact/groupchat/list")) == 2  # one page, then the rest on resuming


def test_group_events_keep_joins_leaves_and_a_dismissed_group(seeded, app, live_app, emulator):
    group = demo.group_chats()[0]
    with app.app_context():
        group_sync.sync_groups()  # what a brand does once; events keep it current
        db.session.commit()
    emulator.send_event(
        event="change_external_chat",
        change_type="create",
        chat_id="wrNewGroup01",
        owner="chenjing",
        name="新品体验群",
    )
    emulator.send_event(
        event="change_external_chat",
        change_type="update",
        update_detail="add_member",
        chat_id="wrNewGroup01",
        join_scene=3,
        members=[{"userid": "wmVisitor000001", "name": "扫码进群的人"}],
    )
    emulator.send_event(
        event="change_external_chat",
        change_type="update",
        update_detail="del_member",
        chat_id=group.chat_id,
        quit_scene=1,
        members=[{"userid": demo.customer(group.customers[0]).external_userid}],
    )
    with app.app_context():
        new = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == "wrNewGroup01"))
        assert new.name == "新品体验群" and new.member_count == 2
        joined = db.session.scalar(select(GroupChatMember).where(GroupChatMember.userid == "wmVisitor000001"))
        assert joined.join_scene == 3 and joined.left_at is None
        removed = db.session.scalar(
            select(GroupChatMember).where(
                GroupChatMember.userid == demo.customer(group.customers[0]).external_userid
            )
        )
        assert removed.left_at is not None and removed.quit_scene == 1
    emulator.send_event(event="change_external_chat", change_type="dismiss", chat_id="wrNewGroup01")
    with app.app_context():
        gone = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == "wrNewGroup01"))
        assert gone.status == "dismissed" and gone.dismissed_at is not None
        assert (
            db.session.scalar(select(func.count()).where(GroupChatMember.group_id == gone.id)) == 2
        )  # history kept


def test_the_group_view_counts_this_weeks_joins_and_leaves_and_strangers(seeded, client, live_app, emulator):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    sign_in(client, "chenjing")
    before = client.get(f"/sidebar/groups/{group.chat_id}").get_data(as_text=True)
    assert 'data-testid="group-joined">0<' in before
    assert f'data-testid="group-strangers">{len(group.strangers)}<' in before
    emulator.send_event(
        event="change_external_chat",
        change_type="update",
        update_detail="add_member",
        chat_id=group.chat_id,
        join_scene=2,
        members=[{"userid": "wmJustJoined0001", "name": "新朋友"}],
    )
    after = client.get(f"/sidebar/groups/{group.chat_id}").get_data(as_text=True)
    assert 'data-testid="group-joined">1<' in after
    assert f'data-testid="group-strangers">{len(group.strangers) + 1}<' in after
    assert 'data-testid="member-spent"' in after  # our customers with their spend


def test_members_tag_and_note_a_group_and_bad_input_keeps_what_was_typed(seeded, client, app):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    sign_in(client, "chenjing")
    token = csrf(client, f"/sidebar/groups/{group.chat_id}")
    url = f"/sidebar/groups/{group.chat_id}"
    added = client.post(f"{url}/tags", data={"csrf_token": token, "action": "add", "name": " 价格党群 "})
    assert added.status_code == 200 and added.get_data(as_text=True).count('data-testid="group-tag"') == 1
    too_long = client.post(f"{url}/tags", data={"csrf_token": token, "action": "add", "name": "长" * 40})
    assert too_long.status_code == 422 and 'data-testid="group-tag-error"' in too_long.get_data(as_text=True)
    note = client.post(f"{url}/notes", data={"csrf_token": token, "body": "周六直播前一小时提醒"})
    assert note.status_code == 200 and "周六直播前一小时提醒" in note.get_data(as_text=True)
    empty = client.post(f"{url}/notes", data={"csrf_token": token, "body": "   "})
    assert empty.status_code == 422 and 'data-testid="group-note-error"' in empty.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "价格党群" in page and page.count('data-testid="group-note"') == 1
    with app.app_context():
        tag_id = db.session.scalar(select(GroupTag.id).where(GroupTag.name == "价格党群"))
    removed = client.post(f"{url}/tags", data={"csrf_token": token, "action": "remove", "tag_id": tag_id})
    assert removed.get_data(as_text=True).count('data-testid="group-tag"') == 0

    # Someone not in the group reaches none of it.
    other = app.test_client()
    sign_in(other, "huangli")
    theirs = other.post(f"{url}/notes", data={"csrf_token": csrf(other, "/sidebar/"), "body": "不该被保存"})
    assert theirs.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GroupNote)) == 1


def test_group_figures_per_group_and_owner_in_scope_with_export(seeded, app, client, live_app, emulator):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    south = next(g for g in demo.group_chats() if g.owner == "huangli")
    emulator.send_event(
        event="change_external_chat",
        change_type="update",
        update_detail="add_member",
        chat_id=group.chat_id,
        join_scene=3,
        members=[{"userid": "wmFigures000001", "name": "新群友"}],
    )
    emulator.send_event(
        event="change_external_chat",
        change_type="update",
        update_detail="del_member",
        chat_id=group.chat_id,
        quit_scene=0,
        members=[{"userid": group.strangers[0][0]}],
    )
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/groups", query_string={"days": 7}).get_data(as_text=True)
    row = page[page.index(group.name) :]
    row = row[: row.index("</tr>")]
    cells = [c for c in row.split('<td class="num">')[1:]]
    assert [c.split("<")[0] for c in cells[:3]] == [
        str(len(group.staff) + len(group.customers) + len(group.strangers)),
        "1",
        "1",
    ]
    assert page.count('data-testid="group-row"') == len(demo.group_chats())
    csv_text = client.get("/admin/groups", query_string={"days": 7, "format": "csv"}).get_data(as_text=True)
    assert group.name in csv_text and south.name in csv_text
    assert client.get("/admin/groups", query_string={"days": 5}).status_code == 400

    manager = app.test_client()
    qr_sign_in(manager, "lina")  # 华东: not 华南's group
    theirs = manager.get("/admin/groups").get_data(as_text=True)
    assert group.name in theirs and south.name not in theirs
