"""What WeChat Pay's red-packet error codes mean, and what an admin can do about each: the console shows
these instead of the bare code (kept beside them for WeChat Pay's support). Codes from WeChat Pay's
enterprise red-packet API (sendworkwxredpack / 企业红包) documentation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# code: (what happened, what to do)
MEANINGS = {
    "NOTENOUGH": (
        _l("The merchant account's balance is too low."),
        _l("Top up the WeChat Pay merchant account (商户平台 → 资金管理), then send again."),
    ),
    "ILLEGAL_APPID": (
        _l("The merchant is not bound to this WeCom corp."),
        _l("Check 企业支付 in the WeCom admin: bind this merchant number (MCH_ID) to the corp."),
    ),
    "MCHID_ERROR": (
        _l("The merchant number is wrong."),
        _l("Check WECHAT_PAY_MCH_ID against 商户平台 → 账户中心."),
    ),
    "NO_AUTH": (
        _l("The merchant may not send red packets (the product is not enabled or is suspended)."),
        _l("Enable 企业红包 in 商户平台 → 产品中心, or contact WeChat Pay."),
    ),
    "SIGN_ERROR": (
        _l("WeChat Pay rejected the signature."),
        _l("Check the API key (WECHAT_PAY_API_KEY) and the corp payment secret."),
    ),
    "CA_ERROR": (
        _l("The merchant certificate was refused."),
        _l("Install the current merchant API certificate (WECHAT_PAY_CERT)."),
    ),
    "OPENID_ERROR": (
        _l("The customer's WeChat identity does not match this app."),
        _l("The customer should open the packet again from the chat; check the app's AppID."),
    ),
    "SENDNUM_LIMIT": (
        _l("This customer has received as many red packets today as WeChat Pay allows."),
        _l("Send tomorrow, or raise the limit in 商户平台 → 产品设置."),
    ),
    "MONEY_LIMIT": (
        _l("The amount is outside WeChat Pay's limits for one red packet."),
        _l("Use an amount within the limits set in 商户平台 → 产品设置."),
    ),
    "SENDAMOUNT_LIMIT": (
        _l("The merchant's red-packet total for today is used up."),
        _l("Send tomorrow, or raise the daily total in 商户平台."),
    ),
    "RCVDAMOUNT_LIMIT": (
        _l("This customer has received as much as WeChat Pay allows today."),
        _l("Send tomorrow."),
    ),
    "API_METHOD_CLOSED": (
        _l("WeChat Pay has switched red packets off for this merchant."),
        _l("Contact WeChat Pay support."),
    ),
    "PARAM_ERROR": (
        _l("WeChat Pay refused the request's parameters."),
        _l("Tell your developers; the raw message is kept below."),
    ),
    "XML_ERROR": (_l("WeChat Pay could not read the request."), _l("Tell your developers.")),
    "SYSTEMERROR": (
        _l("WeChat Pay had an internal error; the payout is being checked."),
        _l("Nothing to do: Beside asks WeChat Pay again and never pays twice."),
    ),
    "PROCESSING": (
        _l("WeChat Pay accepted the request and is still working on it."),
        _l("Nothing to do: Beside asks WeChat Pay again with the same number."),
    ),
    "SEND_FAILED": (
        _l("WeChat Pay could not send this packet under its number."),
        _l("Nothing to do: once WeChat Pay confirms nothing was paid, Beside sends it with a new number."),
    ),
    "FREQ_LIMIT": (
        _l("WeChat Pay is limiting how fast red packets are sent."),
        _l("Nothing to do: Beside tries again with the same number shortly."),
    ),
    "SECOND_OVER_LIMITED": (
        _l("More red packets this minute than WeChat Pay allows (1,800 a minute)."),
        _l("Nothing to do: Beside tries again with the same number shortly."),
    ),
    "DAY_OVER_LIMITED": (
        _l("The merchant's red packets for today are used up."),
        _l("Send tomorrow, or raise the limit in 商户平台."),
    ),
    "FATAL_ERROR": (
        _l("WeChat Pay saw this number before with different details."),
        _l("Nothing to do: Beside asks WeChat Pay what happened to the first request before anything else."),
    ),
    "TIMEOUT": (
        _l("WeChat Pay did not answer in time; the payout is being checked."),
        _l("Nothing to do: Beside asks WeChat Pay again and never pays twice."),
    ),
}


def explain(last_error: str | None) -> tuple[str, str, str] | None:
    """(code, meaning, what to do) for a stored "CODE: message", or None when there is no error."""
    if not last_error:
        return None
    code = last_error.split(":", 1)[0].strip()
    meaning, todo = MEANINGS.get(
        code, (_l("WeChat Pay refused the payout."), _l("See WeChat Pay's message below."))
    )
    return code, str(meaning), str(todo)
