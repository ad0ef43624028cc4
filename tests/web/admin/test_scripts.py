"""Company and team scripts in the console: create with preview, import (all or nothing), export."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.models import AuditLog, Script, Team
from tests.web.admin.test_console import csrf_token, qr_sign_in


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Script))


def sheet_rows(data: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, name: str, content: bytes):
    return client.post(
        "/admin/scripts/import",
        data={"csrf_token": csrf_token(client, "/admin/scripts"), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


HEAD = ["id", "scope", "team", "group", "title", "order", "body"]


def test_a_file_with_one_bad_row_reports_it_and_imports_nothing(seeded, client):
    qr_sign_in(client, "zhangwei")
    before = count(seeded)
    res = upload(
        client,
        "scripts.xlsx",
        xlsx(
            [
                HEAD,
                ["", "enterprise", "", "新品", "上新", 0, "{客户称呼}，新品到啦"],
                ["", "team", "不存在的团队", "活动", "沙龙", 0, "周六见"],
                ["", "enterprise", "", "售后", "空", 0, ""],
            ]
        ),
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert (
        "<td>3</td>" in html and "不存在的团队" in html and "<td>4</td>" in html and "body is empty" in html
    )
    assert "<td>2</td>" not in html
    assert count(seeded) == before


def test_an_export_imports_back_unchanged_in_both_formats(seeded, client):
    qr_sign_in(client, "zhangwei")
    for fmt in ("xlsx", "csv"):
        exported = client.get(f"/admin/scripts/export.{fmt}").data
        before = count(seeded)
        res = upload(client, f"scripts.{fmt}", exported)
        assert res.status_code == 200, res.get_data(as_text=True)[:500]
        assert "新增 0 条，更新 0 条" in res.get_data(as_text=True)
        assert count(seeded) == before
        again = client.get(f"/admin/scripts/export.{fmt}").data
        if fmt == "csv":
            assert again == exported
        else:
            assert sheet_rows(again) == sheet_rows(exported)


def test_import_adds_and_updates(seeded, client):
    qr_sign_in(client, "zhangwei")
    exported = client.get("/admin/scripts/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    rows[1][6] = rows[1][6] + "（已更新）"
    rows.append(["", "team", "华东大区", "活动", "新沙龙", "5", "{客户称呼}，周日也有沙龙"])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    before = count(seeded)
    assert upload(client, "scripts.csv", out.getvalue().encode("utf-8")).status_code == 200
    assert count(seeded) == before + 1
    with seeded.app_context():
        east = db.session.scalar(select(Team.id).where(Team.name == "华东大区"))
        assert db.session.scalar(select(Script.team_id).where(Script.title == "新沙龙")) == east
        assert (
            db.session.scalar(select(func.count()).select_from(Script).where(Script.body.like("%（已更新）")))
            == 1
        )
        assert (
            db.session.scalar(select(AuditLog.action).where(AuditLog.action == "scripts_imported"))
            == "scripts_imported"
        )


def test_the_preview_fills_sample_values_and_names_unknown_variables(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/scripts")
    html = client.post(
        "/admin/scripts/preview",
        data={"csrf_token": token, "body": "{客户称呼}好，{券码}"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "王女士好，{券码}" in html and "未知变量" in html


def test_only_admins_change_company_scripts(seeded, client):
    qr_sign_in(client, "lina")
    token = csrf_token(client, "/admin/scripts")
    res = client.post("/admin/scripts", data={"csrf_token": token, "scope": "enterprise", "body": "x"})
    assert res.status_code == 403
    assert client.get("/admin/scripts/export.csv").status_code == 403


def test_created_scripts_reach_the_sidebar(seeded, client):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/scripts")
    assert (
        client.post(
            "/admin/scripts",
            data={
                "csrf_token": token,
                "scope": "enterprise",
                "title": "双十一",
                "body": "{客户称呼}，双十一预售开始啦",
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            "/admin/scripts", data={"csrf_token": token, "scope": "team", "body": "no team"}
        ).status_code
        == 422
    )
    with seeded.app_context():
        assert (
            db.session.scalar(select(Script.body).where(Script.title == "双十一"))
            == "{客户称呼}，双十一预售开始啦"
        )


def test_an_admin_edits_a_company_script(seeded, client):
    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        script = db.session.scalar(select(Script).where(Script.title == "防晒"))
        script_id = script.id
    page = client.get("/admin/scripts").get_data(as_text=True)
    assert f'/admin/scripts/{script_id}"' in page
    res = client.post(
        f"/admin/scripts/{script_id}",
        data={
            "csrf_token": csrf_token(client, "/admin/scripts"),
            "scope": "enterprise",
            "title": "防晒（新）",
            "order": "3",
            "body": "记得涂防晒，{客户称呼}",
        },
    )
    assert res.status_code == 303
    with seeded.app_context():
        edited = db.session.get(Script, script_id)
        assert (edited.title, edited.order, edited.body) == ("防晒（新）", 3, "记得涂防晒，{客户称呼}")
