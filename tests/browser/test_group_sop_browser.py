"""Group SOP in chromium through the preview: the owner opens the group chat, sends the week's group
task from the group view; the group's bubbles show its pieces and the task counts done."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import GroupChat, GroupSopTask, TaskStatus, utcnow
from sidebar.sop import engine
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat


def test_a_group_sop_task_is_sent_into_the_group_and_counts_done(seeded, preview, context):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    with seeded.app_context():
        engine.run(now=utcnow())  # the demo's weekly group rule falls due today
        db.session.commit()
    page = context.new_page()
    side = open_chat(page, preview, group.owner, group.name)
    task = side.get_by_test_id("group-task")
    expect(task).to_have_count(1)
    expect(task.get_by_test_id("piece")).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)
    side.locator("#tasks").screenshot(path=str(ARTIFACTS / "group-sop-task.png"))
    task.get_by_test_id("send-group-task").click()
    expect(page.locator(".bubble")).to_have_count(2)
    assert "各位晚上好" in page.locator(".bubble").first.inner_text()
    expect(side.get_by_test_id("no-group-tasks")).to_be_visible()
    with seeded.app_context():
        done = db.session.scalar(
            select(GroupSopTask).join(GroupChat).where(GroupChat.chat_id == group.chat_id)
        )
        assert done.status == TaskStatus.DONE.value and done.sent_pieces == 2


def test_the_today_page_opens_a_group_with_tasks_in_one_tap(seeded, preview, context, artifacts):
    """A group task on the today page: the row on one line at 360 px, and 打开群聊 opens that group's
    chat in WeCom (openExistedChatWithMsg), whose sidebar then shows the task."""
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    with seeded.app_context():
        engine.run(now=utcnow())
        db.session.commit()
    page = context.new_page()
    page.set_viewport_size({"width": 1000, "height": 800})
    someone = demo.customer(next(i for i in group.customers))
    open_chat(page, preview, "chenjing", someone.name).get_by_test_id("customer-name").wait_for()
    inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
    inner.goto(inner.url.split("/sidebar/")[0] + "/sidebar/tasks")
    row = inner.get_by_test_id("today-group-row").filter(has_text=group.name)
    expect(row).to_have_count(1)
    assert row.bounding_box()["height"] <= 64  # "1 个任务" does not wrap
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-today-groups.png"))
    row.get_by_test_id("open-group").click()
    side = page.frame_locator("#sidebar")
    expect(side.get_by_test_id("group-name")).to_have_text(group.name)
    expect(side.get_by_test_id("group-task")).to_have_count(1)
