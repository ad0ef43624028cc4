"""Group live codes (加入群聊) and tag-based invitations (标签建群) through the console and the emulator over
HTTP: made, changed and retired in WeCom first; WeCom's limits checked before calling; scans fill the
code's groups in turn and WeCom makes the next group when all are full; the group welcome is WeCom's
template, sent in the group on join; an invitation reaches the guides of every matching customer as
one-tap SOP tasks, and who joined through it is counted."""

from __future__ import annotations

import json

import requests
from sqlalchemy import func, select

from emulator import join_ways
from sidebar import demo
from sidebar.extensions import db
from sidebar.models import (
    Customer,
    CustomerTag,
    GroupChat,
    GroupChatMember,
    GroupCode,
    GroupInvitation,
    Material,
    SopRule,
    SopTask,
    Staff,
    Tag,
)
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in

VIP, HANGZHOU, SOUTH = (g.chat_id for g in demo.group_chats())


def make_code(client, **fields) -> tuple[int, str]:
    token = csrf_token(client, "/admin/group-codes")
    data = {"csrf_token": token, "name": "价格党福利群", "auto_create_room": "1", "room_base_name": "价格党福利群",
            "room_base_id": "2", "chat_ids": [VIP], **fields}  # fmt: skip
    res = client.post("/admin/group-codes", data=data)
    assert res.status_code == 303, res.get_data(as_text=True)
    return int(res.headers["Location"].rsplit("/", 1)[-1]), res.headers["Location"]


def join(emulator, config_id: str, *members: dict) -> dict:
    res = requests.post(
        emulator.url + "/_emulator/group-join",
        json={"config_id": config_id, "members": list(members)},
        timeout=60,
    )
    assert res.status_code == 200, res.text
    return res.json()


def invite(client, code_id: int, **fields):
    """Post the new-invitation form (name 价格党邀请, open 7 days) with ``fields`` on top."""
    token = csrf_token(client, "/admin/group-codes")
    data = {
        "csrf_token": token,
        "name": "价格党邀请",
        "source_code_id": str(code_id),
        "window_days": "7",
        **fields,
    }
    return client.post("/admin/group-invitations", data=data)


def test_an_admin_makes_a_group_code_and_gets_its_qr_and_poster(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    code_id, location = make_code(client, chat_ids=[VIP, HANGZHOU])
    made = emulator.calls("externalcontact/groupchat/add_join_way")[-1]["json"]
    assert made["scene"] == 2 and made["chat_id_list"] == [VIP, HANGZHOU] and made["remark"] == "价格党福利群"
    assert (
        made["auto_create_room"] == 1
        and made["room_base_name"] == "价格党福利群"
        and made["room_base_id"] == 2
    )
    assert 0 < len(made["state"]) <= 30
    with seeded.app_context():
        code = db.session.get(GroupCode, code_id)
        assert code.state == made["state"] and code.config_id and code.qr_code
    page = client.get(location).get_data(as_text=True)
    assert "价格党福利群" in page and "澜序静安店 VIP 群" in page and "杭州湖滨 · 新品体验群" in page
    image = client.get(f"/admin/group-codes/{code_id}/qr.png?download=1")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in image.headers["Content-Disposition"]
    poster = client.get(f"/admin/group-codes/{code_id}/poster").get_data(as_text=True)
    assert "价格党福利群" in poster and f"/admin/group-codes/{code_id}/qr.png" in poster
    listing = client.get("/admin/group-codes").get_data(as_text=True)
    assert "价格党福利群" in listing


def test_wecoms_limits_are_refused_before_calling_and_nothing_is_kept(seeded, app, client, emulator):
    qr_sign_in(client, "zhangwei")
    with app.app_context():
        for n in range(4):  # six groups to choose from
            db.session.add(GroupChat(chat_id=f"wrExtra{n}", name=f"群{n}", owner_userid="chenjing"))
        db.session.add(
            GroupChat(chat_id="wrGone", name="已解散", owner_userid="chenjing", status="dismissed")
        )
        db.session.commit()
    token = csrf_token(client, "/admin/group-codes")
    six = [VIP, HANGZHOU, "wrExtra0", "wrExtra1", "wrExtra2", "wrExtra3"]
    cases = {
        "chat_ids": {"chat_ids": six},
        "name": {"name": "名" * 31, "chat_ids": [VIP]},
        "room_base_name": {"room_base_name": "群" * 41, "chat_ids": [VIP]},
        "room_base_id": {"room_base_id": "-3", "chat_ids": [VIP]},
    }
    for field, data in cases.items():
        res = client.post("/admin/group-codes", data={"csrf_token": token, "name": "好名字", **data})
        assert res.status_code == 422, field
        assert f'data-testid="error-{field}"' in res.get_data(as_text=True)
    res = client.post(
        "/admin/group-codes", data={"csrf_token": token, "name": "好名字", "chat_ids": ["wrGone"]}
    )
    page = res.get_data(as_text=True)  # a dismissed group is refused, and not offered
    assert res.status_code == 422 and 'data-testid="error-chat_ids"' in page and 'value="wrGone"' not in page
    assert emulator.calls("externalcontact/groupchat/add_join_way") == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GroupCode)) == 0
    # A manager cannot reach head office's codes at all.
    manager = app.test_client()
    qr_sign_in(manager, "lina")
    assert manager.get("/admin/group-codes").status_code == 403


