"""WeCom's web sign-in: OAuth inside WeCom (``/connect/oauth2/authorize``) and the QR login page
(``/wwlogin/sso/login``). Both show a member picker; ``as=<userid>`` picks without a click, so scripts
and tests sign in as any demo member through the app's real OAuth code path.

OAuth without an ``agentid`` is a customer opening one of our pages in WeChat (a red packet, a coupon):
the picker lists customers instead, ``as=<external_userid>`` (or the preview's ``emu_visitor`` cookie)
picks one, and ``auth/getuserinfo`` answers with their openid."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template_string, request

from emulator.preview import MEMBER_COOKIE, VISITOR_COOKIE
from emulator.state import OFFICIAL_ACCOUNT, VISITOR, ApiError, WeComState

oauth_bp = Blueprint("oauth", __name__)

PICKER = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>企业微信 · 选择成员（模拟）</title>
<style>
 body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f3f5;margin:0;padding:24px;color:#1d2129}
 .card{max-width:420px;margin:0 auto;background:#fff;border-radius:8px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
 h1{font-size:18px;margin:0 0 4px} p{color:#86909c;font-size:13px;margin:0 0 16px}
 a.member{display:flex;justify-content:space-between;align-items:center;min-height:44px;padding:0 12px;margin:6px 0;
   border:1px solid #e5e6eb;border-radius:6px;text-decoration:none;color:inherit}
 a.member:hover{border-color:#07c160;background:#f0fff6} .meta{color:#86909c;font-size:12px}
 .left{opacity:.5}
</style></head><body><div class="card">
<h1>{{ title }}</h1><p>本页由 Beside 的企业微信模拟器提供，仅用于开发和演示。</p>
{% for m in members %}
<a class="member{% if m.status == 5 %} left{% endif %}" href="{{ link(m.userid) }}">
<span>{{ m.name }} <span class="meta">{{ m.userid }}</span></span><span class="meta">{{ m.position }}{% if m.status == 5 %} · 已离职{% endif %}</span></a>
{% endfor %}
</div></body></html>"""


def _state() -> WeComState:
    return current_app.extensions["wecom_state"]


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _pick(appid_param: str, title: str):
    st = _state()
    official_account = request.path.startswith("/connect") and request.args.get(
        appid_param
    ) == st.settings.get("PAY_V3_APPID")
    if request.args.get(appid_param) != st.settings["WECOM_CORP_ID"] and not official_account:
        abort(400, "appid is neither this corp's id nor its official account's")
    redirect_uri = request.args.get("redirect_uri", "")
    if not redirect_uri.startswith(("http://", "https://")):
        abort(400, "redirect_uri must be an absolute URL")
    state_param = request.args.get("state", "")
    # 构造网页授权链接 (doc 96441): "企业可以填写a-zA-Z0-9的参数值，长度不可超过128个字节".
    if request.path.startswith("/connect") and not re.fullmatch(r"[a-zA-Z0-9]{0,128}", state_param):
        abort(400, "state may hold only a-z, A-Z and 0-9, at most 128 bytes")
    if official_account:  # the brand's official account's own web OAuth: a code for its openid
        return _pick_visitor(redirect_uri, state_param, prefix=OFFICIAL_ACCOUNT)
    if appid_param == "appid" and not request.args.get("agentid") and request.path.startswith("/connect"):
        return _pick_visitor(redirect_uri, state_param)
    # `as` for scripts; the preview's member cookie for the preview (WeCom's client knows who is in).
    chosen = request.args.get("as") or request.cookies.get(MEMBER_COOKIE)
    if chosen:
        if chosen not in st.users:
            abort(404, "no such member")
        return redirect(_with_query(redirect_uri, code=st.issue_code(chosen), state=state_param))

    def link(userid: str) -> str:
        return _with_query(request.full_path.rstrip("?"), **{"as": userid})

    return render_template_string(PICKER, title=title, members=list(st.users.values()), link=link)


VISITORS_SHOWN = 30


def _pick_visitor(redirect_uri: str, state_param: str, prefix: str = VISITOR):
    st = _state()
    chosen = request.args.get("as") or request.cookies.get(VISITOR_COOKIE)
    if chosen:
        return redirect(_with_query(redirect_uri, code=st.issue_code(prefix + chosen), state=state_param))

    def link(ext: str) -> str:
        return _with_query(request.full_path.rstrip("?"), **{"as": ext})

    with st.lock:
        people = [
            {"userid": ext, "name": c.get("name", ext), "position": "微信客户", "status": 1}
            for ext, c in list(st.contacts.items())[:VISITORS_SHOWN]
        ]
    return render_template_string(PICKER, title="微信授权（客户）", members=people, link=link)


@oauth_bp.get("/sns/oauth2/access_token")
def official_account_token():
    """WeChat's web OAuth, step two (公众号网页授权 "通过code换取网页授权access_token"): the code from the
    official account's authorize page for the customer's openid under that appid. A wrong secret is
    40125, a code used or unknown 40029 (WeChat's global return codes)."""
    st = _state()
    args = request.args
    if args.get("appid") != st.settings.get("PAY_V3_APPID") or args.get("grant_type") != "authorization_code":
        return jsonify(errcode=40013, errmsg="invalid appid")
    if args.get("secret") != st.settings.get("PAY_V3_APP_SECRET"):
        return jsonify(errcode=40125, errmsg="invalid appsecret")
    try:
        who = st.redeem_code(args.get("code", ""))
    except ApiError:
        who = ""
    if not who.startswith(OFFICIAL_ACCOUNT):
        return jsonify(errcode=40029, errmsg="invalid code")
    openid = st.official_account_openid(who[len(OFFICIAL_ACCOUNT) :])
    return jsonify(
        access_token=secrets.token_urlsafe(24), expires_in=7200, refresh_token=secrets.token_urlsafe(24),
        openid=openid, scope="snsapi_base",
    )  # fmt: skip


@oauth_bp.get("/connect/oauth2/authorize")
def authorize():
    return _pick("appid", "企业微信授权登录")


@oauth_bp.get("/wwlogin/sso/login")
def qr_login():
    return _pick("appid", "企业微信扫码登录")
