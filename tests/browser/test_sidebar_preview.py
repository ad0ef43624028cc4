"""The sidebar in chromium, through the preview, as a guide uses it."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Tag
from sidebar.wecom.client import AGENT_TICKET
from sidebar.wecom.gateway import wecom
from tests.sidebar_helpers import XSS, make_hostile
from tests.web.sidebar.test_customers import customer_of

SKIN_ZH = {"dry": "干性", "oily": "油性", "combination": "混合性", "normal": "中性", "sensitive": "敏感性"}


def reach(side, section: str) -> None:
    """Tap a section in the profile's section bar and wait for it to load (orders and notes load when
    the guide reaches them)."""
    side.locator(f"nav.tabs a[href='#{section}']").click()
    side.locator(f"#{section}:not(.card--loading)").wait_for()


def open_chat(page, preview_url: str, member: str, chat_name: str):
    page.goto(f"{preview_url}?member={member}")
    page.get_by_role("button", name=chat_name).first.click()
    return page.frame_locator("#sidebar")


def test_a_guide_edits_a_customer_in_the_preview_and_it_persists(
    seeded, preview, context, emulator, artifacts
):
    person = customer_of("chenjing")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    side = open_chat(page, preview, "chenjing", person.name)

    side.get_by_test_id("customer-name").wait_for()
    assert side.get_by_test_id("customer-name").inner_text() == person.name
    assert side.get_by_test_id("skin-type").inner_text() == SKIN_ZH[person.skin_type]
    assert side.get_by_test_id("tag").count() == len(person.tag_ids)
    reach(side, "orders")
    assert side.get_by_test_id("order").count() == min(10, len(person.orders))

    # Change the skin type in place.
    new_skin = "sensitive" if person.skin_type != "sensitive" else "dry"
    side.get_by_test_id("edit-profile").click()
    side.locator("select[name=skin_type]").select_option(new_skin)
    side.get_by_test_id("save-profile").click()
    side.get_by_test_id("skin-type").filter(has_text=SKIN_ZH[new_skin]).wait_for()

    # Add a tag from the picker.
    with seeded.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.wecom_tag_id.not_in(person.tag_ids)).order_by(Tag.id))
        tag_name, wecom_tag = tag.name, tag.wecom_tag_id
    side.get_by_test_id("add-tag").click()
    side.get_by_test_id("tag-picker").get_by_role("button", name=f"+ {tag_name}").click()
    side.get_by_test_id("tag").filter(has_text=tag_name).wait_for()

    # Add a note.
    reach(side, "notes")
    side.locator("textarea[name=body]").fill("试用装已寄出，下周回访")
    side.get_by_test_id("save-note").click()
    side.get_by_test_id("note").filter(has_text="试用装已寄出，下周回访").wait_for()

    # Reopen the chat: WeCom recreates the sidebar; everything is still there.
    page.get_by_role("button", name=person.name).first.click()
    side = page.frame_locator("#sidebar")
    # The frame reloads under us: wait for what it shows rather than reading it once.
    expect(side.get_by_test_id("skin-type")).to_have_text(SKIN_ZH[new_skin])
    expect(side.get_by_test_id("tag").filter(has_text=tag_name)).to_have_count(1)
    reach(side, "notes")
    assert side.get_by_test_id("note").first.inner_text().startswith("试用装已寄出，下周回访")
    marked = [c["json"] for c in emulator.calls("externalcontact/mark_tag")]
    assert {
        "userid": "chenjing",
        "external_userid": person.external_userid,
        "add_tag": [wecom_tag],
        "remove_tag": [],
    } in marked
    assert dialogs == []


def test_a_group_chat_in_the_preview_shows_the_group(seeded, preview, context):
    group = demo.group_chats()[0]
    page = context.new_page()
    side = open_chat(page, preview, group.owner, group.name)
    side.get_by_test_id("group-name").wait_for()
    assert side.get_by_test_id("group-name").inner_text() == group.name
    members = side.get_by_test_id("member")
    assert members.count() == len(group.staff) + len(group.customers) + len(group.strangers)
    # Our customers link to their profiles.
    first = demo.customer(group.customers[0])
    side.get_by_role("link", name=first.name).click()
    side.get_by_test_id("customer-name").filter(has_text=first.name).wait_for()


def test_hostile_customer_text_is_shown_as_text_and_no_dialog_fires(seeded, preview, context):
    person = customer_of("chenjing")
    make_hostile(seeded, person.external_userid)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("customer-name").wait_for()
    assert side.get_by_test_id("customer-name").inner_text() == XSS
    assert side.get_by_test_id("remark").inner_text() == XSS
    assert side.get_by_test_id("tag").filter(has_text="<img src=x").count() == 1
    reach(side, "orders")
    assert side.locator(".order__title", has_text="<script>").count() == 1
    assert side.locator("img[src=x]").count() == 0 and side.locator("main script").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_the_entry_page_explains_itself_outside_wecom(seeded, live_app, context):
    from urllib.parse import urlsplit

    import requests

    page = context.new_page()
    res = page.goto(live_app.url + "/auth/login?next=/sidebar/")
    # The browser follows OAuth to the emulator's picker; pick a member the way a person would.
    page.get_by_role("link", name="陈静").click()
    page.get_by_role("alert").wait_for()
    assert "企业微信中使用" in page.get_by_role("alert").inner_text()
    assert res is not None and urlsplit(page.url).path == "/sidebar/"
    assert requests.get(live_app.url + "/healthz", timeout=5).status_code == 200


def test_messages_the_sidebar_sends_appear_in_the_chat(seeded, preview, context):
    """What later features send goes through Bridge.sendChatMessage; the preview shows it."""
    person = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("customer-name").wait_for()
    frame = page.locator("#sidebar").element_handle().content_frame()
    frame.evaluate("Bridge.sendChatMessage({msgtype: 'text', text: {content: '<b>您好</b>，新品到了'}})")
    page.locator(".bubble", has_text="<b>您好</b>，新品到了").wait_for()
    assert page.locator(".bubble b").count() == 0  # shown as text
    frame.evaluate(
        "Bridge.sendChatMessage({msgtype: 'text', enterChat: true, text: {content: '放入输入框'}})"
    )
    assert page.locator("#input").input_value() == "放入输入框"
    failed = frame.evaluate("Bridge.getCurExternalChat().then(() => 'ok', e => e.errMsg)")
    assert "not in a group chat" in failed


def test_when_wecom_cannot_be_reached_the_entry_page_says_so_and_retries(
    seeded, preview, context, emulator, artifacts
):
    first, second = customer_of("chenjing"), customer_of("chenjing", not_followed_by="wangfang")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", first.name)
    side.get_by_test_id("customer-name").wait_for()

    # The app's ticket runs out while WeCom stops answering in time (its answers would take 8 s; a
    # person waits WECOM_INTERACTIVE_TIMEOUT, 4 s in the tests).
    with seeded.app_context():
        client = wecom()
        client.credentials.invalidate(AGENT_TICKET, client.agent_ticket())
    emulator.configure(latency=8)
    page.get_by_role("button", name=second.name).first.click()
    alert = side.get_by_role("alert")
    alert.wait_for(timeout=9000)
    assert "无法连接企业微信" in alert.inner_text()
    page.locator("#sidebar").screenshot(path=str(artifacts / "entry-wecom-unreachable.png"))

    # WeCom is back: one tap on retry opens the customer.
    emulator.configure(latency=0)
    side.get_by_test_id("retry").click()
    side.get_by_test_id("customer-name").filter(has_text=second.name).wait_for()


def test_a_chat_opens_its_profile_in_place_without_asking_for_a_signature(seeded, preview, context):
    first = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", first.name)  # signs in
    side.get_by_test_id("customer-name").wait_for()
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.resource_type, r.url)))

    other = page.locator(f".chat[data-kind=single]:not([data-id='{first.external_userid}'])").first
    second_name, second_ext = other.get_attribute("data-name"), other.get_attribute("data-id")
    other.click()  # WeCom recreates the webview
    side.get_by_test_id("customer-name").filter(has_text=second_name).wait_for()
    documents = [url for kind, url in requests if kind == "document" and "/sidebar" in url]
    assert len(documents) == 1 and documents[0].endswith("/sidebar/")  # one page load, the entry
    assert not [url for _, url in requests if "/jssdk/signature" in url]  # it came with the page
    frame = next(f for f in page.frames if "/sidebar/" in f.url)
    assert frame.url.endswith(f"/sidebar/customers/{second_ext}")  # a reload opens it

    # The page shown in place works as if loaded: the section bar and an htmx edit.
    side.locator("nav.tabs a[href='#notes']").click()
    side.locator("nav.tabs a[href='#notes'][aria-current=true]").wait_for()
    side.locator("#notes textarea[name=body]").fill("在侧边栏里写的")
    side.get_by_test_id("save-note").click()
    side.get_by_test_id("note").filter(has_text="在侧边栏里写的").wait_for()
