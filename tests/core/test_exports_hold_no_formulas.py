"""Guard: a formula-looking value in every field that reaches an export (a WeCom nickname, a red packet's
reason, an order number, a code's, script's, group's, rule's, guide's and store's name, a refused row)
never comes out as a live formula: every workbook cell is text or a number, no csv cell starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return. And the scripts file imports back as it was."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from sidebar.core.export import TRIGGERS
from sidebar.extensions import db
from sidebar.guides import attribution, commission, metrics
from sidebar.models import ChannelCode, Customer, GroupChat, Script, SopRule, Staff, Store, utcnow
from sidebar.money import admin as money_admin
from sidebar.money import red_packets
from sidebar.sop import engine
from tests.data.test_orders_api import make_key, order
from tests.web.admin.test_console import csrf_token, qr_sign_in

EVIL = '=HYPERLINK("http://evil.example","x")'
EVILS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\tTAB", "\rCR"]


def workbook_cells(content: bytes) -> list[tuple[object, str]]:
    book = load_workbook(io.BytesIO(content))
    return [(c.value, c.data_type) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def csv_cells(content: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]


def assert_safe(name: str, content: bytes, kind: str) -> None:
    if kind == "xlsx":
        cells = workbook_cells(content)
        assert [v for v, t in cells if t == "f"] == [], name
        assert any(isinstance(v, str) and v.startswith(TRIGGERS) for v, _ in cells), (
            f"{name}: the test put none in {cells[:60]}"
        )
    else:
        cells = csv_cells(content)
        assert [c for c in cells if c.startswith(TRIGGERS)] == [], name
        assert any(c.startswith("'") and c[1:].startswith(TRIGGERS) for c in cells), f"{name}: none put in"


def test_no_export_holds_a_live_formula(seeded, app, client):
    with app.app_context():  # the brand's calendar, as the exports read it
        month, today = money_admin.default_range(utcnow())
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        staff.name = EVILS[1]
        customer = db.session.scalar(
            select(Customer).join(Customer.follows).where(Customer.follows.any(staff_id=staff.id)).limit(1)
        )
        customer.name = EVIL  # a WeChat nickname is whatever the customer chose
        if staff.store_id:
            db.session.get(Store, staff.store_id).name = EVILS[2]
        red_packets.rule().enabled = True
        packet = red_packets.send(staff, customer, amount=888, key="evil-packet-0001", reason=EVILS[3])
        packet.status = "paid"
        db.session.add(Script(title=EVIL, body=EVILS[1], group_name=EVILS[3], scope="enterprise"))
        group = db.session.scalar(select(GroupChat).limit(1))
        group.name = EVILS[0]
        code = db.session.scalar(select(ChannelCode).order_by(ChannelCode.id).limit(1))
        code.name, code_id = "=1+2+门店码", code.id  # as typed in the console
        for rule in db.session.scalars(select(SopRule)):
            rule.name = EVILS[2] + rule.name
        engine.run(now=utcnow())  # the tasks due today, under those rules
        db.session.commit()
    key = make_key(app, "orders:write")
    client.post("/api/v1/orders", json=order("=1+1", buyer={"unionid": customer.unionid}), headers=key)
    with app.app_context():
        attribution.recompute()
        metrics.recompute(month)
        commission.draft(month)
        db.session.commit()

    qr_sign_in(client, "zhangwei")
    token = csrf_token(client)
    exports = {
        "red packets xlsx": (f"/admin/red-packets/export?format=xlsx&from={month}&to={today}", "xlsx"),
        "red packets csv": (f"/admin/red-packets/export?format=csv&from={month}&to={today}", "csv"),
        "commission": (f"/admin/commission/export?month={month:%Y-%m}", "xlsx"),
        "scripts xlsx": ("/admin/scripts/export.xlsx", "xlsx"),
        "scripts csv": ("/admin/scripts/export.csv", "csv"),
        "groups csv": ("/admin/groups?format=csv", "csv"),
        "sop completion csv": ("/admin/sop/completion?format=csv", "csv"),
        "channel code": (f"/admin/channel-codes/{code_id}/export.xlsx", "xlsx"),
    }
    for name, (path, kind) in exports.items():
        res = client.get(path)
        assert res.status_code == 200, (name, res.status_code)
        assert_safe(name, res.data, kind)
    res = client.post("/admin/customers/export", data={"csrf_token": token}, headers={"HX-Request": "true"})
    job_id = int(re.search(r"/admin/jobs/(\d+)/download", res.get_data(as_text=True)).group(1))
    with client.get(f"/admin/jobs/{job_id}/download") as download:
        assert_safe("customers", download.data, "xlsx")

    # The scripts csv imports back as it was: the guard's apostrophe is dropped again.
    exported = client.get("/admin/scripts/export.csv").data
    res = client.post(
        "/admin/scripts/import",
        data={"csrf_token": token, "file": (io.BytesIO(exported), "scripts.csv")},
        content_type="multipart/form-data",
    )
    assert res.status_code in (200, 303)
    with app.app_context():
        assert db.session.scalar(select(Script.body).where(Script.title == EVIL)) == EVILS[1]
    assert client.get("/admin/scripts/export.csv").data == exported
