"""The material radar in chromium through the preview: a guide sends the PDF brochure as a tracked link,
the customer opens it from the chat (以客户身份打开: WeChat OAuth as that customer, through the emulator)
and reads its pages in the page; the guide's timeline shows the open and WeCom got one app message."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import LinkView
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of


def test_a_tracked_pdf_opened_by_the_customer_shows_in_the_guides_timeline(
    seeded, preview, context, emulator
):
    person = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-materials").click()
    brochure = side.get_by_test_id("material").filter(has_text="秋冬护肤手册")
    expect(brochure.get_by_test_id("tracked-badge")).to_be_visible()
    brochure.get_by_test_id("send-material").click()
    page.locator(".bubble", has_text="[链接] 秋冬护肤手册").wait_for()

    with context.expect_page() as opened:
        page.locator(".bubble__open").last.click()
    reader = opened.value
    reader.set_viewport_size({"width": 360, "height": 640})
    expect(reader.get_by_test_id("pdf-page")).to_have_count(1, timeout=15000)
    expect(reader.get_by_test_id("privacy-notice")).to_be_visible()
    assert person.name not in reader.content()
    ARTIFACTS.mkdir(exist_ok=True)
    reader.screenshot(path=str(ARTIFACTS / "radar-tracked-pdf.png"))
    # Leaving the page sends the reading time.
    reader.wait_for_timeout(1200)
    reader.close(run_before_unload=True)

    messages = [m for m in emulator.state.messages if "正在看" in m.get("text", {}).get("content", "")]
    assert len(messages) == 1
    assert messages[0]["touser"] == "chenjing" and "《秋冬护肤手册》" in messages[0]["text"]["content"]

    side.get_by_test_id("tab-timeline").click()
    entry = side.get_by_test_id("timeline-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("打开了《秋冬护肤手册》")
    side.locator("body").screenshot(path=str(ARTIFACTS / "radar-timeline.png"))
    with seeded.app_context():
        view = db.session.scalar(select(LinkView))
        assert view is not None and not view.forwarded
