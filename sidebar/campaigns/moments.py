"""客户朋友圈 tasks: head office asks guides to post (text and up to 9 images, a video or a link) for the
customers with some tags to see; each guide posts from WeCom's client, the sidebar's today page reminds
them and posts in one tap (``ww.shareToExternalMoments``); likes and comments come back per customer.

WeCom's side (doc 95094, 95095 and the moment list/task/comments pages): a moment's images and videos are
uploaded with ``media/upload_attachment`` (``attachment_type`` 1 — not ``media/upload``);
``add_moment_task`` is asynchronous (a ``jobid``; ``get_moment_task_result`` later says the
``moment_id``); ``get_moment_task`` says who posted; ``get_moment_comments`` a post's likes and comments;
``cancel_moment_task`` stops it for those who have not posted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from sidebar.content.materials import file_key
from sidebar.core import uow
from sidebar.core.errors import DomainError
from sidebar.core.files import local_copy
from sidebar.core.units import brand_zone
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    Customer,
    Material,
    MaterialKind,
    MomentInteraction,
    MomentPost,
    MomentStatus,
    MomentTask,
    Staff,
    StaffStatus,
    Tag,
)
from sidebar.wecom import limits
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

MAX_TEXT = 2000  # add_moment_task text.content
MAX_IMAGES = 9  # "最多支持9个图片、1个视频或1个链接", one kind at a time
DEFAULT_DAYS = 3


class MomentInvalid(DomainError):
    code = "invalid_moment"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def guides_in_scope(viewer: Any) -> Any:
    """``SELECT`` the active guides a viewer may ask to post (a manager's own; an admin's anyone)."""
    query = select(Staff).where(Staff.status == StaffStatus.ACTIVE.value)
    scope = visibility.follower_ids(viewer) if isinstance(viewer, Staff) else None
    if scope is not None:
        query = query.where(Staff.id.in_(scope))
    return query.order_by(Staff.name)


def build(form: Mapping[str, Any], viewer: Any, *, now: datetime) -> MomentTask:
    """The task the form describes (not saved), or ``MomentInvalid``."""
    getlist: Any = getattr(form, "getlist", lambda _: [])
    errors: dict[str, str] = {}
    name = str(form.get("name") or "").strip()
    if not name:
        errors["name"] = str(_l("Give the task a name."))
    elif len(name) > 64:
        errors["name"] = str(_l("At most %(n)s characters.", n=64))
    text = str(form.get("text") or "").strip()
    if len(text) > MAX_TEXT:
        errors["text"] = str(_l("At most %(n)s characters of text.", n=MAX_TEXT))
    chosen = [
        db.session.get(Material, int(v)) for v in dict.fromkeys(getlist("material_ids")) if str(v).isdigit()
    ]
    if any(m is None for m in chosen):
        errors["material_ids"] = str(_l("That material no longer exists; choose again."))
    kinds = {m.kind for m in chosen if m is not None}
    if kinds - {MaterialKind.IMAGE.value, MaterialKind.VIDEO.value, MaterialKind.LINK.value}:
        errors["material_ids"] = str(_l("A moment carries images, one video or one link."))
    elif len(kinds) > 1 or (kinds & {MaterialKind.VIDEO.value, MaterialKind.LINK.value} and len(chosen) > 1):
        errors["material_ids"] = str(_l("Images, one video or one link: not together."))
    elif any(m is not None and not m.file_path for m in chosen):
        errors["material_ids"] = str(
            _l("A link on moments needs its cover picture: upload one with the link in the material library.")
        )
    elif len(chosen) > MAX_IMAGES:
        errors["material_ids"] = str(_l("At most %(n)s images.", n=MAX_IMAGES))
    if not text and not chosen:
        errors["text"] = str(_l("Write a text or choose at least one material."))
    allowed = {s.id for s in db.session.scalars(guides_in_scope(viewer))}
    guides = [int(v) for v in dict.fromkeys(getlist("guide_ids")) if str(v).isdigit()]
    if not guides:
        errors["guide_ids"] = str(_l("Choose the guides who should post it."))
    elif not set(guides) <= allowed:
        errors["guide_ids"] = str(_l("Some of these guides are not yours to ask."))
    tags = [int(v) for v in dict.fromkeys(getlist("tag_ids")) if str(v).isdigit()]
    known = {t.id: t for t in db.session.scalars(select(Tag).where(Tag.id.in_(tags)))}
    if len(known) != len(tags) or any(not t.wecom_tag_id for t in known.values()):
        errors["tag_ids"] = str(_l("Only tags WeCom knows can choose who sees a moment."))
    deadline = now + timedelta(days=DEFAULT_DAYS)
    raw = str(form.get("deadline") or "").strip()
    if raw:
        try:
            deadline = datetime.fromisoformat(raw).replace(tzinfo=brand_zone()).astimezone(now.tzinfo)
        except ValueError:
            errors["deadline"] = str(_l("Enter a date and time."))
        else:
            if deadline <= now:
                errors["deadline"] = str(_l("The deadline must be later than now."))
    if errors:
        raise MomentInvalid(errors)
    return MomentTask(
        name=name,
        text=text,
        material_ids=json.dumps([m.id for m in chosen if m is not None]),
        guide_ids=json.dumps(guides),
        tag_ids=json.dumps(tags),
        deadline=deadline,
        status=MomentStatus.CREATING.value,
        staff_id=viewer.id if isinstance(viewer, Staff) else None,
        admin_account_id=viewer.id if isinstance(viewer, AdminAccount) else None,
    )


def _attachments(task: MomentTask) -> list[dict[str, Any]]:
    """Each image or video uploaded as a moment attachment (``media/upload_attachment``); a link with its
    cover picture uploaded the same way (doc 96351: ``link`` is ``title``, ``url`` and ``media_id``)."""
    out: list[dict[str, Any]] = []
    for material_id in json.loads(task.material_ids or "[]"):
        material = db.session.get(Material, material_id)
        if material is None or not material.file_path:
            continue
        is_link = material.kind == MaterialKind.LINK.value
        media_type = MaterialKind.IMAGE.value if is_link else material.kind
        with local_copy(file_key(material.file_path)) as path, path.open("rb") as fh:
            uploaded = wecom().post(
                "media/upload_attachment",
                params={"media_type": media_type, "attachment_type": 1},
                files={"media": (material.file_name or "file", fh)},
            )
        if is_link:
            link = limits.link(title=material.title, url=material.url)
            out.append({"msgtype": "link", "link": {"title": link["title"], "url": link["url"],
                                                    "media_id": uploaded["media_id"]}})  # fmt: skip
        else:
            out.append({"msgtype": material.kind, material.kind: {"media_id": uploaded["media_id"]}})
    return out


def create(task: MomentTask) -> None:
    """Ask WeCom for the task (its jobid kept); the job resolves it to a moment (``resolve``)."""
    guides = list(db.session.scalars(select(Staff).where(Staff.id.in_(json.loads(task.guide_ids or "[]")))))
    tags = list(
        db.session.scalars(select(Tag.wecom_tag_id).where(Tag.id.in_(json.loads(task.tag_ids or "[]"))))
    )
    payload: dict[str, Any] = {"visible_range": {"sender_list": {"user_list": [g.userid for g in guides]}}}
    if tags:
        payload["visible_range"]["external_contact_list"] = {"tag_list": tags}
    if task.text:
        payload["text"] = {"content": task.text}
    try:
        attachments = _attachments(task)
        if attachments:
            payload["attachments"] = attachments
        task.jobid = wecom().post("externalcontact/add_moment_task", data=payload)["jobid"]
    except WeComError as exc:
        task.status, task.error = MomentStatus.FAILED.value, exc.in_words()[:255]
        return
    for guide in guides:
        db.session.add(MomentPost(task_id=task.id, staff_id=guide.id))
    uow.commit_point("the jobid is kept: the job is asked for its moment, never made twice")


def resolve(task: MomentTask) -> bool:
    """``get_moment_task_result``: the moment WeCom made (True once known)."""
    if task.moment_id or not task.jobid:
        return bool(task.moment_id)
    answer = wecom().get("externalcontact/get_moment_task_result", params={"jobid": task.jobid})
    if int(answer.get("status") or 0) != 3:
        return False
    result = answer.get("result") or {}
    if result.get("errcode"):
        task.status, task.error = MomentStatus.FAILED.value, str(result.get("errmsg") or "")[:255]
        return False
    task.moment_id, task.status = result["moment_id"], MomentStatus.LIVE.value
    invalid = set((result.get("invalid_sender_list") or {}).get("user_list") or [])
    if invalid:
        for post in task.posts:
            staff = db.session.get(Staff, post.staff_id)
            if staff is not None and staff.userid in invalid:
                db.session.delete(post)
    return True


def poll(task: MomentTask, *, now: datetime) -> dict[str, int]:
    """Who has posted (``get_moment_task``), and each post's likes and comments (``get_moment_comments``)."""
    counts = {"posted": 0, "interactions": 0}
    if not resolve(task):
        return counts
    posted: dict[str, int] = {}
    cursor = ""
    while True:
        page = wecom().post(
            "externalcontact/get_moment_task",
            data={"moment_id": task.moment_id, "limit": 1000, "cursor": cursor},
        )
        for row in page.get("task_list") or []:
            posted[row["userid"]] = int(row.get("publish_status") or 0)
        cursor = page.get("next_cursor") or ""
        if not cursor:
            break
    for post in task.posts:
        staff = db.session.get(Staff, post.staff_id)
        if staff is None:
            continue
        if posted.get(staff.userid) == 1:
            post.posted_at = post.posted_at or now
            post.moment_id = task.moment_id
        elif post.posted_at is not None and post.moment_id is None:
            post.moment_id = _own_moment(staff, post, task.text)  # posted from the sidebar
        if post.posted_at is not None and post.moment_id:
            counts["posted"] += 1
            counts["interactions"] += interactions(post, staff)
            post.seen = _seen(post, staff)
    task.polled_at = now
    return counts


