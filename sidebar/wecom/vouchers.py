"""WeChat Pay vouchers (代金券): issue one to a customer's openid, API v3 with RSA-SHA256 signatures.

``POST /v3/marketing/favor/users/{openid}/coupons`` with ``stock_id`` (the voucher stock created in the
merchant platform), ``out_request_no`` (our idempotency key: WeChat Pay answers a repeat with the same
voucher), ``appid`` and ``stock_creator_mchid``. The coupon service treats this as the second coupon
provider: our record (code, stock, limits) is made when the guide issues; the voucher itself is issued
when the customer opens the claim page and WeChat's OAuth has told us their openid.

Which appid and openid: WeChat Pay v3 takes ``appid`` = an official account or mini program bound to the
merchant (商户号绑定APPID), and the openid must be that appid's. The corp id is not such an appid, and the
openids WeCom gives (its OAuth for visitors, ``externalcontact/convert_to_openid``, doc 92292) belong to the
corp — good for enterprise red packets, not for vouchers. So the claim page signs the customer in a second
time with the official account's own web OAuth (snsapi_base, silent) and ``openid_for_code`` exchanges
the code at ``sns/oauth2/access_token`` (WeChat's 网页授权 documentation); ``config.voucher_settings_problem``
refuses a configuration that cannot work.

Not done here: checking WeChat Pay's signature on answers (it needs the platform certificate download
API); answers come over TLS from WeChat Pay's host.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sidebar.config import voucher_settings_problem
from sidebar.metrics import pay_calls

OK, FAILED, UNKNOWN = "ok", "failed", "unknown"


@dataclass(frozen=True)
class VoucherResult:
    outcome: str  # ok | failed | unknown (a timeout or a 5xx: ask again with the same out_request_no)
    coupon_id: str | None = None
    code: str = ""
    message: str = ""


def authorization(
    mch_id: str, serial_no: str, key: rsa.RSAPrivateKey, method: str, path: str, body: str
) -> str:
    """The v3 ``Authorization`` header: the request line, time, nonce and body signed with the
    merchant's private key (SHA256withRSA)."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    message = f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    return (
        f'WECHATPAY2-SHA256-RSA2048 mchid="{mch_id}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def load_key(path: str) -> rsa.RSAPrivateKey:
    with open(path, "rb") as fh:
        key = serialization.load_pem_private_key(fh.read(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the WeChat Pay v3 key must be an RSA private key")
    return key


class VoucherClient:
    def __init__(
        self, *, api_base: str, mch_id: str, appid: str, serial_no: str, key_path: str, timeout: float = 10.0
    ):
        self.api_base = api_base.rstrip("/")
        self.mch_id, self.appid, self.serial_no = mch_id, appid, serial_no
        self.key = load_key(key_path)
        self.timeout = timeout
        self.session = requests.Session()

    def issue(self, *, openid: str, stock_id: str, out_request_no: str) -> VoucherResult:
        path = f"/v3/marketing/favor/users/{quote(openid, safe='')}/coupons"
        body = json.dumps(
            {
                "stock_id": stock_id,
                "out_request_no": out_request_no,
                "appid": self.appid,
                "stock_creator_mchid": self.mch_id,
            },
            separators=(",", ":"),
        )
        headers = {
            "Authorization": authorization(self.mch_id, self.serial_no, self.key, "POST", path, body),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            res = self.session.post(
                self.api_base + path, data=body.encode(), headers=headers, timeout=self.timeout
            )
        except requests.Timeout:
            pay_calls.labels("v3/marketing/favor/users/coupons", "timeout").inc()
            return VoucherResult(UNKNOWN, code="TIMEOUT", message="WeChat Pay did not answer in time")
        except requests.RequestException as exc:
            pay_calls.labels("v3/marketing/favor/users/coupons", "http").inc()
            return VoucherResult(UNKNOWN, code="HTTP_ERROR", message=str(exc)[:200])
        try:
            data: dict[str, Any] = res.json()
        except ValueError:
            data = {}
        if res.status_code == 200 and data.get("coupon_id"):
            pay_calls.labels("v3/marketing/favor/users/coupons", "SUCCESS").inc()
            return VoucherResult(OK, coupon_id=str(data["coupon_id"]))
        code, message = str(data.get("code") or res.status_code), str(data.get("message") or "")[:200]
        pay_calls.labels("v3/marketing/favor/users/coupons", code[:32]).inc()
        # 5xx and SYSTEM_ERROR may have issued it: the same out_request_no is safe to send again.
        outcome = UNKNOWN if res.status_code >= 500 or code == "SYSTEM_ERROR" else FAILED
        return VoucherResult(outcome, code=code, message=message)


def official_account_oauth_url(cfg: Any, state: str, redirect_uri: str) -> str:
    """The official account's silent web OAuth (snsapi_base): WeChat answers with a code for its openid."""
    params = {
        "appid": cfg["PAY_V3_APPID"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "snsapi_base",
        "state": state,
    }
    return (
        f"{cfg['WECOM_OAUTH_BASE'].rstrip('/')}/connect/oauth2/authorize?{urlencode(params)}#wechat_redirect"
    )


def openid_for_code(cfg: Any, code: str) -> str | None:
    """The customer's openid under the official account, for an OAuth code (``sns/oauth2/access_token``);
    None when WeChat refuses the code or cannot be reached."""
    try:
        res = requests.get(
            cfg["WECHAT_API_BASE"].rstrip("/") + "/sns/oauth2/access_token",
            params={
                "appid": cfg["PAY_V3_APPID"],
                "secret": cfg["PAY_V3_APP_SECRET"],
                "code": code,
                "grant_type": "authorization_code",
            },
            timeout=cfg["PAY_HTTP_TIMEOUT"],
        )
        data = res.json()
    except (requests.RequestException, ValueError):
        return None
    openid = data.get("openid") if isinstance(data, dict) else None
    return str(openid) if openid and not data.get("errcode") else None


def client_from_config(cfg: Any) -> VoucherClient | None:
    if not (cfg.get("PAY_MCH_ID") and cfg.get("PAY_V3_SERIAL_NO") and cfg.get("PAY_V3_KEY_PATH")):
        return None
    if voucher_settings_problem(cfg):
        return None
    return VoucherClient(
        api_base=cfg["PAY_API_BASE"],
        mch_id=cfg["PAY_MCH_ID"],
        appid=cfg["PAY_V3_APPID"],
        serial_no=cfg["PAY_V3_SERIAL_NO"],
        key_path=cfg["PAY_V3_KEY_PATH"],
        timeout=cfg["PAY_HTTP_TIMEOUT"],
    )
