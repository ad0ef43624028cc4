"""Every console table sorts by its column headers and pages 50 rows at a time (one component in
admin.js, on every table without asking): tried on the products list with 64 products."""

from __future__ import annotations

from playwright.sync_api import expect

from sidebar.extensions import db
from sidebar.models import Product
from tests.browser.conftest import console_as_admin


def test_a_long_table_sorts_by_a_header_and_pages(seeded, live_app, context, artifacts):
    with seeded.app_context():
        for n in range(60):
            db.session.add(Product(sku=f"T{n:03d}", name=f"测试商品{n:03d}", price=(n * 37 % 60 + 1) * 1000))
        db.session.commit()
        prices = sorted(p / 100 for p in db.session.scalars(db.select(Product.price)))
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/products")
    table = page.get_by_test_id("products")
    rows = table.locator("tbody tr:visible")
    expect(rows).to_have_count(50)
    pager = page.get_by_test_id("table-pager")
    expect(pager).to_contain_text(f"第 1–50 条，共 {len(prices)} 条")

    price_header = table.locator("th", has_text="价格")
    price_header.get_by_test_id("sort-column").click()
    expect(price_header).to_have_attribute("aria-sort", "ascending")
    shown = [
        float(t.replace("¥", "").replace(",", "")) for t in rows.locator("td:nth-child(4)").all_inner_texts()
    ]
    assert shown == prices[:50]
    price_header.get_by_test_id("sort-column").click()
    expect(price_header).to_have_attribute("aria-sort", "descending")
    shown = [
        float(t.replace("¥", "").replace(",", "")) for t in rows.locator("td:nth-child(4)").all_inner_texts()
    ]
    assert shown == sorted(prices, reverse=True)[:50]

    pager.get_by_role("button", name="下一页").click()
    expect(rows).to_have_count(len(prices) - 50)
    expect(pager.get_by_role("button", name="下一页")).to_be_disabled()
    shown = [
        float(t.replace("¥", "").replace(",", "")) for t in rows.locator("td:nth-child(4)").all_inner_texts()
    ]
    assert shown == sorted(prices, reverse=True)[50:]
    page.screenshot(path=str(artifacts / "console-table-sorted-paged-1280.png"), full_page=True)
