"""群发 from the sidebar: the call is built only for the guide's own customers and groups, in the JS-SDK's
shapes, and the sends are recorded when WeCom's client says they went."""

from __future__ import annotations

from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Material, Send
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import csrf, customer_of


def _mine(userid: str, n: int) -> list[str]:
    return [
        demo.customer(i).external_userid
        for i in range(demo.DEFAULT_CUSTOMERS)
        if userid in {f.userid for f in demo.customer(i).follows}
    ][:n]


def test_a_guide_sends_to_some_of_her_customers(seeded, client):
    sign_in(client, "chenjing")
    page = client.get("/sidebar/share").get_data(as_text=True)
    token = csrf(client, "/sidebar/share")
    mine = _mine("chenjing", 3)
    assert all(ext in page for ext in mine)
    with seeded.app_context():
        link = db.session.scalar(select(Material.id).where(Material.kind == "link"))
    form = {
        "csrf_token": token,
        "to": "customers",
        "text": "本周新品到店～",
        "external_userid": mine,
        "material_ids": [str(link)],
    }
    built = client.post("/sidebar/share/prepare", data=form).get_json()
    assert built["method"] == "shareToExternalContact" and built["args"]["externalUserIds"] == mine
    assert built["args"]["text"] == {"content": "本周新品到店～"}
    assert (
        built["args"]["attachments"][0]["msgtype"] == "link"
        and built["args"]["attachments"][0]["link"]["url"]
    )
    done = client.post("/sidebar/share/done", data=form).get_json()
    assert done["recorded"] == 3
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Send).where(Send.via == "share")) == 3


def test_someone_elses_customers_and_groups_are_refused_and_nothing_recorded(seeded, client):
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/share")
    theirs = customer_of("huangli", not_followed_by="chenjing").external_userid
    form = {
        "csrf_token": token,
        "to": "customers",
        "text": "x",
        "external_userid": [_mine("chenjing", 1)[0], theirs],
    }
    res = client.post("/sidebar/share/prepare", data=form)
    assert (
        res.status_code == 422 and "不是你的" in res.get_json()["error"]["message"] or res.status_code == 422
    )
    assert client.post("/sidebar/share/done", data=form).status_code == 422
    group = next(g for g in demo.group_chats() if g.owner == "huangli")
    res = client.post(
        "/sidebar/share/prepare",
        data={"csrf_token": token, "to": "groups", "text": "x", "chat_id": [group.chat_id]},
    )
    assert res.status_code == 422
    mine = next(g for g in demo.group_chats() if g.owner == "chenjing")
    built = client.post(
        "/sidebar/share/prepare",
        data={"csrf_token": token, "to": "groups", "text": "x", "chat_id": [mine.chat_id]},
    ).get_json()
    assert built["method"] == "shareToExternalChat" and built["args"]["chatIds"] == [mine.chat_id]
    # Nothing to send, too many attachments: refused in words.
    empty = client.post(
        "/sidebar/share/prepare",
        data={"csrf_token": token, "to": "customers", "external_userid": _mine("chenjing", 1)},
    )
    assert empty.status_code == 422
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Send).where(Send.via == "share")) == 0


def test_a_guide_posts_her_own_moment_and_its_comments_come_back(seeded, client, emulator):
    import requests

    from sidebar.campaigns import moments
    from sidebar.models import MomentInteraction, MomentPost, utcnow

    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/share?to=moments")
    with seeded.app_context():
        image = db.session.scalar(
            select(Material.id).where(Material.kind == "image", Material.file_path.is_not(None))
        )
        link = db.session.scalar(select(Material.id).where(Material.kind == "link"))
    mixed = {"csrf_token": token, "to": "moments", "text": "x", "material_ids": [str(image), str(link)]}
    assert client.post("/sidebar/share/prepare", data=mixed).status_code == 422  # one kind only
    form = {"csrf_token": token, "to": "moments", "text": "周末来店里试新品～", "material_ids": [str(image)]}
    built = client.post("/sidebar/share/prepare", data=form).get_json()
    assert built["method"] == "shareToExternalMoments" and built["args"]["attachments"][0]["image"]["mediaid"]
    assert "externalUserIds" not in built["args"]
    posted = requests.post(
        emulator.url + "/_emulator/moments/post",
        json={
            "userid": "chenjing",
            "text": built["args"]["text"],
            "attachments": built["args"]["attachments"],
        },
        timeout=5,
    ).json()
    assert client.post("/sidebar/share/done", data=form).get_json()["recorded"] == 1
    fan = customer_of("chenjing")
    requests.post(
        emulator.url + "/_emulator/moments/interact",
        json={
            "moment_id": posted["moment_id"],
            "userid": "chenjing",
            "external_userid": fan.external_userid,
            "kind": "like",
        },
        timeout=5,
    )
    with seeded.app_context():
        assert moments.follow_own_posts(utcnow()) == 1
        db.session.commit()
        post = db.session.scalar(select(MomentPost))
        assert post.moment_id == posted["moment_id"] and post.likes == 1 and post.seen > 0
        assert db.session.scalar(select(func.count()).select_from(MomentInteraction)) == 1
