"""``flask`` commands: demo data, syncing from WeCom, and running due callback events."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from sidebar import demo
from sidebar.core import audit, uow
from sidebar.customers import group_sync, sync
from sidebar.data import oneid
from sidebar.demo import seed as seeding
from sidebar.jobs import refresh_guides, refresh_now, run_due_events
from sidebar.models import utcnow
from sidebar.money import red_packets
from sidebar.org import accounts as admin_accounts
from sidebar.org import api_keys, staff
from sidebar.org import corp_tags as tags
from sidebar.sop import engine as sop_engine
from sidebar.sop import reminders as sop_reminders
from sidebar.wecom import selfcheck

SOP_AT_SEED_MAX = 20_000  # customers up to which `flask demo seed` makes the SOP tasks due at once

demo_cli = AppGroup("demo", help="Demo data.")
sync_cli = AppGroup("sync", help="Pull staff, tags and customers from WeCom (idempotent).")
events_cli = AppGroup("events", help="WeCom callback events.")
sop_cli = AppGroup("sop", help="SOP tasks.")
data_cli = AppGroup("data", help="Customer data: matching and computed profiles.")
wecom_cli = AppGroup("wecom", help="WeCom as configured: the self-test.")
guides_cli = AppGroup("guides", help="What guides sold and did: attribution and monthly figures.")
files_cli = AppGroup("files", help="The file store every host shares.")


@files_cli.command("move-instance")
@with_appcontext
def files_move_instance() -> None:
    """Move the files an earlier version kept under instance/ (materials, product pictures, QR images,
    imports, exports) into the file store; run once after upgrading (reads instance/, never writes it)."""
    from pathlib import Path

    from sidebar.core.files import move_from_folder

    with uow.unit():
        _echo(move_from_folder(Path(current_app.instance_path)))


def _echo(result: object) -> None:
    click.echo(json.dumps(result, ensure_ascii=False, default=str))


@demo_cli.command("seed")
@click.option(
    "--customers", default=demo.DEFAULT_CUSTOMERS, show_default=True, help="How many customers in all."
)
@click.option("--chunk", default=5000, show_default=True, help="Customers per insert batch.")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Processes making the customers (PostgreSQL; default: one per core for 100,000 or more).",
)
def demo_seed(customers: int, chunk: int, workers: int | None) -> None:
    """Create the demo brand; running it again adds only what is missing."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException(
            "the demo brand is for development and tests: it is refused in production (APP_ENV=production)"
        )
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if total >= 10 * chunk:
            click.echo(f"  {done:>9,} / {total:,} customers  ({time.monotonic() - started:.0f}s)", err=True)

    if workers is None:
        workers = (os.cpu_count() or 1) if customers >= 100_000 else 1
    result = seeding.seed(customers, chunk=chunk, workers=workers, progress=progress)
    if customers <= SOP_AT_SEED_MAX:
        # The tasks due today, so the tasks tab and today page show work at once (the scheduler's run
        # every 15 minutes would make them too, later). A large demo leaves it to the scheduler.
        with uow.unit():
            result["sop_tasks"] = sop_engine.run(now=utcnow())["made"]
    _echo(result)


@sync_cli.command("staff")
def sync_staff() -> None:
    """Departments as teams, members as staff; members who left are marked resigned."""
    with uow.unit():
        result = staff.sync_staff()
    _echo(result)


@sync_cli.command("tags")
def sync_tags() -> None:
    """Corp tag groups and tags."""
    with uow.unit():
        result = tags.sync_corp_tags()
    _echo(result)


@sync_cli.command("customers")
@click.option("--pace", default=0.0, help="Seconds to wait between WeCom calls.")
@click.option("--restart", is_flag=True, help="Forget a previous interrupted run and start over.")
def sync_customers(pace: float, restart: bool) -> None:
    """Every customer of every active member, page by page; resumes an interrupted run."""
    _echo(sync.sync_customers(pace=pace, restart=restart))


