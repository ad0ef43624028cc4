"""The self-test a brand's IT person runs after setting Beside up (``flask wecom check``, and the console's
WeCom check page): each step calls WeCom as configured and, when it fails, names the culprit in words —
the setting to change or the step in WeCom's admin to take.

The error codes are WeCom's global ones (doc 90313 "全局错误码"): 40013 不合法的CorpID, 40001 不合法的
secret参数, 40056 不合法的agentid, 60020 不安全的访问IP (the server's IP is not in the app's 企业可信IP),
48002 API接口无权限调用 (the app is not allowed this API), 60011 no privilege (outside the app's visible
range), -1 系统繁忙. The callback step does what WeCom's admin does when a callback URL is saved (doc 90930
"回调配置"): a GET with an encrypted echostr, answered with the decrypted text within a second.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import xmltodict
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wechatpy.work.crypto import WeChatCrypto

from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

# errcode -> what to change, in words.
CULPRITS: dict[int, Any] = {
    40013: _l("WECOM_CORP_ID: WeCom does not know this corp id (我的企业 → 企业信息 → 企业ID)."),
    40001: _l(
        "WECOM_SECRET: WeCom refused the app's Secret (应用管理 → the app → Secret; reset, it changes)."
    ),
    40091: _l("WECOM_SECRET: this Secret is not one of this corp's apps."),
    41004: _l("WECOM_SECRET is empty."),
    40056: _l("WECOM_AGENT_ID: not this app's AgentId (应用管理 → the app → AgentId)."),
    60020: _l(
        "企业可信IP: add this server's public IP to the app's trusted IPs "
        "(应用管理 → the app → 企业可信IP); WeCom names the IP it saw in its message."
    ),
    48002: _l(
        "The app's permissions: list the app under 客户联系 → API → 可调用接口的应用 "
        "(and 客户群 where groups are used)."
    ),
    48001: _l("The app's permissions: this API is not open to the app (应用管理 → the app)."),
    60011: _l(
        "The app's visible range (可见范围): the members and departments Beside works with must be in it."
    ),
    -1: _l("WeCom was busy: run the check again in a minute."),
}


@dataclass
class Step:
    name: str
    ok: bool
    detail: str
    fix: str | None = None


def _failed(name: str, exc: WeComError) -> Step:
    known = CULPRITS.get(exc.errcode or 0)
    fix = (
        str(known)
        if known
        else _("Look the code up with WeCom's error tool: devtool/query?e=%(code)s", code=exc.errcode)
    )
    detail = _("WeCom answered %(code)s: %(message)s", code=exc.errcode, message=exc.errmsg)
    return Step(name, False, detail, fix)


def _token_step() -> Step:
    """A fresh access token, straight from gettoken (no cache): the corp id and secret as configured."""
    cfg = current_app.config
    url = cfg["WECOM_API_BASE"] + "gettoken"
    try:
        res = requests.get(
            url,
            params={"corpid": cfg["WECOM_CORP_ID"], "corpsecret": cfg["WECOM_SECRET"]},
            timeout=cfg["WECOM_HTTP_TIMEOUT"],
        )
        data = res.json()
    except (requests.RequestException, ValueError) as exc:
        return Step(
            _("Access token"),
            False,
            _("%(url)s could not be reached (%(error)s)", url=url, error=type(exc).__name__),
            _("WECOM_API_BASE and this server's outbound network (qyapi.weixin.qq.com on 443)."),
        )
    if data.get("errcode"):
        return _failed(_("Access token"), WeComError(int(data["errcode"]), str(data.get("errmsg", ""))))
    return Step(_("Access token"), True, _("issued for %(s)s s", s=data.get("expires_in", "?")))


def _call(name: str, call: Callable[[], Any], describe: Callable[[Any], str]) -> Step:
    try:
        return Step(name, True, describe(call()))
    except WeComError as exc:
        return _failed(name, exc)


def _aes_key_step() -> Step:
    key = str(current_app.config["WECOM_CALLBACK_AES_KEY"] or "")
    try:
        ok = len(key) == 43 and len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        ok = False
    if ok:
        return Step(_("Callback EncodingAESKey"), True, _("43 characters of base64, as WeCom issues it"))
    return Step(
        _("Callback EncodingAESKey"),
        False,
        _("not the 43-character key WeCom issues"),
        _("WECOM_CALLBACK_AES_KEY: copy the EncodingAESKey from the app's 接收消息 settings."),
    )


def _callback_step() -> Step:
    """WeCom's own URL check against ``PUBLIC_URL``/wecom/callback, signed and encrypted as configured."""
    cfg = current_app.config
    base = (cfg.get("PUBLIC_URL") or "").rstrip("/")
    if not base:
        return Step(
            _("Callback URL"),
            False,
            _("PUBLIC_URL is not set, so the callback URL cannot be tried"),
            _("PUBLIC_URL: the https address WeCom reaches this server at."),
        )
    url = base + "/wecom/callback"
    crypto = WeChatCrypto(cfg["WECOM_CALLBACK_TOKEN"], cfg["WECOM_CALLBACK_AES_KEY"], cfg["WECOM_CORP_ID"])
    echo, nonce, timestamp = secrets.token_hex(8), secrets.token_hex(5), str(int(time.time()))
    envelope = xmltodict.parse(crypto.encrypt_message(echo, nonce, timestamp))["xml"]
    params = {
        "msg_signature": envelope["MsgSignature"],
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": envelope["Encrypt"],
    }
    try:
        started = time.monotonic()
        res = requests.get(url, params=params, timeout=5)
        took = time.monotonic() - started
    except requests.RequestException as exc:
        return Step(
            _("Callback URL"),
            False,
            _("%(url)s could not be reached (%(error)s)", url=url, error=type(exc).__name__),
            _("PUBLIC_URL, the reverse proxy and TLS: WeCom must reach this address from the internet."),
        )
    if res.status_code == 200 and res.text == echo:
        return Step(
            _("Callback URL"),
            True,
            _("%(url)s answered WeCom's check in %(ms)s ms", url=url, ms=round(took * 1000)),
        )
    fix = {
        403: _("WECOM_CALLBACK_TOKEN: the server at PUBLIC_URL checks signatures with another Token."),
        400: _("WECOM_CALLBACK_AES_KEY: the server at PUBLIC_URL decrypts with another EncodingAESKey."),
    }.get(res.status_code, _("PUBLIC_URL: the address does not reach this app's /wecom/callback."))
    return Step(
        _("Callback URL"), False, _("%(url)s answered %(status)s", url=url, status=res.status_code), fix
    )


def run() -> list[Step]:
    """Every step, in the order a set-up goes; the API steps wait for a working token."""
    cfg = current_app.config
    steps = [_token_step()]
    if steps[0].ok:
        client = wecom()
        steps += [
            _call(
                _("The app (AgentId)"),
                lambda: client.get("agent/get", params={"agentid": cfg["WECOM_AGENT_ID"]}),
                lambda r: _("%(name)s, agent %(id)s", name=r.get("name", "?"), id=r.get("agentid")),
            ),
            _call(
                _("Customer contact permission"),
                lambda: client.get("externalcontact/get_follow_user_list"),
                lambda r: _("%(n)s members may serve customers", n=len(r.get("follow_user") or [])),
            ),
            _call(
                _("Visible range"),
                lambda: client.get("department/list"),
                lambda r: _("%(n)s departments visible to the app", n=len(r.get("department") or [])),
            ),
            _call(
                _("JS-SDK tickets"),
                lambda: (
                    client.get("get_jsapi_ticket"),
                    client.get("ticket/get", params={"type": "agent_config"}),
                ),
                lambda _r: _("the corp and app tickets are issued (the sidebar can sign its pages)"),
            ),
        ]
    steps += [_aes_key_step(), _callback_step()]
    return steps
