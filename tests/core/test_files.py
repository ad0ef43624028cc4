"""The file store (``core.files``, the database backend): a file written a chunk at a time, read back a
chunk at a time; an export made on one host downloads from another host with its own instance folder."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from sidebar.core import files as file_store
from tests.web.admin.test_console import csrf_token, qr_sign_in


def test_a_file_goes_in_and_comes_back_a_chunk_at_a_time(app):
    payload = bytes(range(256)) * (file_store.CHUNK // 256 * 2 + 7)  # two chunks and a bit
    with app.app_context():
        store = file_store.files()
        assert store.put("exports/x.bin", io.BytesIO(payload), "application/octet-stream") == len(payload)
        parts = list(store.chunks("exports/x.bin"))
        assert [len(p) for p in parts[:2]] == [file_store.CHUNK] * 2 and b"".join(parts) == payload
        assert store.put("exports/x.bin", io.BytesIO(b"again"), "text/plain") == 5  # replaced
        assert b"".join(store.chunks("exports/x.bin")) == b"again"
        store.delete("exports/x.bin")
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
