"""Usage of scripts and materials in the console, within the viewer's scope."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Material, Script, Send, Staff
from tests.web.admin.test_console import qr_sign_in


def add_sends(app, userid: str, kind: str, title: str, n: int) -> None:
    with app.app_context():
        staff_id = db.session.scalar(select(Staff.id).where(Staff.userid == userid))
        model = Script if kind == "script" else Material
        ref = db.session.scalar(select(model.id).where(model.title == title))
        for _ in range(n):
            db.session.add(Send(staff_id=staff_id, kind=kind, ref_id=ref, msgtype="text", summary=title))
        db.session.commit()


def report(client) -> dict:
    html = client.get("/admin/usage").get_data(as_text=True)
    return json.loads(
        re.search(r'<script type="application/json" id="usage">(.*?)</script>', html, re.S).group(1)
    )


def test_usage_counts_sends_within_the_viewers_scope(seeded, client):
    add_sends(seeded, "chenjing", "script", "防晒", 3)
    add_sends(seeded, "huangli", "script", "防晒", 2)
    add_sends(seeded, "chenjing", "material", "秋冬修护系列海报", 1)
    qr_sign_in(client, "zhangwei")
    everything = report(client)
    assert sum(everything["scripts"]) == 5 and sum(everything["materials"]) == 1
    assert everything["top"][0] == {"kind": "script", "name": "防晒", "count": 5}
    assert {g["name"]: g["count"] for g in everything["by_guide"]} == {"陈静": 4, "黄丽": 2}
    assert "防晒" not in everything["unused_scripts"] and "修护面霜" in everything["unused_scripts"]
    assert "秋冬修护系列海报" not in everything["unused_materials"]
    qr_sign_in(client, "lina")  # 华东: 黄丽's sends are not hers to see
    east = report(client)
    assert sum(east["scripts"]) == 3 and {g["name"] for g in east["by_guide"]} == {"陈静"}


def test_a_guide_has_no_usage_page(seeded, client):
    from tests.sidebar_helpers import sign_in

    sign_in(client, "chenjing")
    assert client.get("/admin/usage").status_code == 403
