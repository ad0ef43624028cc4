"""The sidebar as a guide sees it on a 360 px phone: every tap target at least 44 × 44 px, the tab bar
keeps the active tab in view, a refused SOP piece says why on the task, and {客户称呼} never carries the
guide's remark. Screenshots of each tab, the today page, the SOP editor and the audit log go to
``artifacts/``."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.customers import salutation
from sidebar.extensions import db
from sidebar.models import CouponTemplate
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of
from tests.web.sidebar.test_tasks import task_for

TABS = [
    "tab-scripts", "tab-materials", "tab-products", "tab-tasks", "tab-timeline", "tab-coupons", "tab-red-packet",
]  # fmt: skip
GROUP_TABS = ["tab-scripts", "tab-materials", "tab-products", "tab-coupons"]
# Wider than the phone: a page that scrolls sideways (the tab bar scrolls on purpose, inside itself).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# What a guide taps: links, buttons, form controls, disclosure summaries.
TAPPABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary"

SMALL_TARGETS = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === "hidden") continue;  // not shown
    if (el.closest("[hidden]")) continue;
    if (r.width < 44 || r.height < 44) {
      out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
}"""


def a_customer_with_a_remark(userid: str = "chenjing") -> demo.DemoCustomer:
    return next(
        c
        for c in map(demo.customer, range(demo.DEFAULT_CUSTOMERS))
        if c.follows[0].userid == userid and c.follows[0].remark and c.orders
    )


def test_every_tap_target_is_at_least_44_px_and_the_active_tab_stays_in_view(
    seeded, preview, context, artifacts
):
    person = a_customer_with_a_remark()
    task_for(seeded, person.external_userid)
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    frame = page.frame_locator("#sidebar")
    side.get_by_test_id("customer-name").wait_for()
    inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
    assert inner.evaluate("window.innerWidth") == 360
    assert inner.evaluate("(s) => document.querySelectorAll(s).length", TAPPABLE) > 15  # it looked
    small = {"profile": inner.evaluate(SMALL_TARGETS, TAPPABLE)}
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-profile.png"))
    for testid in TABS:
        frame.get_by_test_id(testid).click()
        active = frame.locator(".toptabs [aria-current=page]")
        expect(active).to_have_attribute("data-testid", testid)
        inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
        inner.wait_for_load_state()
        # The active tab is inside the 360 px bar, not scrolled off its edge (红包 is the sixth).
        box = inner.evaluate(
            "() => { const r = document.querySelector('.toptabs [aria-current=page]').getBoundingClientRect();"
            " return [r.left, r.right]; }"
        )
        assert box[0] >= 0 and box[1] <= 360, (testid, box)
        small[testid] = inner.evaluate(SMALL_TARGETS, TAPPABLE)
        if wider := inner.evaluate(OVERFLOW):
            small[testid].append(f"the page is {wider} px wider than the phone")
        if testid == "tab-products":  # a screen shows most of a small catalogue, each with its picture
            shown = inner.evaluate(
                "() => [...document.querySelectorAll('[data-testid=product]')]"
                ".filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length"
            )
            assert shown >= 7, shown
            assert inner.locator("img.product-row__picture").count() >= 7
        page.locator("#sidebar").screenshot(path=str(artifacts / f"sidebar-360-{testid[4:]}.png"))
    assert {k: v for k, v in small.items() if v} == {}


def test_the_group_view_and_its_tabs_at_360_px(seeded, preview, context, artifacts):
    group = demo.group_chats()[0]
    page = context.new_page()
    side = open_chat(page, preview, group.owner, group.name)
    side.get_by_test_id("group-name").wait_for()
    frame = page.frame_locator("#sidebar")
    found = {}

    def check(name: str) -> None:
        inner = next(f for f in page.frames if "/sidebar/groups/" in f.url)
        inner.wait_for_load_state()
        found[name] = inner.evaluate(SMALL_TARGETS, TAPPABLE)
        if wider := inner.evaluate(OVERFLOW):
            found[name].append(f"the page is {wider} px wider than the phone")
        page.locator("#sidebar").screenshot(path=str(artifacts / f"sidebar-360-group-{name}.png"))

    # One line per member: a name and a stage chip on one row, the row no taller than two lines of text.
    rows = side.get_by_test_id("member")
    assert rows.count() > 3
    heights = [rows.nth(i).bounding_box()["height"] for i in range(min(rows.count(), 8))]
    assert max(heights) <= 64, heights
    check("view")
    for testid in GROUP_TABS:
        frame.get_by_test_id(testid).click()
        expect(frame.locator(".toptabs [aria-current=page]")).to_have_attribute("data-testid", testid)
        check(testid[4:])
    assert {k: v for k, v in found.items() if v} == {}


def test_the_today_page_at_360_px(seeded, preview, context, artifacts):
    person = a_customer_with_a_remark()
    task_for(seeded, person.external_userid)
    page = context.new_page()
    open_chat(page, preview, "chenjing", person.name).get_by_test_id("customer-name").wait_for()
    today = context.new_page()
    today.set_viewport_size({"width": 360, "height": 740})
    app_url = next(f for f in page.frames if "/sidebar/customers/" in f.url).url.split("/sidebar/")[0]
    today.goto(app_url + "/sidebar/tasks")  # the same signed-in guide
    expect(today.get_by_test_id("today-task").first).to_be_visible()
    assert "新客关怀" in today.get_by_test_id("today-row").first.inner_text()
    assert today.evaluate(SMALL_TARGETS, TAPPABLE) == []
    today.screenshot(path=str(artifacts / "sidebar-360-today.png"), full_page=True)


def test_a_refused_coupon_piece_says_why_on_the_task(seeded, preview, context):
    person = customer_of("chenjing")
    with seeded.app_context():
        template = db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == "新客礼券"))
        template.stock_left = 0  # the coupon ran out after the task was made
        db.session.commit()
    task_for(seeded, person.external_userid, coupon="新客礼券")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-tasks").click()
    side.get_by_test_id("send-task").click()
    error = side.get_by_test_id("task-error")
    expect(error).to_be_visible()
    assert "这张券已发完" in error.inner_text() and "跳过" in error.inner_text()  # why, and what next
    expect(side.get_by_test_id("send-task")).to_have_text("发送剩余内容")  # still pending


def test_a_script_with_the_salutation_never_carries_the_remark(seeded, preview, context):
    person = a_customer_with_a_remark()
    remark = person.follows[0].remark
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-scripts").click()
    side.get_by_test_id("script-search").fill("添加后问候")
    expect(side.get_by_test_id("script")).to_have_count(1)
    side.get_by_test_id("send").first.click()
    bubble = page.locator(".bubble").first
    expect(bubble).to_contain_text("您好，我是")
    sent = bubble.inner_text()
    assert remark not in sent and f"{salutation.default_for(person.name, person.gender)}您好" in sent


def test_a_task_stopped_halfway_says_why_in_words_with_wecoms_own_on_a_line_of_its_own(
    seeded, preview, context, artifacts
):
    person = customer_of("chenjing")
    task_for(seeded, person.external_userid)
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    page.select_option("#fail-mode", "1")  # the second piece fails, as a lost network would
    side.get_by_test_id("tab-tasks").click()
    side.get_by_test_id("send-task").click()
    error = side.get_by_test_id("task-error")
    expect(error).to_be_visible()
    detail = side.get_by_test_id("task-error-detail")
    words = error.inner_text().replace(detail.inner_text(), "")
    assert "企业微信没有发出" in words and "sendChatMessage" not in words and "simulated" not in words
    assert "sendChatMessage:fail" in detail.inner_text()
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-task-stopped.png"))
