"""The RSA step of the archive is ours: a record's random key, encrypted by WeCom with the public key of a
version (PKCS#1 v1.5), opens with that version's private key; a missing version or a key that is not the
pair says so in words."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sidebar.archive import keys
from sidebar.config import archive_key_pems


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def test_each_version_opens_with_its_own_key_and_only_with_it():
    old, new = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    loaded = keys.load_keys({2: _pem(old), 3: _pem(new)})
    sealed = base64.b64encode(new.public_key().encrypt(b"k" * 32, padding.PKCS1v15())).decode()
    assert keys.random_key(loaded, 3, sealed) == "k" * 32
    with pytest.raises(keys.KeyProblem, match="不是一对"):
        keys.random_key(loaded, 2, sealed)  # the old key cannot open what the new public key sealed
    with pytest.raises(keys.KeyProblem, match="WECOM_ARCHIVE_PRIVATE_KEY_4"):
        keys.random_key(loaded, 4, sealed)
    with pytest.raises(keys.KeyProblem, match="PEM"):
        keys.load_keys({5: "not a key"})


def test_keys_come_from_the_environment_by_version():
    pem = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    found = archive_key_pems(
        {
            "WECOM_ARCHIVE_PRIVATE_KEY_3": pem.replace("\n", "\\n"),
            "WECOM_ARCHIVE_PRIVATE_KEY_X": "no",
            "OTHER": "x",
        }
    )
    assert list(found) == [3] and keys.load_keys(found)[3]
