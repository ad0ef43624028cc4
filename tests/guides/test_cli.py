"""``flask guides recompute`` and the nightly run: every order credited, the months made, tiers computed."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import Attribution, GuideMonth


def test_the_command_and_the_nightly_run(seeded):
    runner = seeded.test_cli_runner()
    done = runner.invoke(args=["guides", "recompute", "--since", "2000-01"])
    assert done.exit_code == 0, done.output
    counts = json.loads(done.output)
    with seeded.app_context():
        assert (
            counts["orders_credited"] == db.session.scalar(select(func.count()).select_from(Attribution)) > 0
        )
        assert counts["guide_months"] == db.session.scalar(select(func.count()).select_from(GuideMonth)) > 0
    assert runner.invoke(args=["guides", "recompute", "--since", "2026-13"]).exit_code == 2

    nightly = runner.invoke(args=["data", "recompute"])
    assert nightly.exit_code == 0, nightly.output
    assert json.loads(nightly.output)["orders_credited"] == counts["orders_credited"]
