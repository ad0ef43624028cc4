"""The SOP editor shows only what applies: the fields of the trigger chosen, the group fields for a group
rule (the owner picked by name) and the customer audience for a customer rule."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import console_as_admin


def test_the_editor_shows_the_fields_of_the_choice_made(seeded, live_app, context, artifacts):
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/sop#new-rule")
    editor = page.get_by_test_id("sop-editor")
    days, weekday, fixed = (
        editor.locator("[name=trigger_days]"), editor.locator("[name=weekday]"), editor.locator("[name=fixed_at]")
    )  # fmt: skip
    page.get_by_test_id("rule-trigger").select_option("weekly")
    expect(weekday).to_be_visible()
    expect(days).to_be_hidden()
    expect(fixed).to_be_hidden()
    page.get_by_test_id("rule-trigger").select_option("fixed")
    expect(fixed).to_be_visible()
    expect(weekday).to_be_hidden()
    page.get_by_test_id("rule-trigger").select_option("birthday")
    expect(days).to_be_visible()

    owner = page.get_by_test_id("rule-group-owner")
    expect(owner).to_be_hidden()
    expect(editor.locator("[name=skin_type]")).to_be_visible()
    page.get_by_test_id("rule-target-groups").check()
    expect(owner).to_be_visible()
    expect(editor.locator("[name=skin_type]")).to_be_hidden()
    assert "陈静" in owner.locator("option").all_inner_texts()  # by name, not a userid to type
    editor.screenshot(path=str(artifacts / "console-sop-editor-groups-1280.png"))
