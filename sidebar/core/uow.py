"""The unit of work: one commit or one rollback per request, job step or command, in this one place.

Services flush and never commit. When a request ends, its writes are committed if the answer is a
success or a redirect (status < 400) and rolled back otherwise, so a refused or failed request
changes nothing.
Jobs and commands wrap each step in ``unit()``. Work that must wait until the data is committed (a
job that reads it, the shared store writing on its own connection) is registered with
``after_commit``.

``commit_point`` is the only other commit, for work that must commit in the middle of a unit:

- money: ``locking.fresh_transaction`` (a row lock must be its transaction's first statement), red
  packets committing their reservation before WeChat Pay is called and the outcome after it,
  coupons and WeChat Pay vouchers committing around the voucher call;
- ``visibility.customer_for``: what WeCom said about a customer is kept, and the shared store (its own
  connection) must not wait for this write on SQLite;
- ``materials.media_id``: an upload's media_id is kept even if the send that needed it fails;
- 离职继承 (``acquisition.inheritance.request``): each batch of 100 WeCom accepted is recorded before the
  next is asked, so a stop half-way never leads to a customer requested twice;
- the callback receiver (``events.callbacks.record``): the event row is committed on a connection of
  its own before WeCom hears 200, with no ORM session begun (it is the request's only write);
- reports (``acquisition.reports``): each report is claimed before it is sent and its outcome kept, so
  a second run never sends it again;
- 企业群发 (``campaigns.send``, ``campaigns.results``): the campaign is claimed (scheduled → sending)
  before it is planned, so no edit changes it under the send; a batch is marked as being asked before
  ``add_msg_template`` and its msgid kept after, so a crash never sends it twice; each batch's results
  are kept as they are read;
- 客户朋友圈 (``campaigns.moments.create``): the jobid ``add_moment_task`` answered is kept at once, so
  the task is followed to its moment and never made twice;
- 会话内容存档 (``archive.pull``): each page of messages is committed with the seq after it, so the
  archive is never lost or doubled, and what stopped a pull is kept with the seq it stopped at; files
  fetched are kept as they come; retention deletes a batch at a time (``archive.retention``);
- 任务宝 rewards (``growth.rewards.issue_one``): each reward is claimed, its coupon issued and the
  reward marked in one transaction of its own, so a crash issues it on the next run and never twice;
- ``data.oneid.reapply_members``: each batch of a million-customer repair is kept as it goes;
- an uploaded import file is committed to the file store at once (a mapping form after a 422, or a job
  on another host, reads it next), and so is a workbook decrypted in place;
- long jobs reporting progress (``customers.bulk``), resumable syncs (``customers.sync``) and the demo
  seed's batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g

from sidebar.extensions import db

_CALLBACKS = "uow_after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once this unit's writes are committed (never if they are rolled back)."""
    g.setdefault(_CALLBACKS, []).append(callback)


def commit_point(reason: str) -> None:
    """Commit now, in the middle of a unit of work. ``reason`` says why, where it is called; the
    callers are listed in this module's docstring."""
    db.session.commit()


def _began() -> bool:
    """Whether this unit has a session at all: a request that never touched it (the callback
    receiver, a static file) has nothing to commit, and making a session to commit nothing costs
    more than such a request's own work."""
    return db.session.registry.has()


def _commit() -> None:
    if _began():
        db.session.commit()
    for callback in g.pop(_CALLBACKS, []):
        callback()


def _rollback() -> None:
    if _began():
        db.session.rollback()
    g.pop(_CALLBACKS, None)


@contextmanager
def unit() -> Iterator[None]:
    """One unit of work outside a request (a job step, a command): commit at the end, or roll back
    if the block raises."""
    try:
        yield
    except BaseException:
        _rollback()
        raise
    _commit()


def discard() -> None:
    """Roll back what this unit has written so far (a view that caught a refusal and goes on to
    render a page from the database as it was)."""
    _rollback()


def _end_request(response: Response) -> Response:
    if response.status_code < 400:
        _commit()
    else:
        _rollback()
    return response


def _end_failed_request(exc: BaseException | None) -> None:
    if exc is not None:
        _rollback()


def init_app(app: Flask) -> None:
    app.after_request(_end_request)
    app.teardown_request(_end_failed_request)
