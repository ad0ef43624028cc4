"""The page budget (DESIGN.md §5.7): a cold first open of the sidebar transfers at most 80 KB
compressed in at most 6 requests; a second open fetches no static file again. Also the screenshot."""

from __future__ import annotations

from tests.conftest import Served
from tests.web.sidebar.test_customers import customer_of

BUDGET_BYTES = 80 * 1024
BUDGET_REQUESTS = 6


class CountingApp:
    """Records the path of every request that reaches the app over the network."""

    def __init__(self, app):
        self.app = app
        self.paths: list[str] = []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


def test_first_open_fits_the_budget_and_a_second_open_reuses_static_files(
    seeded, emulator, browser, artifacts
):
    person = customer_of("chenjing")
    counting = CountingApp(seeded)
    server = Served(counting)
    ctx = browser.new_context(
        viewport={"width": 360, "height": 780},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    try:
        page = ctx.new_page()
        # Sign in first (the OAuth redirects land on /healthz, which loads no static file).
        page.goto(f"{emulator.url}/preview?member=chenjing")
        page.goto(f"{server.url}/auth/login?next=/healthz")
        assert '"ok"' in page.content()

        seen = []
        page.on("requestfinished", lambda request: seen.append(request))
        url = f"{server.url}/sidebar/customers/{person.external_userid}"
        page.goto(url, wait_until="networkidle")
        first = [r for r in seen if r.url.startswith(server.url)]
        sizes = [r.sizes() for r in first]
        transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
        print(f"\nfirst open: {len(first)} requests, {transferred / 1024:.1f} KB transferred (compressed)")
        for r, s in zip(first, sizes, strict=True):
            print(
                f"  {s['responseBodySize'] + s['responseHeadersSize']:>7} B  {r.url.replace(server.url, '')[:90]}"
            )
        assert len(first) <= BUDGET_REQUESTS
        assert transferred <= BUDGET_BYTES
        assert all(r.url.startswith(server.url) for r in seen), "the page reached for another host"

        # Fits 360 px: nothing scrolls sideways.
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        page.screenshot(path=str(artifacts / "sidebar-customer-360.png"), full_page=True)
        page.screenshot(path=str(artifacts / "sidebar-customer-360-top.png"))

        # WeCom recreates the webview for the next chat: a new page, the same cache.
        counting.paths.clear()
        again = ctx.new_page()
        again.goto(url, wait_until="networkidle")
        assert [p for p in counting.paths if p.startswith("/assets/")] == []
        print(f"second open: {len(counting.paths)} request(s) reached the server: {counting.paths}")
    finally:
        ctx.close()
        server.stop()
