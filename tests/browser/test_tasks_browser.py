"""SOP tasks in chromium through the preview: one tap sends the pieces in order; a failed send leaves
the task pending with what went out."""

from __future__ import annotations

from playwright.sync_api import expect

from sidebar.customers import salutation
from sidebar.extensions import db
from sidebar.models import SopTask
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of
from tests.web.sidebar.test_tasks import task_for


def test_one_tap_sends_the_pieces_in_order_and_completes_the_task(seeded, preview, context):
    person = customer_of("chenjing")
    task_id = task_for(seeded, person.external_userid)
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-tasks").click()
    side.get_by_test_id("send-task").click()
    greeting = salutation.default_for(person.name, person.gender)
    expect(page.locator(".bubble")).to_have_count(2)
    texts = page.locator(".bubble").all_inner_texts()
    assert f"{greeting}，最近皮肤状态怎么样？" in texts[0] and "防晒" in texts[1]
    expect(side.get_by_test_id("no-tasks")).to_be_visible()
    with seeded.app_context():
        assert db.session.get(SopTask, task_id).status == "done"


def test_a_send_that_fails_halfway_leaves_the_task_pending(seeded, preview, context):
    person = customer_of("chenjing")
    task_id = task_for(seeded, person.external_userid)
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-tasks").click()
    page.locator("#fail-mode").select_option("1")  # the second send fails
    side.get_by_test_id("send-task").click()
    expect(side.get_by_test_id("send-task")).to_have_text("发送剩余内容")
    assert page.locator(".bubble").count() == 1
    with seeded.app_context():
        task = db.session.get(SopTask, task_id)
        assert (task.status, task.sent_pieces) == ("pending", 1)
    side.get_by_test_id("send-task").click()  # the switch is back to normal: the rest goes out
    expect(side.get_by_test_id("no-tasks")).to_be_visible()
    expect(page.locator(".bubble")).to_have_count(2)
