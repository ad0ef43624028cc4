"""``flask`` commands: demo data, syncing from WeCom, and running due callback events."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
sync_cli = AppGroup("sync", help="Pull data from WeCom.")
events_cli = AppGroup("events", help="WeCom callback events.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(sync_cli)
    app.cli.add_command(events_cli)