@sync_cli.command("groups")
@click.option("--pace", default=0.0, help="Seconds to wait between WeCom calls.")
@click.option("--restart", is_flag=True, help="Forget a previous interrupted run and start over.")
def sync_groups(pace: float, restart: bool) -> None:
    """Every customer group chat with its members, page by page; resumes an interrupted run."""
    with uow.unit():
        result = group_sync.sync_groups(pace=pace, restart=restart)
    _echo(result)


@sop_cli.command("run")
def sop_run() -> None:
    """Make the SOP tasks that are due now (what the periodic job does every 15 minutes)."""
    with uow.unit():
        result = sop_engine.run(now=utcnow())
    _echo(result)


@sop_cli.command("remind")
def sop_remind() -> None:
    """Send today's reminders to guides with due tasks (once a day each)."""
    with uow.unit():
        result = sop_reminders.send(utcnow(), agent_id=str(current_app.config["WECOM_AGENT_ID"]))
    _echo(result)


@events_cli.command("run-due")
def events_run_due() -> None:
    """Attempt every callback event that is waiting (what the periodic sweeper does)."""
    _echo({"attempted": run_due_events()})


@data_cli.command("recompute")
def data_recompute() -> None:
    """Match unmatched orders and members, recompute every profile, then the automatic tags (what runs
    every night)."""
    _echo(refresh_now())


@wecom_cli.command("check")
def wecom_check() -> None:
    """Call WeCom as configured and say, step by step, what works and what to change."""
    steps = selfcheck.run()
    for step in steps:
        click.echo(f"{'✓' if step.ok else '✗'} {step.name}: {step.detail}")
        if step.fix:
            click.echo(f"    → {step.fix}")
    failed = [s for s in steps if not s.ok]
    click.echo(f"{len(steps) - len(failed)} of {len(steps)} steps passed.")
    if failed:
        raise SystemExit(1)


@data_cli.command("reapply-members")
@click.option("--batch", default=5000, show_default=True, help="Customers per committed batch.")
def data_reapply_members(batch: int) -> None:
    """Copy every matched member's level, points, birthday and skin type onto its own customer again:
    repairs customers that versions before 2026-12 wrote another customer's member onto."""
    started = time.monotonic()
    with uow.unit():
        done = oneid.reapply_members(batch)
    _echo({"customers": done, "seconds": round(time.monotonic() - started, 1)})


@guides_cli.command("recompute")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m"]),
    help="The first month to make again (YYYY-MM); by default last month, as every night.",
)
def guides_recompute(since: datetime | None) -> None:
    """Credit every order to its guide by the brand's rule, then the guides' months from ``--since``."""
    _echo(refresh_guides(since.date() if since else None))


@click.command("create-api-key")
@with_appcontext
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(api_keys.SCOPES),
    default=("coupons:redeem",),
    show_default=True,
    help="What the key may do; repeat for several.",
)
def create_api_key(name: str, scopes: tuple[str, ...]) -> None:
    """A key for a POS, mall or CRM system (shown once; keep it in that system's settings)."""
    with uow.unit():
        try:
            key = api_keys.create(name, scopes)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        audit.record("cli", "api_key_created", "api_key", name, scopes=list(scopes))
    click.echo(key)


@click.command("settle-red-packets")
@with_appcontext
def settle_red_packets() -> None:
    """Resolve red-packet payouts whose outcome is unknown and expire unopened ones (the minute job)."""
    with uow.unit():
        outcome = red_packets.reconcile(now=utcnow())
        outcome["expired"] = red_packets.expire(now=utcnow())
    _echo(outcome)


@click.command("create-admin")
@with_appcontext
@click.argument("username")
@click.password_option(help="At least 12 characters; asked for twice when not given.")
def create_admin(username: str, password: str) -> None:
    """A local console account, for the first set-up before WeCom sign-in is configured."""
    with uow.unit():
        try:
            account = admin_accounts.create(username, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        audit.record("cli", "admin_account_created", "admin_account", account.id, username=account.username)
    click.echo(f"Created admin account {account.username!r}. Sign in at /admin/login.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(create_api_key)
    app.cli.add_command(settle_red_packets)
    app.cli.add_command(demo_cli)
    app.cli.add_command(sync_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(sop_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(wecom_cli)
    app.cli.add_command(guides_cli)
    app.cli.add_command(files_cli)
