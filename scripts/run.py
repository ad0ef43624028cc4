"""``make run``: migrate and seed a SQLite file, then start the emulator, the app (gunicorn) and the
job consumer, print the URLs (the preview's last), and stop all three on Ctrl-C (or when any one of
them dies).

The terminal stays quiet once the URLs are printed: each part's output (access logs, job logs) goes to
``instance/logs/<part>.log``; errors (and their tracebacks) are still shown.

Ports: APP_PORT (5000) and EMULATOR_PORT (5001). Any WECOM_* setting in the environment wins over the
demo's, for the app and the emulator alike.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

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
    env.setdefault("PUBLIC_URL", f"http://127.0.0.1:{app_port}")
    env["BIND"] = f"127.0.0.1:{app_port}"
    env["EMULATOR_PORT"] = emu_port
    env.setdefault("WEB_CONCURRENCY", "2")
    # The demo archive starts with a few days of guides answering customers' questions with scripts,
    # so the sidebar's reply help has something to learn from (emulator/finance.py).
    env.setdefault("EMULATOR_ARCHIVE_HISTORY", "1")
    return env


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(proc.pid, sig)


def instance_path(env: dict[str, str]) -> Path:
    return Path(env.get("BESIDE_INSTANCE_PATH") or ROOT / "instance")


# A line that starts an error worth showing, and lines that continue one (a traceback's body).
ERROR = re.compile(r"\b(ERROR|CRITICAL|Traceback)\b|^\S*Error:|exited|Exception")
CONTINUES = re.compile(r"^(\s|Traceback|During handling|The above exception|\S+(Error|Exception)\b)")


def pump(stream: IO[str], log: IO[str]) -> None:
    """Copy a part's output to its log file; echo errors with their tracebacks to the terminal."""
    showing = False
    for line in stream:
        log.write(line)
        log.flush()
        showing = bool(ERROR.search(line)) or (showing and bool(CONTINUES.match(line)))
        if showing:
            sys.stderr.write(line)
            sys.stderr.flush()


def start(name: str, command: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    # In a process group of its own, stopped as a group: gunicorn's workers (some may still be
    # starting on a busy machine) go with their master instead of holding the port as orphans.
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    log = (logs / f"{name}.log").open("a", encoding="utf-8")
    assert proc.stdout is not None
    threading.Thread(target=pump, args=(proc.stdout, log), daemon=True).start()
    return proc


def prepare(command: list[str], env: dict[str, str], logs: Path) -> None:
    """Run a set-up step; its output goes to the log, and to the terminal only if it fails."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    with (logs / "setup.log").open("a", encoding="utf-8") as log:
        log.write(done.stdout + done.stderr)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{' '.join(command[1:])} failed (exit {done.returncode})")


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
    logs = instance_path(env) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print("[1/3] Preparing the database (migrations)...", flush=True)
    prepare([*flask, "db", "upgrade"], env, logs)
    print("[2/3] Demo brand: staff, customers, orders, scripts, SOP tasks...", flush=True)
    prepare([*flask, "demo", "seed"], env, logs)
    print(f"[3/3] Starting the emulator, the app and the job consumer (logs in {logs})...", flush=True)
    commands = {
        "emulator": [sys.executable, "-m", "emulator", "serve", "--port", env["EMULATOR_PORT"]],
        "app": [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        "jobs": [str(BIN / "huey_consumer"), "wsgi.huey", "-w", "2", "-k", "thread"],
    }
    procs = {name: start(name, command, env, logs) for name, command in commands.items()}
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
            "\nBeside is running. Press Ctrl-C to stop.\n"
            f"  Console:   {app_url}/admin/   (sign in with 企业微信扫码登录 as 张伟, admin)\n"
            f"  Emulator:  {emulator_url}   (WeCom's API under /cgi-bin/)\n"
            f"  Logs:      {logs}\n"
            f"  Preview:   {emulator_url}/preview\n"
            "             (the WeCom client as 陈静, a guide: pick a chat; switch member at the top)\n",
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
