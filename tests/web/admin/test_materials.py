"""Materials in the console: uploads checked by their bytes and WeCom's limits; files stay private."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Material
from tests.web.admin.test_console import csrf_token, qr_sign_in


def create(client, **fields):
    data = {"csrf_token": csrf_token(client, "/admin/materials"), **fields}
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    values = MultiDict(
        {k: FileStorage(v[0], filename=v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
    )
    boundary, body = encode_multipart(values)
    return client.post(
        "/admin/materials", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Material))


def test_an_image_is_accepted_by_its_bytes_not_its_name(seeded, client):
    qr_sign_in(client, "zhangwei")
    before = count(seeded)
    ok = create(client, kind="image", title="新品海报", file=(io.BytesIO(demo.poster_png()), "poster.jpg"))
    assert ok.status_code == 303
    with seeded.app_context():
        material = db.session.scalar(select(Material).where(Material.title == "新品海报"))
        assert material.mime == "image/png" and material.file_size == len(demo.poster_png())
    # A text file named .png is refused, and so is an image over 10 MB.
    fake = create(client, kind="image", title="假图片", file=(io.BytesIO(b"GIF89a not really"), "fake.png"))
    assert fake.status_code == 422 and "JPG" in fake.get_data(as_text=True)
    big = create(
        client,
        kind="image",
        title="太大",
        file=(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 2**20)), "big.png"),
    )
    assert big.status_code == 422 and "10 MB" in big.get_data(as_text=True)
    video = create(client, kind="video", title="不是视频", file=(io.BytesIO(demo.poster_png()), "clip.mp4"))
    assert video.status_code == 422
    assert count(seeded) == before + 1


def test_link_and_mini_program_fields_are_checked(seeded, client):
    qr_sign_in(client, "zhangwei")
    assert create(client, kind="link", title="文章", url="javascript:alert(1)").status_code == 422
    assert (
        create(
            client, kind="miniprogram", title="商城", mp_appid="wx1234567890abcd", mp_page="pages/index"
        ).status_code
        == 422
    )
    assert (
        create(
            client, kind="miniprogram", title="商城", mp_appid="wx1234567890abcd", mp_page="pages/index.html"
        ).status_code
        == 303
    )


def test_only_admins_add_materials(seeded, client):
    qr_sign_in(client, "lina")
    assert create(client, kind="text", title="x", text="y").status_code == 403
    assert client.get("/admin/materials").status_code == 200
