"""会话内容存档 as WeCom's archive SDK sees it (doc 91774 获取会话内容), over HTTP.

Every message the preview shows — what the member sends from the sidebar, what the customer types,
mass messages a member confirmed — is kept here in seq order as WeCom's archive keeps it: the message
JSON of doc 91774's 消息格式 (``msgid``, ``action``, ``from``, ``tolist``, ``roomid``, ``msgtime`` in
ms, ``msgtype`` and its part). The SDK's calls are imitated at ``/_finance/…``:

- ``chatdata`` (GetChatData): records after ``seq``, at most ``limit`` ≤ 1,000 (more: 10000 参数错误,
  as the header says), each ``{seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg}``. The
  random key is encrypted with the brand's RSA public key (PKCS#1 v1.5, base64), as WeCom does, so the
  app's RSA step is real. A wrong Secret answers inside the page as WeCom's API does for a bad credential
  (doc 90313: 40001 invalid credential); the app's own Secret answers 48002 (API forbidden: the app has
  no archive permission — the usual mistake, reported by WxJava's users).
- ``decrypt`` (DecryptData): the SDK's own cipher for ``encrypt_chat_msg`` cannot be imitated, so this
  emulator uses AES-256-CBC under the random key and decrypts here. It is the one step the app takes
  differently in development (``sidebar.archive.source``).
- ``media`` (GetMediaData): a file in 512 KB pieces ("默认拉取512k") with the index of the next.

And the server API: ``msgaudit/check_single_agree`` and ``msgaudit/get_permit_user_list`` (doc 91782,
91614). The control endpoints: ``/_emulator/archive/say`` records a message, ``…/recall`` a recall, and
``…/consent`` a customer's agreement or refusal (doc 91774: agree / disagree messages).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import secrets
import string
import time
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask import Blueprint, Response, abort, current_app, jsonify, request

from emulator.api import body, endpoint
from emulator.state import ApiError, WeComState

finance_bp = Blueprint("finance", __name__)
PAGE_MOST = 1000
PIECE = 512 * 1024
RANDOM_KEY_ALPHABET = string.ascii_letters + string.digits


def _state() -> WeComState:
    return current_app.extensions["wecom_state"]


def _public_key(st: WeComState) -> tuple[int, rsa.RSAPublicKey]:
    """The newest public key version the brand uploaded and its key (from the configured private keys)."""
    pems: dict[int, str] = st.settings["ARCHIVE_KEYS"]
    version = max(pems)
    return version, _public_of(pems[version])


@functools.lru_cache(maxsize=8)
def _public_of(pem: str) -> rsa.RSAPublicKey:
    """(Loading a private key checks it, 27 ms: once per key, not per page.)"""
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    return private.public_key()


@functools.lru_cache(maxsize=8192)  # a benchmark's keys repeat (``_sealed_keys``)
def _aes(key: str) -> Cipher[modes.CBC]:
    raw = key.encode()[:32].ljust(32, b"0")
    return Cipher(algorithms.AES(raw), modes.CBC(raw[:16]))


def _seal(key: str, plaintext: str) -> str:
    data = plaintext.encode()
    data += bytes([16 - len(data) % 16]) * (16 - len(data) % 16)  # PKCS#7
    encryptor = _aes(key).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def _open(key: str, sealed: str) -> str:
    decryptor = _aes(key).decryptor()
    data = decryptor.update(base64.b64decode(sealed)) + decryptor.finalize()
    pad = data[-1] if data else 0
    if not 0 < pad <= 16 or data[-pad:] != bytes([pad]) * pad:
        raise ValueError("not this key's")
    return data[:-pad].decode()


# A benchmark archive's words: customers ask (some complain, some mention 过敏), members answer.
SYNTHETIC_CUSTOMER = (
    "您好，请问这款精华适合敏感肌吗",
    "最近有什么优惠活动吗",
    "我的快递到哪了",
    "用了以后有点过敏，想退货",
    "防晒霜会不会很油",
    "周末门店几点关门",
)
SYNTHETIC_MEMBER = (
    "可以的，建议先在耳后试用两天",
    "会员日全场九折，金卡双倍积分",
    "已经发货了，单号稍后发您",
    "抱歉给您添麻烦了，马上帮您处理",
    "这款很清爽，夏天用刚好",
    "晚上十点关门，欢迎到店试用",
)


# A rarer request, every RARE_EVERY-th message: what a search finds among few.
SYNTHETIC_RARE = "想给妈妈的礼盒刻字，可以吗"
RARE_EVERY = 9973


def synthetic_page(st: WeComState, first: int, last: int) -> list[dict[str, Any]]:
    """Messages ``first``..``last`` of a benchmark's archive: the demo's members and customers taking
    turns."""
    members = sorted(st.users)
    customers = sorted(st.follows) or ["wmbench0000000000000000000000000"]
    page = []
    for seq in range(first, last + 1):
        member = members[seq % len(members)]
        customer = customers[(seq // 2) % len(customers)]
        from_customer = seq % 2 == 1
        words = (SYNTHETIC_CUSTOMER if from_customer else SYNTHETIC_MEMBER)[(seq // 2) % 6]
        if from_customer and seq % RARE_EVERY == 1:
            words = SYNTHETIC_RARE
        message = {
            "msgid": f"syn{seq}",
            "action": "send",
            "from": customer if from_customer else member,
            "tolist": [member if from_customer else customer],
            "roomid": "",
            "msgtime": 1_700_000_000_000 + seq * 100,
            "msgtype": "text",
            "text": {"content": f"{words}（{seq}）"},
        }
        page.append({"seq": seq, "message": message})
    return page


def _random_key() -> str:
    return "".join(secrets.choice(RANDOM_KEY_ALPHABET) for _ in range(32))


def _sealed_keys(st: WeComState, version: int, public: Any) -> list[tuple[str, str]]:
    """A benchmark's random keys, each with its RSA encryption, made once: WeCom encrypts on its own
    servers, so the emulator, sharing a benchmark's cores with Beside, need not spend them on it. (Beside
    still opens every record's key; it keeps none.)"""
    with st.lock:
        pool = st.archive_key_pool.get(version)
        if pool is None:
            pool = []
            for _ in range(4096):
                key = _random_key()
                sealed = public.encrypt(key.encode(), padding.PKCS1v15())
                pool.append((key, base64.b64encode(sealed).decode()))
            st.archive_key_pool[version] = pool
        return pool


