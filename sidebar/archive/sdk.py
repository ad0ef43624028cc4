"""WeCom's chat-archive SDK (``libWeWorkFinanceSdk_C``), bound with ctypes.

The library and its header come from the PyPI package ``pyweworkfinance`` (MIT), which ships WeCom's
builds for Linux x86-64 and ARM64. Only its files are used: its own Python wrapper logs the secret at
debug level, so it is never imported (``find_spec`` locates the directory without running it).

The C API (``WeWorkFinanceSdk_C.h``, doc 91774 获取会话内容): ``NewSdk``/``Init(sdk, corpid, secret)``;
``GetChatData(sdk, seq, limit, proxy, passwd, timeout, slice)`` answers a JSON page of encrypted records
after ``seq`` (at most 1,000); ``DecryptData(random_key, encrypt_chat_msg, slice)`` decrypts one record
with the random key the brand's RSA private key recovered; ``GetMediaData(sdk, indexbuf, sdkfileid, …,
media)`` returns a file 512 KB at a time with the index of the next piece. Every call answers 0 or one of
the header's codes (``CODES``).
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import platform
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The header's return codes, in words a person setting the archive up can act on.
CODES = {
    10000: "参数错误（请求参数错误）",
    10001: "网络错误：连不上企业微信（检查服务器出网和代理）",
    10002: "数据解析失败",
    10003: "系统失败",
    10004: "密钥错误导致加密失败",
    10005: "fileid 错误",
    10006: "解密失败",
    10007: "找不到消息加密版本的私钥：请配置该版本（publickey_ver）的私钥",
    10008: "解析 encrypt_key 出错",
    10009: "IP 非法：请在管理后台「聊天内容存档」里把服务器出口 IP 加入可信 IP",
    10010: "数据过期",
    10011: "证书错误",
}
LIBRARIES = {"x86_64": "libWeWorkFinanceSdk_C_x86.so", "aarch64": "libWeWorkFinanceSdk_C_arm.so"}
PAGE_MOST = 1000  # GetChatData: "一次拉取的消息条数，最大值1000条"


class SdkError(Exception):
    """The SDK answered a non-zero code (or its page carried WeCom's own errcode)."""

    def __init__(self, code: int, words: str | None = None):
        self.code = code
        self.words = words or CODES.get(code) or f"SDK 返回 {code}"
        super().__init__(f"{code}: {self.words}")


def library_path() -> Path:
    """Where the package keeps the library for this machine's architecture."""
    spec = importlib.util.find_spec("pyweworkfinance")
    if spec is None or not spec.submodule_search_locations:
        raise SdkError(10003, "没有安装 pyweworkfinance（requirements.txt 里有它）")
    name = LIBRARIES.get(platform.machine())
    if name is None:
        raise SdkError(10003, f"会话存档 SDK 没有 {platform.machine()} 架构的版本")
    return Path(next(iter(spec.submodule_search_locations))) / "libs" / "linux" / name


_loaded: ctypes.CDLL | None = None
_load_lock = threading.Lock()


def load() -> ctypes.CDLL:
    """The library with every function's signature declared (a wrong one would corrupt memory)."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            lib = ctypes.CDLL(str(library_path()))
            p, c, i, u = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint
            signatures: dict[str, tuple[list[Any], Any]] = {
                "NewSdk": ([], p),
                "Init": ([p, c, c], i),
                "GetChatData": ([p, ctypes.c_ulonglong, u, c, c, i, p], i),
                "DecryptData": ([c, c, p], i),
                "GetMediaData": ([p, c, c, c, c, i, p], i),
                "DestroySdk": ([p], None),
                "NewSlice": ([], p),
                "FreeSlice": ([p], None),
                "GetContentFromSlice": ([p], p),
                "GetSliceLen": ([p], i),
                "NewMediaData": ([], p),
                "FreeMediaData": ([p], None),
                "GetOutIndexBuf": ([p], p),
                "GetData": ([p], p),
                "GetIndexLen": ([p], i),
                "GetDataLen": ([p], i),
                "IsMediaDataFinish": ([p], i),
            }
            for name, (args, result) in signatures.items():
                function = getattr(lib, name)
                function.argtypes, function.restype = args, result
            _loaded = lib
    return _loaded


def _slice_bytes(lib: ctypes.CDLL, piece: int) -> bytes:
    size = lib.GetSliceLen(piece)
    address = lib.GetContentFromSlice(piece)
    return ctypes.string_at(address, size) if address and size > 0 else b""


@dataclass
class MediaPiece:
    data: bytes
    next_index: str
    finished: bool


class FinanceSdk:
    """One initialised SDK (``NewSdk`` + ``Init``), freed by ``close``. Not shared between threads."""

    def __init__(self, corp_id: str, secret: str, *, proxy: str = "", proxy_password: str = ""):
        self.lib = load()
        self.handle = self.lib.NewSdk()
        self.proxy, self.proxy_password = proxy.encode(), proxy_password.encode()
        code = self.lib.Init(self.handle, corp_id.encode(), secret.encode())
        if code != 0:
            self.close()
            raise SdkError(code)

    def close(self) -> None:
        if self.handle:
            self.lib.DestroySdk(self.handle)
            self.handle = None

    def chat_data(self, seq: int, limit: int, *, timeout: int = 10) -> dict[str, Any]:
        """The page after ``seq``: ``{"errcode", "errmsg", "chatdata": [...]}``."""
        piece = self.lib.NewSlice()
        try:
            code = self.lib.GetChatData(
                self.handle, seq, min(limit, PAGE_MOST), self.proxy, self.proxy_password, timeout, piece
            )
            if code != 0:
                raise SdkError(code)
            page = json.loads(_slice_bytes(self.lib, piece) or b"{}")
        finally:
            self.lib.FreeSlice(piece)
        if page.get("errcode"):  # WeCom's own answer inside the page (a wrong secret: 48002, …)
            raise SdkError(int(page["errcode"]), str(page.get("errmsg") or ""))
        return page

    def decrypt(self, random_key: str, encrypt_chat_msg: str) -> str:
        """``DecryptData``: one record's plaintext JSON."""
        piece = self.lib.NewSlice()
        try:
            code = self.lib.DecryptData(random_key.encode(), encrypt_chat_msg.encode(), piece)
            if code != 0:
                raise SdkError(code)
            return _slice_bytes(self.lib, piece).decode("utf-8")
        finally:
            self.lib.FreeSlice(piece)

    def media_piece(self, sdkfileid: str, index: str, *, timeout: int = 30) -> MediaPiece:
        """One piece of a media file (``index`` empty for the first)."""
        media = self.lib.NewMediaData()
        try:
            code = self.lib.GetMediaData(self.handle, index.encode(), sdkfileid.encode(), self.proxy,
                                         self.proxy_password, timeout, media)  # fmt: skip
            if code != 0:
                raise SdkError(code)
            data_size, index_size = self.lib.GetDataLen(media), self.lib.GetIndexLen(media)
            data_at, index_at = self.lib.GetData(media), self.lib.GetOutIndexBuf(media)
            return MediaPiece(
                data=ctypes.string_at(data_at, data_size) if data_at and data_size > 0 else b"",
                next_index=ctypes.string_at(index_at, index_size).decode()
                if index_at and index_size > 0
                else "",
                finished=bool(self.lib.IsMediaDataFinish(media)),
            )
        finally:
            self.lib.FreeMediaData(media)
