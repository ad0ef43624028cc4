"""The brand's RSA private keys for the archive, by ``publickey_ver``, and the one RSA step that is ours.

WeCom encrypts each record's random key with the public key the brand uploaded in 管理工具 → 聊天内容
存档 (its version is the record's ``publickey_ver``; uploading a new key makes a new version, and older
records keep the old one, so every version still in the archive stays configured). Doc 91774: the
``encrypt_random_key`` is base64 of RSA PKCS#1 v1.5; the plaintext is the key ``DecryptData`` takes.

Keys come only from the environment: ``WECOM_ARCHIVE_PRIVATE_KEY_<version>`` holds the PEM (PKCS#1
"BEGIN RSA PRIVATE KEY" or PKCS#8).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ENV_PREFIX = "WECOM_ARCHIVE_PRIVATE_KEY_"  # read by ``config.archive_key_pems``


class KeyProblem(Exception):
    """A key that is missing or does not decrypt: said in words, with its version."""

    def __init__(self, version: int, words: str):
        self.version = version
        super().__init__(words)


def load_keys(pems: Mapping[int, str]) -> dict[int, rsa.RSAPrivateKey]:
    keys = {}
    for version, pem in pems.items():
        try:
            key = serialization.load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise KeyProblem(
                version, f"第 {version} 版私钥读不出来：不是 PEM 格式的 RSA 私钥（{exc}）"
            ) from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise KeyProblem(version, f"第 {version} 版私钥不是 RSA 私钥")
        keys[version] = key
    return keys


def random_key(keys: Mapping[int, Any], version: int, encrypted: str) -> str:
    """The record's random key: ``encrypt_random_key`` decrypted with the private key of its version."""
    key = keys.get(version)
    if key is None:
        raise KeyProblem(
            version,
            f"没有第 {version} 版私钥：消息用该版本的公钥加密。请设置 {ENV_PREFIX}{version}"
            "（管理后台「聊天内容存档」里上传的公钥对应的私钥）。",
        )
    try:
        return key.decrypt(base64.b64decode(encrypted), padding.PKCS1v15()).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise KeyProblem(
            version, f"第 {version} 版私钥解不开这条消息的密钥：私钥和上传的公钥不是一对"
        ) from exc
