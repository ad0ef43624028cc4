"""Browser fixtures: Debian's chromium driven by Playwright (never a downloaded browser).

Skipped when chromium is missing, unless ``REQUIRE_BROWSER=1`` (CI), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sidebar.extensions import huey

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but there is no chromium at {CHROMIUM}")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def preview(live_app, emulator):
    """The emulator's preview pointed at the live app."""
    emulator.state.settings["APP_URL"] = live_app.url
    return emulator.url + "/preview"


def watch_csp(ctx) -> list[str]:
    """Every Content-Security-Policy violation any page of ``ctx`` (or a frame in it) reports."""
    violations: list[str] = []

    def on_page(page) -> None:
        page.on(
            "console",
            lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
        )

    ctx.on("page", on_page)
    return violations


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    violations = watch_csp(ctx)
    yield ctx
    ctx.close()
    # Our pages run under a CSP without inline scripts; anything it blocked is a broken page.
    assert not violations, violations


@pytest.fixture()
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture()
def consumer(monkeypatch):
    """A real job consumer on threads, so the page polls a job that is still running."""
    huey.immediate = False
    worker = huey.create_consumer(workers=2, worker_type="thread", periodic=False, check_worker_health=False)
    monkeypatch.setattr(worker, "_set_signal_handlers", lambda: None)
    worker.start()
    yield worker
    worker.stop(graceful=True)
    huey.immediate = True


def console_as_admin(context, app_url: str):
    """A page signed in to the console as 张伟 (admin) through the emulator's QR login."""
    page = context.new_page()
    page.goto(app_url + "/admin/")
    page.get_by_test_id("wecom-login").click()
    page.get_by_role("link", name="张伟").click()  # the emulator's QR page: pick the admin
    page.get_by_test_id("total").wait_for()
    return page
