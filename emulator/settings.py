"""Emulator settings: the demo corp and merchant, overridden by the ``WECOM_*`` and ``PAY_*`` variables
the app reads."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sidebar.config import DEMO_ARCHIVE_KEY_PATH, DEMO_ARCHIVE_SECRET, DEMO_PAY, DEMO_WECOM, archive_key_pems


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    demo = {**DEMO_WECOM, **DEMO_PAY}
    app_url = environ.get("EMULATOR_APP_URL") or "http://127.0.0.1:" + (environ.get("APP_PORT") or "5000")
    settings: dict[str, Any] = {name: environ.get(name) or value for name, value in demo.items()}
    settings.update(
        {
            # Where callbacks go: the app's receiver.
            "CALLBACK_URL": environ.get("EMULATOR_CALLBACK_URL") or app_url + "/wecom/callback",
            # Where the preview page loads the sidebar from.
            "APP_URL": app_url,
            "TOKEN_LIFETIME": int(environ.get("EMULATOR_TOKEN_LIFETIME", "7200")),
            # Calls allowed per window before 45009 (WeCom: 10,000 a minute per API).
            "RATE_LIMIT": int(environ.get("EMULATOR_RATE_LIMIT", "10000")),
            "RATE_WINDOW": float(environ.get("EMULATOR_RATE_WINDOW", "60")),
            "CUSTOMERS": int(environ.get("EMULATOR_CUSTOMERS", "300")),
            # The chat archive's Secret and the brand's key pairs (the app holds the private halves;
            # WeCom encrypts with the public ones): the app's own settings, else the demo's.
            "WECOM_ARCHIVE_SECRET": environ.get("WECOM_ARCHIVE_SECRET") or DEMO_ARCHIVE_SECRET,
            "ARCHIVE_KEYS": archive_key_pems(environ) or {1: DEMO_ARCHIVE_KEY_PATH.read_text()},
            # Start the archive with the demo's past conversations (``make run`` does; tests ask for it).
            "ARCHIVE_HISTORY": environ.get("EMULATOR_ARCHIVE_HISTORY") == "1",
        }
    )
    settings.update(overrides)
    return settings
