"""The unit of work: one commit per request in one place; a refused or failed request changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import Note
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import csrf, customer_of, hx

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_commits_outside_the_unit_of_work():
    """Commits live in core/uow.py: at the end of a request or job step, or at a named commit_point."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.joinpath("sidebar").rglob("*.py")
        if path.name != "uow.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bsession\.commit\(\)", line)
    ]
    assert offenders == []


def test_a_request_commits_its_writes_once_it_succeeds(seeded, client):
    ext = customer_of("chenjing").external_userid
    sign_in(client, "chenjing")
    res = client.post(
        f"/sidebar/customers/{ext}/notes",
        data={"body": "回访：试用装反馈好"},
        headers=hx(csrf(client, "/sidebar/")),
    )
    assert res.status_code == 200
    with seeded.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Note).where(Note.body == "回访：试用装反馈好"))
            == 1
        )


def test_a_refused_request_changes_nothing_even_after_a_flush(seeded, app):
    """A view that flushed and then answered 4xx leaves nothing behind."""
    from flask import abort

    @app.post("/_test/flush-then-refuse")
    def flush_then_refuse():
        db.session.add(Note(customer_id=1, body="不该留下"))
        db.session.flush()
        abort(409)

    app.config["WTF_CSRF_ENABLED"] = False
    assert app.test_client().post("/_test/flush-then-refuse").status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Note).where(Note.body == "不该留下")) == 0
