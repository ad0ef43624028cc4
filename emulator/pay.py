"""WeChat Pay's enterprise red packets, as the emulator answers them: ``/mmpaymkttransfers/...``.

Checks the merchant id, the app id, both signatures (``sign`` with the API key, ``workwx_sign`` with the
payment secret), and the amount; pays each ``mch_billno`` at most once (a repeat with the same number
answers as the first payout did, as WeChat Pay does). Faults are queued by tests through
``POST /_emulator/pay``: one per coming send, in order:

- ``SYSTEMERROR``: answer SYSTEMERROR without paying; ``SYSTEMERROR_PAID``: pay, then answer SYSTEMERROR.
- ``NOTENOUGH``: the merchant's balance is short.
- ``TIMEOUT``: pay, then answer only after ``slow_seconds`` (longer than the client waits);
  ``TIMEOUT_UNPAID``: wait the same without paying.
- ``SEND_FAILED``: 红包发放失败，请更换单号再重试 — not paid, and this bill number never will be: a repeat
  answers SEND_FAILED again and a query answers status FAILED.
- ``PROCESSING``, ``FREQ_LIMIT``, ``SECOND_OVER_LIMITED``: not paid (yet); the same number may be sent
  again. ``FATAL_ERROR``: answered as if a repeat's parameters differed; ``PARAM_ERROR``: refused.

Codes and their documented actions: WeChat Pay's red-packet error table (pay.weixin.qq.com/doc/v2/
merchant/4011974053; WeCom doc 90275 for sendworkwxredpack, 90281 for its query). A packet paid but not
opened within 24 h goes back to the merchant: ``{"refund": [mch_billno]}`` makes the query answer
REFUND with ``refund_amount`` (``{"receive": [...]}``: RECEIVED).

``GET /_emulator/pay`` lists the payouts made, so a test can count money that moved.

WeChat Pay vouchers (API v3, ``/v3/marketing/favor/users/<openid>/coupons``): the request's RSA
signature is checked with the demo merchant's public key; one voucher per ``out_request_no``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any

import xmltodict
from flask import Blueprint, Response, abort, current_app, jsonify, request

pay_bp = Blueprint("pay", __name__)

FAULTS = (
    "SYSTEMERROR",
    "SYSTEMERROR_PAID",
    "NOTENOUGH",
    "TIMEOUT",
    "TIMEOUT_UNPAID",
    "SEND_FAILED",
    "PROCESSING",
    "FREQ_LIMIT",
    "SECOND_OVER_LIMITED",
    "FATAL_ERROR",
    "PARAM_ERROR",
)
# Faults that answer an err_code without paying, with WeChat Pay's err_code_des.
UNPAID_ANSWERS = {
    "SEND_FAILED": "红包发放失败,请更换单号再重试",
    "PROCESSING": "请求已受理，请稍后使用原单号查询发放结果",
    "FREQ_LIMIT": "超过频率限制,请稍后再试",
    "SECOND_OVER_LIMITED": "企业红包的按分钟发放受限",
    "FATAL_ERROR": "openid和原始单参数不一致",
    "PARAM_ERROR": "参数错误",
}


class PayState:
    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.payouts: dict[str, dict[str, Any]] = {}
            self.faults: list[str] = []
            self.balance = 10_000_000  # fen
            self.slow_seconds = 3.0
            self.requests = 0
            self.failed_billnos: dict[str, str] = {}  # mch_billno -> why (SEND_FAILED: never pays)
            self.vouchers: dict[str, dict[str, Any]] = {}  # out_request_no -> voucher
            self.voucher_stock: dict[str, int] = {}  # stock_id -> left (1,000 unless set)


def _state() -> PayState:
    return current_app.extensions["pay_state"]


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest().upper()  # noqa: S324 - WeChat Pay v2 defines MD5


def _pay_sign(params: dict[str, Any], key: str) -> str:
    """The v2 sign, written here from WeChat Pay's description (not shared with the app's client)."""
    pairs = [f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k] not in (None, "")]
    return _md5("&".join(pairs) + f"&key={key}")


def _workwx_sign(params: dict[str, Any], secret: str) -> str:
    names = ("act_name", "mch_billno", "mch_id", "nonce_str", "re_openid", "total_amount", "wxappid")
    return _md5("&".join(f"{k}={params.get(k, '')}" for k in names) + f"&secret={secret}")


def _xml(fields: dict[str, Any]) -> Response:
    body = "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()) + "</xml>"
    return Response(body, mimetype="text/xml")


def _fail(code: str, message: str, **extra: Any) -> Response:
    return _xml(
        {
            "return_code": "SUCCESS",
            "return_msg": "OK",
            "result_code": "FAIL",
            "err_code": code,
            "err_code_des": message,
            **extra,
        }
    )


def _request(appid_field: str) -> dict[str, Any] | Response:
    settings = _state().settings
    try:
        params = dict(xmltodict.parse(request.get_data())["xml"] or {})
    except Exception:  # noqa: BLE001
        return _xml({"return_code": "FAIL", "return_msg": "XML_ERROR"})
    if params.get("sign") != _pay_sign(params, settings["PAY_API_KEY"]):
        return _xml({"return_code": "FAIL", "return_msg": "签名错误"})
    if params.get("mch_id") != settings["PAY_MCH_ID"]:
        return _fail("MCHID_ERROR", "商户号错误")
    if params.get(appid_field) != settings["WECOM_CORP_ID"]:
        return _fail("ILLEGAL_APPID", "appid 与商户号不匹配")
    return params


@pay_bp.post("/mmpaymkttransfers/sendworkwxredpack")
def send():
    st = _state()
    params = _request("wxappid")
    if isinstance(params, Response):
        return params
    if params.get("workwx_sign") != _workwx_sign(params, st.settings["PAY_WORKWX_SECRET"]):
        return _fail("SIGN_ERROR", "workwx_sign 错误")
    billno, openid = params.get("mch_billno", ""), params.get("re_openid", "")
    try:
        amount = int(params.get("total_amount", ""))
    except ValueError:
        return _fail("PARAM_ERROR", "total_amount 不是整数")
    if not 1 <= len(billno) <= 28 or not billno.isalnum():
        return _fail("PARAM_ERROR", "mch_billno 须为 1–28 位字母或数字")
    if not openid:
        return _fail("OPENID_ERROR", "缺少 re_openid")
    if not 100 <= amount <= 20000 and not params.get("scene_id"):
        return _fail("PARAM_ERROR", "金额在 1–200 元之外时须填 scene_id")

    with st.lock:
        st.requests += 1
        fault = st.faults.pop(0) if st.faults else None
        paid = st.payouts.get(billno)
        if paid is None and billno in st.failed_billnos:
            return _fail("SEND_FAILED", UNPAID_ANSWERS["SEND_FAILED"])
        if paid is None and fault in UNPAID_ANSWERS:
            if fault == "SEND_FAILED":
                st.failed_billnos[billno] = "红包发放失败"
            return _fail(fault, UNPAID_ANSWERS[fault])
        if paid is not None and (paid["re_openid"] != openid or paid["total_amount"] != amount):
            return _fail("PARAM_ERROR", "同一商户订单号的参数与第一次不同")
        if paid is None and (fault == "NOTENOUGH" or st.balance < amount):
            return _fail("NOTENOUGH", "帐号余额不足，请到商户平台充值后再重试")
        if paid is None and fault not in ("SYSTEMERROR", "TIMEOUT_UNPAID"):
            st.balance -= amount
            paid = st.payouts[billno] = {
                "mch_billno": billno,
                "re_openid": openid,
                "total_amount": amount,
                "wishing": params.get("wishing", ""),
                "send_listid": "1000041701" + secrets.token_hex(8),
                "paid_at": time.time(),
                "status": "SENT",
            }
    if fault in ("TIMEOUT", "TIMEOUT_UNPAID"):
        time.sleep(st.slow_seconds)
    if fault in ("SYSTEMERROR", "SYSTEMERROR_PAID"):
        return _fail("SYSTEMERROR", "系统繁忙，请稍后再试。")
    if paid is None:
        return _fail("SYSTEMERROR", "系统繁忙，请稍后再试。")
    return _xml(
        {
            "return_code": "SUCCESS",
            "return_msg": "发放成功",
            "result_code": "SUCCESS",
            "mch_billno": billno,
            "mch_id": st.settings["PAY_MCH_ID"],
            "wxappid": st.settings["WECOM_CORP_ID"],
            "re_openid": openid,
            "total_amount": amount,
            "send_listid": paid["send_listid"],
        }
    )


@pay_bp.post("/mmpaymkttransfers/queryworkwxredpack")
def query():
    st = _state()
    params = _request("appid")
    if isinstance(params, Response):
        return params
    billno = params.get("mch_billno", "")
    with st.lock:
        paid = st.payouts.get(billno)
        failed = st.failed_billnos.get(billno)
    if paid is None and failed is not None:
        return _xml(
            {
                "return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
                "mch_billno": billno, "mch_id": st.settings["PAY_MCH_ID"],
                "status": "FAILED", "reason": failed,
            }
        )  # fmt: skip
    if paid is None:
        return _fail("NOT_FOUND", "指定单号数据不存在")
    return _xml(
        {
            "return_code": "SUCCESS",
            "return_msg": "OK",
            "result_code": "SUCCESS",
            "mch_billno": paid["mch_billno"],
            "mch_id": st.settings["PAY_MCH_ID"],
            "detail_id": paid["send_listid"],
            "status": paid["status"],
            "total_amount": paid["total_amount"],
            "openid": paid["re_openid"],
            **({"refund_amount": paid["total_amount"]} if paid["status"] == "REFUND" else {}),
        }
    )


# -- control ---------------------------------------------------------------------------------------


@pay_bp.get("/_emulator/pay")
def payouts():
    st = _state()
    with st.lock:
        return jsonify(
            payouts=list(st.payouts.values()),
            balance=st.balance,
            faults=list(st.faults),
            requests=st.requests,
        )


@pay_bp.post("/_emulator/pay")
def steer():
    """``{"faults": [...], "balance": fen, "slow_seconds": s, "voucher_stock": {stock_id: n}}``; faults
    are appended to the queue."""
    st = _state()
    spec = request.get_json() or {}
    faults = spec.get("faults", [])
    if any(f not in FAULTS for f in faults):
        abort(400, "faults must be among " + ", ".join(FAULTS))
    with st.lock:
        st.faults.extend(faults)
        if "balance" in spec:
            st.balance = int(spec["balance"])
        if "slow_seconds" in spec:
            st.slow_seconds = float(spec["slow_seconds"])
        st.voucher_stock.update(spec.get("voucher_stock", {}))
        # Not opened within 24 h: WeChat Pay takes the money back (REFUND); or the customer opened it.
        for billno, status in [(b, "REFUND") for b in spec.get("refund", [])] + [
            (b, "RECEIVED") for b in spec.get("receive", [])
        ]:
            if billno not in st.payouts:
                abort(400, f"no payout {billno}")
            st.payouts[billno]["status"] = status
            if status == "REFUND":
                st.balance += st.payouts[billno]["total_amount"]
    return payouts()


# -- vouchers (API v3) -------------------------------------------------------------------------------


def _merchant_public_key() -> Any:
    from cryptography.hazmat.primitives import serialization

    with open(_state().settings["PAY_V3_KEY_PATH"], "rb") as fh:
        return serialization.load_pem_private_key(fh.read(), password=None).public_key()


def _v3_error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify(code=code, message=message), status


def _check_v3_signature(body: str) -> bool:
    """Parse ``WECHATPAY2-SHA256-RSA2048 k="v",...`` and verify the signature over the request."""
    import base64
    import re

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    header = request.headers.get("Authorization", "")
    if not header.startswith("WECHATPAY2-SHA256-RSA2048 "):
        return False
    fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
    if fields.get("mchid") != _state().settings["PAY_MCH_ID"]:
        return False
    if abs(time.time() - int(fields.get("timestamp", "0") or 0)) > 300:
        return False
    line = f"{request.method}\n{request.full_path.rstrip('?')}\n"
    message = f"{line}{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body}\n"
    try:
        _merchant_public_key().verify(
            base64.b64decode(fields.get("signature", "")),
            message.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


@pay_bp.post("/v3/marketing/favor/users/<openid>/coupons")
def issue_voucher(openid: str):
    """Issue a voucher of ``stock_id`` to ``openid``; the same out_request_no answers the same voucher."""
    st = _state()
    body = request.get_data(as_text=True)
    if not _check_v3_signature(body):
        return _v3_error(401, "SIGN_ERROR", "签名错误")
    data = request.get_json(silent=True) or {}
    # 发放指定批次的代金券 (WeChat Pay v3): appid is an official account or mini program bound to the
    # merchant, and openid is the user's under that appid. The corp id is no such appid, and WeCom's
    # openids (OAuth, convert_to_openid) are the corp's, not the account's: both are refused.
    if data.get("stock_creator_mchid") != st.settings["PAY_MCH_ID"]:
        return _v3_error(400, "PARAM_ERROR", "stock_creator_mchid 与商户号不匹配")
    if data.get("appid") != st.settings.get("PAY_V3_APPID"):
        return _v3_error(400, "PARAM_ERROR", "appid 与商户号无绑定关系")
    with current_app.extensions["wecom_state"].lock:
        known = openid in current_app.extensions["wecom_state"].official_account_openids
    if not known:
        return _v3_error(400, "PARAM_ERROR", "openid 与 appid 不匹配")
    out_request_no = str(data.get("out_request_no") or "")
    if not out_request_no or not data.get("stock_id"):
        return _v3_error(400, "PARAM_ERROR", "缺少 stock_id 或 out_request_no")
    with st.lock:
        st.requests += 1
        found = st.vouchers.get(out_request_no)
        if found is None:
            if st.voucher_stock.get(data["stock_id"], 1000) <= 0:
                return _v3_error(403, "NOT_ENOUGH", "批次预算不足")
            st.voucher_stock[data["stock_id"]] = st.voucher_stock.get(data["stock_id"], 1000) - 1
            found = st.vouchers[out_request_no] = {
                "coupon_id": str(9_000_000_000 + len(st.vouchers) + 1),
                "openid": openid,
                "stock_id": data["stock_id"],
            }
        elif found["openid"] != openid:
            return _v3_error(400, "PARAM_ERROR", "同一 out_request_no 的用户不同")
    return jsonify(coupon_id=found["coupon_id"])


@pay_bp.get("/_emulator/vouchers")
def voucher_log():
    st = _state()
    with st.lock:
        return jsonify(vouchers=list(st.vouchers.values()), stock=dict(st.voucher_stock))
