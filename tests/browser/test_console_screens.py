"""Every page of the console's navigation at 1280 px, as head office sees it: a screenshot of each kept in
``artifacts/`` (console-<group>-<page>-1280.png), the navigation's current page marked, nothing wider
than the window, and no error in the browser's console."""

from __future__ import annotations

from flask_babel import force_locale

from sidebar.web.admin.nav import GROUPS
from tests.browser.conftest import console_as_admin

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_every_console_page_at_1280(seeded, live_app, context, artifacts):
    with seeded.test_request_context(), force_locale("zh"):
        from flask import url_for

        pages = [
            (g.key, link.endpoint.split(".")[1], url_for(link.endpoint), str(link.label))
            for g in GROUPS
            for link in g.links
        ]
    page = console_as_admin(context, live_app.url)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    wide = {}
    for group, name, path, label in pages:
        res = page.goto(live_app.url + path)
        assert res is not None and res.status == 200, (path, res and res.status)
        current = page.locator(".subnav a.is-current, .nav a.is-current").all_inner_texts()
        assert label in current, (path, current)
        if (over := page.evaluate(OVERFLOW)) > 0:
            wide[path] = over
        page.screenshot(path=str(artifacts / f"console-{group}-{name}-1280.png"), full_page=True)
    assert not wide, f"pages wider than 1280 px: {wide}"
    assert not errors, errors