def test_scans_fill_the_groups_in_turn_and_wecom_makes_the_next_when_full(
    seeded, app, client, live_app, emulator, monkeypatch
):
    qr_sign_in(client, "zhangwei")
    code_id, location = make_code(client)
    with app.app_context():
        code = db.session.get(GroupCode, code_id)
        config_id, state = code.config_id, code.state
    room = len(emulator.state.group_chats[VIP]["member_list"]) + 2
    monkeypatch.setattr(join_ways, "GROUP_CODE_CAPACITY", room)
    out = join(emulator, config_id, {"name": "小美"}, {"name": "小丽"}, {"name": "小芳"})
    landed = [p["chat_id"] for p in out["placed"]]
    assert landed[:2] == [VIP, VIP] and landed[2] != VIP and out["placed"][2]["new_group"]
    assert all(d["delivered"] for d in out["deliveries"])
    made = emulator.state.group_chats[landed[2]]
    assert made["name"] == "价格党福利群2" and made["owner"] == "chenjing"
    with app.app_context():
        members = db.session.scalars(select(GroupChatMember).where(GroupChatMember.state == state)).all()
        assert sorted(m.name for m in members) == ["小丽", "小美", "小芳"]
        new_group = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == landed[2]))
        assert new_group is not None and new_group.name == "价格党福利群2"
    page = client.get(location).get_data(as_text=True)
    assert 'data-testid="stat-joined">3<' in page and "价格党福利群2" in page
    listing = client.get("/admin/group-codes").get_data(as_text=True)
    assert 'data-testid="group-code-joined">3<' in listing

    # Without auto-made groups a full code turns people away, and says so.
    token = csrf_token(client, location)
    res = client.post(location, data={"csrf_token": token, "name": "价格党福利群", "chat_ids": [VIP],
                                      "room_base_name": "价格党福利群", "room_base_id": "2"})  # fmt: skip
    assert res.status_code == 303
    assert emulator.calls("externalcontact/groupchat/update_join_way")[-1]["json"]["auto_create_room"] == 0
    refused = requests.post(
        emulator.url + "/_emulator/group-join",
        json={"config_id": config_id, "members": [{"name": "小红"}]},
        timeout=30,
    )
    assert refused.status_code == 409


def test_the_group_welcome_is_wecoms_template_and_greets_whoever_joins(
    seeded, app, client, live_app, emulator
):
    qr_sign_in(client, "zhangwei")
    code_id, location = make_code(client)
    with app.app_context():
        image = db.session.scalar(select(Material).where(Material.kind == "image"))
        image_id, config_id = image.id, db.session.get(GroupCode, code_id).config_id
    token = csrf_token(client, location)
    too_long = client.post(
        f"/admin/group-codes/{code_id}/welcome", data={"csrf_token": token, "welcome_text": "欢" * 1001}
    )
    assert too_long.status_code == 422 and emulator.calls("externalcontact/group_welcome_template/add") == []
    res = client.post(
        f"/admin/group-codes/{code_id}/welcome",
        data={
            "csrf_token": token,
            "welcome_text": "欢迎 {昵称} 进群！群公告里有新人礼",
            "welcome_material_id": str(image_id),
        },
    )
    assert res.status_code == 303
    added = emulator.calls("externalcontact/group_welcome_template/add")[-1]["json"]
    assert added["text"]["content"] == "欢迎 %NICKNAME% 进群！群公告里有新人礼" and added["notify"] == 1
    assert added["image"]["media_id"]
    with app.app_context():
        template_id = db.session.get(GroupCode, code_id).welcome_template_id
    assert template_id in emulator.state.group_welcome_templates
    assert 'data-testid="welcome-set"' in client.get(location).get_data(as_text=True)
    # The owner chooses it for the group in WeCom; then whoever joins is greeted by name.
    requests.post(
        emulator.url + "/_emulator/group-welcome",
        json={"chat_id": VIP, "template_id": template_id},
        timeout=5,
    ).raise_for_status()
    join(emulator, config_id, {"name": "小美"})
    greeted = requests.get(
        emulator.url + "/_emulator/group-welcomes", params={"chat_id": VIP}, timeout=5
    ).json()
    assert greeted[-1]["text"]["content"] == "欢迎 小美 进群！群公告里有新人礼" and "image" in greeted[-1]
    # Changed: WeCom's template is edited in place; emptied: deleted.
    client.post(f"/admin/group-codes/{code_id}/welcome", data={"csrf_token": token, "welcome_text": "欢迎！"})
    assert (
        emulator.calls("externalcontact/group_welcome_template/edit")[-1]["json"]["template_id"]
        == template_id
    )
    assert emulator.state.group_welcome_templates[template_id]["text"]["content"] == "欢迎！"
    client.post(f"/admin/group-codes/{code_id}/welcome", data={"csrf_token": token, "welcome_text": ""})
    assert template_id not in emulator.state.group_welcome_templates
    with app.app_context():
        assert db.session.get(GroupCode, code_id).welcome_template_id is None


