"""An admin imports a Tmall order file in chromium: the progress bar runs, and the customer's sidebar then
shows the new orders, the lifecycle stage and the RFM segment computed from them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sidebar import demo
from tests.browser.conftest import console_as_admin
from tests.browser.test_sidebar_preview import open_chat, reach

HEADERS = ["订单编号", "买家会员名", "买家实际支付金额", "订单状态", "联系手机", "订单创建时间", "订单付款时间",
           "宝贝标题", "宝贝总数量"]  # fmt: skip


def prospect_of(userid: str) -> demo.DemoCustomer:
    """The customer this guide added last among those who never bought (the preview lists the chats
    added last)."""
    prospects = [
        c
        for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
        if not c.orders and c.type == 1 and c.follows[0].userid == userid
    ]
    return max(prospects, key=lambda c: c.follows[0].createtime)


def tmall_file(person: demo.DemoCustomer, filler: int) -> bytes:
    """Two orders of ``person`` (by phone), then ``filler`` orders of buyers we cannot match yet (masked
    phones, as Tmall exports them), so the import takes long enough to watch."""
    today = demo.today()
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADERS)
    for n, (days, amount, title) in enumerate([(20, "399.00", "修护精华 30ml"), (3, "598.00", "水光面膜")]):
        paid = (today - timedelta(days=days)).isoformat() + " 20:00:00"
        w.writerow([f"BROWSER-{n}", "tb_buyer", amount, "交易成功", person.phone[3:], paid, paid, title, "1"])
    for n in range(filler):
        w.writerow([f"FILL-{n}", f"tb_{n}", "99.00", "交易成功", "138****0000", "2026-10-01 10:00:00",
                    "2026-10-01 10:00:05", "洁面乳", "1"])  # fmt: skip
    return out.getvalue().encode("gb18030")


def test_an_admin_imports_a_tmall_file_and_the_sidebar_shows_what_it_computed(
    seeded, live_app, preview, context, consumer, artifacts, tmp_path
):
    person = prospect_of("chenjing")
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(tmall_file(person, filler=6000))

    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/data")
    page.get_by_test_id("to-imports").click()
    page.get_by_test_id("import-orders").wait_for()
    page.screenshot(path=str(artifacts / "console-imports.png"), full_page=True)

    form = page.get_by_test_id("import-orders")
    form.locator("select[name=preset]").select_option("tmall")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="导入").click()

    job = page.get_by_test_id("job")
    job.wait_for()
    seen = [(job.get_attribute("data-status"), page.locator("progress").get_attribute("value"))]
    page.locator('[data-testid=job][data-status="done"]').wait_for(timeout=120_000)
    page.screenshot(path=str(artifacts / "console-import.png"), full_page=True)
    assert seen[0][0] in ("queued", "running")  # the bar was there before the import finished
    assert page.locator("progress").get_attribute("value") == "100"
    assert page.locator('[data-count="created"]').inner_text() == "6,002"
    assert page.locator('[data-count="refused"]').inner_text() == "0"

    guide = page.context.new_page()
    side = open_chat(guide, preview, "chenjing", person.name)
    side.get_by_test_id("customer-name").wait_for()
    reach(side, "orders")
    orders = side.get_by_test_id("order")
    assert orders.count() == 2
    assert "天猫" in orders.first.inner_text() and "水光面膜" in orders.first.inner_text()
    assert "按手机号关联" in orders.first.inner_text()  # how it was matched
    assert "成熟期" in side.get_by_test_id("lifecycle").inner_text()  # two purchases: a repeat buyer
    rfm = side.get_by_test_id("rfm").inner_text()
    assert "客户" in rfm and "尚未计算" not in rfm  # a segment in words, e.g. 重要发展客户
    side.get_by_test_id("order").first.scroll_into_view_if_needed()
    guide.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-after-import.png"))
