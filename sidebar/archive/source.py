"""Where archive records come from, behind one interface: WeCom's SDK in production, the emulator in
development and tests.

``ArchiveSource`` is what the pull uses: a page of encrypted records after a seq, a page decrypted,
a media file in pieces. Both sources decrypt the record's random key with the brand's RSA private key
here (``keys.random_key``: ours, PKCS#1 v1.5). The one difference: ``DecryptData``'s own algorithm
(random key + ``encrypt_chat_msg`` → plaintext) is WeCom's and cannot be imitated, so the emulator
answers that step through its own endpoint (``/_finance/decrypt_many``) where the SDK calls its library.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import requests

from sidebar.archive import keys as archive_keys
from sidebar.archive.sdk import FinanceSdk, SdkError


class ArchiveSource(Protocol):
    def page(self, seq: int, limit: int) -> list[dict[str, Any]]:
        """Encrypted records after ``seq`` (``seq``, ``msgid``, ``publickey_ver``, ``encrypt_random_key``,
        ``encrypt_chat_msg``), at most ``limit`` (≤ 1,000)."""

    def decrypt_many(
        self, records: Sequence[Mapping[str, Any]]
    ) -> tuple[list[dict[str, Any]], Exception | None]:
        """A page's messages in order (each as WeCom documents it, doc 91774 消息格式), up to the first
        record that cannot be decrypted, and why not."""

    def media(self, sdkfileid: str) -> Iterator[bytes]:
        """A media file, piece by piece."""

    def close(self) -> None: ...


# The RSA step is most of a record's cost (≈ 0.22 ms each); OpenSSL releases the GIL for it, so a page's
# random keys are opened on a thread per core. (Worker processes, tried, were no faster: the cores were
# the limit, not the GIL.)
RSA_THREADS = max(2, min(os.cpu_count() or 2, 8))
_rsa_pool = ThreadPoolExecutor(max_workers=RSA_THREADS, thread_name_prefix="archive-rsa")


def random_keys(keys: Mapping[int, Any], records: Sequence[Mapping[str, Any]]) -> list[str | Exception]:
    """Each record's random key, or the problem opening it (``keys.KeyProblem``)."""

    def one(record: Mapping[str, Any]) -> str | Exception:
        try:
            return archive_keys.random_key(keys, int(record["publickey_ver"]), record["encrypt_random_key"])
        except archive_keys.KeyProblem as exc:
            return exc

    def run(chunk: Sequence[Mapping[str, Any]]) -> list[str | Exception]:
        return [one(record) for record in chunk]

    # A chunk per thread, not a task per record: a future per record cost a tenth of the RSA work itself.
    size = -(-len(records) // RSA_THREADS) or 1
    chunks = [records[i : i + size] for i in range(0, len(records), size)]
    return [key for chunk in _rsa_pool.map(run, chunks) for key in chunk]


class SdkSource:
    def __init__(self, corp_id: str, secret: str, private_keys: Mapping[int, str], *, proxy: str = "",
                 proxy_password: str = "", timeout: int = 10):  # fmt: skip
        self.keys = archive_keys.load_keys(private_keys)
        self.timeout = timeout
        self.sdk = FinanceSdk(corp_id, secret, proxy=proxy, proxy_password=proxy_password)

    def page(self, seq: int, limit: int) -> list[dict[str, Any]]:
        return list(self.sdk.chat_data(seq, limit, timeout=self.timeout).get("chatdata") or [])

    def decrypt_many(
        self, records: Sequence[Mapping[str, Any]]
    ) -> tuple[list[dict[str, Any]], Exception | None]:
        out: list[dict[str, Any]] = []
        for record, key in zip(records, random_keys(self.keys, records), strict=True):
            if isinstance(key, Exception):
                return out, key
            try:
                out.append(json.loads(self.sdk.decrypt(key, record["encrypt_chat_msg"])))
            except SdkError as exc:
                return out, exc
        return out, None

    def media(self, sdkfileid: str) -> Iterator[bytes]:
        index = ""
        while True:
            piece = self.sdk.media_piece(sdkfileid, index, timeout=max(self.timeout, 30))
            yield piece.data
            if piece.finished:
                return
            index = piece.next_index

    def close(self) -> None:
        self.sdk.close()


class EmulatorSource:
    """The emulator's imitation of the SDK over HTTP (``emulator/finance.py``): the same pages, the same
    RSA-encrypted random keys, media in the same 512 KB pieces."""

    def __init__(self, base_url: str, corp_id: str, secret: str, private_keys: Mapping[int, str], *,
                 timeout: float = 10.0):  # fmt: skip
        self.base = base_url.rstrip("/")
        self.corp_id, self.secret, self.timeout = corp_id, secret, timeout
        self.keys = archive_keys.load_keys(private_keys)
        self.http = requests.Session()
        # Pages are asked for and opened on threads of their own (``pull._Ahead``): a session each.
        self.http_pages, self.http_open = requests.Session(), requests.Session()

    def _call(self, name: str, body: dict[str, Any], http: requests.Session | None = None) -> dict[str, Any]:
        try:
            res = (http or self.http).post(f"{self.base}/{name}", json=body, timeout=self.timeout)
            answer = res.json()
        except (requests.RequestException, ValueError) as exc:
            raise SdkError(10001) from exc
        if answer.get("ret"):  # the SDK function's own return code
            raise SdkError(int(answer["ret"]))
        if answer.get("errcode"):  # WeCom's answer inside the page
            raise SdkError(int(answer["errcode"]), str(answer.get("errmsg") or ""))
        return answer

    def page(self, seq: int, limit: int) -> list[dict[str, Any]]:
        body = {"corpid": self.corp_id, "secret": self.secret, "seq": seq, "limit": limit}
        return list(self._call("chatdata", body, self.http_pages).get("chatdata") or [])

    def decrypt_many(
        self, records: Sequence[Mapping[str, Any]]
    ) -> tuple[list[dict[str, Any]], Exception | None]:
        """The random keys here (ours), then the page's ``DecryptData`` stand-ins in one call."""
        keys = random_keys(self.keys, records)
        good = next((n for n, k in enumerate(keys) if isinstance(k, Exception)), len(keys))
        problem = keys[good] if good < len(keys) else None
        if good == 0:
            return [], problem if isinstance(problem, Exception) else None
        pairs = [
            {"encrypt_key": k, "encrypt_msg": r["encrypt_chat_msg"]}
            for k, r in zip(keys[:good], records[:good], strict=True)
        ]
        answer = self._call("decrypt_many", {"items": pairs}, self.http_open)
        out: list[dict[str, Any]] = []
        for item in answer.get("items") or []:
            if item.get("ret"):
                return out, SdkError(int(item["ret"]))
            out.append(json.loads(item["msg"]))
        return out, problem if isinstance(problem, Exception) else None

    def media(self, sdkfileid: str) -> Iterator[bytes]:
        index = ""
        while True:
            body = {"corpid": self.corp_id, "secret": self.secret, "sdkfileid": sdkfileid, "indexbuf": index}
            piece = self._call("media", body)
            yield base64.b64decode(piece.get("data") or "")
            if piece.get("is_finish"):
                return
            index = str(piece.get("outindexbuf") or "")

    def close(self) -> None:
        for http in (self.http, self.http_pages, self.http_open):
            http.close()


def enabled(config: Mapping[str, Any]) -> bool:
    """Whether the brand has the archive: its Secret is set."""
    return bool(config.get("WECOM_ARCHIVE_SECRET"))


def open_source(config: Mapping[str, Any]) -> ArchiveSource:
    """The configured source (raises ``SdkError`` or ``keys.KeyProblem`` in words)."""
    corp_id, secret = str(config["WECOM_CORP_ID"]), str(config["WECOM_ARCHIVE_SECRET"])
    private_keys = config.get("WECOM_ARCHIVE_PRIVATE_KEYS") or {}
    if config.get("WECOM_ARCHIVE_SOURCE") == "emulator":
        return EmulatorSource(str(config["WECOM_ARCHIVE_EMULATOR_URL"]), corp_id, secret, private_keys)
    return SdkSource(corp_id, secret, private_keys, proxy=str(config.get("WECOM_ARCHIVE_PROXY") or ""),
                     proxy_password=str(config.get("WECOM_ARCHIVE_PROXY_PASSWORD") or ""))  # fmt: skip