def _own_moment(staff: Staff, post: MomentPost, text: str) -> str | None:
    """The guide's own post (个人发表, ``filter_type`` 1) made from the sidebar for this task: found in
    ``get_moment_list`` by its creator and text around when it was posted."""
    assert post.posted_at is not None
    answer = wecom().post(
        "externalcontact/get_moment_list",
        data={
            "start_time": int((post.posted_at - timedelta(minutes=10)).timestamp()),
            "end_time": int((post.posted_at + timedelta(minutes=10)).timestamp()),
            "creator": staff.userid,
            "filter_type": 1,
            "limit": 100,
        },
    )
    for moment in answer.get("moment_list") or []:
        if (moment.get("text") or {}).get("content", "") == text:
            return str(moment["moment_id"])
    return None


def _seen(post: MomentPost, staff: Staff) -> int:
    """How many customers can see the post (``get_moment_send_result``, 5,000 a page)."""
    seen, cursor = 0, ""
    while True:
        page = wecom().post(
            "externalcontact/get_moment_send_result",
            data={"moment_id": post.moment_id, "userid": staff.userid, "limit": 5000, "cursor": cursor},
        )
        seen += len(page.get("customer_list") or [])
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return seen


def follow_own_posts(now: datetime) -> int:
    """Guides' own posts from the sidebar in the last week: found in WeCom's list, then their likes and
    comments read like a task's."""
    followed = 0
    for post in db.session.scalars(
        select(MomentPost).where(
            MomentPost.task_id.is_(None), MomentPost.posted_at >= now - timedelta(days=7)
        )
    ).all():
        staff = db.session.get(Staff, post.staff_id)
        if staff is None:
            continue
        if post.moment_id is None:
            post.moment_id = _own_moment(staff, post, post.text)
        if post.moment_id:
            interactions(post, staff)
            post.seen = _seen(post, staff)
            followed += 1
    return followed


