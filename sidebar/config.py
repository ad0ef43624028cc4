"""Settings: defaults here, then the environment, then overrides passed to ``create_app``.

Nothing is read at import time. ``load(environ, overrides)`` returns a plain dict the app factory
applies. Production (``APP_ENV=production``) refuses to start without its secrets, and never enables
the preview or the demo login. Development falls back to the demo corp served by the local emulator,
so ``make run`` works with no WeCom account.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

OFFICIAL_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"
OFFICIAL_OAUTH_BASE = "https://open.weixin.qq.com"
OFFICIAL_LOGIN_BASE = "https://login.work.weixin.qq.com"

ENVIRONMENTS = ("development", "test", "production")
SERVICE_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
ARCHIVE_KEY_NAME = re.compile(r"^WECOM_ARCHIVE_PRIVATE_KEY_(\d{1,6})$")

# The demo corp that the emulator serves. Used only outside production, and only for settings the
# environment leaves unset. The emulator reads the same values (emulator/settings.py).
DEMO_WECOM = {
    "WECOM_CORP_ID": "wwbeside0demo0corp",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "demo-app-secret-not-for-production",
    "WECOM_CALLBACK_TOKEN": "demoCallbackToken",
    # 43 characters of base64, as WeCom issues them.
    "WECOM_CALLBACK_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}
# Outside production every WeCom and WeChat Pay URL points at the local emulator, found from
# EMULATOR_URL or EMULATOR_PORT (what ``make run`` sets), never a port assumed here when one is named.
DEFAULT_EMULATOR_PORT = "5001"
OFFICIAL_PAY_BASE = "https://api.mch.weixin.qq.com"
# WeChat's own API (the brand's official account: its web OAuth's code → openid exchange).
OFFICIAL_WECHAT_API_BASE = "https://api.weixin.qq.com"
# A WeChat official-account or mini-program appid: "wx" and 16 hex digits.
WECHAT_APPID = re.compile(r"^wx[0-9a-f]{16}$")

# The demo archive (会话内容存档) the emulator serves: its Secret and the RSA key pair whose public half
# the emulator encrypts with (version 1). Outside production only; production gives its own.
DEMO_ARCHIVE_SECRET = "demo-archive-secret-not-for-production"  # noqa: S105 (the emulator's)
DEMO_ARCHIVE_KEY_PATH = Path(__file__).resolve().parent.parent / "emulator" / "demo_archive_key.pem"

# The demo merchant the emulator's WeChat Pay answers for (outside production only).
DEMO_PAY = {
    "PAY_MCH_ID": "1900000109",
    "PAY_API_KEY": "demoPayApiKey0000000000000000000",  # 32 characters, as WeChat Pay's v2 API key
    "PAY_WORKWX_SECRET": "demo-workwx-payment-secret",
    # WeChat Pay vouchers (API v3): a demo merchant key that signs requests to the emulator. Not a
    # secret: it is only ever used outside production, against the emulator.
    "PAY_V3_SERIAL_NO": "DEMO0MERCHANT0CERT0SERIAL",
    "PAY_V3_KEY_PATH": str(Path(__file__).resolve().parent.parent / "emulator" / "demo_merchant_v3_key.pem"),
    # The demo brand's official account, bound to the demo merchant (the emulator answers its OAuth).
    "PAY_V3_APPID": "wx0be51de0de0a0a00",
    "PAY_V3_APP_SECRET": "demo-official-account-secret",
}
# Red packets need all of these in production (any one given means all are needed); the client
# certificate and key only over HTTPS, which WeChat Pay's own endpoint always is (a test endpoint over
# plain HTTP on a private network, such as the emulator, has no TLS to present them to).
PAY_SETTINGS = ("PAY_MCH_ID", "PAY_API_KEY", "PAY_WORKWX_SECRET")
PAY_TLS_SETTINGS = ("PAY_CERT_PATH", "PAY_KEY_PATH")
SECRET_KEY_MIN_BYTES = 32

# Secrets production must be given; the app will not start without every one.
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "DATABASE_URL",
    "WECOM_CORP_ID",
    "WECOM_AGENT_ID",
    "WECOM_SECRET",
    "WECOM_CALLBACK_TOKEN",
    "WECOM_CALLBACK_AES_KEY",
)

# Names read from the environment, with how to parse them.
_ENV_STR = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "WECOM_CORP_ID",
    "WECOM_AGENT_ID",
    "WECOM_SECRET",
    "WECOM_CALLBACK_TOKEN",
    "WECOM_CALLBACK_AES_KEY",
    "WECOM_API_BASE",
    "WECOM_OAUTH_BASE",
    "WECOM_LOGIN_BASE",
    "HUEY_SQLITE_PATH",
    "BABEL_DEFAULT_LOCALE",
    "DISPLAY_TIMEZONE",
    "PAY_API_BASE",
    "PAY_MCH_ID",
    "PAY_API_KEY",
    "PAY_WORKWX_SECRET",
    "PAY_CERT_PATH",
    "PAY_KEY_PATH",
    "PAY_V3_SERIAL_NO",
    "PAY_V3_KEY_PATH",
    "PAY_V3_APPID",
    "PAY_V3_APP_SECRET",
    "WECHAT_API_BASE",
    "FILE_STORE_URL",
    "FILE_STORE_ENDPOINT",
    "FILE_STORE_REGION",
    "FILE_STORE_ADDRESSING",
    "FILE_STORE_ACCESS_KEY_ID",
    "FILE_STORE_SECRET_ACCESS_KEY",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "METRICS_ALLOW",
    "FRAME_ANCESTORS",
    "PUBLIC_URL",
    "WECOM_ADMIN_USERIDS",
    "MASS_MESSAGE_RULE",
    "WECOM_ARCHIVE_SECRET",
    "WECOM_ARCHIVE_SOURCE",
    "WECOM_ARCHIVE_EMULATOR_URL",
    "WECOM_ARCHIVE_PROXY",
    "WECOM_ARCHIVE_PROXY_PASSWORD",
    "SERVICE_HOURS",
    "BRAND_DOMAINS",
    "POSTER_FONT",
)
_ENV_FLOAT = (
    "UNANSWERED_ALERT_MINUTES",
    "ARCHIVE_RETENTION_DAYS",
    "ARCHIVE_MEDIA_MAX_MB",
    "BEHAVIOUR_RETENTION_DAYS",
    "RECOMMEND_SKIP_DAYS",
    "WECOM_HTTP_TIMEOUT",
    "WECOM_INTERACTIVE_TIMEOUT",
    "WECOM_TOKEN_MARGIN",
    "PAY_HTTP_TIMEOUT",
    "HSTS_MAX_AGE",
    "CALLBACK_MAX_SKEW",
    "SESSION_MAX_AGE",
    "CONSOLE_IDLE_TIMEOUT",
    "CONSOLE_SESSION_MAX_AGE",
    "MAX_UPLOAD_MB",
    "DELETION_FLAG_PER_DAY",
    "FILE_STORE_URL_EXPIRY",
    "CALLBACK_SWEEP_GRACE",
)


class ConfigError(RuntimeError):
    """The settings cannot run the app; the message says which are missing or wrong."""


def file_store_problem(settings: Mapping[str, Any]) -> str | None:
    """Why the file-store settings cannot work, in words; None when they can."""
    url = str(settings["FILE_STORE_URL"])
    if url.startswith("db://"):
        return None
    if not url.startswith("s3://"):
        return f"FILE_STORE_URL {url!r}: db:// (the database) or s3://bucket/prefix (object storage)"
    if not url[len("s3://") :].split("/", 1)[0]:
        return f"FILE_STORE_URL {url!r} names no bucket: s3://bucket or s3://bucket/prefix"
    if settings["FILE_STORE_ADDRESSING"] not in {"auto", "path", "virtual"}:
        return "FILE_STORE_ADDRESSING is path, virtual or auto"
    if bool(settings["FILE_STORE_ACCESS_KEY_ID"]) != bool(settings["FILE_STORE_SECRET_ACCESS_KEY"]):
        return "FILE_STORE_ACCESS_KEY_ID and FILE_STORE_SECRET_ACCESS_KEY are given together"
    return None


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings every environment starts from."""
    return {
        "APP_ENV": "development",
        "SECRET_KEY": None,
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "beside.db"),
        "REDIS_URL": None,
        # Where customers reach the app (https://beside.example.com): links sent without a request
        # to build them from, such as a welcome's coupon card.
        "PUBLIC_URL": None,
        # WeCom's 群发规则 the brand chose in 群发助手 → 设置群发规则 (doc 92135): "month" (a customer
        # receives as many mass messages a month as the month has days, WeCom's default), "week" (7 a
        # week) or "day" (1 a day). Campaigns leave out customers who would be over it.
        "MASS_MESSAGE_RULE": "month",
        # 会话内容存档 (``sidebar.archive``): the archive's own Secret (管理工具 → 聊天内容存档, not the
        # app's), the brand's RSA private keys by version (``WECOM_ARCHIVE_PRIVATE_KEY_<n>``), where
        # records come from ("sdk": WeCom's library; "emulator": the local emulator's imitation), an
        # optional proxy for the SDK, how long messages and media are kept, and the largest media file
        # kept. No Secret: no archive.
        "WECOM_ARCHIVE_SECRET": None,
        "WECOM_ARCHIVE_PRIVATE_KEYS": {},
        "WECOM_ARCHIVE_SOURCE": "sdk",
        "WECOM_ARCHIVE_EMULATOR_URL": None,
        "WECOM_ARCHIVE_PROXY": "",
        "WECOM_ARCHIVE_PROXY_PASSWORD": "",
        "ARCHIVE_RETENTION_DAYS": 180.0,
        "ARCHIVE_MEDIA_MAX_MB": 20.0,
        # Service quality from the archive: the working hours response times are counted in (the
        # brand's time zone), and how long a customer's question may wait before the guide is told
        # (twice as long: the manager).
        "SERVICE_HOURS": "09:00-21:00",
        # The brand's own web hosts besides PUBLIC_URL's (comma-separated; subdomains count): a payment
        # link a guide sends elsewhere is a compliance behaviour (``archive.compliance``).
        "BRAND_DOMAINS": "",
        # A CJK font file for referral posters (``growth.posters``); empty: Debian's WenQuanYi Micro Hei
        # or Noto Sans CJK where installed.
        "POSTER_FONT": "",
        "UNANSWERED_ALERT_MINUTES": 30.0,
        "WECOM_CORP_ID": None,
        "WECOM_AGENT_ID": None,
        "WECOM_SECRET": None,
        "WECOM_CALLBACK_TOKEN": None,
        "WECOM_CALLBACK_AES_KEY": None,
        "WECOM_API_BASE": OFFICIAL_API_BASE,
        "WECOM_OAUTH_BASE": OFFICIAL_OAUTH_BASE,
        "WECOM_LOGIN_BASE": OFFICIAL_LOGIN_BASE,
        # WeCom userids (comma-separated) the staff sync makes admins: how a brand gets its first
        # console admin through WeCom sign-in (``org.staff.sync_staff``). Empty: no one.
        "WECOM_ADMIN_USERIDS": "",
        # Seconds: every outside call has a timeout; tokens are refreshed this long before they expire.
        "WECOM_HTTP_TIMEOUT": 10.0,
        # While a person waits (a signature, a visibility lookup, a send): say so fast, never hang.
        "WECOM_INTERACTIVE_TIMEOUT": 2.0,
        "WECOM_TOKEN_MARGIN": 300.0,
        # A rate-limited (45009/45033) API stays blocked for its limit's window (doc 90313: a minute's
        # limit blocks for a minute): a job waits the window out up to this many times; a person
        # waiting is told at once.
        "WECOM_RATE_LIMIT_RETRIES": 3,
        "WECOM_RATE_LIMIT_WINDOW": 60.0,
        # "System busy" (-1) is retried up to three times (doc 90313), this many seconds apart and more.
        "WECOM_BUSY_BACKOFF": 0.5,
        "HUEY_SQLITE_PATH": os.path.join(instance_path, "huey.db"),
        # WeChat Pay (red packets): the v2 API with the merchant's client certificate.
        "PAY_API_BASE": OFFICIAL_PAY_BASE,
        "PAY_MCH_ID": None,
        "PAY_API_KEY": None,
        "PAY_WORKWX_SECRET": None,
        "PAY_CERT_PATH": None,
        "PAY_KEY_PATH": None,
        # WeChat Pay vouchers (API v3): the merchant certificate's serial number and private key, and
        # the brand's official account bound to the merchant (商户号绑定APPID): its appid (wx…) and
        # AppSecret. A voucher goes to the customer's openid under that appid, learnt through the
        # account's web OAuth; the corp id and WeCom's openids are not valid there (see wecom/vouchers).
        "PAY_V3_SERIAL_NO": None,
        "PAY_V3_KEY_PATH": None,
        "PAY_V3_APPID": None,
        "PAY_V3_APP_SECRET": None,
        "WECHAT_API_BASE": OFFICIAL_WECHAT_API_BASE,
        # A payout that has not answered by then is left pending and resolved by querying.
        "PAY_HTTP_TIMEOUT": 10.0,
        # Seconds between WeCom calls when a console job pushes tags for many customers (WeCom allows
        # 10,000 calls a minute per API to the whole corp; leave room for everything else).
        "BULK_PUSH_PACE": 0.02,
        # The console's customer list counts matches up to this many, then says "10,000+".
        "CUSTOMER_LIST_COUNT_BOUND": 10_000,
        # Days raw mall behaviour events are kept (their per-day counts are kept for good).
        "BEHAVIOUR_RETENTION_DAYS": 90.0,
        # Recommendations leave out what the customer bought in this many days.
        "RECOMMEND_SKIP_DAYS": 30.0,
        # A guide deleting more customers than this in a day is flagged to their manager.
        "DELETION_FLAG_PER_DAY": 10,
        "HUEY_IMMEDIATE": False,
        # Where the files the app keeps live, seen alike by every host (``core.files``): the database
        # (db://) or S3-compatible object storage (s3://bucket/prefix, with the FILE_STORE_* below).
        "FILE_STORE_URL": "db://",
        "FILE_STORE_ENDPOINT": "",  # e.g. https://cos.ap-shanghai.myqcloud.com; empty: AWS S3
        "FILE_STORE_REGION": "",
        "FILE_STORE_ADDRESSING": "auto",  # path (MinIO) | virtual (OSS) | auto
        "FILE_STORE_ACCESS_KEY_ID": "",
        "FILE_STORE_SECRET_ACCESS_KEY": "",
        # Seconds a signed download URL from the object store is valid; 0 streams through the app.
        "FILE_STORE_URL_EXPIRY": 300.0,
        # Seconds a new callback event is left to its own job before the sweeper may run it.
        "CALLBACK_SWEEP_GRACE": 60.0,
        # text (for a terminal) or json (a JSON object a line, one per request, with its request id).
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
        # Who may read /metrics: addresses or networks, comma-separated (the Prometheus scraper's).
        "METRICS_ALLOW": "127.0.0.1,::1",
        # Seconds a consumer holds a periodic job's slot without renewing it (it renews a few times a
        # lease while the job runs); past it another consumer takes the slot over (``core.slots``).
        "JOB_SLOT_LEASE": 120.0,
        # None: on outside production, off in it (production forces both off whatever is given).
        "PREVIEW_ENABLED": None,
        "DEMO_LOGIN_ENABLED": None,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        # Times are stored in UTC and shown in this zone.
        "DISPLAY_TIMEZONE": "Asia/Shanghai",
        # Its own name: the emulator shares the 127.0.0.1 host in development, and cookies ignore ports.
        "SESSION_COOKIE_NAME": "beside_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": None,
        # Seconds. Any session ends this long after sign-in; the console's also after this long idle
        # and this long in all. Signing out ends every session of that person.
        "SESSION_MAX_AGE": 12 * 3600.0,
        "CONSOLE_IDLE_TIMEOUT": 2 * 3600.0,
        "CONSOLE_SESSION_MAX_AGE": 12 * 3600.0,
        # Who may frame the pages WeCom opens (space-separated CSP sources); the console is never framed.
        # WeCom's clients open the sidebar in a webview, not a frame; WeCom's web client frames app pages.
        "FRAME_ANCESTORS": "'self' https://work.weixin.qq.com https://*.work.weixin.qq.com",
        # Strict-Transport-Security in production, in seconds (0: not sent).
        "HSTS_MAX_AGE": 31536000,
        # Seconds a signed callback's timestamp may be from now before it is refused as a replay.
        "CALLBACK_MAX_SKEW": 3600.0,
        # The largest request body (an order file: a million Tmall rows are ~120 MB as csv); above it 413.
        "MAX_UPLOAD_MB": 512.0,
    }


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in _ENV_STR:
        if environ.get(name):
            found[name] = environ[name]
    for name in _ENV_FLOAT:
        if environ.get(name):
            try:
                found[name] = float(environ[name])
            except ValueError as exc:
                raise ConfigError(f"{name} must be a number, got {environ[name]!r}") from exc
    if environ.get("APP_ENV"):
        found["APP_ENV"] = environ["APP_ENV"]
    if archive_keys := archive_key_pems(environ):
        found["WECOM_ARCHIVE_PRIVATE_KEYS"] = archive_keys
    return found


