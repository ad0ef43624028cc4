"""Errors the gateway raises; services catch these, never wechatpy's or requests' own — and the one place
that says what a WeCom errcode means to the person who sees it.

Codes from WeCom's global error-code page (doc 90313 "全局错误码"):

- -1 系统繁忙 ("建议重试次数不超过3次");
- 40001 / 40014 / 42001: invalid secret, invalid token, expired token;
- 45009 接口调用超过限制 and 45033 接口并发调用超过限制: "频率拦截时长一般与调用的限制时长相同" — a minute's
  limit blocks for the minute;
- 40050 chatid不存在 and 49008 群已经解散: what ``groupchat/get`` answers for an unknown or a dismissed chat;
- 7010xx, the 接口调用许可 (licence) family, e.g. 701008 没有合法的有互通license的用户: the member has no 互通
  licence, so WeCom will not let the app act for them on customers;
- 84061 不存在外部联系人的关系; 50100 分页查询的游标无效; 60011 无权限访问 (outside the app's visible range);
  45029 回包大小超过上限; 81017 请求个数超过限制.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BUSY = -1
TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid credential, invalid token, expired token
RATE_LIMIT_ERRORS = frozenset({45009, 45033})  # frequency, concurrency
NO_SUCH_CHAT = 40050
CHAT_DISMISSED = 49008
GONE_CHAT = frozenset({NO_SUCH_CHAT, CHAT_DISMISSED})
NOT_A_CONTACT = 84061
NO_PRIVILEGE = 60011  # outside the app's visible range
CURSOR_INVALID = 50100


def is_licence_error(errcode: int | None) -> bool:
    """A code of the 接口调用许可 family (7010xx): the member lacks the licence the call needs."""
    return errcode is not None and 701000 <= errcode < 702000


class WeComError(Exception):
    """WeCom answered with a non-zero errcode."""

    def __init__(self, errcode: int | None, errmsg: str):
        super().__init__(f"WeCom error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def licence(self) -> bool:
        return is_licence_error(self.errcode)

    def in_words(self) -> str:
        """What a guide or an admin is told: a known cause in words, else WeCom's own message."""
        if self.licence:
            return str(
                _l(
                    "This member has no 互通 licence (接口许可), so WeCom will not let Beside act for "
                    "them on customers. An admin must activate one for them in WeCom's admin."
                )
            )
        if self.errcode in RATE_LIMIT_ERRORS:
            return str(_l("WeCom is limiting calls for the moment. Try again in a minute."))
        if self.errcode == BUSY:
            return str(_l("WeCom is busy. Try again in a moment."))
        if self.errcode == CHAT_DISMISSED:
            return str(_l("This group chat has been dismissed."))
        if self.errcode == NO_SUCH_CHAT:
            return str(_l("WeCom knows no such group chat."))
        return f"{self.errmsg} ({self.errcode})" if self.errcode is not None else self.errmsg


class WeComUnavailable(WeComError):
    """WeCom could not be reached, timed out, or answered with an HTTP error."""

    def __init__(self, message: str):
        super().__init__(None, message)

    def in_words(self) -> str:
        return str(_l("WeCom did not answer. Try again in a moment."))


class WeComRateLimited(WeComError):
    """WeCom blocks this call for its limit's window; ``retry_after`` seconds are left of it."""

    def __init__(self, errcode: int, errmsg: str, retry_after: float):
        super().__init__(errcode, errmsg)
        self.retry_after = retry_after
