"""Creating materials in the console: fields checked per kind, uploads checked against WeCom's limits
with the content type read from the file's bytes (a name or a browser's claim is not trusted)."""

from __future__ import annotations

import io
import os
import re
import uuid
from typing import Any

from sidebar.content import materials
from sidebar.core.errors import DomainError
from sidebar.core.files import files
from sidebar.extensions import db
from sidebar.models import TRACKABLE_KINDS, Material, MaterialKind, Tag, Team
from sidebar.wecom import mp_page

MB = 2**20
LIMITS = {
    MaterialKind.IMAGE.value: 10 * MB,
    MaterialKind.VIDEO.value: 10 * MB,
    MaterialKind.FILE.value: 20 * MB,
}
ARTICLE_MAX = 20000
APPID = re.compile(r"^wx[0-9A-Za-z]{10,32}$")


class MaterialError(DomainError):
    """What is wrong with the material, in a sentence."""

    code = "bad_material"


def sniff(content: bytes) -> tuple[str, str]:
    """(mime type, extension) from the first bytes."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if content[4:8] == b"ftyp":
        return "video/mp4", ".mp4"
    if content.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if content.startswith(b"PK\x03\x04"):
        return "application/zip", ".zip"
    return "application/octet-stream", ".bin"


def _check_file(kind: str, filename: str, content: bytes) -> tuple[str, str]:
    if not content:
        raise MaterialError("the file is empty")
    if len(content) > LIMITS[kind]:
        raise MaterialError(f"WeCom takes at most {LIMITS[kind] // MB} MB for a {kind}")
    mime, ext = sniff(content)
    if kind == MaterialKind.IMAGE.value and mime not in ("image/png", "image/jpeg"):
        raise MaterialError("an image must be a JPG or PNG file")
    if kind == MaterialKind.VIDEO.value and mime != "video/mp4":
        raise MaterialError("a video must be an MP4 file")
    return mime, ext


def create(fields: dict[str, Any], upload: tuple[str, bytes] | None) -> Material:
    """A material from form fields (and a file for image, video and file). Flushes."""
    kind = fields.get("kind", "")
    if kind not in {k.value for k in MaterialKind}:
        raise MaterialError("choose what kind of material this is")
    title = (fields.get("title") or "").strip()
    if not title or len(title) > 64:
        raise MaterialError("a title of 1 to 64 characters is required")
    team_id = fields.get("team_id") or None
    if team_id is not None and db.session.get(Team, int(team_id)) is None:
        raise MaterialError("no such team")
    material = Material(
        kind=kind,
        title=title,
        group_name=(fields.get("group_name") or "").strip()[:32],
        team_id=int(team_id) if team_id else None,
    )
    if kind == MaterialKind.TEXT.value:
        material.text = (fields.get("text") or "").strip()
        if not material.text or len(material.text) > 2000:
            raise MaterialError("write the text (at most 2,000 characters)")
    elif kind == MaterialKind.LINK.value:
        material.url = (fields.get("url") or "").strip()
        if not material.url.startswith(("https://", "http://")) or len(material.url) > 1024:
            raise MaterialError("a link card needs an http(s) URL")
        material.description = (fields.get("description") or "").strip()[:255]
        material.cover_url = _cover(fields)
        if upload is not None:
            # Its cover picture as a file: a link posted to customer moments carries an uploaded cover
            # (doc 96351: link.media_id), not a URL.
            _store(material, MaterialKind.IMAGE.value, upload)
    elif kind == MaterialKind.ARTICLE.value:
        material.text = (fields.get("text") or "").strip()
        if not material.text or len(material.text) > ARTICLE_MAX:
            raise MaterialError(f"write the article (at most {ARTICLE_MAX:,} characters)")
        material.description = (fields.get("description") or "").strip()[:255]
        material.cover_url = _cover(fields)
    elif kind == MaterialKind.MINIPROGRAM.value:
        material.mp_appid = (fields.get("mp_appid") or "").strip()
        material.mp_page = (fields.get("mp_page") or "").strip()
        material.cover_url = (fields.get("cover_url") or "").strip()[:1024]
        if not APPID.match(material.mp_appid):
            raise MaterialError("the mini-program appid starts with wx")
        if wrong := mp_page.problem(material.mp_page):
            raise MaterialError(f"mini-program page: {wrong}")
        if upload is not None:
            # Its cover picture, for what WeCom sends on its own (a welcome, a mass message: doc 92135's
            # ``pic_media_id`` is an uploaded image, not a URL).
            _store(material, MaterialKind.IMAGE.value, upload)
    else:
        if upload is None:
            raise MaterialError("choose the file to upload")
        _store(material, kind, upload)
    tracked = fields.get("tracked") in ("1", "on", "y")
    set_radar(material, tracked=tracked, open_tag_id=fields.get("open_tag_id"))
    db.session.add(material)
    db.session.flush()
    return material


def _store(material: Material, kind: str, upload: tuple[str, bytes]) -> None:
    """Check the upload as a ``kind`` and keep it in the file store as the material's file."""
    filename, content = upload
    mime, ext = _check_file(kind, filename, content)
    stored = uuid.uuid4().hex + ext
    files().put(materials.file_key(stored), io.BytesIO(content), mime)
    material.file_path, material.file_name, material.file_size, material.mime = (
        stored,
        os.path.basename(filename)[:255],
        len(content),
        mime,
    )


def _cover(fields: dict[str, Any]) -> str:
    """A cover picture's URL: https only (the tracked page shows it to customers)."""
    cover = (fields.get("cover_url") or "").strip()
    if cover and (not cover.startswith("https://") or len(cover) > 1024):
        raise MaterialError("a cover image URL must start with https:// (at most 1,024 characters)")
    return cover


def set_radar(material: Material, *, tracked: bool, open_tag_id: Any) -> None:
    """Whether the material goes out as a tracked link, and the tag an open puts on the customer."""
    if tracked and material.kind not in TRACKABLE_KINDS:
        raise MaterialError("only links, articles, PDF files and images can be sent as tracked links")
    if tracked and material.kind == MaterialKind.FILE.value and material.mime != "application/pdf":
        raise MaterialError("only a PDF file can be shown in a tracked page")
    tag = None
    if open_tag_id not in (None, ""):
        try:
            tag = db.session.get(Tag, int(open_tag_id))
        except (TypeError, ValueError):
            tag = None
        if tag is None:
            raise MaterialError("no such tag")
    material.tracked = tracked or material.kind == MaterialKind.ARTICLE.value
    material.open_tag_id = tag.id if tag is not None else None


def delete(material: Material) -> None:
    if material.file_path:
        files().delete(materials.file_key(material.file_path))
    db.session.delete(material)
    db.session.flush()
