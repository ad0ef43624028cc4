"""The console: sign-in, the scope every list/detail/count/chart/export goes through, CSRF, escaping,
tags synced with WeCom, staff settings, bulk tagging and export jobs."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import AuditLog, Customer, CustomerTag, Follow, Staff, Tag, TagGroup
from tests.sidebar_helpers import make_hostile

PASSWORD = "correct horse battery staple"
EAST = {"chenjing", "wangfang", "liuyang", "lina"}  # 华东 team, lina its manager


def qr_sign_in(client, userid: str):
    """The QR login as the emulator plays it: /admin/login/wecom -> wwlogin (as=userid) -> callback."""
    res = client.get("/admin/login/wecom")
    assert res.status_code == 302 and "/wwlogin/sso/login?" in res.headers["Location"]
    picked = requests.get(res.headers["Location"], params={"as": userid}, allow_redirects=False, timeout=10)
    back = urlsplit(picked.headers["Location"])
    return client.get(back.path + "?" + back.query)


def csrf_token(client, path: str = "/admin/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def customers_of(userids: set[str]) -> set[str]:
    return {
        c.external_userid
        for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
        if {f.userid for f in c.follows} & userids
    }


@pytest.fixture()
def admin_account(seeded, runner):
    result = runner.invoke(args=["create-admin", "root"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return "root"


def local_sign_in(client, username="root", password=PASSWORD):
    client.get("/admin/login")
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True)
    ).group(1)
    return client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})


# -- signing in ------------------------------------------------------------------------------------


def test_a_local_admin_signs_in_and_sees_everything(admin_account, client):
    res = local_sign_in(client)
    assert res.status_code == 303
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="total">300<' in page


def test_a_wrong_password_gets_a_generic_error_and_five_lock_the_account(admin_account, client):
    for _ in range(5):
        res = local_sign_in(client, password="wrong password!!")
        assert res.status_code == 401
        assert "用户名或密码错误" in res.get_data(as_text=True)
    assert local_sign_in(client, username="nobody").status_code == 401
    # Even the right password is refused while locked out, with the same words.
    res = local_sign_in(client)
    assert res.status_code == 401 and "用户名或密码错误" in res.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_create_admin_refuses_a_short_password(seeded, runner):
    result = runner.invoke(args=["create-admin", "weak"], input="short\nshort\n")
    assert result.exit_code != 0 and "12" in result.output


def test_an_admin_or_manager_signs_in_with_the_wecom_qr_flow(seeded, client):
    res = qr_sign_in(client, "lina")
    assert res.status_code == 302 and res.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_guide_cannot_open_the_console(seeded, client):
    assert qr_sign_in(client, "chenjing").status_code == 403
    from tests.sidebar_helpers import sign_in

    sign_in(client, "chenjing")  # signed in to the sidebar
    for path in ("/admin/", "/admin/customers", "/admin/staff", "/admin/tags", "/admin/audit"):
        assert client.get(path).status_code == 403


def test_nobody_signed_in_is_sent_to_the_sign_in_page_or_hx_redirected(seeded, client):
    assert client.get("/admin/customers").headers["Location"].startswith("/admin/login?next=")
    res = client.get("/admin/customers", headers={"HX-Request": "true"})
    assert res.headers["HX-Redirect"].startswith("/admin/login")


# -- the manager's scope ---------------------------------------------------------------------------


def test_a_manager_sees_only_their_team_everywhere(seeded, client, emulator):
    east = customers_of(EAST)
    qr_sign_in(client, "lina")
    # The list and its count.
    page = client.get("/admin/customers", query_string={"per_page": 100}).get_data(as_text=True)
    assert f'data-testid="result-count">{len(east)}<' in page
    # The dashboard.
    assert f'data-testid="total">{len(east)}<' in client.get("/admin/").get_data(as_text=True)
    # Details: in scope 200, outside 404.
    inside = next(iter(east))
    outside = next(c for c in customers_of({"huangli", "zhaomin"}) if c not in east)
    assert client.get(f"/admin/customers/{inside}").status_code == 200
    assert client.get(f"/admin/customers/{outside}").status_code == 404
    # Staff: the team only.
    staff_page = client.get("/admin/staff").get_data(as_text=True)
    assert "陈静" in staff_page and "黄丽" not in staff_page
    # The export holds the team's customers and no one else.
    res = client.post(
        "/admin/customers/export", data={"csrf_token": csrf_token(client)}, headers={"HX-Request": "true"}
    )
    job_id = int(re.search(r"/admin/jobs/(\d+)/download", res.get_data(as_text=True)).group(1))
    with client.get(f"/admin/jobs/{job_id}/download") as download:  # a streamed file: close it
        sheet = load_workbook(io.BytesIO(download.data)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == east


def test_the_dashboard_chart_counts_only_the_scope(seeded, client, live_app, emulator):
    emulator.send_event(
        change_type="del_follow_user", userid="huangli", external_userid=next(iter(customers_of({"huangli"})))
    )
    qr_sign_in(client, "lina")
    page = client.get("/admin/").get_data(as_text=True)
    figures = json.loads(
        re.search(r'<script type="application/json" id="figures">(.*?)</script>', page, re.S).group(1)
    )
    assert sum(figures["lost"]) == 0  # the loss was in 华南
    qr_sign_in(client, "zhangwei")
    figures = json.loads(
        re.search(r'id="figures">(.*?)</script>', client.get("/admin/").get_data(as_text=True), re.S).group(1)
    )
    assert sum(figures["lost"]) == 1


def test_a_job_is_visible_only_to_whoever_started_it(seeded, client, app):
    qr_sign_in(client, "lina")
    res = client.post(
        "/admin/customers/export", data={"csrf_token": csrf_token(client)}, headers={"HX-Request": "true"}
    )
    job_id = int(re.search(r"/admin/jobs/(\d+)/download", res.get_data(as_text=True)).group(1))
    other = app.test_client()
    qr_sign_in(other, "zhaomin")
    assert other.get(f"/admin/jobs/{job_id}").status_code == 404
    with other.get(f"/admin/jobs/{job_id}/download") as download:
        assert download.status_code == 404


# -- filters ---------------------------------------------------------------------------------------


def count_for(client, **params) -> int:
    page = client.get("/admin/customers", query_string=params).get_data(as_text=True)
    return int(re.search(r'data-testid="result-count">([\d,]+)<', page).group(1).replace(",", ""))


def test_filters_match_the_data(seeded, client):
    qr_sign_in(client, "zhangwei")
    people = [demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS)]
    with seeded.app_context():
        perfume = db.session.scalar(select(Tag.id).where(Tag.wecom_tag_id == demo.tag_id("兴趣", "香水")))
        sun = db.session.scalar(select(Tag.id).where(Tag.wecom_tag_id == demo.tag_id("兴趣", "防晒")))
    p_id, s_id = demo.tag_id("兴趣", "香水"), demo.tag_id("兴趣", "防晒")
    assert count_for(client, tags_any=perfume) == sum(p_id in c.tag_ids for c in people)
    assert count_for(client, tags_any=f"{perfume},{sun}") == sum(
        p_id in c.tag_ids or s_id in c.tag_ids for c in people
    )
    assert count_for(client, tags_all=f"{perfume},{sun}") == sum(
        p_id in c.tag_ids and s_id in c.tag_ids for c in people
    )
    assert count_for(client, tags_none=perfume) == sum(p_id not in c.tag_ids for c in people)
    assert count_for(client, skin_type="sensitive") == sum(c.skin_type == "sensitive" for c in people)
    assert count_for(client, follower_id=3, skin_type="dry") >= 0
    spent = [sum(o.total for o in c.orders if o.status != "refunded") for c in people]
    assert count_for(client, spent_min=1000) == sum(s >= 100_000 for s in spent)
    assert count_for(client, spent_min=500, spent_max=1000) == sum(50_000 <= s <= 100_000 for s in spent)
    someone = people[17]
    assert count_for(client, q=someone.phone) == 1
    assert count_for(client, q=someone.name[:2]) >= 1
    assert count_for(client, q="%") == 0  # wildcards are searched for literally


def test_the_list_counts_to_a_bound_counts_exactly_on_request_and_pages_by_links(seeded, client):
    qr_sign_in(client, "zhangwei")
    seeded.config["CUSTOMER_LIST_COUNT_BOUND"] = 30
    page = client.get("/admin/customers", query_string={"skin_type": "dry"}).get_data(as_text=True)
    exact = sum(demo.customer(i).skin_type == "dry" for i in range(demo.DEFAULT_CUSTOMERS))
    assert exact > 30 and 'data-testid="result-count">30+<' in page
    asked = re.search(r'data-testid="count-exactly">', page) and re.search(
        r'href="(/admin/customers/count\?[^"]+)"', page
    ).group(1)
    assert f'data-testid="result-count">{exact}<' in client.get(asked.replace("&amp;", "&")).get_data(
        as_text=True
    )

    seen: list[str] = []
    url = "/admin/customers?skin_type=dry&per_page=20"
    while url:  # every dry customer once, following the Next links
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'href="/admin/customers/([^"/?]+)"', page)
        more = re.search(r'href="([^"]+)" data-testid="page-next"', page)
        url = more.group(1).replace("&amp;", "&") if more else ""
    assert len(seen) == len(set(seen)) == exact
    back = re.search(r'href="([^"]+)" data-testid="page-previous"', page).group(1).replace("&amp;", "&")
    before_last = re.findall(r'href="/admin/customers/([^"/?]+)"', client.get(back).get_data(as_text=True))
    assert before_last == seen[-20 - (exact % 20 or 20) : -(exact % 20 or 20)]


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 101},
        {"per_page": 0},
        {"after": "x"},
        {"tags_any": "a,b"},
        {"sort": "evil"},
        {"skin_type": "scaly"},
        {"added_from": "yesterday"},
    ],
)
def test_nonsense_filters_answer_400(seeded, client, params):
    qr_sign_in(client, "zhangwei")
    assert client.get("/admin/customers", query_string=params).status_code == 400


# -- CSRF and escaping -----------------------------------------------------------------------------


def test_every_console_form_refuses_a_post_without_the_token(seeded, client):
    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        tag_id = db.session.scalar(select(Tag.id))
        group_id = db.session.scalar(select(TagGroup.id))
        staff_id = db.session.scalar(select(Staff.id))
    posts = [
        "/admin/customers/bulk-tags",
        "/admin/customers/export",
        f"/admin/staff/{staff_id}",
        "/admin/staff/sync",
        "/admin/tags/groups",
        f"/admin/tags/groups/{group_id}/tags",
        f"/admin/tags/groups/{group_id}/rename",
        f"/admin/tags/groups/{group_id}/delete",
        f"/admin/tags/{tag_id}/rename",
        f"/admin/tags/{tag_id}/move",
        f"/admin/tags/{tag_id}/delete",
        "/admin/logout",
        "/admin/login",
    ]
    for path in posts:
        assert client.post(path, data={"name": "x"}).status_code == 400, path
    with seeded.app_context():
        assert db.session.get(Tag, tag_id) is not None


def test_customer_text_is_escaped_in_the_console(seeded, client):
    person = next(c for c in (demo.customer(i) for i in range(50)) if c.follows[0].userid == "chenjing")
    make_hostile(seeded, person.external_userid)
    qr_sign_in(client, "zhangwei")
    for path in (
        f"/admin/customers?q={person.phone}",
        f"/admin/customers/{person.external_userid}",
        "/admin/",
        "/admin/tags",
    ):
        html = client.get(path).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>alert" not in html, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, path


# -- tags ------------------------------------------------------------------------------------------


def test_tags_are_created_renamed_moved_and_deleted_in_wecom_too(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")
    assert (
        client.post(
            "/admin/tags/groups", data={"csrf_token": token, "name": "节日", "first_tag": "七夕"}
        ).status_code
        == 303
    )
    with seeded.app_context():
        group = db.session.scalar(select(TagGroup).where(TagGroup.name == "节日"))
        group_id, first = group.id, group.tags[0]
        assert group.wecom_group_id in {g["group_id"] for g in emulator.state.tag_groups}
        first_id, first_wecom = first.id, first.wecom_tag_id
    client.post(f"/admin/tags/groups/{group_id}/tags", data={"csrf_token": token, "name": "双十一"})
    client.post(f"/admin/tags/{first_id}/rename", data={"csrf_token": token, "name": "情人节"})
    wecom_names = {t["id"]: t["name"] for g in emulator.state.tag_groups for t in g["tag"]}
    assert wecom_names[first_wecom] == "情人节" and "双十一" in wecom_names.values()
    page = client.get("/admin/tags").get_data(as_text=True)
    assert page.index("双十一") < page.index("情人节")  # a new tag goes on top, as in WeCom
    client.post(f"/admin/tags/{first_id}/move", data={"csrf_token": token, "direction": "up"})
    page = client.get("/admin/tags").get_data(as_text=True)
    assert page.index("情人节") < page.index("双十一")
    client.post(f"/admin/tags/{first_id}/delete", data={"csrf_token": token})
    assert first_wecom not in {t["id"] for g in emulator.state.tag_groups for t in g["tag"]}
    with seeded.app_context():
        actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"tag_group_created", "tag_created", "tag_renamed", "tag_moved", "tag_deleted"} <= actions


def test_a_local_tag_group_never_reaches_wecom(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")
    before = len(emulator.calls("externalcontact/add_corp_tag"))
    client.post(
        "/admin/tags/groups",
        data={"csrf_token": token, "name": "门店活动（本地）", "first_tag": "周年庆到店礼领取", "local": "1"},
    )
    assert len(emulator.calls("externalcontact/add_corp_tag")) == before
    assert "本地" in client.get("/admin/tags").get_data(as_text=True)


def test_wecom_refusing_a_tag_change_changes_nothing(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/tags")
    emulator.configure(always_error={"externalcontact/add_corp_tag": 60020})
    res = client.post("/admin/tags/groups", data={"csrf_token": token, "name": "节日", "first_tag": "七夕"})
    assert res.status_code == 422
    with seeded.app_context():
        assert db.session.scalar(select(TagGroup).where(TagGroup.name == "节日")) is None
    assert (
        client.post(
            "/admin/tags/groups", data={"csrf_token": token, "name": "x", "first_tag": "一" * 16}
        ).status_code
        == 422
    )


def test_managers_cannot_change_configuration(seeded, client):
    qr_sign_in(client, "lina")
    token = csrf_token(client)
    assert (
        client.post(
            "/admin/tags/groups", data={"csrf_token": token, "name": "x", "first_tag": "y"}
        ).status_code
        == 403
    )
    assert (
        client.post("/admin/staff/3", data={"csrf_token": token, "role": "admin", "tier": "A"}).status_code
        == 403
    )


# -- staff -----------------------------------------------------------------------------------------


def test_staff_settings_change_and_are_audited(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/staff")
    with seeded.app_context():
        person = db.session.scalar(select(Staff).where(Staff.userid == "wangfang"))
        person_id, team_id = person.id, person.team_id
    res = client.post(
        f"/admin/staff/{person_id}",
        data={"csrf_token": token, "role": "manager", "team_id": team_id, "store_id": "", "tier": "A"},
    )
    assert res.status_code == 303
    with seeded.app_context():
        person = db.session.get(Staff, person_id)
        # The tier is not set here (computed, or overridden with a reason on the guide's page).
        assert (person.role, person.tier, person.store_id) == ("manager", "B", None)
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "staff_updated"))
        assert entry.actor == "zhangwei" and json.loads(entry.detail)["role"] == {
            "old": "guide",
            "new": "manager",
        }
    # The log reads in words: who (name and role), what, and on whom.
    html = client.get("/admin/audit").get_data(as_text=True)
    row = html[html.index('data-testid="audit-row"') :]
    row = row[: row.index("</tr>")]
    assert "张伟" in row and "修改了成员的角色、团队或分层" in row and "王芳" in row


def test_resigned_staff_are_listed_with_the_customers_they_still_hold(seeded, client):
    with seeded.app_context():
        sunhao = db.session.scalar(select(Staff).where(Staff.userid == "sunhao"))
        held = sum(
            1 for i in range(demo.DEFAULT_CUSTOMERS) for f in demo.customer(i).follows if f.userid == "sunhao"
        )
        customer = db.session.scalar(select(Customer).order_by(Customer.id))
        if customer.id not in set(
            db.session.scalars(select(Follow.customer_id).where(Follow.staff_id == sunhao.id))
        ):
            db.session.add(Follow(staff_id=sunhao.id, customer_id=customer.id))
            held += 1
        db.session.commit()
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/staff").get_data(as_text=True)
    row = re.search(r"孙浩.*?</tr>", page, re.S).group(0)
    assert "离职" in row and f'<td class="num">{held}</td>' in row


# -- bulk tagging ----------------------------------------------------------------------------------


def test_bulk_tagging_a_filtered_set_finishes_and_reaches_wecom(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        sensitive_tag = db.session.scalar(
            select(Tag.id).where(Tag.wecom_tag_id == demo.SKIN_TAG["sensitive"])
        )
        vip = db.session.scalar(select(Tag).where(Tag.wecom_tag_id == demo.tag_id("购买意向", "高意向")))
        vip_id, vip_wecom = vip.id, vip.wecom_tag_id
    targets = [
        c
        for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
        if demo.SKIN_TAG["sensitive"] in c.tag_ids
    ]
    res = client.post(
        "/admin/customers/bulk-tags",
        query_string={"tags_any": sensitive_tag},
        data={"csrf_token": csrf_token(client), "add_tag": vip_id},
        headers={"HX-Request": "true"},
    )
    assert 'data-status="done"' in res.get_data(as_text=True)
    with seeded.app_context():
        tagged = db.session.scalar(
            select(func.count())
            .select_from(CustomerTag)
            .join(Customer, Customer.id == CustomerTag.customer_id)
            .where(
                CustomerTag.tag_id == vip_id,
                CustomerTag.sync_status == "synced",
                Customer.external_userid.in_([c.external_userid for c in targets]),
            )
        )
    already = sum(vip_wecom in c.tag_ids for c in targets)
    assert tagged == len(targets)
    calls = [c["json"] for c in emulator.calls("externalcontact/mark_tag")]
    assert len(calls) == len(targets) - already
    assert all(c["add_tag"] == [vip_wecom] for c in calls)
    assert {c["external_userid"] for c in calls} == {
        c.external_userid for c in targets if vip_wecom not in c.tag_ids
    }


def test_bulk_tagging_needs_a_tag(seeded, client):
    qr_sign_in(client, "zhangwei")
    res = client.post(
        "/admin/customers/bulk-tags", data={"csrf_token": csrf_token(client)}, headers={"HX-Request": "true"}
    )
    assert res.status_code == 422


def test_relative_filters_for_sop_audiences(seeded, client):
    from datetime import UTC, datetime, timedelta

    qr_sign_in(client, "zhangwei")
    people = [demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS)]
    now = datetime.now(UTC)

    def added_within(c, low, high):
        return any(
            now - timedelta(days=high + 1)
            < datetime.fromtimestamp(f.createtime, UTC)
            <= now - timedelta(days=low)
            for f in c.follows
        )

    assert count_for(client, added_days_min=0, added_days_max=60) == sum(
        added_within(c, 0, 60) for c in people
    )

    # The last order that counts: a refunded one is not a purchase.
    def last_bought(c):
        return max((o.paid_at for o in c.orders if o.status not in ("refunded", "cancelled")), default=None)

    assert count_for(client, order_days_max=90) == sum(
        last_bought(c) is not None and last_bought(c) > now - timedelta(days=91) for c in people
    )
    soon = {(now + timedelta(days=n)).strftime("%m-%d") for n in range(31)}
    assert count_for(client, birthday_within=30) == sum(
        bool(c.birthday) and c.birthday.strftime("%m-%d") in soon for c in people
    )
    assert count_for(client, state="live_1111") == sum(
        any(f.state == "live_1111" for f in c.follows) for c in people
    )
    assert client.get("/admin/customers", query_string={"birthday_within": 999}).status_code == 400


def test_ticked_rows_outside_a_managers_region_are_not_touched(seeded, client):
    """A manager who ticks (or forges) a customer of another region changes nobody there: the ticked ids
    narrow the filter inside the manager's scope, never widen it."""
    qr_sign_in(client, "lina")  # 华东
    mine = next(
        c for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS)) if c.follows[0].userid == "chenjing"
    )
    theirs = next(
        c for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS))
        if {f.userid for f in c.follows} == {"huangli"}
    )  # fmt: skip
    with seeded.app_context():
        ids = dict(
            db.session.execute(
                select(Customer.external_userid, Customer.id).where(
                    Customer.external_userid.in_([mine.external_userid, theirs.external_userid])
                )
            ).all()
        )
        tag_id = db.session.scalar(
            select(Tag.id).where(Tag.wecom_tag_id == demo.tag_id("购买意向", "观望中"))
        )
    res = client.post(
        "/admin/customers/bulk-tags",
        data={
            "csrf_token": csrf_token(client),
            "add_tag": tag_id,
            "only_ids": [ids[mine.external_userid], ids[theirs.external_userid]],
        },
        headers={"HX-Request": "true"},
    )
    assert 'data-status="done"' in res.get_data(as_text=True)
    with seeded.app_context():
        got = set(
            db.session.scalars(
                select(Customer.external_userid)
                .join(CustomerTag, CustomerTag.customer_id == Customer.id)
                .where(CustomerTag.tag_id == tag_id, Customer.id.in_(list(ids.values())))
            )
        )
    assert theirs.external_userid not in got
    assert mine.external_userid in got
