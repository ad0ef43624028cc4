"""Console jobs over a filtered set of customers: bulk tagging and export.

Both take the filter and the viewer from the job row, so a job sees exactly what its starter's list
showed. Tagging is set-based (one INSERT ... SELECT and one UPDATE per tag), then WeCom is told
customer by customer through the same push the sidebar uses, progress kept on the job row.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from sqlalchemy import and_, delete, exists, insert, literal, select, update
from sqlalchemy.orm import contains_eager

from sidebar.core import audit, export, uow
from sidebar.core.files import files
from sidebar.customers import query as customer_query
from sidebar.customers import tags as customer_tags
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    BackgroundJob,
    Customer,
    CustomerTag,
    Follow,
    JobStatus,
    Staff,
    Tag,
    TagSync,
    utcnow,
)
from sidebar.models.base import UTCDateTime

PUSH_BATCH = 200
EXPORT_CHUNK = 1000


def _owner(job: BackgroundJob) -> Staff | AdminAccount:
    owner: Staff | AdminAccount | None
    if job.admin_account_id:
        owner = db.session.get(AdminAccount, job.admin_account_id)
    else:
        owner = db.session.get(Staff, job.staff_id)
    if owner is None:
        raise LookupError("the member who started this job no longer exists")
    return owner


def start(
    kind: str, viewer: Staff | AdminAccount, f: customer_query.CustomerFilter, **params: Any
) -> BackgroundJob:
    """Create the job row, committed at once: its worker reads it from a session of its own. The
    caller then enqueues it."""
    job = BackgroundJob(
        kind=kind,
        params=json.dumps({"filter": f.as_params(), **params}),
        total=customer_query.count(db.session, viewer, f),
        staff_id=viewer.id if isinstance(viewer, Staff) else None,
        admin_account_id=viewer.id if isinstance(viewer, AdminAccount) else None,
    )
    db.session.add(job)
    uow.commit_point("the job's worker reads its row from its own session")
    return job


def visible_job(viewer: Staff | AdminAccount, job_id: int) -> BackgroundJob | None:
    """A job its starter may look at (nobody else's)."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None:
        return None
    mine = (
        job.admin_account_id == viewer.id if isinstance(viewer, AdminAccount) else job.staff_id == viewer.id
    )
    return job if mine else None


def run(job_id: int, *, pace: float = 0.0) -> None:
    """Do a queued job, committing progress as it goes; a failure is kept on the row."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.status != JobStatus.QUEUED.value:
        return
    job.status = JobStatus.RUNNING.value
    uow.commit_point("the console shows the job running")
    try:
        runner: Callable[[BackgroundJob, dict[str, Any], float], dict[str, Any]] = {
            "bulk_tags": _bulk_tags,
            "export": _export,
        }[job.kind]
        result = runner(job, json.loads(job.params), pace)
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(BackgroundJob, job_id)
        assert job is not None
        job.status, job.error, job.finished_at = (
            JobStatus.FAILED.value,
            f"{type(exc).__name__}: {exc}"[:2000],
            utcnow(),
        )
        uow.commit_point("the console shows the failure")
        raise
    job.status, job.result, job.finished_at = (
        JobStatus.DONE.value,
        json.dumps(result, ensure_ascii=False),
        utcnow(),
    )
    job.done = job.total
    uow.commit_point("the console shows the result")


# -- bulk tags -------------------------------------------------------------------------------------


def _bulk_tags(job: BackgroundJob, params: dict[str, Any], pace: float) -> dict[str, Any]:
    viewer = _owner(job)
    f = customer_query.parse(params["filter"])
    targets = customer_query.ids(viewer, f).subquery()
    now = utcnow()
    staff_id = viewer.id if isinstance(viewer, Staff) else None
    tags = {
        t.id: t for t in db.session.scalars(select(Tag).where(Tag.id.in_(params["add"] + params["remove"])))
    }
    for tag_id in params["add"]:
        tag = tags[tag_id]
        status, op = (TagSync.LOCAL.value, None) if tag.is_local else (TagSync.ADDING.value, "add")
        # A pending removal of the same tag is turned back into an add.
        db.session.execute(
            update(CustomerTag)
            .where(
                CustomerTag.tag_id == tag_id,
                CustomerTag.customer_id.in_(select(targets.c.id)),
                CustomerTag.sync_op == "remove",
            )
            .values(
                sync_status=status,
                sync_op=op,
                next_sync_at=now,
                sync_attempts=0,
                sync_error=None,
                staff_id=staff_id,
            )
        )
        already = exists().where(CustomerTag.customer_id == targets.c.id, CustomerTag.tag_id == tag_id)
        db.session.execute(
            insert(CustomerTag).from_select(
                [
                    "customer_id",
                    "tag_id",
                    "staff_id",
                    "source",
                    "created_at",
                    "sync_status",
                    "sync_op",
                    "sync_attempts",
                    "next_sync_at",
                ],
                select(
                    targets.c.id,
                    literal(tag_id),
                    literal(staff_id),
                    literal("bulk"),
                    literal(now, UTCDateTime),
                    literal(status),
                    literal(op),
                    literal(0),
                    literal(None if tag.is_local else now, UTCDateTime),
                ).where(~already),
            )
        )
    for tag_id in params["remove"]:
        in_set = and_(CustomerTag.tag_id == tag_id, CustomerTag.customer_id.in_(select(targets.c.id)))
        if tags[tag_id].is_local:
            db.session.execute(delete(CustomerTag).where(in_set))
        else:
            db.session.execute(
                update(CustomerTag)
                .where(in_set, CustomerTag.sync_status != TagSync.REMOVING.value)
                .values(
                    sync_status=TagSync.REMOVING.value,
                    sync_op="remove",
                    next_sync_at=now,
                    sync_attempts=0,
                    sync_error=None,
                    staff_id=staff_id,
                )
            )
    audit.record(
        viewer,
        "bulk_tags",
        "customers",
        None,
        filter=params["filter"],
        add=params["add"],
        remove=params["remove"],
        customers=job.total,
    )
    uow.commit_point("the tags are ours before WeCom is told")

    # Tell WeCom, customer by customer, committing progress as batches finish.
    pending = list(
        db.session.scalars(
            select(CustomerTag.customer_id)
            .where(
                CustomerTag.customer_id.in_(select(targets.c.id)),
                CustomerTag.tag_id.in_(list(tags)),
                CustomerTag.sync_op.is_not(None),
            )
            .distinct()
            .order_by(CustomerTag.customer_id)
        )
    )
    job.done = job.total - len(pending)
    uow.commit_point("progress")
    counts = {"synced": 0, "failed": 0}
    for start_at in range(0, len(pending), PUSH_BATCH):
        for customer_id in pending[start_at : start_at + PUSH_BATCH]:
            outcome = customer_tags.push(customer_id, now=utcnow())
            counts["synced"] += outcome["synced"]
            counts["failed"] += outcome["failed"]
            if pace:
                time.sleep(pace)
        job.done = min(job.total, job.done + len(pending[start_at : start_at + PUSH_BATCH]))
        uow.commit_point("progress, batch by batch")
    return {"customers": job.total, **counts}


# -- export ----------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "external_userid",
    "name",
    "gender",
    "skin_type",
    "skin_concerns",
    "age_range",
    "city",
    "member_level",
    "points",
    "lifecycle_stage",
    "order_count",
    "total_spent_yuan",
    "last_order_at",
    "followers",
    "tags",
]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(job: BackgroundJob, params: dict[str, Any], pace: float) -> dict[str, Any]:
    viewer = _owner(job)
    f = customer_query.parse(params["filter"])
    # The stats from the filter's own join (``contains_eager``), not a second one.
    query = customer_query.matching(viewer, f).order_by(Customer.id).options(contains_eager(Customer.stats))
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("customers")
    export.append(sheet, EXPORT_COLUMNS)
    rows, last_id = 0, 0
    while True:
        chunk = list(db.session.scalars(query.where(Customer.id > last_id).limit(EXPORT_CHUNK)))
        if not chunk:
            break
        ids = [c.id for c in chunk]
        followers: dict[int, list[str]] = {}
        for customer_id, name in db.session.execute(
            select(Follow.customer_id, Staff.name)
            .join(Staff)
            .where(Follow.customer_id.in_(ids), Follow.deleted_at.is_(None))
        ):
            followers.setdefault(customer_id, []).append(name)
        tag_names: dict[int, list[str]] = {}
        for customer_id, name in db.session.execute(
            select(CustomerTag.customer_id, Tag.name)
            .join(Tag, Tag.id == CustomerTag.tag_id)
            .where(CustomerTag.customer_id.in_(ids), CustomerTag.sync_status != TagSync.REMOVING.value)
        ):
            tag_names.setdefault(customer_id, []).append(name)
        for c in chunk:
            export.append(
                sheet,
                [
                    c.external_userid,
                    c.name,
                    c.gender,
                    c.skin_type,
                    c.skin_concerns,
                    c.age_range,
                    c.city,
                    c.member_level,
                    c.points,
                    c.lifecycle_stage,
                    c.order_count,
                    c.total_spent / 100,
                    c.last_order_at.isoformat() if c.last_order_at else None,
                    "、".join(followers.get(c.id, [])),
                    "、".join(tag_names.get(c.id, [])),
                ],
            )
        rows += len(chunk)
        last_id = chunk[-1].id
        job.done = min(job.total, rows)
        uow.commit_point("progress, chunk by chunk")
    # Written to a temporary file on this host, then into the shared file store a chunk at a time: the
    # workbook never sits whole in memory, and any host can serve the download.
    key = f"exports/customers-{job.id}-{secrets.token_hex(8)}.xlsx"
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        tmp.seek(0)
        files().put(key, tmp, XLSX)
    audit.record(viewer, "export_customers", "customers", None, filter=params["filter"], rows=rows)
    return {"file": key, "rows": rows}