def record(st: WeComState, message: dict[str, Any], media: bytes | None = None) -> dict[str, Any]:
    """Archive one message (its ``msgid`` and ``msgtime`` made here); a media message's bytes kept
    under its ``sdkfileid``. Returns the message as archived."""
    with st.lock:
        seq = len(st.archive) + 1
        msg = {
            "msgid": f"emu{seq}_{secrets.token_hex(6)}",
            "action": "send",
            "msgtime": int(time.time() * 1000),
            **message,
        }
        if media is not None:
            kind = msg["msgtype"]
            fileid = "sdkfile-" + secrets.token_urlsafe(24)
            msg[kind] = {**msg.get(kind, {}), "sdkfileid": fileid}
            st.archive_media[fileid] = media
        st.archive.append({"seq": seq, "message": msg})
        return msg


def _check_secret(st: WeComState, corpid: str, secret: str) -> None:
    if corpid != st.settings["WECOM_CORP_ID"]:
        raise ApiError(40013, "invalid corpid")
    if secret == st.settings["WECOM_SECRET"]:
        raise ApiError(48002, "api forbidden: this Secret has no chat archive permission")
    if secret != st.settings["WECOM_ARCHIVE_SECRET"]:
        raise ApiError(40001, "invalid credential")


def _page_answer(body: dict[str, Any]) -> Response:
    """A page's answer as compact UTF-8 JSON (``jsonify`` sorts keys and escapes every Chinese
    character: a tenth of a benchmark's emulator time, on cores the emulator shares with Beside)."""
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")


@finance_bp.post("/_finance/chatdata")
def chatdata():
    st = _state()
    spec = request.get_json(silent=True) or {}
    try:
        seq, limit = int(spec.get("seq") or 0), int(spec.get("limit") or 0)
    except (TypeError, ValueError):
        return jsonify(ret=10000)
    if not 0 < limit <= PAGE_MOST or seq < 0:
        return jsonify(ret=10000)  # the header: "最大值1000条，超过1000条会返回错误"
    try:
        _check_secret(st, str(spec.get("corpid") or ""), str(spec.get("secret") or ""))
    except ApiError as exc:
        return jsonify(ret=0, errcode=exc.errcode, errmsg=exc.errmsg)
    version, public = _public_key(st)
    with st.lock:
        # The archive's seq are increasing integers; "返回的消息从seq+1开始返回".
        page = [item for item in st.archive[seq : seq + limit]]
        synthetic = int(st.config.get("archive_synthetic") or 0)
    if synthetic:  # a benchmark's archive: made as it is read, so ten million messages take no memory
        page = synthetic_page(st, seq + 1, min(seq + limit, synthetic))
        pool = _sealed_keys(st, version, public)
    out = []
    for item in page:
        if synthetic:
            key, sealed = pool[item["seq"] % len(pool)]
        else:
            key = _random_key()
            sealed = base64.b64encode(public.encrypt(key.encode(), padding.PKCS1v15())).decode()
        out.append(
            {
                "seq": item["seq"],
                "msgid": item["message"]["msgid"],
                "publickey_ver": version,
                "encrypt_random_key": sealed,
                "encrypt_chat_msg": _seal(key, json.dumps(item["message"], ensure_ascii=False)),
            }
        )
    return _page_answer({"ret": 0, "errcode": 0, "errmsg": "ok", "chatdata": out})


