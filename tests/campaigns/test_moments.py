"""客户朋友圈 through the emulator over HTTP: a task made in the console (its images uploaded as moment
attachments, add_moment_task asynchronous), who posted read back, a customer's like and comment stored and
shown in their activity; a guide posts from the sidebar; bad tasks refused in words."""

from __future__ import annotations

import io
import re

import requests
from sqlalchemy import select

from sidebar.campaigns import moments
from sidebar.demo import poster_png
from sidebar.extensions import db
from sidebar.models import Material, MomentPost, MomentTask, Staff, utcnow
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import csrf, customer_of


def _staff_ids(app, *userids: str) -> list[str]:
    with app.app_context():
        return [str(db.session.scalar(select(Staff.id).where(Staff.userid == u))) for u in userids]


def _image(app) -> str:
    with app.app_context():
        return str(
            db.session.scalar(
                select(Material.id).where(Material.kind == "image", Material.file_path.is_not(None))
            )
        )


def _make(client, app, **changes) -> tuple[int, str]:
    token = csrf_token(client, "/admin/moments/new")
    form = {
        "csrf_token": token,
        "name": "秋冬新品朋友圈",
        "text": "秋冬修护季，新品到店～",
        "guide_ids": _staff_ids(app, "chenjing", "wangfang"),
        "material_ids": [_image(app)],
    }
    form.update(changes)
    res = client.post("/admin/moments/new", data=form)
    return res.status_code, res.headers.get("Location", res.get_data(as_text=True))


def test_a_moment_task_is_made_posted_and_its_likes_and_comments_come_back(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    status, url = _make(client, seeded)
    assert status == 303
    (upload,) = emulator.calls("media/upload_attachment")
    (asked,) = emulator.calls("externalcontact/add_moment_task")
    assert asked["json"]["visible_range"]["sender_list"]["user_list"] == ["chenjing", "wangfang"]
    assert asked["json"]["attachments"][0]["msgtype"] == "image"
    assert asked["json"]["attachments"][0]["image"]["media_id"].startswith("moment-")  # not media/upload's

    # chenjing posts it in WeCom; a customer of hers likes and comments.
    client.post(url + "/refresh", data={"csrf_token": csrf_token(client, url)})
    with seeded.app_context():
        task = db.session.scalar(select(MomentTask))
        assert task.status == "live" and task.moment_id
        moment_id = task.moment_id
    requests.post(
        emulator.url + "/_emulator/moments/post",
        json={"moment_id": moment_id, "userid": "chenjing"},
        timeout=5,
    )
    fan = customer_of("chenjing")
    for kind in ("like", "comment"):
        res = requests.post(
            emulator.url + "/_emulator/moments/interact",
            json={
                "moment_id": moment_id,
                "userid": "chenjing",
                "external_userid": fan.external_userid,
                "kind": kind,
            },
            timeout=5,
        )
        assert res.status_code == 200
    client.post(url + "/refresh", data={"csrf_token": csrf_token(client, url)})
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'data-testid="moment-posted">1 / 2<', page)
    assert 'data-testid="moment-likes">1<' in page and 'data-testid="moment-comments">1<' in page
    # Read again: nothing counted twice.
    client.post(url + "/refresh", data={"csrf_token": csrf_token(client, url)})
    assert 'data-testid="moment-likes">1<' in client.get(url).get_data(as_text=True)

    # The customer's activity tab, in chenjing's sidebar.
    guide = seeded.test_client()
    sign_in(guide, "chenjing")
    activity = guide.get(f"/sidebar/customers/{fan.external_userid}/timeline").get_data(as_text=True)
    assert activity.count('data-testid="moment-entry"') == 2 and "陈静" in activity


