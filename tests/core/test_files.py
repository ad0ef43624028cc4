"""The file store (``core.files``, the database backend): a file written a chunk at a time, read back a
chunk at a time; an export made on one host downloads from another host with its own instance folder."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from sidebar.core import files as file_store
from sidebar.extensions import db
from tests.web.admin.test_console import csrf_token, qr_sign_in


def test_a_file_goes_in_and_comes_back_a_chunk_at_a_time(app):
    payload = bytes(range(256)) * (file_store.CHUNK // 256 * 2 + 7)  # two chunks and a bit
    with app.app_context():
        store = file_store.files()
        assert store.put("exports/x.bin", io.BytesIO(payload), "application/octet-stream") == len(payload)
        db.session.commit()  # written in the caller's unit of work; read as committed
        parts = list(store.chunks("exports/x.bin"))
        assert [len(p) for p in parts[:2]] == [file_store.CHUNK] * 2 and b"".join(parts) == payload
        assert store.put("exports/x.bin", io.BytesIO(b"again"), "text/plain") == 5  # replaced
        db.session.commit()
        assert b"".join(store.chunks("exports/x.bin")) == b"again"
        store.delete("exports/x.bin")
        db.session.commit()
        assert store.size("exports/x.bin") is None


def test_an_export_made_on_one_host_downloads_from_another(
    seeded, client, another_app, tmp_path, monkeypatch
):
    qr_sign_in(client, "zhangwei")
    res = client.post(
        "/admin/customers/export", data={"csrf_token": csrf_token(client)}, headers={"HX-Request": "true"}
    )
    job_id = int(re.search(r"/admin/jobs/(\d+)/download", res.get_data(as_text=True)).group(1))
    # Host B: the same database, an instance folder of its own (nothing of host A's disk).
    monkeypatch.setenv("BESIDE_INSTANCE_PATH", str(tmp_path / "host-b"))
    host_b = another_app()
    assert host_b.instance_path != seeded.instance_path
    b = host_b.test_client()
    qr_sign_in(b, "zhangwei")
    with b.get(f"/admin/jobs/{job_id}/download") as download:
        assert download.status_code == 200
        assert download.headers["Content-Length"] == str(len(download.data))
        sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet.max_row > 1
    # Host A kept nothing on its own disk.
    assert not (tmp_path / "instance" / "exports").exists()


def test_a_material_uploaded_on_one_host_is_sent_and_served_from_another(
    seeded, client, another_app, tmp_path, monkeypatch, emulator
):
    from sqlalchemy import select

    from sidebar import demo
    from sidebar.models import Material
    from tests.sidebar_helpers import sign_in
    from tests.web.admin.test_materials import create

    qr_sign_in(client, "zhangwei")
    poster = demo.poster_png()
    assert (
        create(client, kind="image", title="跨主机海报", file=(io.BytesIO(poster), "poster.png")).status_code
        == 303
    )
    with seeded.app_context():
        material_id = db.session.scalar(select(Material.id).where(Material.title == "跨主机海报"))
    monkeypatch.setenv("BESIDE_INSTANCE_PATH", str(tmp_path / "host-b"))
    host_b = another_app()
    guide = host_b.test_client()
    sign_in(guide, "chenjing")
    shown = guide.get(f"/sidebar/materials/{material_id}/file")
    assert shown.status_code == 200 and shown.data == poster and shown.mimetype == "image/png"
    sent = guide.post(f"/sidebar/materials/{material_id}/message", headers={"X-CSRFToken": _token(guide)})
    assert sent.status_code == 200 and sent.get_json()["image"]["mediaid"]
    uploads = emulator.calls("media/upload")
    assert uploads and uploads[-1]["errcode"] == 0
    assert (
        not (tmp_path / "instance" / "materials").exists()
        and not (tmp_path / "host-b" / "materials").exists()
    )


def _token(test_client) -> str:
    from tests.web.sidebar.test_customers import csrf

    return csrf(test_client, "/sidebar/")


def test_files_an_earlier_version_kept_under_instance_are_moved_into_the_store(seeded, client, tmp_path):
    """`flask files move-instance`: a material's file and an export left on disk by an earlier version are
    served again once moved; running it twice moves nothing more."""
    from sqlalchemy import select

    from sidebar import demo
    from sidebar.models import Material
    from tests.sidebar_helpers import sign_in

    instance = tmp_path / "instance"
    with seeded.app_context():
        material = db.session.scalar(select(Material).where(Material.kind == "image"))
        file_store.files().delete(f"materials/{material.file_path}")  # as if stored by the old code
        db.session.commit()
        (instance / "materials").mkdir(parents=True, exist_ok=True)
        (instance / "materials" / material.file_path).write_bytes(demo.poster_png())
        material_id = material.id
    sign_in(client, "chenjing")
    assert client.get(f"/sidebar/materials/{material_id}/file").status_code == 404
    runner = seeded.test_cli_runner()
    moved = runner.invoke(args=["files", "move-instance"])
    assert moved.exit_code == 0 and '"moved": 1' in moved.output, moved.output
    shown = client.get(f"/sidebar/materials/{material_id}/file")
    assert shown.status_code == 200 and shown.data == demo.poster_png()
    again = runner.invoke(args=["files", "move-instance"])
    assert '"moved": 0' in again.output and '"already": 1' in again.output