@finance_bp.post("/_finance/decrypt_many")
def decrypt_many():
    """DecryptData's stand-in (see the module's note) for a page at once (one HTTP call, not a thousand):
    ``{"items": [{encrypt_key, encrypt_msg}]}`` → ``{"items": [{ret, msg}]}``; ``ret`` 10006 解密失败 when
    the key does not open it."""
    items = (request.get_json(silent=True) or {}).get("items") or []
    out = []
    for item in items[:PAGE_MOST]:
        try:
            out.append(
                {
                    "ret": 0,
                    "msg": _open(str(item.get("encrypt_key") or ""), str(item.get("encrypt_msg") or "")),
                }
            )
        except (ValueError, TypeError):
            out.append({"ret": 10006})
    return _page_answer({"ret": 0, "items": out})


@finance_bp.post("/_finance/media")
def media():
    st = _state()
    spec = request.get_json(silent=True) or {}
    try:
        _check_secret(st, str(spec.get("corpid") or ""), str(spec.get("secret") or ""))
    except ApiError as exc:
        return jsonify(ret=0, errcode=exc.errcode, errmsg=exc.errmsg)
    data = st.archive_media.get(str(spec.get("sdkfileid") or ""))
    if data is None:
        return jsonify(ret=10005)  # fileid 错误
    start = int(spec.get("indexbuf") or 0) if str(spec.get("indexbuf") or "0").isdigit() else 0
    piece = data[start : start + PIECE]
    finished = start + PIECE >= len(data)
    return jsonify(
        ret=0,
        data=base64.b64encode(piece).decode(),
        outindexbuf="" if finished else str(start + PIECE),
        is_finish=int(finished),
    )


def _archive_token(st: WeComState) -> None:
    """msgaudit/* take a token made with the archive's Secret; the app's answers 48002 (API forbidden)."""
    if st.token_kinds.get(request.args.get("access_token", "")) != "archive":
        raise ApiError(48002, "api forbidden: use the chat archive Secret's access_token")


@endpoint("msgaudit/check_single_agree", "POST")
def check_single_agree(st: WeComState) -> dict[str, Any]:
    """Doc 91782: each {userid, exteranalopenid} (WeCom's spelling) → agree_status Agree / Disagree /
    Default_Agree (never asked: archived by default)."""
    _archive_token(st)
    data = body()
    info = data.get("info")
    if not isinstance(info, list) or not info or len(info) > 100:
        raise ApiError(40058, "info: 1 to 100 pairs")
    out = []
    with st.lock:
        for pair in info:
            ext = str((pair or {}).get("exteranalopenid") or "")
            answer = st.archive_consent.get(ext)
            out.append(
                {
                    "userid": (pair or {}).get("userid", ""),
                    "exteranalopenid": ext,
                    "agree_status": answer["status"] if answer else "Default_Agree",
                    "status_change_time": answer["at"] if answer else 0,
                }
            )
    return {"agreeinfo": out}


@endpoint("msgaudit/get_permit_user_list", "POST")
def get_permit_user_list(st: WeComState) -> dict[str, Any]:
    """Doc 91614: the members with the archive switched on (a licence): ``ids``."""
    _archive_token(st)
    licensed = st.config.get("archive_members")
    return {"ids": list(st.users) if licensed is None else list(licensed)}


