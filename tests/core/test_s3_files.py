"""The file store on S3-compatible object storage (``core.s3_files``), against a real S3-speaking server
over HTTP (moto's server mode): files in and out a chunk at a time, deletes that wait for the commit,
attachments downloaded from a signed URL with an expiry, and the same two-host paths as the database store."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import select

from sidebar import demo
from sidebar.config import ConfigError
from sidebar.core import files as file_store
from sidebar.extensions import db, huey
from sidebar.models import Material
from tests.conftest import make_app, reset_schema
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import csrf_token, qr_sign_in


@pytest.fixture()
def s3_settings(object_storage):
    return object_storage.settings(prefix=f"run-{uuid.uuid4().hex[:8]}")


@pytest.fixture()
def hosts(tmp_path: Path, emulator, monkeypatch, s3_settings):
    """Build app instances ("hosts") on one database and one bucket, each with its own instance folder."""
    made = []

    def build(name: str, **overrides):
        monkeypatch.setenv("BESIDE_INSTANCE_PATH", str(tmp_path / name))
        application = make_app(tmp_path, emulator, **s3_settings, **overrides)
        if not made:
            reset_schema(application)
        made.append(application)
        return application

    yield build
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    huey.immediate = True


def test_a_file_goes_in_and_comes_back_in_chunks_and_a_delete_waits_for_the_commit(hosts, object_storage):
    app = hosts("host-a")
    payload = bytes(range(256)) * (file_store.CHUNK // 256 * 2 + 7)  # two chunks and a bit
    with app.app_context():
        store = file_store.files()
        assert store.put("exports/x.bin", io.BytesIO(payload), "application/octet-stream") == len(payload)
        parts = list(store.chunks("exports/x.bin"))
        assert len(parts) == 3 and b"".join(parts) == payload
        assert store.size("exports/x.bin") == len(payload) and store.size("exports/none.bin") is None
        with pytest.raises(file_store.FileMissing):
            list(store.chunks("exports/none.bin"))
        # Under the URL's prefix in the bucket, with its type.
        prefix = app.config["FILE_STORE_URL"].split("/", 3)[3]
        head = object_storage.client().head_object(Bucket="beside-files", Key=f"{prefix}/exports/x.bin")
        assert head["ContentType"] == "application/octet-stream"

        db.session.execute(select(1))  # a unit of work is open
        store.delete("exports/x.bin")
        db.session.rollback()  # the request failed: the file stays
        assert store.size("exports/x.bin") == len(payload)
        db.session.execute(select(1))
        store.delete("exports/x.bin")
        assert store.size("exports/x.bin") == len(payload)  # not before the commit
        db.session.commit()
        assert store.size("exports/x.bin") is None


def test_an_export_made_on_one_host_downloads_from_another_through_a_signed_url(hosts):
    host_a = hosts("host-a", FILE_STORE_URL_EXPIRY=2)
    with host_a.app_context():
        from sidebar.demo import seed as demo_seed

        demo_seed.seed()
    a = host_a.test_client()
    qr_sign_in(a, "zhangwei")
    res = a.post(
        "/admin/customers/export", data={"csrf_token": csrf_token(a)}, headers={"HX-Request": "true"}
    )
    job_id = int(re.search(r"/admin/jobs/(\d+)/download", res.get_data(as_text=True)).group(1))

    host_b = hosts("host-b", FILE_STORE_URL_EXPIRY=2)
    b = host_b.test_client()
    assert b.get(f"/admin/jobs/{job_id}/download").status_code in (302, 303, 401, 403)  # not signed in
    qr_sign_in(b, "zhangwei")
    download = b.get(f"/admin/jobs/{job_id}/download")
    assert download.status_code == 303 and download.headers["Cache-Control"] == "no-store"
    url = download.headers["Location"]
    # Signed with the store's key, valid two seconds (S3 refuses it after that: "Request has expired";
    # moto's server does not enforce expiry, so that part is S3's documented behaviour, not tested here).
    assert (
        "X-Amz-Signature=" in url and "X-Amz-Expires=2" in url and "X-Amz-Credential=test-access-key" in url
    )
    got = requests.get(url, timeout=10)
    assert got.status_code == 200
    assert got.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"customers-{job_id}.xlsx" in got.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(got.content)).active.max_row > 1
    # Nothing on either host's disk.
    for host in (host_a, host_b):
        assert not (Path(host.instance_path) / "exports").exists()


def test_a_material_uploaded_on_one_host_is_sent_and_shown_from_another(hosts, emulator):
    from tests.core.test_files import _token
    from tests.web.admin.test_materials import create

    host_a = hosts("host-a")
    with host_a.app_context():
        from sidebar.demo import seed as demo_seed

        demo_seed.seed()
    a = host_a.test_client()
    qr_sign_in(a, "zhangwei")
    poster = demo.poster_png()
    made = create(a, kind="image", title="对象存储海报", file=(io.BytesIO(poster), "poster.png"))
    assert made.status_code == 303
    with host_a.app_context():
        material_id = db.session.scalar(select(Material.id).where(Material.title == "对象存储海报"))

    guide = hosts("host-b").test_client()
    sign_in(guide, "chenjing")
    shown = guide.get(f"/sidebar/materials/{material_id}/file")  # in the page: streamed, not redirected
    assert shown.status_code == 200 and shown.data == poster and shown.mimetype == "image/png"
    sent = guide.post(f"/sidebar/materials/{material_id}/message", headers={"X-CSRFToken": _token(guide)})
    assert sent.status_code == 200 and sent.get_json()["image"]["mediaid"]
    assert emulator.calls("media/upload")[-1]["errcode"] == 0


def test_files_kept_under_instance_by_an_earlier_version_move_into_the_bucket(hosts, tmp_path):
    app = hosts("host-a")
    (tmp_path / "host-a" / "exports").mkdir(parents=True)
    (tmp_path / "host-a" / "exports" / "old.xlsx").write_bytes(b"PK old export")
    runner = app.test_cli_runner()
    moved = runner.invoke(args=["files", "move-instance"])
    assert moved.exit_code == 0 and '"moved": 1' in moved.output, moved.output
    with app.app_context():
        assert b"".join(file_store.files().chunks("exports/old.xlsx")) == b"PK old export"
    assert '"already": 1' in runner.invoke(args=["files", "move-instance"]).output


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"FILE_STORE_URL": "s3://"}, "names no bucket"),
        ({"FILE_STORE_URL": "ftp://files"}, "db://"),
        ({"FILE_STORE_URL": "s3://b", "FILE_STORE_ADDRESSING": "sideways"}, "path, virtual or auto"),
        ({"FILE_STORE_URL": "s3://b", "FILE_STORE_ACCESS_KEY_ID": "id"}, "given together"),
    ],
)
def test_file_store_settings_that_cannot_work_stop_the_app_in_words(tmp_path, emulator, settings, words):
    with pytest.raises(ConfigError, match=words):
        make_app(tmp_path, emulator, **settings)
