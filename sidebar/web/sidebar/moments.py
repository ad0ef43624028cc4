"""客户朋友圈 from the sidebar: a task head office gave the guide, posted in one tap with
``ww.shareToExternalMoments`` (the server builds its arguments and records the post)."""

from __future__ import annotations

import json

from flask import abort, jsonify
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.content import materials
from sidebar.extensions import db
from sidebar.models import Material, MaterialKind, MomentPost, MomentTask, utcnow
from sidebar.web.auth import login_required
from sidebar.web.sidebar import me, sidebar_bp


def _post(task_id: int) -> tuple[MomentTask, MomentPost]:
    """The guide's own post of a task (404 for a task that is not theirs)."""
    post = db.session.scalar(
        select(MomentPost).where(MomentPost.task_id == task_id, MomentPost.staff_id == me().id)
    )
    if post is None or post.task is None:
        abort(404)
    return post.task, post


@sidebar_bp.post("/moments/<int:task_id>/prepare")
@login_required
def moment_prepare(task_id: int):
    """``shareToExternalMoments``' arguments for the task: its text and its images, video or link
    (``ShareToExternalMomentsAttachment``: ``ImageMessage`` / ``VideoMessage`` with a ``mediaid``,
    ``LinkMessage`` with its ``url``, ``title`` and cover ``imgUrl``)."""
    task, _post_row = _post(task_id)
    args: dict = {}
    if task.text:
        args["text"] = {"content": task.text}
    attachments = []
    for material_id in json.loads(task.material_ids or "[]"):
        material = db.session.get(Material, material_id)
        if material is not None and material.kind == MaterialKind.LINK.value:
            link = {"url": material.url, "title": material.title}
            if material.cover_url:
                link["imgUrl"] = material.cover_url
            attachments.append({"msgtype": "link", "link": link})
        elif material is not None and material.file_path:
            attachments.append(
                {"msgtype": material.kind, material.kind: {"mediaid": materials.media_id(material)}}
            )
    if attachments:
        args["attachments"] = attachments
    return jsonify(method="shareToExternalMoments", args=args)


@sidebar_bp.post("/moments/<int:task_id>/posted")
@login_required
def moment_posted(task_id: int):
    """WeCom's client said the post went out: the task is done for this guide."""
    _task, post = _post(task_id)
    post.posted_at = post.posted_at or utcnow()
    return jsonify(message=_("Posted to your moments."))