def test_a_retired_code_stops_in_wecom_and_keeps_its_joins(seeded, app, client, live_app, emulator):
    qr_sign_in(client, "zhangwei")
    code_id, location = make_code(client)
    with app.app_context():
        config_id = db.session.get(GroupCode, code_id).config_id
    join(emulator, config_id, {"name": "小美"})
    token = csrf_token(client, location)
    assert client.post(f"/admin/group-codes/{code_id}/retire", data={"csrf_token": token}).status_code == 303
    assert emulator.calls("externalcontact/groupchat/del_join_way")[-1]["json"]["config_id"] == config_id
    assert config_id not in emulator.state.join_ways
    page = client.get(location).get_data(as_text=True)
    assert "已停用" in page and 'data-testid="stat-joined">1<' in page
    again = client.post(location, data={"csrf_token": token, "name": "新名字", "chat_ids": [VIP]})
    assert again.status_code == 422


def test_an_invitation_reaches_every_tagged_customers_guides_and_counts_who_joined(
    seeded, app, client, live_app, emulator
):
    qr_sign_in(client, "zhangwei")
    code_id, _ = make_code(client)
    with app.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.name == "价格敏感"))
        # One tagged customer is already in the group: nobody asks her to join it again.
        member = db.session.scalar(
            select(Customer).where(
                Customer.external_userid == demo.customer(demo.group_chats()[0].customers[0]).external_userid
            )
        )
        if db.session.get(CustomerTag, (member.id, tag.id)) is None:
            db.session.add(CustomerTag(customer_id=member.id, tag_id=tag.id))
        db.session.commit()
        tagged = set(db.session.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag_id == tag.id)))
        in_vip = set(
            db.session.scalars(
                select(Customer.id).where(
                    Customer.external_userid.in_(
                        m["userid"] for m in emulator.state.group_chats[VIP]["member_list"]
                    )
                )
            )
        )
        assert member.id in in_vip
        tagged -= in_vip
        tag_id = tag.id
    assert tagged
    empty = invite(client, code_id, text="来群里")
    assert empty.status_code == 422 and 'data-testid="error-audience"' in empty.get_data(as_text=True)
    kept = empty.get_data(as_text=True)  # what was typed stays, in the invitation's form only
    assert kept.count('value="价格党邀请"') == 1 and ">来群里</textarea>" in kept
    calls_before = len(emulator.calls("externalcontact/groupchat/add_join_way"))
    res = invite(client, code_id, text="{客户称呼}，价格党福利群等你", tags_any=[str(tag_id)])
    assert res.status_code == 303, res.get_data(as_text=True)
    own = emulator.calls("externalcontact/groupchat/add_join_way")
    assert len(own) == calls_before + 1 and own[-1]["json"]["chat_id_list"] == [VIP]
    with app.app_context():
        invitation = db.session.scalar(select(GroupInvitation))
        assert (
            invitation.code.invitation and invitation.code.state != db.session.get(GroupCode, code_id).state
        )
        tasks = db.session.scalars(select(SopTask).where(SopTask.rule_id == invitation.rule_id)).all()
        assert {t.customer_id for t in tasks} == tagged  # one task per customer and guide, every one tagged
        material = db.session.get(Material, invitation.material_id)
        assert material.kind == "image" and material.mime == "image/png"
        someone = db.session.get(Customer, sorted(tagged)[0])
        ext, name, config_id = someone.external_userid, someone.name, invitation.code.config_id
        code_page = f"/admin/group-codes/{invitation.code_id}"
    join(emulator, config_id, {"userid": ext, "name": name}, {"name": "路人甲"})
    page = client.get(code_page).get_data(as_text=True)
    assert 'data-testid="stat-joined">2<' in page and 'data-testid="stat-joined-invited">1<' in page
    assert f'data-testid="stat-invited">{len(tagged)}<' in page and name in page and "还不是客户" in page
    listing = client.get("/admin/group-codes").get_data(as_text=True)
    assert 'data-testid="invitation-joined">2<' in listing


