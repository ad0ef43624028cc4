"""Materials (素材): who may use which, what they send as, and WeCom media ids for files.

An image, video or file is uploaded to WeCom (``media/upload``) when first sent; the media_id is kept
until an hour before its three days run out. Uploads happen under a lock in the shared store, so ten
guides sending one poster at once upload it once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, desc, or_, select

from sidebar.content.scripts import team_and_ancestors
from sidebar.core import uow
from sidebar.core.files import local_copy
from sidebar.extensions import db
from sidebar.models import Material, MaterialKind, Staff, utcnow
from sidebar.wecom.gateway import gateway, wecom

MEDIA_LIFETIME = timedelta(days=3)
MEDIA_MARGIN = timedelta(hours=1)
FILE_KINDS = {MaterialKind.IMAGE.value, MaterialKind.VIDEO.value, MaterialKind.FILE.value}
PAGE_SIZE = 20


def file_key(stored: str) -> str:
    """The file store's key of a material's uploaded file."""
    return f"materials/{stored}"


def visible(staff: Staff) -> Select:
    """Materials for everyone, and those for the guide's team or any team above it."""
    return select(Material).where(
        or_(Material.team_id.is_(None), Material.team_id.in_(team_and_ancestors(staff.team_id)))
    )


def listing(staff: Staff, *, kind: str | None, q: str = "", page: int = 1) -> tuple[list[Material], bool]:
    query = visible(staff)
    if kind:
        query = query.where(Material.kind == kind)
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Material.title.like(like, escape="\\"),
                Material.description.like(like, escape="\\"),
                Material.group_name.like(like, escape="\\"),
            )
        )
    query = (
        query.order_by(desc(Material.use_count), desc(Material.id))
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = list(db.session.scalars(query))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def get_visible(staff: Staff, material_id: int) -> Material | None:
    return db.session.scalar(visible(staff).where(Material.id == material_id))


def _fresh(material: Material, now: datetime) -> bool:
    return bool(
        material.media_id and material.media_expires_at and material.media_expires_at - MEDIA_MARGIN > now
    )


def media_id(material: Material, *, now: datetime | None = None) -> str:
    """A valid WeCom media_id for the material's file, uploading it at most once at a time.

    Commits the new id before releasing the lock, so the next worker in line sees it.
    """
    if material.kind not in FILE_KINDS | {MaterialKind.MINIPROGRAM.value} or not material.file_path:
        raise ValueError("only image, video and file materials (and a mini-program's cover) have media")
    now = now or utcnow()
    if _fresh(material, now):
        return material.media_id  # type: ignore[return-value]
    with gateway().store.lock(f"media:{material.id}", ttl=120, wait=130):
        uow.commit_point("end our snapshot: see what the worker before us stored")
        db.session.refresh(material)
        if _fresh(material, now):
            return material.media_id  # type: ignore[return-value]
        with local_copy(file_key(material.file_path)) as path, path.open("rb") as fh:
            # A mini-program's file is its cover picture: uploaded as an image.
            kind = "image" if material.kind == MaterialKind.MINIPROGRAM.value else material.kind
            result = wecom().media.upload(kind, (material.file_name or "file", fh))
        material.media_id = result["media_id"]
        material.media_expires_at = now + MEDIA_LIFETIME
        uow.commit_point("the media_id is kept even if the send fails")
        return material.media_id


def message(material: Material, media: str | None = None) -> dict[str, Any]:
    """The ``sendChatMessage`` payload for a material (media id filled for files). Its shapes are
    @wecom/jssdk's message types (``tests/wecom/test_bridge_against_jssdk_types.py``); an article has none
    of its own — it always goes out as a tracked link (``signals.radar``)."""
    kind = material.kind
    if kind == MaterialKind.ARTICLE.value:
        raise ValueError("an article is sent only as a tracked link")
    if kind == MaterialKind.TEXT.value:
        return {"msgtype": "text", "text": {"content": material.text}}
    if kind == MaterialKind.LINK.value:
        return {
            "msgtype": "news",
            "news": {
                "link": material.url,
                "title": material.title,
                "desc": material.description,
                "imgUrl": material.cover_url,
            },
        }
    if kind == MaterialKind.MINIPROGRAM.value:
        return {
            "msgtype": "miniprogram",
            "miniprogram": {
                "appid": material.mp_appid,
                "title": material.title,
                "imgUrl": material.cover_url,
                "page": material.mp_page,
            },
        }
    return {"msgtype": kind, kind: {"mediaid": media}}