REMIND_BATCH = 1000  # message/send: touser "最多支持1000个" (doc 90236)


def remind(task: MomentTask, *, agent_id: str, now: datetime) -> int:
    """One app message to the guides who have not posted yet, a thousand a call; how many were told."""
    waiting = [
        (post, staff)
        for post, staff in db.session.execute(
            select(MomentPost, Staff)
            .join(Staff, Staff.id == MomentPost.staff_id)
            .where(
                MomentPost.task_id == task.id,
                MomentPost.posted_at.is_(None),
                Staff.status == StaffStatus.ACTIVE.value,
            )
        ).tuples()
    ]
    text = str(
        _l(
            "Please post “%(name)s” to your customers' moments by %(time)s: open Beside's today page, or "
            "客户朋友圈 in WeCom.",
            name=task.name,
            time=task.deadline.astimezone(brand_zone()).strftime("%m-%d %H:%M"),
        )
    )
    told = 0
    for start in range(0, len(waiting), REMIND_BATCH):
        chunk = waiting[start : start + REMIND_BATCH]
        try:
            wecom().message.send_text(agent_id, [staff.userid for _, staff in chunk], text)
        except WeComError:
            continue
        for post, _staff in chunk:
            post.reminded_at = now
        told += len(chunk)
    return told


def due_reminders(now: datetime) -> list[MomentTask]:
    """Live tasks within a day of their deadline with a guide not yet posted and not reminded for 12 hours."""
    return list(
        db.session.scalars(
            select(MomentTask)
            .join(MomentPost, MomentPost.task_id == MomentTask.id)
            .where(
                MomentTask.status == MomentStatus.LIVE.value,
                MomentTask.deadline > now,
                MomentTask.deadline <= now + timedelta(days=1),
                MomentPost.posted_at.is_(None),
                (MomentPost.reminded_at.is_(None)) | (MomentPost.reminded_at < now - timedelta(hours=12)),
            )
            .distinct()
        )
    )


