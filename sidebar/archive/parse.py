"""A decrypted archive record → the row it is stored as, with a summary a person reads.

Message shapes are doc 91774 (获取会话内容 → 消息格式): every message has ``msgid``, ``action`` (send,
recall, switch), ``from``, ``tolist``, ``roomid`` (empty outside group chats), ``msgtime`` (ms) and
``msgtype``, and its own part under a key named like the type (``text: {content}``, ``image:
{sdkfileid, md5sum, filesize}``, …). Types not listed here are kept whole, summarised by their name.
External contacts' ids start with ``wo`` or ``wm`` (doc 92114, 客户联系 external_userid); ``wb`` are
bots; anything else is a member's userid.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

# Types whose part carries a file to fetch (``sdkfileid``) and the field that says its size.
MEDIA_SIZE = {
    "image": "filesize",
    "voice": "voice_size",
    "video": "filesize",
    "file": "filesize",
    "emotion": "imagesize",
    "voip_doc_share": "filesize",
    "meeting_voice_call": None,
}
COMMON = {"msgid", "action", "from", "tolist", "roomid", "msgtime", "msgtype", "seq"}


def is_customer(party: str) -> bool:
    return party.startswith(("wo", "wm"))


def _seconds(n: Any) -> int:
    try:
        return int(n)
    except (TypeError, ValueError):
        return 0


def _mixed(part: Mapping[str, Any]) -> str:
    pieces = []
    for item in part.get("item") or []:
        try:
            inner = json.loads(item.get("content") or "{}")
        except ValueError:
            inner = {}
        kind = item.get("type", "")
        pieces.append(summary(kind, inner) if kind != "text" else str(inner.get("content", "")))
    return " ".join(p for p in pieces if p)


SUMMARIES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "text": lambda p: str(p.get("content", "")),
    "image": lambda p: "[图片]",
    "revoke": lambda p: "[撤回了一条消息]",
    "agree": lambda p: "[同意会话存档]",
    "disagree": lambda p: "[拒绝会话存档]",
    "voice": lambda p: f"[语音 {_seconds(p.get('play_length'))} 秒]",
    "video": lambda p: f"[视频 {_seconds(p.get('play_length'))} 秒]",
    "card": lambda p: f"[名片] {p.get('corpname', '')}".strip(),
    "location": lambda p: f"[位置] {p.get('title', '')} {p.get('address', '')}".strip(),
    "emotion": lambda p: "[表情]",
    "file": lambda p: f"[文件] {p.get('filename', '')}".strip(),
    "link": lambda p: f"[链接] {p.get('title', '')}".strip(),
    "weapp": lambda p: f"[小程序] {p.get('title') or p.get('displayname', '')}".strip(),
    "chatrecord": lambda p: f"[聊天记录] {p.get('title', '')}".strip(),
    "todo": lambda p: f"[待办] {p.get('title', '')}".strip(),
    "vote": lambda p: f"[投票] {p.get('votetitle', '')}".strip(),
    "collect": lambda p: f"[填表] {p.get('title', '')}".strip(),
    "redpacket": lambda p: f"[红包] {p.get('wish', '')}".strip(),
    "external_redpacket": lambda p: f"[互通红包] {p.get('wish', '')}".strip(),
    "meeting": lambda p: f"[会议邀请] {p.get('topic', '')}".strip(),
    "docmsg": lambda p: f"[在线文档] {p.get('title', '')}".strip(),
    "markdown": lambda p: str((p.get("info") or {}).get("content", ""))[:500],
    "news": lambda p: "[图文] " + str(((p.get("info") or {}).get("item") or [{}])[0].get("title", "")),
    "calendar": lambda p: f"[日程] {p.get('title', '')}".strip(),
    "mixed": _mixed,
    "meeting_voice_call": lambda p: "[音频存档]",
    "voip_doc_share": lambda p: f"[音频共享文档] {p.get('filename', '')}".strip(),
    "sphfeed": lambda p: f"[视频号] {p.get('feed_desc', '')}".strip(),
    "voiptext": lambda p: f"[音视频通话 {_seconds(p.get('callduration'))} 秒]",
    "qydiskfile": lambda p: f"[微盘文件] {(p.get('info') or {}).get('filename', '')}".strip(),
    "switch": lambda p: "[切换企业]",
}


def summary(msgtype: str, part: Mapping[str, Any]) -> str:
    make = SUMMARIES.get(msgtype)
    return make(part) if make else f"[{msgtype}]"


def part_of(message: Mapping[str, Any]) -> dict[str, Any]:
    """The message's own part: under its type's key, else everything but the common fields."""
    msgtype = str(message.get("msgtype") or message.get("action") or "")
    part = message.get(msgtype)
    if isinstance(part, dict):
        return part
    return {k: v for k, v in message.items() if k not in COMMON}


def row(seq: int, message: Mapping[str, Any]) -> dict[str, Any]:
    """The ``archive_messages`` row for a decrypted record."""
    action = str(message.get("action") or "send")
    msgtype = str(message.get("msgtype") or ("switch" if action == "switch" else "unknown"))[:32]
    sender = str(message.get("from") or message.get("user") or "")
    receivers = [str(r) for r in message.get("tolist") or []]
    room = str(message.get("roomid") or "") or None
    part = part_of(message)
    staff = customer = None
    if room is None:
        parties = [sender, *receivers]
        customer = next((p for p in parties if is_customer(p)), None)
        staff = next((p for p in parties if p and not is_customer(p) and not p.startswith("wb")), None)
    at_ms = message.get("msgtime") or message.get("time") or 0
    sdkfileid = part.get("sdkfileid") if msgtype in MEDIA_SIZE else None
    return {
        "seq": seq,
        "msgid": str(message.get("msgid") or f"seq-{seq}")[:128],
        "action": action[:16],
        "msgtype": msgtype,
        "sender": sender[:128],
        "receivers": json.dumps(receivers, ensure_ascii=False),
        "room_id": room,
        "staff_userid": staff[:64] if staff else None,
        "customer_userid": customer[:64] if customer else None,
        "from_customer": is_customer(sender),
        "sent_at": datetime.fromtimestamp(int(at_ms) / 1000, UTC),
        "summary": summary(msgtype, part),
        "content": json.dumps(part, ensure_ascii=False),
        "sdkfileid": sdkfileid,
        "media_state": "pending" if sdkfileid else None,
        "recalled": action == "recall",
    }


def media_size(msgtype: str, content: Mapping[str, Any]) -> int | None:
    """The size a media message says its file has (bytes), if it says."""
    field = MEDIA_SIZE.get(msgtype)
    return _seconds(content.get(field)) if field else None
