"""WeCom media ids for material files: uploaded once, reused while valid, replaced when expired,
and uploaded once however many guides send at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from sidebar.content import materials
from sidebar.extensions import db
from sidebar.models import Material, Team, utcnow
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import csrf, customer_of


def image_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Material.id).where(Material.kind == "image"))


def test_two_sends_within_validity_upload_once_and_an_expired_id_is_replaced(seeded, emulator):
    material_id = image_id(seeded)
    with seeded.app_context():
        material = db.session.get(Material, material_id)
        first = materials.media_id(material)
        assert materials.media_id(material) == first
        assert len(emulator.calls("media/upload")) == 1
        assert first in emulator.state.media and emulator.state.media[first]["type"] == "image"
        # Three days later (the clock is ours to set), the id is replaced.
        later = utcnow() + timedelta(days=3)
        second = materials.media_id(material, now=later)
        assert second != first and len(emulator.calls("media/upload")) == 2
        # Just before the margin, the old one still serves.
        assert materials.media_id(material, now=later + timedelta(days=2, hours=22)) == second
        assert len(emulator.calls("media/upload")) == 2


def test_ten_concurrent_sends_upload_once(seeded, emulator):
    material_id = image_id(seeded)
    emulator.configure(latency=0.2)  # a slow upload, so the ten really overlap
    ids: list[str] = []
    errors: list[Exception] = []

    def send() -> None:
        try:
            with seeded.app_context():
                ids.append(materials.media_id(db.session.get(Material, material_id)))
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(set(ids)) == 1 and len(ids) == 10
    assert len(emulator.calls("media/upload")) == 1


def test_the_sidebar_gives_the_payload_and_hides_other_teams_materials(seeded, client, emulator):
    material_id = image_id(seeded)
    sign_in(client, "chenjing")
    token = csrf(client, "/sidebar/")
    first = client.post(f"/sidebar/materials/{material_id}/message", headers={"X-CSRFToken": token}).json
    second = client.post(f"/sidebar/materials/{material_id}/message", headers={"X-CSRFToken": token}).json
    assert first == second and first["msgtype"] == "image" and first["image"]["mediaid"]
    assert len(emulator.calls("media/upload")) == 1
    with seeded.app_context():
        south = db.session.scalar(select(Team.id).where(Team.name == "华南大区"))
        db.session.add(Material(kind="text", title="华南专用", text="仅华南", team_id=south))
        db.session.commit()
        hidden = db.session.scalar(select(Material.id).where(Material.title == "华南专用"))
    page = client.get(f"/sidebar/customers/{customer_of('chenjing').external_userid}/materials").get_data(
        as_text=True
    )
    assert "秋冬修护系列海报" in page and "华南专用" not in page
    assert (
        client.post(f"/sidebar/materials/{hidden}/message", headers={"X-CSRFToken": token}).status_code == 404
    )
    with client.get(f"/sidebar/materials/{material_id}/file") as served:  # a streamed file: close it
        assert served.status_code == 200 and served.data.startswith(b"\x89PNG")
    assert seeded.test_client().get(f"/sidebar/materials/{material_id}/file").status_code == 302  # staff only


def test_materials_are_found_by_kind_title_or_group(seeded, client):
    sign_in(client, "chenjing")
    base = f"/sidebar/customers/{customer_of('chenjing').external_userid}/materials"
    assert "秋冬修护系列海报" in client.get(base, query_string={"q": "海报"}).get_data(
        as_text=True
    )  # its group
    links = client.get(base, query_string={"kind": "link"}).get_data(as_text=True)
    assert "敏感肌护理指南" in links and "秋冬修护系列海报" not in links
    assert client.get(base, query_string={"kind": "gif"}).status_code == 400
