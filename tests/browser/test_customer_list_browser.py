"""The console's customer list in chromium: the common filters in view and the rest folded, columns that
sort, and rows ticked for a bulk change that touches exactly those customers (after asking, with the
count)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, Tag
from tests.browser.conftest import console_as_admin


def tagged(app) -> set[str]:
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "高意向"))
        return set(
            db.session.scalars(
                select(Customer.name)
                .join(CustomerTag, CustomerTag.customer_id == Customer.id)
                .where(CustomerTag.tag_id == tag_id)
            )
        )


def test_ticked_rows_get_the_tag_and_no_one_else(seeded, live_app, context, artifacts):
    before = tagged(seeded)
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/customers")
    more = page.get_by_test_id("more-filters")
    expect(more).not_to_have_attribute("open", "")  # folded: the first screen shows customers
    page.screenshot(path=str(artifacts / "console-customers-1280.png"))

    page.get_by_test_id("sort-spent").click()
    expect(page).to_have_url(live_app.url + "/admin/customers?sort=spent")
    spent = [
        float(t.replace("¥", "").replace(",", ""))
        for t in page.locator("[data-testid=customer-row] td.num:nth-of-type(7)").all_inner_texts()
    ]
    assert spent == sorted(spent, reverse=True) and len(spent) > 5

    rows = page.get_by_test_id("customer-row")
    untagged = [i for i in range(rows.count()) if rows.nth(i).locator("a").inner_text() not in before][:2]
    chosen = [rows.nth(i).locator("a").inner_text() for i in untagged]
    for i in untagged:
        rows.nth(i).get_by_test_id("tick-row").check()
    expect(page.get_by_test_id("bulk-apply")).to_have_text("应用到勾选的 2 位")
    page.get_by_test_id("bulk-add").select_option(label="高意向")
    page.get_by_test_id("bulk-apply").click()
    dialog = page.locator("dialog#confirm-dialog")
    expect(dialog).to_contain_text("勾选的 2 位客户")
    dialog.get_by_test_id("confirm-ok").click()
    expect(page.locator("#job [data-status=done]")).to_be_visible()
    assert tagged(seeded) - before == set(chosen)
