"""The console's navigation: groups on top, the current group's pages below, only what the viewer may
open."""

from __future__ import annotations

import re

from tests.web.admin.test_console import qr_sign_in


def groups(page: str) -> list[str]:
    top = page.split('class="nav__groups"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", top)


def subnav(page: str) -> list[str]:
    if 'data-testid="subnav"' not in page:
        return []
    below = page.split('data-testid="subnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", below)


def current(page: str) -> list[str]:
    return re.findall(r'class="is-current"[^>]*>([^<>]+)</a>', page)


def test_an_admin_sees_six_groups_and_the_pages_of_the_one_they_are_in(seeded, client):
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/coupons").get_data(as_text=True)
    assert groups(page) == ["概览", "客户", "获客与留存", "话术与素材", "SOP 与权益", "团队"]
    assert subnav(page) == ["SOP", "客户群发", "客户朋友圈", "优惠券", "红包", "商城信号"]
    assert current(page) == ["SOP 与权益", "优惠券"]
    # A page that is not in the menu itself (a rule's editor, a customer) sits in its module's group.
    sop = client.get("/admin/sop").get_data(as_text=True)
    assert current(sop)[0] == "SOP 与权益"
    handovers = client.get("/admin/inheritance").get_data(as_text=True)
    assert subnav(handovers) == [
        "渠道活码",
        "群活码",
        "任务宝",
        "客户公海",
        "获客链接",
        "客户流失",
        "在职转接",
        "离职继承",
        "日报周报",
    ]
    # Every link in every group opens.
    links = set(re.findall(r'<a href="(/admin/[^"]*)"', page.split("</header>")[0]))
    for group_page in {client.get(u).get_data(as_text=True) for u in links}:
        links |= set(re.findall(r'<a href="(/admin/[^"?#]*)"', group_page.split('class="main"')[0]))
    assert len(links) >= 17
    assert all(client.get(u).status_code == 200 for u in links), links


def test_a_manager_is_not_offered_the_admin_pages(seeded, client):
    qr_sign_in(client, "lina")
    page = client.get("/admin/channel-codes").get_data(as_text=True)
    assert "离职继承" not in subnav(page) and "日报周报" not in subnav(page) and "群活码" not in subnav(page)
    assert "渠道活码" in subnav(page)


def test_every_console_page_sits_in_a_group(app):
    """A new page module must be given its group, or its pages would light "overview"."""
    from sidebar.web.admin import nav

    modules = {
        app.view_functions[rule.endpoint].__module__.rsplit(".", 1)[-1]
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
    }
    assert modules - set(nav.BY_MODULE) <= {"login"}
