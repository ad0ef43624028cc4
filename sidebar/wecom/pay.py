"""WeChat Pay for WeCom enterprise red packets (企业红包): send and query, v2 XML API with MD5 signatures.

``RedPacketPayer`` is the one interface the red-packet service uses; ``WorkWxRedPackClient`` is the
real client (``sendworkwxredpack`` / ``queryworkwxredpack``, docs 90275 and 90281), which the emulator
also answers over HTTP. Every call says one of three things:

- ``paid``: WeChat Pay accepted the payout.
- ``failed``: it definitely did not pay (an error that names a cause: not enough balance, limits...).
- ``unknown``: it may or may not have paid (SYSTEMERROR, a timeout, an answer we cannot read, an error
  code we do not know). The caller keeps the packet pending and asks again with the **same**
  ``mch_billno``; WeChat Pay treats a repeat of the same number as the same payout.
- ``resend``: SEND_FAILED — "红包发放失败，请更换单号再重试". Only a new ``mch_billno`` can pay now, and
  the caller makes one only after a query proves the old one did not pay.

A query also says ``refunded``: a packet paid out but not opened by the customer within 24 hours goes
back to the merchant (status RFUND_ING, then REFUND).

What each ``err_code`` means is WeChat Pay's red-packet error table (发放红包接口, pay.weixin.qq.com
/doc/v2/merchant/4011974053, the 企业红包 send documented in WeCom doc 90275 and its query in 90281);
``SEND_ACTIONS`` keeps that table in one place.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

import requests
import xmltodict
from wechatpy.pay.utils import calculate_signature, dict_to_xml

from sidebar.metrics import pay_calls

log = logging.getLogger(__name__)

PAID, FAILED, UNKNOWN, NOT_FOUND = "paid", "failed", "unknown", "not_found"
RESEND, REFUNDED = "resend", "refunded"

# What each send err_code means (WeChat Pay's red-packet error table) and so what Beside does:
# FAILED — certainly not paid (the budget is released; the console says what to fix);
# UNKNOWN — not known: ask again with the SAME mch_billno (SYSTEMERROR/PROCESSING: "请使用原单号重试";
#   FREQ_LIMIT / SECOND_OVER_LIMITED: rate limits, the same number later; FATAL_ERROR: "参数与原单不一致",
#   the original may have paid, so only a query can tell);
# RESEND — SEND_FAILED: "请更换单号再重试", a new number once a query proves the old one did not pay.
# A code not listed is UNKNOWN: WeChat Pay's advice is never to treat a code you do not know as a
# failure and pay again ("遇到回包返回新的错误码，请商户务必不要换单重试").
SEND_ACTIONS: dict[str, str] = {
    "NOTENOUGH": FAILED,
    "NO_AUTH": FAILED,
    "PARAM_ERROR": FAILED,
    "SIGN_ERROR": FAILED,
    "OPENID_ERROR": FAILED,
    "SENDNUM_LIMIT": FAILED,
    "MONEY_LIMIT": FAILED,
    "SENDAMOUNT_LIMIT": FAILED,
    "RCVDAMOUNT_LIMIT": FAILED,
    "DAY_OVER_LIMITED": FAILED,
    "ILLEGAL_APPID": FAILED,
    "MCHID_ERROR": FAILED,
    "API_METHOD_CLOSED": FAILED,
    "XML_ERROR": FAILED,
    "CA_ERROR": FAILED,
    "SYSTEMERROR": UNKNOWN,
    "PROCESSING": UNKNOWN,
    "FREQ_LIMIT": UNKNOWN,
    "SECOND_OVER_LIMITED": UNKNOWN,
    "FATAL_ERROR": UNKNOWN,
    "SEND_FAILED": RESEND,
}
DEFINITE_FAILURES = frozenset(code for code, action in SEND_ACTIONS.items() if action == FAILED)


@dataclass(frozen=True)
class PayResult:
    outcome: str  # paid | failed | unknown | not_found | resend | refunded
    code: str = ""  # WeChat Pay's err_code or query status (or TIMEOUT / HTTP_ERROR / BAD_ANSWER)
    message: str = ""
    send_listid: str | None = None
    refund_amount: int | None = None  # fen, for ``refunded``


class RedPacketPayer(Protocol):
    def send(
        self, *, mch_billno: str, openid: str, amount: int, wishing: str, act_name: str, remark: str
    ) -> PayResult: ...

    def query(self, mch_billno: str) -> PayResult: ...


def _answer(data: dict[str, Any]) -> str:
    """A Pay answer as a metric label: SUCCESS, the err_code, or RETURN_FAIL."""
    if data.get("return_code") != "SUCCESS":
        return "RETURN_FAIL"
    return "SUCCESS" if data.get("result_code") == "SUCCESS" else str(data.get("err_code") or "FAIL")[:32]


def workwx_sign(params: dict[str, Any], secret: str) -> str:
    """``workwx_sign``: upper MD5 over seven fields sorted, joined like the pay sign, then the payment
    secret as ``&secret=`` (WECOM.md: the joiner is unconfirmed; the emulator checks the same way)."""
    names = ("act_name", "mch_billno", "mch_id", "nonce_str", "re_openid", "total_amount", "wxappid")
    text = "&".join(f"{k}={params[k]}" for k in sorted(names)) + f"&secret={secret}"
    return hashlib.md5(text.encode()).hexdigest().upper()  # noqa: S324 - WeChat Pay v2 defines MD5


class WorkWxRedPackClient:
    def __init__(
        self,
        *,
        api_base: str,
        mch_id: str,
        appid: str,
        agentid: str,
        api_key: str,
        workwx_secret: str,
        cert: tuple[str, str] | None = None,
        timeout: float = 10.0,
    ):
        self.api_base = api_base.rstrip("/")
        self.mch_id, self.appid, self.agentid = mch_id, appid, agentid
        self.api_key, self.workwx_secret = api_key, workwx_secret
        self.cert, self.timeout = cert, timeout
        self.session = requests.Session()

    def _post(self, path: str, params: dict[str, Any]) -> dict[str, Any] | PayResult:
        params = {k: v for k, v in params.items() if v not in (None, "")}
        params["nonce_str"] = secrets.token_hex(16)
        if "re_openid" in params:
            params["workwx_sign"] = workwx_sign(params, self.workwx_secret)
        body = dict_to_xml(params, calculate_signature(params, self.api_key))
        try:
            res = self.session.post(
                f"{self.api_base}/mmpaymkttransfers/{path}",
                data=body.encode("utf-8"),
                headers={"Content-Type": "text/xml; charset=utf-8"},
                cert=self.cert,
                timeout=self.timeout,
            )
        except requests.Timeout:
            pay_calls.labels(path, "timeout").inc()
            return PayResult(UNKNOWN, "TIMEOUT", "WeChat Pay did not answer in time")
        except requests.RequestException as exc:
            pay_calls.labels(path, "http").inc()
            return PayResult(UNKNOWN, "HTTP_ERROR", str(exc)[:200])
        try:
            data = xmltodict.parse(res.content)["xml"] or {}
        except Exception:  # noqa: BLE001 - any unreadable answer is "unknown", never "failed"
            pay_calls.labels(path, "http").inc()
            return PayResult(UNKNOWN, "BAD_ANSWER", f"HTTP {res.status_code}: unreadable answer")
        pay_calls.labels(path, _answer(data)).inc()
        return dict(data)

    @staticmethod
    def _failure(data: dict[str, Any]) -> PayResult | None:
        if data.get("return_code") != "SUCCESS":
            # Rejected before it reached the payout (signature, certificate, parameters).
            return PayResult(FAILED, "RETURN_FAIL", str(data.get("return_msg") or "")[:200])
        if data.get("result_code") == "SUCCESS":
            return None
        code = str(data.get("err_code") or "")
        message = str(data.get("err_code_des") or code)[:200]
        if code == "NOT_FOUND":
            return PayResult(NOT_FOUND, code, message)
        return PayResult(SEND_ACTIONS.get(code, UNKNOWN), code, message)

    def send(
        self, *, mch_billno: str, openid: str, amount: int, wishing: str, act_name: str, remark: str
    ) -> PayResult:
        data = self._post(
            "sendworkwxredpack",
            {
                "mch_billno": mch_billno,
                "mch_id": self.mch_id,
                "wxappid": self.appid,
                "agentid": self.agentid,
                "re_openid": openid,
                "total_amount": amount,
                "wishing": wishing,
                "act_name": act_name,
                "remark": remark,
            },
        )
        if isinstance(data, PayResult):
            return data
        failure = self._failure(data)
        if failure is not None:
            return failure
        return PayResult(PAID, send_listid=data.get("send_listid"))

    def query(self, mch_billno: str) -> PayResult:
        data = self._post(
            "queryworkwxredpack", {"mch_billno": mch_billno, "mch_id": self.mch_id, "appid": self.appid}
        )
        if isinstance(data, PayResult):
            return data
        failure = self._failure(data)
        if failure is not None:
            # A query that failed tells nothing about the payout itself, except NOT_FOUND.
            return (
                failure if failure.outcome == NOT_FOUND else PayResult(UNKNOWN, failure.code, failure.message)
            )
        # Query statuses (doc 90281): SENDING 发放中, SENT 已发放待领取, FAILED 发放失败, RECEIVED 已领取,
        # RFUND_ING 退款中, REFUND 已退款 (not opened within 24 h: the money went back to the merchant).
        status = str(data.get("status") or "")
        if status in ("SENT", "RECEIVED"):
            return PayResult(PAID, status, send_listid=data.get("detail_id"))
        if status in ("RFUND_ING", "REFUND"):
            try:
                refunded = int(data.get("refund_amount") or data.get("total_amount") or 0)
            except ValueError:
                refunded = None
            return PayResult(
                REFUNDED, status, "not opened within 24 h", data.get("detail_id"), refund_amount=refunded
            )
        if status == "FAILED":
            return PayResult(FAILED, status, str(data.get("reason") or "")[:200])
        return PayResult(UNKNOWN, status, "still being sent")


def payer_from_config(cfg: Any) -> WorkWxRedPackClient | None:
    """The app's payer, or None when red packets are not configured."""
    if not (cfg.get("PAY_MCH_ID") and cfg.get("PAY_API_KEY") and cfg.get("PAY_WORKWX_SECRET")):
        return None
    cert = (cfg["PAY_CERT_PATH"], cfg["PAY_KEY_PATH"]) if cfg.get("PAY_CERT_PATH") else None
    return WorkWxRedPackClient(
        api_base=cfg["PAY_API_BASE"],
        mch_id=cfg["PAY_MCH_ID"],
        appid=cfg["WECOM_CORP_ID"],
        agentid=str(cfg["WECOM_AGENT_ID"]),
        api_key=cfg["PAY_API_KEY"],
        workwx_secret=cfg["PAY_WORKWX_SECRET"],
        cert=cert,
        timeout=cfg["PAY_HTTP_TIMEOUT"],
    )
