"""The scripts tab in chromium through the preview: search, send, put in the input box."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar.customers import salutation
from sidebar.extensions import db
from sidebar.models import Script, Send
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of


def wait_for_rows(app, page, query, n: int, seconds: float = 5) -> list:
    """Rows the page writes just after WeCom answers: poll until ``n`` are there (or time runs out)."""
    rows: list = []
    for _ in range(int(seconds * 10)):
        with app.app_context():
            rows = sorted(db.session.scalars(query))
        if len(rows) >= n:
            break
        page.wait_for_timeout(100)
    return rows


def test_search_and_send_a_script_with_the_customers_name_filled_in(seeded, preview, context):
    person = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-scripts").click()
    side.get_by_test_id("script-search").fill("物流")
    expect(side.get_by_test_id("script")).to_have_count(1)  # the search has answered
    expect(side.get_by_test_id("script")).to_contain_text("订单已经发出")

    side.get_by_test_id("send").first.click()
    expected = f"{salutation.default_for(person.name, person.gender)}您好，订单已经发出啦，快递单号稍后发您，有问题随时联系陈静。"
    page.locator(".bubble", has_text=expected).wait_for()
    side.get_by_test_id("enter").first.click()
    page.wait_for_function("document.getElementById('input').value.length > 0")
    assert page.locator("#input").input_value() == expected

    with seeded.app_context():
        script_id = db.session.scalar(select(Script.id).where(Script.title == "物流查询"))
    query = select(Send.result).where(Send.kind == "script", Send.ref_id == script_id)
    assert wait_for_rows(seeded, page, query, 2) == ["entered", "ok"]  # posted after WeCom's answers
    with seeded.app_context():
        assert db.session.get(Script, script_id).use_count == 2


def test_a_hostile_script_shows_as_text_and_is_sent_as_that_text(seeded, preview, context):
    person = customer_of("chenjing")
    with seeded.app_context():
        db.session.add(Script(scope="enterprise", title="XSS", body="<script>alert(1)</script>"))
        db.session.commit()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-scripts").click()
    side.get_by_test_id("script-search").fill("alert")
    item = side.get_by_test_id("script").filter(has_text="<script>alert(1)</script>")
    item.wait_for()
    item.get_by_test_id("send").click()
    page.locator(".bubble", has_text="<script>alert(1)</script>").wait_for()
    assert dialogs == []
    assert len(wait_for_rows(seeded, page, select(Send.id), 1)) == 1


def test_an_image_material_is_uploaded_and_sent(seeded, preview, context, emulator):
    person = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-materials").click()
    poster = side.get_by_test_id("material").filter(has_text="秋冬修护系列海报")
    poster.get_by_test_id("send-material").click()
    page.locator(".bubble", has_text="[image]").wait_for()
    media_ids = list(emulator.state.media)
    assert len(media_ids) == 1 and media_ids[0] in page.locator(".bubble").first.inner_text()
    link = side.get_by_test_id("material").filter(has_text="敏感肌护理指南")
    link.get_by_test_id("send-material").click()
    page.locator(".bubble", has_text="[链接] 敏感肌护理指南").wait_for()