def test_a_guide_sends_the_invitation_in_one_tap(seeded, app, client, live_app, emulator):
    """The task's pieces: the words with the customer's salutation, then the QR image as an image."""
    qr_sign_in(client, "zhangwei")
    code_id, _ = make_code(client)
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "价格敏感"))
    invite(client, code_id, text="{客户称呼}，价格党福利群等你", tags_any=[str(tag_id)])
    with app.app_context():
        invitation = db.session.scalar(select(GroupInvitation))
        task = db.session.scalars(
            select(SopTask).where(SopTask.rule_id == invitation.rule_id).order_by(SopTask.id)
        ).first()
        staff = db.session.get(Staff, task.staff_id)
        customer = db.session.get(Customer, task.customer_id)
        userid, ext = staff.userid, customer.external_userid
    guide = app.test_client()
    sign_in(guide, userid)
    tasks = guide.get(f"/sidebar/customers/{ext}/tasks", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "价格党福利群等你" in tasks and "群邀请 · 价格党邀请" in tasks
    assert json.loads(invitation.audience) == {"tags_any": str(tag_id)}


def test_retiring_an_invitations_code_withdraws_its_open_tasks(seeded, app, client, emulator):
    qr_sign_in(client, "zhangwei")
    code_id, _ = make_code(client)
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "价格敏感"))
    invite(client, code_id, text="来群里", tags_any=[str(tag_id)])
    token = csrf_token(client, "/admin/group-codes")
    with app.app_context():
        invitation = db.session.scalar(select(GroupInvitation))
        own_code, rule_id = invitation.code_id, invitation.rule_id
        assert db.session.scalar(
            select(func.count()).where(SopTask.rule_id == rule_id, SopTask.status == "pending")
        )
    assert client.post(f"/admin/group-codes/{own_code}/retire", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        statuses = set(db.session.scalars(select(SopTask.status).where(SopTask.rule_id == rule_id)))
        assert statuses == {"cancelled"}
        assert db.session.get(SopRule, rule_id).active is False
        assert db.session.get(GroupCode, code_id).retired_at is None  # the code it invited to goes on


def test_a_refused_change_keeps_what_was_typed(seeded, app, client, emulator):
    qr_sign_in(client, "zhangwei")
    code_id, location = make_code(client)
    token = csrf_token(client, location)
    res = client.post(location, data={"csrf_token": token, "name": "新名字" * 11, "chat_ids": [VIP, HANGZHOU],
                                      "room_base_name": "新群名", "room_base_id": "7"})  # fmt: skip
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and 'data-testid="error-name"' in page
    assert "新名字" * 11 in page and 'value="新群名"' in page and 'value="7"' in page
    assert f'value="{HANGZHOU}" checked' in page
    assert emulator.calls("externalcontact/groupchat/update_join_way") == []
    res = client.post(
        f"/admin/group-codes/{code_id}/welcome", data={"csrf_token": token, "welcome_text": "欢" * 1001}
    )
    assert res.status_code == 422 and "欢" * 1001 in res.get_data(as_text=True)
    with app.app_context():
        code = db.session.get(GroupCode, code_id)
        assert code.name == "价格党福利群" and code.room_base_id == 2 and code.welcome_text == ""


def test_a_refusal_from_wecom_keeps_nothing_here_or_there(seeded, app, client, emulator):
    qr_sign_in(client, "zhangwei")
    emulator.configure(queued_errors={"externalcontact/groupchat/get_join_way": [48002]})
    token = csrf_token(client, "/admin/group-codes")
    res = client.post(
        "/admin/group-codes", data={"csrf_token": token, "name": "价格党福利群", "chat_ids": [VIP]}
    )
    assert res.status_code == 502 and "48002" in res.get_data(as_text=True)
    assert emulator.state.join_ways == {}  # the join way WeCom made was deleted again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GroupCode)) == 0
