"""A tag-based group invitation in chromium through the preview: the guide opens a tagged customer's
chat, sends the invitation task in one tap (the words, then the group code's QR image), and it is done."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.acquisition import group_codes, group_invitations
from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, SopTask, Tag, TagGroup, utcnow
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of


def test_a_guide_sends_a_group_invitation_in_one_tap(seeded, preview, context):
    person = customer_of("chenjing")
    hangzhou = next(g for g in demo.group_chats() if g.owner == "liuyang")
    with seeded.app_context():
        group = db.session.scalar(select(TagGroup).order_by(TagGroup.id))
        tag = Tag(name="价格党", group_id=group.id)
        db.session.add(tag)
        db.session.flush()
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        db.session.add(CustomerTag(customer_id=customer.id, tag_id=tag.id))
        db.session.commit()  # (SQLite: the WeCom client's token lock writes from its own connection)
        code = group_codes.create("价格党福利群", [hangzhou.chat_id])
        invitation = group_invitations.create(
            "价格党邀请", code, {"tags_any": str(tag.id)}, text="{客户称呼}，价格党福利群等你", window_days=7,
            now=utcnow(),
        )  # fmt: skip
        rule_id = invitation.rule_id
        db.session.commit()
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-tasks").click()
    task = side.get_by_test_id("task").filter(has_text="价格党福利群等你")
    expect(task).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    side.locator("body").screenshot(path=str(ARTIFACTS / "group-invitation-task.png"))
    before = page.locator(".bubble").count()
    task.get_by_test_id("send-task").click()
    expect(page.locator(".bubble")).to_have_count(before + 2)
    assert "价格党福利群等你" in page.locator(".bubble").nth(before).inner_text()
    expect(side.get_by_test_id("task").filter(has_text="价格党福利群等你")).to_have_count(0)
    with seeded.app_context():
        done = db.session.scalar(
            select(SopTask).where(SopTask.rule_id == rule_id, SopTask.customer_id == customer.id)
        )
        assert done.status == "done" and done.sent_pieces == 2
