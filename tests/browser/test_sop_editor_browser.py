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


def test_a_group_rule_opens_for_editing_with_its_group_fields_and_saves(seeded, live_app, context, artifacts):
    from sidebar import demo

    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/sop")
    page.get_by_role("link", name=demo.GROUP_SOP_RULES[0][0]).click()
    page.get_by_test_id("edit-rule").click()
    editor = page.get_by_test_id("sop-editor")
    expect(page.get_by_test_id("rule-target-fixed")).to_be_visible()
    expect(page.get_by_test_id("rule-group-owner")).to_be_visible()  # the group fields, not the customers'
    expect(editor.locator("[name=skin_type]")).to_be_hidden()
    expect(editor.locator("[name=weekday]")).to_be_visible()
    expect(editor.locator("[name=step0_text]")).to_have_value(demo.GROUP_SOP_RULES[0][1][0][0])
    expect(page.get_by_test_id("edit-note")).to_contain_text("尚未生成的任务")
    page.screenshot(path=str(artifacts / "console-sop-edit-1280.png"), full_page=True)
    editor.locator("[name=step0_text]").fill("本周群活动：周五晚 8 点直播")
    page.get_by_test_id("save-rule").click()
    expect(page.get_by_role("status").first).to_contain_text("修改了 SOP 规则")
    expect(page.locator("main")).to_contain_text("本周群活动：周五晚 8 点直播")
