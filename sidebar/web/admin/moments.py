"""Console pages for 客户朋友圈 tasks: ask guides to post (text and images or a video, the customers who
see it by tag, a deadline), then follow who posted and what customers liked or commented."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import func, select

from sidebar.campaigns import moments
from sidebar.core import audit
from sidebar.customers import profile
from sidebar.extensions import db
from sidebar.models import (
    Customer,
    Material,
    MaterialKind,
    MomentInteraction,
    MomentPost,
    MomentTask,
    Staff,
    utcnow,
)
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import console_required, is_admin
from sidebar.web.labels import zone_note


def _visible() -> Any:
    query = select(MomentTask)
    if not is_admin(viewer()):
        query = query.where(MomentTask.staff_id == viewer().id)
    return query


def _task(task_id: int) -> MomentTask:
    return db.session.scalar(_visible().where(MomentTask.id == task_id)) or abort(404)


@admin_bp.get("/moments")
@console_required
def moments_page():
    tasks = list(db.session.scalars(_visible().order_by(MomentTask.id.desc()).limit(200)))
    posted = {
        task_id: (total, done)
        for task_id, total, done in db.session.execute(
            select(MomentPost.task_id, func.count(), func.count(MomentPost.posted_at))
            .where(MomentPost.task_id.in_([t.id for t in tasks]))
            .group_by(MomentPost.task_id)
        )
    }
    return render_template("admin/moments.html", tasks=tasks, posted=posted)


@admin_bp.route("/moments/new", methods=["GET", "POST"])
@console_required
def moment_new():
    errors: dict[str, str] = {}
    form: Any = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        try:
            task = moments.build(request.form, viewer(), now=utcnow())
        except moments.MomentInvalid as exc:
            errors = exc.errors
        else:
            db.session.add(task)
            db.session.flush()
            moments.create(task)
            audit.record(
                viewer(), "moment_task_created", "moment_task", task.id, ip=client_ip(), name=task.name
            )
            return redirect(url_for("admin.moment_detail", task_id=task.id), 303)
    return (
        render_template(
            "admin/moment_new.html",
            form=form,
            errors=errors,
            guides=list(db.session.scalars(moments.guides_in_scope(viewer()))),
            tag_groups=profile.all_tag_groups(),
            materials=list(
                db.session.scalars(
                    select(Material)
                    .where(
                        Material.kind.in_(
                            (MaterialKind.IMAGE.value, MaterialKind.VIDEO.value, MaterialKind.LINK.value)
                        )
                    )
                    .order_by(Material.id)
                )
            ),
            zone=zone_note(),
        ),
        422 if errors else 200,
    )


@admin_bp.get("/moments/<int:task_id>")
@console_required
def moment_detail(task_id: int):
    task = _task(task_id)
    posts = list(
        db.session.execute(
            select(MomentPost, Staff.name)
            .join(Staff, Staff.id == MomentPost.staff_id)
            .where(MomentPost.task_id == task.id)
            .order_by(MomentPost.posted_at.is_(None).desc(), Staff.name)
        ).tuples()
    )
    recent = list(
        db.session.execute(
            select(MomentInteraction, Customer.name, Customer.external_userid, Staff.name)
            .join(MomentPost, MomentPost.id == MomentInteraction.post_id)
            .join(Customer, Customer.id == MomentInteraction.customer_id)
            .join(Staff, Staff.id == MomentPost.staff_id)
            .where(MomentPost.task_id == task.id)
            .order_by(MomentInteraction.at.desc())
            .limit(50)
        ).tuples()
    )
    materials = [db.session.get(Material, i) for i in json.loads(task.material_ids or "[]")]
    return render_template(
        "admin/moment.html",
        task=task,
        posts=posts,
        recent=recent,
        materials=[m for m in materials if m is not None],
        likes=sum(p.likes for p, _ in posts),
        seen=sum(p.seen for p, _ in posts),
        waiting=sum(1 for p, _ in posts if p.posted_at is None),
        comments=sum(p.comments for p, _ in posts),
    )


@admin_bp.post("/moments/<int:task_id>/<action>")
@console_required
def moment_action(task_id: int, action: str):
    task = _task(task_id)
    if action == "refresh":
        moments.poll(task, now=utcnow())
    elif action == "remind":
        told = moments.remind(task, agent_id=str(current_app.config["WECOM_AGENT_ID"]), now=utcnow())
        audit.record(
            viewer(),
            "moment_task_reminded",
            "moment_task",
            task.id,
            ip=client_ip(),
            name=task.name,
            told=told,
        )
    elif action == "cancel":
        moments.cancel(task)
        audit.record(
            viewer(), "moment_task_cancelled", "moment_task", task.id, ip=client_ip(), name=task.name
        )
    else:
        abort(404)
    return redirect(url_for("admin.moment_detail", task_id=task.id), 303)
