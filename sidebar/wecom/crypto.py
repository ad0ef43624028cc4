"""Callback verification and decryption (WeCom's AES-256-CBC scheme), on wechatpy's WeChatCrypto."""

from __future__ import annotations

import struct
from xml.parsers.expat import ExpatError

from wechatpy.exceptions import InvalidSignatureException
from wechatpy.work.crypto import WeChatCrypto
from wechatpy.work.exceptions import InvalidCorpIdException


class InvalidCallback(Exception):
    """The request did not come from WeCom: a wrong signature, corp id or cipher text."""


class Undecryptable(InvalidCallback):
    """Signed with our token, but the cipher text does not open with our EncodingAESKey (or names
    another corp): the settings here and in WeCom's admin differ — check WECOM_CALLBACK_AES_KEY."""


# What a cipher text opened with the wrong key raises inside wechatpy: bad padding (ValueError), a
# length field read from garbage (struct.error), bytes that are not UTF-8 or XML.
_GARBLED = (ValueError, struct.error, IndexError, KeyError, TypeError, UnicodeDecodeError)


class CallbackCrypto:
    def __init__(self, token: str, aes_key: str, corp_id: str):
        self._crypto = WeChatCrypto(token, aes_key, corp_id)

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The URL check WeCom makes when the callback is configured: answer the decrypted echostr."""
        try:
            return self._decoded(self._crypto.check_signature(msg_signature, timestamp, nonce, echostr))
        except InvalidSignatureException as exc:
            raise InvalidCallback("signature") from exc
        except (InvalidCorpIdException, *_GARBLED) as exc:
            raise Undecryptable(type(exc).__name__) from exc

    def decrypt(self, body: bytes | str, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The plain event XML inside an encrypted callback body."""
        try:
            return self._decoded(self._crypto.decrypt_message(body, msg_signature, timestamp, nonce))
        except ExpatError as exc:  # the body is not WeCom's XML envelope at all
            raise InvalidCallback("body") from exc
        except InvalidSignatureException as exc:
            raise InvalidCallback("signature") from exc
        except (InvalidCorpIdException, *_GARBLED) as exc:
            raise Undecryptable(type(exc).__name__) from exc

    @staticmethod
    def _decoded(value: bytes | str) -> str:
        return value.decode("utf-8") if isinstance(value, bytes) else value
