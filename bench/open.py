"""From opening the sidebar to the customer's name on screen, on a slow phone on a slow network.

    .venv/bin/python bench/open.py [--database-url postgresql://...] [--runs 5]

Starts the emulator and the app (gunicorn, development settings, the demo seeded into a temporary
SQLite file unless a database is given), then drives Debian's chromium through the emulator's preview
with the network throttled (150 ms round trip, 1.6 Mbps) and the CPU slowed 4×. Each open is timed
from the moment a chat is chosen (the preview points the sidebar's webview at ``/sidebar/``, as WeCom
does on every chat switch) to the frame after the customer's name is in the page (painted).

Prints, as medians over ``--runs`` opens: *cold* (the HTTP cache emptied before each open; signed in,
as a guide is for twelve hours), *warm* (the cache kept, as a guide switching between chats), and the
very first open, which signs in through WeCom's OAuth as well.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402  (the browser the tests drive, as they launch it)

GUIDE = "chenjing"
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 1_600_000 / 8,
}
CPU_SLOWDOWN = 4

# In every sidebar document: once the customer's name is in the page, report the frame after it.
PAINTED = """
(() => {
  if (!location.pathname.startsWith("/sidebar")) return;
  const found = () => document.querySelector("[data-testid=customer-name]");
  const report = () => requestAnimationFrame(() => setTimeout(() => window.benchPainted(Date.now()), 0));
  const watch = new MutationObserver(() => { if (found()) { watch.disconnect(); report(); } });
  watch.observe(document, { childList: true, subtree: true });
})();
"""


# The moment of the choice, taken in the page just before the click that makes it.
CHOOSE = """n => {
  const t = Date.now();
  document.querySelectorAll('.chat[data-kind=single]')[n].click();
  return t;
}"""


def start(tmp: Path, database_url: str | None) -> tuple[list[subprocess.Popen], str, str]:
    from tests.conftest import free_port, wait_until_up

    app_port, emu_port = free_port(), free_port()
    app, emulator = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{emu_port}"
    env = {
        **os.environ,
        "APP_ENV": "development",
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'open.db'}",
        "BESIDE_INSTANCE_PATH": str(tmp / "instance"),
        "EMULATOR_URL": emulator,
        "EMULATOR_APP_URL": app,
        "EMULATOR_CALLBACK_URL": app + "/wecom/callback",
        "PUBLIC_URL": app,
        "BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    bin_dir = Path(sys.executable).parent
    if database_url is None:
        for command in (["db", "upgrade"], ["demo", "seed"]):
            subprocess.run(
                [str(bin_dir / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
    log = open(tmp / "servers.log", "w")  # noqa: SIM115  (lives as long as the servers)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", str(emu_port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    if not (wait_until_up(emulator + "/") and wait_until_up(app + "/healthz")):
        for proc in procs:
            proc.terminate()
        raise RuntimeError((tmp / "servers.log").read_text()[-3000:])
    return procs, app, emulator


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with the demo in it (default: a fresh SQLite)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-open-"))
    procs, _, emulator = start(tmp, args.database_url)

    from playwright.sync_api import sync_playwright

    painted: list[int] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            context.expose_binding("benchPainted", lambda source, t: painted.append(t))
            context.add_init_script(PAINTED)
            page = context.new_page()
            page.goto(f"{emulator}/preview?member={GUIDE}")
            chats = page.locator(".chat[data-kind=single]")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", NETWORK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

            def open_chat(n: int) -> float:
                """Choose chat n and wait for the name to be painted; seconds from the choice."""
                painted.clear()
                chosen = page.evaluate(CHOOSE, n)
                deadline = time.monotonic() + 60
                while not painted and time.monotonic() < deadline:
                    page.wait_for_timeout(20)
                if not painted:
                    raise RuntimeError("the customer's name never appeared")
                name = chats.nth(n).get_attribute("data-name")
                shown = page.frame_locator("#sidebar").get_by_test_id("customer-name").inner_text()
                assert shown == name, (shown, name)
                return (painted[0] - chosen) / 1000

            first = open_chat(0)  # signs in through OAuth, cache empty
            cold, warm = [], []
            for run in range(args.runs):
                cdp.send("Network.clearBrowserCache")
                cold.append(open_chat(1 + 2 * run))
                warm.append(open_chat(2 + 2 * run))
            browser.close()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)

    def ms(values: list[float]) -> str:
        return (
            f"{statistics.median(values) * 1000:,.0f} ms (of {', '.join(f'{v * 1000:,.0f}' for v in values)})"
        )

    print(
        f"chromium, network {NETWORK['latency']} ms round trip and 1.6 Mbps, CPU slowed {CPU_SLOWDOWN}×; "
        f"median of {args.runs}"
    )
    print(f"  cold (empty cache, signed in):   {ms(cold)}")
    print(f"  warm (cache kept, next chat):    {ms(warm)}")
    print(f"  first open (signs in via OAuth): {first * 1000:,.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