def test_a_guide_posts_a_task_from_the_sidebar(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    status, url = _make(client, seeded)
    guide = seeded.test_client()
    sign_in(guide, "chenjing")
    today = guide.get("/sidebar/tasks").get_data(as_text=True)
    assert 'data-testid="moment-task-row"' in today and "秋冬新品朋友圈" in today
    with seeded.app_context():
        task_id = db.session.scalar(select(MomentTask.id))
    token = csrf(guide, "/sidebar/tasks")
    built = guide.post(f"/sidebar/moments/{task_id}/prepare", headers={"X-CSRFToken": token}).get_json()
    assert (
        built["method"] == "shareToExternalMoments"
        and built["args"]["text"]["content"] == "秋冬修护季，新品到店～"
    )
    assert built["args"]["attachments"][0]["image"]["mediaid"]
    # WeCom's client posts it (as the preview does), then the sidebar says so.
    requests.post(
        emulator.url + "/_emulator/moments/post",
        json={
            "userid": "chenjing",
            "text": built["args"]["text"],
            "attachments": built["args"]["attachments"],
        },
        timeout=5,
    )
    assert guide.post(f"/sidebar/moments/{task_id}/posted", headers={"X-CSRFToken": token}).status_code == 200
    assert 'data-testid="moment-task-row"' not in guide.get("/sidebar/tasks").get_data(as_text=True)
    with seeded.app_context():
        task = db.session.get(MomentTask, task_id)
        moments.poll(task, now=utcnow())
        db.session.commit()
        post = db.session.scalar(select(MomentPost).join(Staff).where(Staff.userid == "chenjing"))
        assert post.posted_at and post.moment_id and post.moment_id != task.moment_id  # her own post, found
    # Another guide's task is not hers to post.
    other = seeded.test_client()
    sign_in(other, "huangli")
    assert (
        other.post(
            f"/sidebar/moments/{task_id}/prepare", headers={"X-CSRFToken": csrf(other, "/sidebar/tasks")}
        ).status_code
        == 404
    )


def test_a_link_goes_on_moments_with_its_uploaded_cover(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    cover = (io.BytesIO(poster_png(400, 400, (16, 174, 255))), "cover.png")
    res = client.post(
        "/admin/materials",
        data={
            "csrf_token": csrf_token(client, "/admin/materials"),
            "kind": "link",
            "title": "秋冬新品页",
            "url": "https://brand.example.com/autumn",
            "cover_url": "https://brand.example.com/c.png",
            "file": cover,
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert res.status_code == 303
    with seeded.app_context():
        link = str(db.session.scalar(select(Material.id).where(Material.title == "秋冬新品页")))
    status, url = _make(client, seeded, material_ids=[link])
    assert status == 303, url
    (upload,) = emulator.calls("media/upload_attachment")
    assert upload["args"]["media_type"] == "image"  # the cover, as a moment attachment
    (asked,) = emulator.calls("externalcontact/add_moment_task")
    (card,) = asked["json"]["attachments"]
    assert card["msgtype"] == "link" and card["link"]["url"] == "https://brand.example.com/autumn"
    assert card["link"]["title"] == "秋冬新品页" and card["link"]["media_id"].startswith("moment-")

    guide = seeded.test_client()
    sign_in(guide, "chenjing")
    with seeded.app_context():
        task_id = db.session.scalar(select(MomentTask.id))
    token = csrf(guide, "/sidebar/tasks")
    built = guide.post(f"/sidebar/moments/{task_id}/prepare", headers={"X-CSRFToken": token}).get_json()
    assert built["args"]["attachments"] == [
        {
            "msgtype": "link",
            "link": {
                "url": "https://brand.example.com/autumn",
                "title": "秋冬新品页",
                "imgUrl": "https://brand.example.com/c.png",
            },
        }  # fmt: skip
    ]


def test_bad_moment_tasks_are_refused_in_words(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        bare = Material(kind="link", title="无封面链接", url="https://brand.example.com/x")
        db.session.add(bare)
        db.session.commit()
        link = str(bare.id)
        mini = str(db.session.scalar(select(Material.id).where(Material.kind == "miniprogram")))
    for changes, marked in (
        ({"material_ids": [mini]}, "error-material_ids"),  # WeCom's moments take no mini-programs
        ({"guide_ids": []}, "error-guide_ids"),
        ({"text": "", "material_ids": []}, "error-text"),
        ({"material_ids": [link]}, "error-material_ids"),  # a link without its cover uploaded
        ({"material_ids": [link, _image(seeded)]}, "error-material_ids"),  # one kind at a time
        ({"deadline": "2020-01-01T10:00"}, "error-deadline"),
        ({"text": "字" * 2001}, "error-text"),
    ):
        status, html = _make(client, seeded, **changes)
        assert status == 422 and f'data-testid="{marked}"' in html, marked
    manager = seeded.test_client()
    qr_sign_in(manager, "lina")
    status, html = _make(manager, seeded, guide_ids=_staff_ids(seeded, "huangli"))  # 华南: not hers
    assert status == 422 and 'data-testid="error-guide_ids"' in html
    assert not emulator.calls("externalcontact/add_moment_task")


def test_guides_who_have_not_posted_are_reminded_in_one_message_and_reach_is_counted(
    seeded, client, emulator
):
    from sidebar import demo

    qr_sign_in(client, "zhangwei")
    status, url = _make(client, seeded, guide_ids=_staff_ids(seeded, "chenjing", "wangfang", "liuyang"))
    client.post(url + "/refresh", data={"csrf_token": csrf_token(client, url)})
    with seeded.app_context():
        moment_id = db.session.scalar(select(MomentTask.moment_id))
    requests.post(
        emulator.url + "/_emulator/moments/post",
        json={"moment_id": moment_id, "userid": "chenjing"},
        timeout=5,
    )
    token = csrf_token(client, url)
    client.post(url + "/refresh", data={"csrf_token": token})
    page = client.get(url).get_data(as_text=True)
    hers = sum(
        1 for i in range(demo.DEFAULT_CUSTOMERS) if "chenjing" in {f.userid for f in demo.customer(i).follows}
    )
    assert f'data-testid="moment-seen">{hers:,}<' in page
    res = client.post(url + "/remind", data={"csrf_token": token})
    assert res.status_code == 303
    (sent,) = emulator.calls("message/send")
    assert sorted(sent["json"]["touser"].split("|")) == ["liuyang", "wangfang"]  # one message, not per guide
    assert "秋冬新品朋友圈" in sent["json"]["text"]["content"]


def test_a_comment_on_a_moment_tells_the_guide_through_a_signal_rule(seeded, client, emulator):
    from sidebar.signals import rules as signal_rules

    qr_sign_in(client, "zhangwei")
    status, url = _make(client, seeded)
    client.post(url + "/refresh", data={"csrf_token": csrf_token(client, url)})
    with seeded.app_context():
        moment_id = db.session.scalar(select(MomentTask.moment_id))
        signal_rules.create({"name": "客户评论了朋友圈", "kind": "moment_comment", "notify": "1"})
        db.session.commit()
    requests.post(
        emulator.url + "/_emulator/moments/post",
        json={"moment_id": moment_id, "userid": "chenjing"},
        timeout=5,
    )
    fan = customer_of("chenjing")
    requests.post(
        emulator.url + "/_emulator/moments/interact",
        json={
            "moment_id": moment_id,
            "userid": "chenjing",
            "external_userid": fan.external_userid,
            "kind": "comment",
        },
        timeout=5,
    )
    client.post(url + "/refresh", data={"csrf_token": csrf_token(client, url)})
    with seeded.app_context():
        fired = signal_rules.evaluate(now=utcnow())
        db.session.commit()
        assert len(fired) == 1
        from sidebar.models import Customer, CustomerSignal

        signal = db.session.get(CustomerSignal, fired[0])
        assert db.session.get(Staff, signal.staff_id).userid == "chenjing"
        name = db.session.scalar(select(Customer.name).where(Customer.external_userid == fan.external_userid))
        assert signal_rules.words(signal, name) == f"{name} 评论了你的朋友圈“秋冬新品朋友圈”"
        assert signal_rules.evaluate(now=utcnow()) == []  # once


def test_a_weekly_posting_plan_makes_one_moment_task_a_week(seeded, client, emulator):
    from datetime import timedelta

    from sidebar.sop import engine

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/sop")
    with seeded.app_context():
        weekday = str(utcnow().weekday())
    res = client.post(
        "/admin/sop",
        data={
            "csrf_token": token,
            "name": "每周一新品朋友圈",
            "trigger": "weekly",
            "weekday": weekday,
            "window_days": "2",
            "target": "moments",
            "guide_tiers": ["A"],
            "step0_text": "本周新品，欢迎来店体验～",
            "step0_material": _image(seeded),
        },
    )
    assert res.status_code == 303
    rule_id = int(res.headers["Location"].rsplit("/", 1)[1])
    bad = client.post(
        "/admin/sop",
        data={"csrf_token": token, "name": "x", "trigger": "added", "target": "moments", "step0_text": "t"},
    )
    assert bad.status_code == 422  # a plan runs weekly or at a fixed time
    client.post(f"/admin/sop/{rule_id}/enable", data={"csrf_token": token})
    with seeded.app_context():
        from sidebar.models import SopRule

        rule = db.session.get(SopRule, rule_id)
        now = utcnow()
        assert engine.generate(rule, now=now) == 1
        db.session.commit()
        assert engine.generate(rule, now=now) == 0  # this week's task exists
        task = db.session.scalar(select(MomentTask).where(MomentTask.occurrence.is_not(None)))
        tier_a = {s.userid for s in demo_staff() if s.tier == "A" and s.role == "guide" and s.active}
        (asked,) = emulator.calls("externalcontact/add_moment_task")
        assert set(asked["json"]["visible_range"]["sender_list"]["user_list"]) == tier_a
        assert task.text == "本周新品，欢迎来店体验～" and task.jobid
        assert (
            engine.generate(db.session.get(SopRule, rule_id), now=now + timedelta(days=7)) == 1
        )  # next week


def demo_staff():
    from sidebar import demo

    return demo.STAFF
