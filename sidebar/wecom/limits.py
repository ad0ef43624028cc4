"""WeCom's size limits, in the units WeCom counts them in, and the one way to fit a text to them.

Most limits on what customers see are in **bytes of UTF-8**, not characters: a Chinese character is
three bytes, so a 128-byte title holds 42 of them. From WeCom's pages:

- send_welcome_msg (doc 92137) and the group welcome template (doc 92366): text ≤ 4,000 bytes (3,000 for
  a group welcome), link title ≤ 128 bytes, link desc ≤ 512 bytes, mini-program title ≤ 64 bytes, link
  url ≤ 2,048 bytes, at most 9 attachments;
- app messages (doc 90236): text ≤ 2,048 bytes, textcard / news title ≤ 128 bytes, description ≤ 512
  bytes, url ≤ 2,048 bytes;
- corp tags (管理企业标签: "最长为30个字符"): a tag or tag-group name ≤ 30 **characters**.
"""

from __future__ import annotations

from typing import Any

LINK_TITLE_BYTES = 128
LINK_DESC_BYTES = 512
MINIPROGRAM_TITLE_BYTES = 64
URL_BYTES = 2048
WELCOME_TEXT_BYTES = 4000
GROUP_WELCOME_TEXT_BYTES = 3000
APP_TEXT_BYTES = 2048
TAG_NAME_CHARS = 30


def clip_bytes(text: str | None, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    raw = (text or "").encode("utf-8")
    if len(raw) <= limit:
        return text or ""
    return raw[:limit].decode("utf-8", errors="ignore")


def fits(text: str | None, limit: int) -> bool:
    return len((text or "").encode("utf-8")) <= limit


def link(*, title: str, url: str, desc: str = "", picurl: str = "") -> dict[str, Any]:
    """A link attachment (welcome, group welcome) with its title and description cut to WeCom's bytes."""
    return {
        "title": clip_bytes(title, LINK_TITLE_BYTES),
        "picurl": picurl,
        "desc": clip_bytes(desc, LINK_DESC_BYTES),
        "url": url,
    }


def miniprogram(*, title: str, appid: str, page: str, pic_media_id: str) -> dict[str, Any]:
    return {
        "title": clip_bytes(title, MINIPROGRAM_TITLE_BYTES),
        "pic_media_id": pic_media_id,
        "appid": appid,
        "page": page,
    }


def textcard(*, title: str, description: str, url: str, btntxt: str = "") -> dict[str, Any]:
    """An app message's text card (doc 90236), cut to its bytes."""
    card = {
        "title": clip_bytes(title, LINK_TITLE_BYTES),
        "description": clip_bytes(description, LINK_DESC_BYTES),
        "url": url,
    }
    if btntxt:
        card["btntxt"] = btntxt[:4]
    return card