@finance_bp.post("/_emulator/archive/say")
def say():
    """Record a message between a member and a customer (or in a group): ``{userid, external_userid |
    chat_id, side: member | customer, message}`` where ``message`` is a sendChatMessage body (text,
    image, video, file, news, miniprogram) or ``{"msgtype": "text", "text": {"content": …}}``."""
    st = _state()
    spec = request.get_json(silent=True) or {}
    userid, ext = str(spec.get("userid") or ""), str(spec.get("external_userid") or "")
    room = str(spec.get("chat_id") or "")
    if not userid or not (ext or room):
        abort(400, "userid and external_userid or chat_id")
    side = spec.get("side") or "member"
    sender = (ext if side == "customer" else userid) if not room else (spec.get("from") or userid)
    to = [userid] if side == "customer" and not room else ([ext] if not room else [])
    archived, blob = archived_message(spec.get("message") or {})
    msg = record(st, {"from": sender, "tolist": to, "roomid": room, **archived}, blob)
    return jsonify(msg)


def archived_message(sent: dict[str, Any]) -> tuple[dict[str, Any], bytes | None]:
    """A sendChatMessage body (or mass-message attachment) as the archive stores it (doc 91774), with the
    bytes a media message's file holds here."""
    kind = sent.get("msgtype") or "text"
    if kind == "text":
        return {
            "msgtype": "text",
            "text": {"content": str((sent.get("text") or {}).get("content", ""))},
        }, None
    if kind in ("news", "link"):
        part = sent.get(kind) or {}
        link = {
            "title": part.get("title", ""),
            "description": part.get("desc", ""),
            "link_url": part.get("link") or part.get("url", ""),
            "image_url": part.get("imgUrl") or part.get("picurl", ""),
        }
        return {"msgtype": "link", "link": link}, None
    if kind == "miniprogram":
        part = sent.get(kind) or {}
        return {"msgtype": "weapp", "weapp": {"title": part.get("title", ""), "description": "",
                "username": part.get("appid", ""), "displayname": ""}}, None  # fmt: skip
    blob = os.urandom(64)  # the file's bytes: the emulator does not keep what the app uploaded
    if kind == "image":
        return {"msgtype": "image", "image": {"md5sum": "", "filesize": len(blob)}}, blob
    if kind == "video":
        return {"msgtype": "video", "video": {"md5sum": "", "filesize": len(blob), "play_length": 30}}, blob
    return {
        "msgtype": "file",
        "file": {"md5sum": "", "filename": "file", "fileext": "", "filesize": len(blob)},
    }, blob


@finance_bp.post("/_emulator/archive/recall")
def recall():
    """The sender recalls a message (撤回): doc 91774 archives a new message, action ``recall``, msgtype
    ``revoke`` naming the recalled ``pre_msgid``."""
    st = _state()
    msgid = str((request.get_json(silent=True) or {}).get("msgid") or "")
    with st.lock:
        original = next((i["message"] for i in st.archive if i["message"]["msgid"] == msgid), None)
    if original is None:
        abort(404, "no such message")
    msg = record(st, {"action": "recall", "from": original["from"], "tolist": original["tolist"],
                      "roomid": original.get("roomid", ""), "msgtype": "revoke",
                      "revoke": {"pre_msgid": msgid}})  # fmt: skip
    return jsonify(msg)


@finance_bp.post("/_emulator/archive/consent")
def consent():
    """A customer agrees or refuses to be archived (as WeCom asks them in the chat): an agree or disagree
    message in the archive, and ``check_single_agree``'s answer from now on."""
    st = _state()
    spec = request.get_json(silent=True) or {}
    userid, ext = str(spec.get("userid") or ""), str(spec.get("external_userid") or "")
    agreed = bool(spec.get("agree"))
    now_ms = int(time.time() * 1000)
    with st.lock:
        st.archive_consent[ext] = {"status": "Agree" if agreed else "Disagree", "at": now_ms // 1000}
    kind = "agree" if agreed else "disagree"
    msg = record(st, {"from": ext, "tolist": [userid], "roomid": "", "msgtype": kind,
                      kind: {"userid": ext, f"{kind}_time": now_ms}})  # fmt: skip
    return jsonify(msg)


@finance_bp.post("/_emulator/archive/history")
def history():
    """Load the demo's past conversations into the archive (as ``EMULATOR_ARCHIVE_HISTORY=1`` does)."""
    return jsonify(messages=_state().load_archive_history())


@finance_bp.get("/_emulator/archive")
def archive_list():
    """The archive as kept (for tests and the preview): messages after ``seq``."""
    st = _state()
    seq = request.args.get("seq", 0, type=int) or 0
    with st.lock:
        return jsonify([item["message"] | {"seq": item["seq"]} for item in st.archive[seq:]])