def archive_key_pems(environ: Mapping[str, str]) -> dict[int, str]:
    """``{publickey_ver: PEM}`` from every ``WECOM_ARCHIVE_PRIVATE_KEY_<n>`` (a ``\\n`` in a one-line
    value stands for a line break, as some deploy tools need)."""
    found = {}
    for name, value in environ.items():
        if (match := ARCHIVE_KEY_NAME.match(name)) and value.strip():
            found[int(match.group(1))] = value.replace("\\n", "\n").strip()
    return found


def _dev_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder, so development sessions survive restarts.

    There is no working default secret: each checkout makes its own.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(
    environ: Mapping[str, str], overrides: Mapping[str, Any] | None, instance_path: str
) -> dict[str, Any]:
    """Merge defaults, environment and overrides; check them for the chosen environment."""
    given = {**_from_environ(environ), **(overrides or {})}
    settings = defaults(instance_path)
    settings.update(given)
    env = settings["APP_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")

    if env == "production":
        # Given explicitly: production never runs on a default database or a generated key.
        missing = [name for name in REQUIRED_IN_PRODUCTION if not given.get(name)]
        if missing:
            raise ConfigError("production needs these settings: " + ", ".join(missing))
        if len(str(given["SECRET_KEY"]).encode()) < SECRET_KEY_MIN_BYTES:
            raise ConfigError(
                f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes "
                '(python3 -c "import secrets; print(secrets.token_hex(32))" makes one)'
            )
        needed = PAY_SETTINGS + (PAY_TLS_SETTINGS if settings["PAY_API_BASE"].startswith("https://") else ())
        pay_given = [name for name in (*PAY_SETTINGS, *PAY_TLS_SETTINGS) if given.get(name)]
        if pay_given and not set(needed) <= set(pay_given):
            missing_pay = [name for name in needed if name not in pay_given]
            raise ConfigError("red packets need these settings too: " + ", ".join(missing_pay))
        voucher_problem = voucher_settings_problem(settings)
        if voucher_problem:
            raise ConfigError(voucher_problem)
        if len(settings["WECOM_CALLBACK_AES_KEY"]) != 43:
            raise ConfigError("WECOM_CALLBACK_AES_KEY must be the 43-character EncodingAESKey")
        settings["PREVIEW_ENABLED"] = False
        settings["DEMO_LOGIN_ENABLED"] = False
        settings["SESSION_COOKIE_SECURE"] = True
        settings["HUEY_IMMEDIATE"] = False
    else:
        for name, value in DEMO_WECOM.items():
            settings[name] = settings.get(name) or value
        for name, value in DEMO_PAY.items():
            settings[name] = settings.get(name) or value
        emulator = emulator_url(environ)
        if "WECOM_ARCHIVE_SOURCE" not in given:
            settings["WECOM_ARCHIVE_SOURCE"] = "emulator"
        if settings["WECOM_ARCHIVE_SOURCE"] == "emulator":
            settings["WECOM_ARCHIVE_SECRET"] = settings.get("WECOM_ARCHIVE_SECRET") or DEMO_ARCHIVE_SECRET
            if not settings["WECOM_ARCHIVE_PRIVATE_KEYS"]:
                settings["WECOM_ARCHIVE_PRIVATE_KEYS"] = {1: DEMO_ARCHIVE_KEY_PATH.read_text()}
        for name, official, local in (
            ("WECOM_API_BASE", OFFICIAL_API_BASE, emulator + "/cgi-bin/"),
            ("WECOM_OAUTH_BASE", OFFICIAL_OAUTH_BASE, emulator),
            ("WECOM_LOGIN_BASE", OFFICIAL_LOGIN_BASE, emulator),
            ("PAY_API_BASE", OFFICIAL_PAY_BASE, emulator),
            ("WECHAT_API_BASE", OFFICIAL_WECHAT_API_BASE, emulator),
        ):
            if settings[name] == official and name not in environ:
                settings[name] = local
        if settings["WECOM_ARCHIVE_SOURCE"] == "emulator" and not settings.get("WECOM_ARCHIVE_EMULATOR_URL"):
            # The emulator that serves WeCom's API imitates the archive SDK beside it.
            api = str(settings["WECOM_API_BASE"]).rstrip("/").removesuffix("/cgi-bin")
            settings["WECOM_ARCHIVE_EMULATOR_URL"] = api + "/_finance"
        if not settings.get("SECRET_KEY"):
            settings["SECRET_KEY"] = _dev_secret_key(instance_path)
        for flag in ("PREVIEW_ENABLED", "DEMO_LOGIN_ENABLED"):
            if settings[flag] is None:
                settings[flag] = True

    # The preview page (served by the emulator) is the only other origin the sidebar's bridge listens to.
    settings["PREVIEW_ORIGIN"] = origin(settings["WECOM_OAUTH_BASE"]) if settings["PREVIEW_ENABLED"] else None
    if not settings["WECOM_API_BASE"].endswith("/"):
        settings["WECOM_API_BASE"] += "/"
    if problem := file_store_problem(settings):
        raise ConfigError(problem)
    if settings["LOG_FORMAT"] not in {"text", "json"}:
        raise ConfigError(f"LOG_FORMAT {settings['LOG_FORMAT']!r}: text or json")
    if not SERVICE_HOURS.match(str(settings["SERVICE_HOURS"])):
        raise ConfigError(f"SERVICE_HOURS {settings['SERVICE_HOURS']!r}: like 09:00-21:00")
    if settings["WECOM_ARCHIVE_SOURCE"] not in {"sdk", "emulator"}:
        raise ConfigError(f"WECOM_ARCHIVE_SOURCE {settings['WECOM_ARCHIVE_SOURCE']!r}: sdk or emulator")
    if env == "production" and settings["WECOM_ARCHIVE_SOURCE"] == "emulator":
        raise ConfigError("WECOM_ARCHIVE_SOURCE=emulator is for development: production reads WeCom's SDK")
    if settings["WECOM_ARCHIVE_SECRET"] and not settings["WECOM_ARCHIVE_PRIVATE_KEYS"]:
        raise ConfigError(
            "the chat archive needs the RSA private key of each public key uploaded to WeCom: "
            "WECOM_ARCHIVE_PRIVATE_KEY_<version>"
        )
    if settings["MASS_MESSAGE_RULE"] not in {"month", "week", "day"}:
        raise ConfigError(
            f"MASS_MESSAGE_RULE {settings['MASS_MESSAGE_RULE']!r}: month, week or day (WeCom's 群发规则)"
        )
    if str(settings["LOG_LEVEL"]).upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"LOG_LEVEL {settings['LOG_LEVEL']!r}: DEBUG, INFO, WARNING or ERROR")
    settings["LOG_LEVEL"] = str(settings["LOG_LEVEL"]).upper()
    try:
        for part in str(settings["METRICS_ALLOW"]).split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
    except ValueError:
        raise ConfigError(
            f"METRICS_ALLOW {settings['METRICS_ALLOW']!r}: addresses or networks, comma-separated"
        ) from None
    settings["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(settings["DATABASE_URL"])
    # A pooled connection is checked before use: after a PostgreSQL restart or failover every pooled
    # connection is dead, and without the check the first request on each would answer 500.
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    # The cookie itself lasts as long as the longest session may (Flask's default is 31 days).
    settings["PERMANENT_SESSION_LIFETIME"] = timedelta(
        seconds=max(settings["SESSION_MAX_AGE"], settings["CONSOLE_SESSION_MAX_AGE"])
    )
    # A session's age is checked against SIGNED_IN_AT (and the console's idle time against its last-seen
    # mark, which rewrites the cookie when it moves), and the cookie outlives the longest session: so
    # re-signing and re-sending an unchanged cookie on every response would extend nothing.
    settings["SESSION_REFRESH_EACH_REQUEST"] = False
    settings["MAX_CONTENT_LENGTH"] = int(settings["MAX_UPLOAD_MB"] * 1024 * 1024)  # Flask's name
    return settings


def voucher_settings_problem(settings: Mapping[str, Any]) -> str | None:
    """Why WeChat Pay vouchers, as configured, cannot work — in words — or None (also None when they
    are not configured at all). WeChat Pay v3 ``favor/users/{openid}/coupons`` takes an ``appid`` that is
    an official account or mini program bound to the merchant, and an openid of that appid: not the corp
    id, and not the openid WeCom's OAuth or ``convert_to_openid`` give (those belong to the corp)."""
    if not (settings.get("PAY_V3_SERIAL_NO") and settings.get("PAY_V3_KEY_PATH")):
        return None
    appid = str(settings.get("PAY_V3_APPID") or "")
    if not appid:
        return (
            "WeChat Pay vouchers need PAY_V3_APPID: the appid (wx…) of the official account bound to the "
            "merchant (商户平台 → 产品中心 → AppID账号管理)"
        )
    if appid == settings.get("WECOM_CORP_ID") or not WECHAT_APPID.match(appid):
        return (
            f"PAY_V3_APPID {appid!r} is not an official account's appid (wx and 16 hex digits): WeChat Pay "
            "issues vouchers only to openids of an official account or mini program bound to the merchant, "
            "never to the WeCom corp id"
        )
    if not settings.get("PAY_V3_APP_SECRET"):
        return "WeChat Pay vouchers need PAY_V3_APP_SECRET: the official account's AppSecret, for its OAuth"
    return None


def emulator_url(environ: Mapping[str, str]) -> str:
    """The local emulator's base URL: ``EMULATOR_URL``, else 127.0.0.1 on ``EMULATOR_PORT`` (5001)."""
    if environ.get("EMULATOR_URL"):
        return environ["EMULATOR_URL"].rstrip("/")
    return "http://127.0.0.1:" + (environ.get("EMULATOR_PORT") or DEFAULT_EMULATOR_PORT)


def origin(url: str) -> str:
    """``https://host:port`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _normalise_db_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
