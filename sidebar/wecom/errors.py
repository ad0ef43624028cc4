"""Errors the gateway raises; services catch these, never wechatpy's or requests' own."""

from __future__ import annotations

# WeCom errcodes the gateway treats specially (doc 90313).
TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid credential, invalid token, expired token
RATE_LIMIT_ERRORS = frozenset({45009, 45033})  # frequency, concurrency


class WeComError(Exception):
    """WeCom answered with a non-zero errcode."""

    def __init__(self, errcode: int | None, errmsg: str):
        super().__init__(f"WeCom error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeComUnavailable(WeComError):
    """WeCom could not be reached, timed out, or answered with an HTTP error."""

    def __init__(self, message: str):
        super().__init__(None, message)
