"""WeCom's callback encryption, written from the documentation and independent of wechatpy.

The app decrypts with wechatpy; the emulator encrypts with this. Agreement between two separate
implementations is the test that the scheme is right: AES-256-CBC, key = base64(EncodingAESKey + "="),
IV = key[:16], PKCS#7 padding to 32-byte blocks, plaintext = 16 random bytes + 4-byte network-order
length + message + receiveid; signature = sha1 of the sorted token, timestamp, nonce and cipher text.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


def _key(aes_key: str) -> bytes:
    key = base64.b64decode(aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


def encrypt(message: str, aes_key: str, receive_id: str) -> str:
    key = _key(aes_key)
    body = message.encode("utf-8")
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + receive_id.encode("utf-8")
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(cipher_text: str, aes_key: str) -> tuple[str, str]:
    """``(message, receive_id)``; the emulator uses it to read what the app answers, if anything."""
    key = _key(aes_key)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(cipher_text)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length].decode("utf-8"), plain[20 + length :].decode("utf-8")


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode("utf-8")).hexdigest()  # noqa: S324


def envelope(encrypted: str, corp_id: str, agent_id: str) -> str:
    """The POST body WeCom sends: the cipher text wrapped in XML."""
    return (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<AgentID><![CDATA[{agent_id}]]></AgentID></xml>"
    )
