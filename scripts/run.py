"""``make run``: migrate and seed a SQLite file, then start the emulator, the app (gunicorn) and the
job consumer, print the URLs, and stop all three on Ctrl-C (or when any one of them dies).

Ports: APP_PORT (5000) and EMULATOR_PORT (5001). Any WECOM_* setting in the environment wins over the
demo's, for the app and the emulator alike.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def child_env() -> dict[str, str]:
    app_port = os.environ.get("APP_PORT", "5000")
    emu_port = os.environ.get("EMULATOR_PORT", "5001")
    emulator = f"http://127.0.0.1:{emu_port}"
    env = dict(os.environ)
    env.setdefault("APP_ENV", "development")
    env.setdefault("FLASK_APP", "wsgi")
    # The app derives every emulator URL (WeCom's API, OAuth, QR login, WeChat Pay) from this.
    env["EMULATOR_URL"] = emulator
    env.setdefault("EMULATOR_CALLBACK_URL", f"http://127.0.0.1:{app_port}/wecom/callback")
    env.setdefault("EMULATOR_APP_URL", f"http://127.0.0.1:{app_port}")
    env["BIND"] = f"127.0.0.1:{app_port}"
    env["EMULATOR_PORT"] = emu_port
    env.setdefault("WEB_CONCURRENCY", "2")
    return env


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(proc.pid, sig)


def wait_for(url: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as res:  # noqa: S310  (our own local URL)
                if res.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def main() -> int:
    env = child_env()
    flask = [str(BIN / "flask")]
    print("Preparing the database (migrate, demo data)...", flush=True)
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*flask, "demo", "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    # Each in a process group of its own, stopped as a group: gunicorn's workers (some may still be
    # starting on a busy machine) go with their master instead of holding the port as orphans.
    commands = {
        "emulator": [sys.executable, "-m", "emulator", "serve", "--port", env["EMULATOR_PORT"]],
        "app": [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        "jobs": [str(BIN / "huey_consumer"), "wsgi.huey", "-w", "2", "-k", "thread"],
    }
    procs = {
        name: subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        for name, command in commands.items()
    }
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    app_url = "http://" + env["BIND"]
    emulator_url = f"http://127.0.0.1:{env['EMULATOR_PORT']}"
    if wait_for(app_url + "/healthz") and wait_for(emulator_url + "/"):
        print(
            "\nBeside is running.\n"
            f"  Preview:   {emulator_url}/preview   (the WeCom client, with the sidebar beside each chat)\n"
            f"  App:       {app_url}\n"
            f"  Emulator:  {emulator_url}   (WeCom API under /cgi-bin/)\n"
            f"  Health:    {app_url}/healthz\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
    else:
        print("Something did not start; stopping.", file=sys.stderr)
        stopping = True

    code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with {proc.returncode}; stopping the rest.", file=sys.stderr)
                stopping, code = True, 1
        time.sleep(0.3)
    for proc in procs.values():
        _signal_group(proc, signal.SIGTERM)
    for proc in procs.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(15)
        _signal_group(proc, signal.SIGKILL)  # whatever of the group is left (nothing, normally)
    print("Stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
