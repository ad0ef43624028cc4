"""任务宝 end to end in chromium through the preview (the issue's "done when"): the guide sends a customer
their invitation from the sidebar; the customer opens it (WeChat OAuth picks them) and sees their poster;
three new customers scan it in the preview's 扫一扫 and add the guide; the inviter's page shows 3 and the
coupon arrives; one of them deletes the guide inside the hold period and the count goes back to 2."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar.acquisition import codes
from sidebar.extensions import db
from sidebar.growth import campaigns, links, pool
from sidebar.models import (
    CouponTemplate,
    Customer,
    CustomerTag,
    Follow,
    Member,
    PoolAssignment,
    PoolCustomer,
    ReferralCode,
    Staff,
    Tag,
    utcnow,
)
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat
from tests.growth.test_referrals import run_job
from tests.web.sidebar.test_customers import customer_of


def test_a_customer_brings_three_friends_gets_the_coupon_and_loses_one(seeded, preview, context):
    with seeded.app_context():
        template = db.session.scalar(select(CouponTemplate.id).where(CouponTemplate.name == "新客礼券"))
        now = utcnow()
        campaigns.create("冬日老带新", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=30),
                         poster_text="邀请 3 位好友添加顾问，得 50 元新客礼券",
                         rungs=[campaigns.RungSpec(3, "coupon", coupon_template_id=template)])  # fmt: skip
        db.session.commit()
    inviter = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", inviter.name)
    side.get_by_test_id("tab-coupons").click()
    side.get_by_test_id("referral-card").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    side.locator("body").screenshot(path=str(ARTIFACTS / "referral-sidebar-card.png"))
    side.get_by_test_id("referral-card").get_by_test_id("send-referral").click()
    expect(page.locator(".bubble")).to_have_count(1)
    assert "冬日老带新" in page.locator(".bubble").first.inner_text()

    # The customer opens the card in WeChat: their own page, their poster.
    with context.expect_page() as opened:
        page.locator(".bubble__open").last.click()
    mine = opened.value
    mine.set_viewport_size({"width": 360, "height": 740})
    expect(mine.get_by_test_id("referral-counted")).to_have_text("0")
    poster = mine.get_by_test_id("referral-poster")
    expect(poster).to_be_visible()
    assert mine.evaluate("document.querySelector('[data-testid=referral-poster]').naturalWidth") == 750
    ARTIFACTS.mkdir(exist_ok=True)
    mine.screenshot(path=str(ARTIFACTS / "referral-page.png"), full_page=True)

    # Three new customers scan the poster's code and add the guide.
    with seeded.app_context():
        config_id = db.session.scalar(select(ReferralCode.config_id))
    page.locator("#scan-panel summary").click()
    page.locator("#scan-way").select_option(config_id)
    for _ in range(3):
        page.get_by_test_id("scan-new").click()
        expect(page.locator("#scan-result")).to_contain_text("回调已送达")
        page.locator("#scan-result").evaluate("node => node.textContent = ''")
    mine.reload()
    expect(mine.get_by_test_id("referral-counted")).to_have_text("3")
    run_job(seeded)  # the rewards job's minute
    mine.reload()
    expect(mine.get_by_test_id("referral-reward")).to_contain_text("新客礼券")
    expect(mine.get_by_test_id("referral-reward").get_by_role("link")).to_be_visible()
    mine.screenshot(path=str(ARTIFACTS / "referral-rewarded.png"), full_page=True)

    # One friend deletes the guide inside the hold period: the count goes back to 2.
    page.goto(f"{preview}?member=chenjing")
    page.get_by_role("button", name="新客户").first.click()
    page.get_by_test_id("customer-deletes").click()
    expect(page.locator(".bubble").last).to_contain_text("删除了你")
    mine.reload()
    expect(mine.get_by_test_id("referral-counted")).to_have_text("2")
    expect(mine.get_by_test_id("referral-next")).to_contain_text("1")


def test_a_guide_adds_a_pool_customer_by_phone_in_the_preview(seeded, preview, context, live_app):
    """客户公海 in the preview: a buyer known only by phone is on 陈静's list; she adds them by phone
    (扫一扫 → 搜索手机号添加) and the assignment is done, the pre-set tag on the new customer."""
    with seeded.app_context():
        guide = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        tag = db.session.scalar(select(Tag).order_by(Tag.id))
        db.session.add(
            Member(member_no="POOL-B1", phone="+8613911112222", name="孙女士", store_id=guide.store_id)
        )
        db.session.commit()
        pool.refresh(utcnow())
        pool.assign(utcnow(), per_guide=50, tag_ids=[tag.id])
        db.session.commit()
        mine = db.session.scalar(
            select(PoolAssignment).join(PoolCustomer).where(PoolCustomer.phone == "+8613911112222")
        )
        assert mine.staff_id == guide.id
        tag_id, assignment_id = tag.id, mine.id
    page = context.new_page()
    page.goto(f"{preview}?member=chenjing")
    # Her today page at a phone's width (signed in through the emulator's OAuth, as=chenjing).
    sidebar = context.new_page()
    sidebar.set_viewport_size({"width": 360, "height": 900})
    login = sidebar.request.get(f"{live_app.url}/auth/login?next=/sidebar/tasks", max_redirects=0)
    sidebar.goto(login.headers["location"].split("#")[0] + "&as=chenjing")
    expect(sidebar.get_by_test_id("pool-row").first).to_be_visible()
    sidebar.screenshot(path=str(ARTIFACTS / "pool-today.png"), full_page=True)
    page.locator("#scan-panel summary").click()
    page.locator("#add-phone").fill("13911112222")
    page.get_by_test_id("add-by-phone").click()
    expect(page.locator("#scan-result")).to_contain_text("回调已送达")
    with seeded.app_context():
        done = db.session.get(PoolAssignment, assignment_id)
        assert done.status == "added"
        assert db.session.get(CustomerTag, (done.customer_id, tag_id)) is not None


def test_a_customer_opens_an_acquisition_link_in_the_preview(seeded, preview, context):
    """获客助手 in the preview: 扫一扫 lists the links made; opening one with a channel adds its member, and
    the customer names the link as their source."""
    with seeded.app_context():
        guide = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        link = links.create("小红书投放", [guide.id], skip_verify=True, now=utcnow())
        db.session.commit()
        channel = link.channel
    page = context.new_page()
    page.goto(f"{preview}?member=chenjing")
    page.locator("#scan-panel summary").click()
    expect(page.locator("#ca-link option")).to_have_count(1)
    page.locator("#ca-channel").fill(channel)
    page.get_by_test_id("open-ca").click()
    expect(page.locator("#scan-result")).to_contain_text("回调已送达")
    ext = page.locator("#scan-result").inner_text().split(" ")[0]
    with seeded.app_context():
        state = db.session.scalar(select(Follow.state).join(Customer).where(Customer.external_userid == ext))
        assert codes.name_for(state) == "小红书投放"
