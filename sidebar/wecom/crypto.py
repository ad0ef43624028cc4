"""Callback verification and decryption (WeCom's AES-256-CBC scheme), on wechatpy's WeChatCrypto."""

from __future__ import annotations

from wechatpy.exceptions import InvalidSignatureException
from wechatpy.work.crypto import WeChatCrypto
from wechatpy.work.exceptions import InvalidCorpIdException


class InvalidCallback(Exception):
    """The request did not come from WeCom: a wrong signature, corp id or cipher text."""


class CallbackCrypto:
    def __init__(self, token: str, aes_key: str, corp_id: str):
        self._crypto = WeChatCrypto(token, aes_key, corp_id)

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The URL check WeCom makes when the callback is configured: answer the decrypted echostr."""
        try:
            return self._decoded(self._crypto.check_signature(msg_signature, timestamp, nonce, echostr))
        except (InvalidSignatureException, InvalidCorpIdException, ValueError) as exc:
            raise InvalidCallback(str(exc)) from exc

    def decrypt(self, body: bytes | str, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The plain event XML inside an encrypted callback body."""
        try:
            return self._decoded(self._crypto.decrypt_message(body, msg_signature, timestamp, nonce))
        except (InvalidSignatureException, InvalidCorpIdException, ValueError, KeyError, TypeError) as exc:
            raise InvalidCallback(str(exc) or type(exc).__name__) from exc

    @staticmethod
    def _decoded(value: bytes | str) -> str:
        return value.decode("utf-8") if isinstance(value, bytes) else value