def interactions(post: MomentPost, staff: Staff) -> int:
    """A post's likes and comments by customers, stored once each; returns how many were new."""
    answer = wecom().post(
        "externalcontact/get_moment_comments", data={"moment_id": post.moment_id, "userid": staff.userid}
    )
    seen = {
        (i.customer_id, i.kind, i.at)
        for i in db.session.scalars(select(MomentInteraction).where(MomentInteraction.post_id == post.id))
    }
    made = 0
    for kind, rows in (
        ("like", answer.get("like_list") or []),
        ("comment", answer.get("comment_list") or []),
    ):
        externals = [r["external_userid"] for r in rows if r.get("external_userid")]
        ids = dict(
            db.session.execute(
                select(Customer.external_userid, Customer.id).where(Customer.external_userid.in_(externals))
            )
            .tuples()
            .all()
        )
        for row in rows:
            customer_id = ids.get(row.get("external_userid", ""))
            if customer_id is None:
                continue
            at = datetime.fromtimestamp(int(row.get("create_time") or 0), UTC)
            if (customer_id, kind, at) in seen:
                continue
            db.session.add(MomentInteraction(post_id=post.id, customer_id=customer_id, kind=kind, at=at))
            seen.add((customer_id, kind, at))
            made += 1
    post.likes = sum(1 for s in seen if s[1] == "like")
    post.comments = sum(1 for s in seen if s[1] == "comment")
    return made


def cancel(task: MomentTask) -> None:
    """Stop the task for guides who have not posted (``cancel_moment_task``)."""
    if task.moment_id:
        wecom().post("externalcontact/cancel_moment_task", data={"moment_id": task.moment_id})
    task.status = MomentStatus.CANCELLED.value


def followed(now: datetime) -> list[int]:
    """Tasks still being followed: created or live, until a week past their deadline."""
    return list(
        db.session.scalars(
            select(MomentTask.id).where(
                MomentTask.status.in_((MomentStatus.CREATING.value, MomentStatus.LIVE.value)),
                MomentTask.deadline >= now - timedelta(days=7),
            )
        )
    )


def pending_for(staff_id: int, *, now: datetime) -> list[MomentTask]:
    """Tasks this guide should still post (live, before the deadline, not posted)."""
    return list(
        db.session.scalars(
            select(MomentTask)
            .join(MomentPost, MomentPost.task_id == MomentTask.id)
            .where(
                MomentPost.staff_id == staff_id,
                MomentPost.posted_at.is_(None),
                MomentTask.status.in_((MomentStatus.CREATING.value, MomentStatus.LIVE.value)),
                MomentTask.deadline > now,
            )
            .order_by(MomentTask.deadline)
        )
    )


def for_customer(customer: Customer, limit: int = 20) -> list[tuple[MomentInteraction, str, str]]:
    """The customer's likes and comments on guides' moments, newest first: (interaction, what was posted,
    the guide who posted it)."""
    rows = db.session.execute(
        select(MomentInteraction, MomentPost, MomentTask.name, MomentTask.text, Staff.name)
        .join(MomentPost, MomentPost.id == MomentInteraction.post_id)
        .outerjoin(MomentTask, MomentTask.id == MomentPost.task_id)
        .join(Staff, Staff.id == MomentPost.staff_id)
        .where(MomentInteraction.customer_id == customer.id)
        .order_by(MomentInteraction.at.desc())
        .limit(limit)
    ).all()
    return [(i, (text or post.text or name or "")[:40], guide) for i, post, name, text, guide in rows]
