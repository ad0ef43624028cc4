"""``python -m emulator serve`` runs the emulator; ``python -m emulator event ...`` makes a WeCom-side
change on a running emulator and has it deliver the callback to the app."""

from __future__ import annotations

import json

import click
import requests


@click.group()
def main() -> None:
    """Beside's WeCom emulator."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int, envvar="EMULATOR_PORT")
def serve(host: str, port: int) -> None:
    """Serve WeCom's API, OAuth pages and the control API."""
    from werkzeug.serving import run_simple

    from emulator import create_emulator

    run_simple(host, port, create_emulator(), threaded=True)


@main.command()
@click.argument(
    "change_type",
    type=click.Choice(
        [
            "add_external_contact",
            "edit_external_contact",
            "del_external_contact",
            "del_follow_user",
            "transfer_fail",
            "create",
            "update",
            "delete",
        ]
    ),
)
@click.option("--userid", help="The member (for contact events).")
@click.option("--external-userid", help="The customer (for contact events).")
@click.option("--name", help="A new customer's name (add_external_contact).")
@click.option("--tag-id", help="The tag (update, delete).")
@click.option("--tag-name", help="The tag's name (create, update).")
@click.option("--group-name", help="The tag group (create).")
@click.option("--source", help="del_external_contact's Source, e.g. DELETE_BY_TRANSFER.")
@click.option("--emulator", "base", default="http://127.0.0.1:5001", show_default=True, envvar="EMULATOR_URL")
@click.option("--url", help="Deliver to this URL instead of the configured callback URL.")
def event(
    change_type: str,
    userid: str | None,
    external_userid: str | None,
    name: str | None,
    tag_id: str | None,
    tag_name: str | None,
    group_name: str | None,
    source: str | None,
    base: str,
    url: str | None,
) -> None:
    """Send one callback event, retried as WeCom retries."""
    spec = {
        "change_type": change_type,
        "userid": userid,
        "external_userid": external_userid,
        "name": name,
        "tag_id": tag_id,
        "tag_name": tag_name,
        "group_name": group_name,
        "source": source,
        "url": url,
    }
    res = requests.post(f"{base}/_emulator/events", json={k: v for k, v in spec.items() if v}, timeout=60)
    click.echo(json.dumps(res.json(), ensure_ascii=False, indent=2))
    if res.status_code != 200 or not res.json().get("delivered"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
