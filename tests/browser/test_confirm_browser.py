"""Destructive actions ask first, in the console's own dialog naming what goes, and every change says what
it did: deleting a WeCom tag in chromium — cancelled, nothing changes; confirmed, it is gone from the page
and from WeCom, and the page says so."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Tag
from tests.browser.conftest import console_as_admin


def test_deleting_a_tag_asks_first_and_says_what_happened(seeded, live_app, context, artifacts, emulator):
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/tags")
    row = page.get_by_test_id("tag-row").filter(has_text="防晒").first
    row.get_by_role("button", name="删除").click()
    dialog = page.locator("dialog#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("删除标签“防晒”")
    page.screenshot(path=str(artifacts / "console-confirm-1280.png"))
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    with seeded.app_context():
        assert db.session.scalar(select(Tag).where(Tag.name == "防晒")) is not None  # nothing changed

    row.get_by_role("button", name="删除").click()
    dialog.get_by_test_id("confirm-ok").click()
    # Deleting a tag customers carry asks once more on its own page (what it changes): confirm that too.
    if page.get_by_test_id("confirm-delete").count():
        page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("flash")).to_contain_text("删除了标签“防晒”")
    expect(page.get_by_test_id("tag-row").filter(has_text="防晒")).to_have_count(0)
    assert emulator.calls("externalcontact/del_corp_tag")


def test_moving_many_customers_ticks_them_all_counts_them_and_asks_with_the_count(
    seeded, live_app, context, artifacts, emulator
):
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/transfers")
    page.get_by_test_id("transfer-from").select_option(label="陈静")
    page.get_by_role("button", name="查看客户").click()
    boxes = page.locator("input[name=customer_id]")
    total = boxes.count()
    assert total > 3
    expect(page.get_by_test_id("transfer-count")).to_have_text("已选 0 位")
    page.get_by_test_id("transfer-all").check()
    expect(page.get_by_test_id("transfer-count")).to_have_text(f"已选 {total} 位")
    boxes.first.uncheck()
    expect(page.get_by_test_id("transfer-count")).to_have_text(f"已选 {total - 1} 位")
    # The action bar stays in view at the bottom of a long list.
    bar = page.locator(".actions--sticky")
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= page.viewport_size["height"] + 1
    page.get_by_test_id("transfer-to").select_option(label="王芳")
    message = page.get_by_test_id("transfer-message").input_value()
    assert "找她" not in message and "找他" not in message
    page.get_by_test_id("transfer-submit").click()
    dialog = page.locator("dialog#confirm-dialog")
    expect(dialog).to_contain_text(f"勾选的 {total - 1} 位客户")
    page.screenshot(path=str(artifacts / "console-transfer-confirm-1280.png"))
    dialog.get_by_role("button", name="取消").click()
    assert not emulator.calls("externalcontact/transfer_customer")
