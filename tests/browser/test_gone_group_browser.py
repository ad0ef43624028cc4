"""A guide opens (in the preview's 360 px sidebar) a group chat the owner has just dismissed: the sidebar says so in words
(WeCom's 49008), not an error page. Screenshot: ``artifacts/sidebar-group-dismissed.png``."""

from __future__ import annotations

from sidebar import demo


def test_a_dismissed_group_says_so_in_the_sidebar(seeded, preview, browser, emulator, artifacts):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(f"{preview}?member=chenjing")
        with emulator.state.lock:  # dismissed in WeCom after the chat list was drawn
            del emulator.state.group_chats[group.chat_id]
            emulator.state.dismissed_chats.add(group.chat_id)
        page.get_by_role("button", name=group.name).first.click()
        side = page.frame_locator("#sidebar")
        gone = side.get_by_test_id("group-gone")
        gone.wait_for()
        assert "解散" in gone.inner_text()
        frame = page.locator("#sidebar")
        assert 340 <= frame.bounding_box()["width"] <= 380  # the sidebar as WeCom sizes it
        frame.screenshot(path=str(artifacts / "sidebar-group-dismissed.png"))
    finally:
        ctx.close()
