"""Order and member files in the console: each platform's real export layout through its preset, bad
rows refused with line and reason while the rest goes in, a second import of the same file changing
nothing, hand-made column mappings, and members."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import AuditLog, BackgroundJob, Customer, ImportMapping, Member, Order
from tests.web.admin.test_console import csrf_token, qr_sign_in


def as_csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def as_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, preset: str, name: str, content: bytes, kind: str = "orders"):
    return client.post(
        "/admin/data/imports",
        data={
            "csrf_token": csrf_token(client, "/admin/data/imports"),
            "kind": kind,
            "preset": preset,
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def finished_job(app, res) -> tuple[BackgroundJob, dict]:
    assert res.status_code == 303, res.get_data(as_text=True)[:2000]
    job_id = int(res.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        job = db.session.get(BackgroundJob, job_id)
        db.session.expunge(job)
    return job, json.loads(job.result)


def phone(i: int) -> str:
    return demo.customer(i).phone.removeprefix("+86")


@pytest.fixture()
def admin(seeded, client):
    qr_sign_in(client, "zhangwei")
    return client


def order_of(app, platform: str, order_no: str) -> Order:
    with app.app_context():
        found = db.session.scalar(select(Order).where(Order.platform == platform, Order.order_no == order_no))
        assert found is not None, (platform, order_no)
        found.items  # noqa: B018 (loaded before the session goes)
        db.session.expunge_all()
        return found


# Each platform's export as its sellers download it: the headers are the real ones (see data.presets).
TMALL = [
    [
        "订单编号",
        "买家会员名",
        "买家支付宝账号",
        "买家应付货款",
        "买家应付邮费",
        "总金额",
        "买家实际支付金额",
        "订单状态",
        "收货人姓名",
        "联系手机",
        "订单创建时间",
        "订单付款时间",
        "宝贝标题",
        "宝贝种类",
        "宝贝总数量",
        "退款金额",
    ],
    [
        '="3012345678901"',
        "tb_lin88",
        "l***@163.com",
        "399.00",
        "0.00",
        "399.00",
        "399.00",
        "交易成功",
        "林女士",
        phone(3),
        "2026-11-01 20:11:03",
        "2026-11-01 20:11:20",
        "修护精华 30ml",
        "1",
        "1",
        "0.00",
    ],
    [
        '="3012345678902"',
        "tb_lin88",
        "l***@163.com",
        "598.00",
        "0.00",
        "598.00",
        "598.00",
        "卖家已发货，等待买家确认",
        "林女士",
        phone(3),
        "2026-11-11 00:02:10",
        "2026-11-11 00:02:31",
        "水光面膜 5片装",
        "1",
        "2",
        "100.00",
    ],
    [
        '="3012345678903"',
        "tb_new01",
        "",
        "99.00",
        "0.00",
        "99.00",
        "99.00",
        "交易关闭",
        "王先生",
        "138****0000",
        "2026-11-12 09:00:00",
        "2026-11-12 09:00:05",
        "洁面乳",
        "1",
        "1",
        "0.00",
    ],
]

DOUYIN = [
    [
        "主订单编号",
        "子订单编号",
        "选购商品",
        "商品规格",
        "商品数量",
        "商品ID",
        "货号",
        "商品金额",
        "订单应付金额",
        "运费",
        "收件人",
        "收件人手机号",
        "支付完成时间",
        "订单提交时间",
        "订单状态",
        "售后状态",
    ],
    [
        "6900001",
        "6900001-1",
        "修护精华 30ml",
        "30ml",
        "1",
        "3601",
        "SERUM-30",
        "399.00",
        "399.00",
        "0",
        "林女士",
        phone(4),
        "2026/11/2 21:05",
        "2026/11/2 21:04",
        "已完成",
        "-",
    ],
    [
        "6900001",
        "6900001-2",
        "水光面膜",
        "5片",
        "2",
        "3602",
        "MASK-5",
        "99.00",
        "198.00",
        "0",
        "林女士",
        phone(4),
        "2026/11/2 21:05",
        "2026/11/2 21:04",
        "已完成",
        "-",
    ],
    [
        "6900002",
        "6900002-1",
        "洁面乳",
        "100g",
        "1",
        "3603",
        "CLEAN-100",
        "129.00",
        "129.00",
        "0",
        "周先生",
        phone(5),
        "2026/11/3 10:00",
        "2026/11/3 09:59",
        "已完成",
        "退款成功",
    ],
]

JD = [
    [
        "订单号",
        "商品ID",
        "商品名称",
        "订购数量",
        "支付方式",
        "下单时间",
        "京东价",
        "订单金额",
        "结算金额",
        "应付金额",
        "订单状态",
        "订单类型",
        "下单帐号",
        "客户姓名",
        "联系电话",
        "付款确认时间",
        "商家SKUID",
    ],
    [
        "250000001",
        "100200",
        "修护精华 30ml",
        1,
        "在线支付",
        "2026-11-05 10:00:00",
        399,
        498,
        498,
        498,
        "完成",
        "普通订单",
        "jd_lin",
        "林女士",
        phone(6),
        "2026-11-05 10:00:09",
        "SERUM-30",
    ],
    [
        "250000001",
        "100201",
        "洁面乳",
        1,
        "在线支付",
        "2026-11-05 10:00:00",
        99,
        498,
        498,
        498,
        "完成",
        "普通订单",
        "jd_lin",
        "林女士",
        phone(6),
        "2026-11-05 10:00:09",
        "CLEAN-100",
    ],
]

YOUZAN = [
    [
        "订单号",
        "订单状态",
        "订单创建时间",
        "买家付款时间",
        "商品名称",
        "规格编码",
        "商品单价",
        "商品数量",
        "订单实付金额",
        "订单已退款金额",
        "买家手机号",
        "收货人/提货人",
    ],
    [
        "E20261107001",
        "交易成功",
        "2026-11-07 12:00:00",
        "2026-11-07 12:00:30",
        "精华水",
        "TONER-150",
        "199.00",
        "1",
        "199.00",
        "0.00",
        phone(7),
        "林女士",
    ],
]

POS = [
    [
        "小票号",
        "门店编码",
        "销售时间",
        "会员卡号",
        "手机号",
        "商品编码",
        "商品名称",
        "品类",
        "数量",
        "单价",
        "实收金额",
        "状态",
    ],
    [
        "P-0001",
        "SH01",
        "2026-11-08 15:30:00",
        "VIP0009",
        "",
        "SERUM-30",
        "修护精华 30ml",
        "精华",
        2,
        399,
        698,
        "销售",
    ],
]


def test_a_tmall_file_in_gb18030_goes_in_with_statuses_refunds_and_matches(admin, app):
    res = upload(admin, "tmall", "ExportOrderList.csv", as_csv(TMALL, "gb18030"))
    job, counts = finished_job(app, res)
    assert job.status == "done" and {
        k: counts[k] for k in ("rows", "created", "updated", "unchanged", "refused", "refused_file")
    } == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "refused_file": None,
    }
    done = order_of(app, "tmall", "3012345678901")  # the ="…" Excel guard is gone
    assert (done.status, done.total_amount, done.matched_by) == ("done", 39900, "phone")
    assert done.buyer_platform_id == "tmall:tb_lin88"
    assert [(i.title, i.quantity, i.unit_price) for i in done.items] == [("修护精华 30ml", 1, 39900)]
    partly = order_of(app, "tmall", "3012345678902")
    assert (partly.status, partly.refund_amount) == ("partly_refunded", 10000)
    closed = order_of(app, "tmall", "3012345678903")
    # A masked phone is kept as given and not used; the order waits for its customer.
    assert (closed.status, closed.customer_id, closed.buyer_phone_raw) == ("cancelled", None, "138****0000")
    with app.app_context():
        lin = db.session.scalar(
            select(Customer).where(Customer.external_userid == demo.customer(3).external_userid)
        )
        assert lin.stats_computed_at is not None and lin.order_count >= 2
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "data.import_orders")) is not None


def test_douyin_sub_orders_become_one_order_and_after_sale_refunds_count(admin, app):
    job, counts = finished_job(app, upload(admin, "douyin", "抖店订单.csv", as_csv(DOUYIN)))
    assert (counts["rows"], counts["created"], counts["refused"]) == (3, 2, 0)
    two = order_of(app, "douyin", "6900001")
    assert two.total_amount == 399_00 + 198_00 and two.status == "done"
    assert sorted((i.sku, i.quantity, i.unit_price) for i in two.items) == [
        ("MASK-5", 2, 9900),
        ("SERUM-30", 1, 39900),
    ]
    refunded = order_of(app, "douyin", "6900002")
    assert (refunded.status, refunded.refund_amount) == ("refunded", 12900)


def test_jd_xlsx_rows_of_one_order_share_its_amount(admin, app):
    job, counts = finished_job(app, upload(admin, "jd", "jd_orders.xlsx", as_xlsx(JD)))
    assert (counts["rows"], counts["created"]) == (2, 1)
    order = order_of(app, "jd", "250000001")
    assert order.total_amount == 49800 and len(order.items) == 2 and order.buyer_platform_id == "jd:jd_lin"
    assert order.matched_by == "phone"


def test_youzan_and_pos_files(admin, app):
    finished_job(app, upload(admin, "youzan", "youzan.csv", as_csv(YOUZAN)))
    assert order_of(app, "youzan", "E20261107001").total_amount == 19900
    job, counts = finished_job(app, upload(admin, "pos", "pos.xlsx", as_xlsx(POS)))
    pos = order_of(app, "pos", "P-0001")
    assert (pos.store_code, pos.buyer_member_no, pos.total_amount) == ("SH01", "VIP0009", 69800)
    assert [(i.category, i.quantity, i.unit_price) for i in pos.items] == [("精华", 2, 39900)]


def test_bad_rows_are_refused_with_line_and_reason_and_a_second_import_changes_nothing(admin, app):
    rows = [
        *TMALL[:2],
        [
            "3012345678910",
            "tb_x",
            "",
            "1",
            "0",
            "1",
            "abc",
            "交易成功",
            "",
            "",
            "",
            "2026-11-01 10:00:00",
            "x",
            "1",
            "1",
            "0",
        ],
        [
            "3012345678911",
            "tb_x",
            "",
            "1",
            "0",
            "1",
            "10.00",
            "等待买家付款",
            "",
            "",
            "2026-11-01 09:58:00",
            "",  # not paid: Tmall leaves 订单付款时间 empty
            "x",
            "1",
            "1",
            "0",
        ],
        [
            "3012345678912",
            "tb_x",
            "",
            "1",
            "0",
            "1",
            "10.00",
            "已发货了吧",
            "",
            "",
            "",
            "2026-11-01 10:00:00",
            "x",
            "1",
            "1",
            "0",
        ],
        [
            "3012345678913",
            "tb_x",
            "",
            "1",
            "0",
            "1",
            "10.00",
            "交易成功",
            "",
            "",
            "",
            "yesterday",
            "x",
            "1",
            "1",
            "0",
        ],
        TMALL[3],
    ]
    content = as_csv(rows)
    job, counts = finished_job(app, upload(admin, "tmall", "orders.csv", content))
    assert (counts["rows"], counts["created"], counts["refused"], counts["skipped_unpaid"]) == (6, 2, 3, 1)
    refused = admin.get(f"/admin/jobs/{job.id}/refused")
    assert refused.status_code == 200 and "attachment" in refused.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(refused.get_data().decode("utf-8-sig"))))
    refused.close()
    assert lines[0][:3] == ["行号 line", "原因 reason", "订单编号"]
    by_line = {int(r[0]): r[1] for r in lines[1:]}
    # The unpaid order (line 4) is not a sale: skipped and counted, not refused.
    assert set(by_line) == {3, 5, 6}
    assert "买家实际支付金额" in by_line[3] and "abc" in by_line[3]
    assert "已发货了吧" in by_line[5]
    assert "订单付款时间" in by_line[6]
    page = admin.get(f"/admin/jobs/{job.id}").get_data(as_text=True)
    assert 'data-count="refused">3<' in page and 'data-count="skipped_unpaid">1<' in page
    # Each reason is counted with the row's own value left out.
    assert counts["refused_by_reason"]["状态: unknown status “…”".replace("状态", "订单状态")] == 1

    with app.app_context():
        before = db.session.execute(select(Order.id, Order.updated_at, Order.status)).all()
    again, counts2 = finished_job(app, upload(admin, "tmall", "orders.csv", content))
    assert (counts2["created"], counts2["updated"], counts2["unchanged"], counts2["refused"]) == (0, 0, 2, 3)
    with app.app_context():
        assert db.session.execute(select(Order.id, Order.updated_at, Order.status)).all() == before


def test_missing_columns_are_named_then_mapped_by_hand_and_the_mapping_saved(admin, app):
    odd = [["单号", "时间", "金额", "手机"], ["X-1", "2026-11-09 08:00", "88.00", phone(8)]]
    res = upload(admin, "tmall", "odd.csv", as_csv(odd))
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert "订单编号" in page and "买家实际支付金额" in page  # what the preset expected
    stored = page.split('name="file" value="')[1].split('"')[0]
    res = admin.post(
        "/admin/data/imports/map",
        data={
            "csrf_token": csrf_token(admin, "/admin/data/imports"),
            "kind": "orders",
            "file": stored,
            "original": "odd.csv",
            "platform": "mall",
            "col_order_no": "单号",
            "col_paid_at": "时间",
            "col_total_amount": "金额",
            "col_phone": "手机",
            "save_as": "商城导出",
        },
    )
    job, counts = finished_job(app, res)
    assert counts["created"] == 1
    assert order_of(app, "mall", "X-1").matched_by == "phone"
    with app.app_context():
        saved = db.session.scalar(select(ImportMapping).where(ImportMapping.name == "商城导出"))
        assert json.loads(saved.columns)["total_amount"] == "金额"
    # The saved mapping is offered next time and imports the same file as "unchanged".
    assert f'value="mapping:{saved.id}"' in admin.get("/admin/data/imports").get_data(as_text=True)
    job, counts = finished_job(app, upload(admin, f"mapping:{saved.id}", "odd.csv", as_csv(odd)))
    assert counts["unchanged"] == 1


def test_rows_of_an_order_must_be_together_and_files_must_be_csv_or_xlsx(admin, app):
    rows = [DOUYIN[0], DOUYIN[1], DOUYIN[3], DOUYIN[2]]  # 6900001 split around 6900002
    job, counts = finished_job(app, upload(admin, "douyin", "split.csv", as_csv(rows)))
    assert (counts["created"], counts["refused"]) == (2, 1)
    assert len(order_of(app, "douyin", "6900001").items) == 1
    res = upload(admin, "tmall", "orders.txt", b"hello")
    assert res.status_code == 422 and ".csv" in res.get_data(as_text=True)
    res = upload(admin, "jd", "broken.xlsx", b"PK\x03\x04 not really")
    assert res.status_code == 422


def test_members_import_matches_customers_and_late_orders(admin, app):
    person = demo.customer(9)
    # A POS order names member VIP0100 before the member file says who that is.
    pos = [
        POS[0],
        [
            "P-0100",
            "SH01",
            "2026-11-08 15:30:00",
            "VIP0100",
            "",
            "SERUM-30",
            "精华",
            "精华",
            1,
            399,
            399,
            "销售",
        ],
    ]
    finished_job(app, upload(admin, "pos", "pos.xlsx", as_xlsx(pos)))
    assert order_of(app, "pos", "P-0100").customer_id is None
    members = [
        ["会员卡号", "手机号", "姓名", "会员等级", "积分", "生日", "肤质", "开卡门店"],
        ["VIP0100", person.phone.removeprefix("+86"), "林", "金卡", "1200", "1990/5/6", "干性", "SH01"],
        ["VIP0101", "", "无名", "银卡", "many", "", "", ""],
    ]
    job, counts = finished_job(app, upload(admin, "members", "members.csv", as_csv(members), kind="members"))
    assert (counts["created"], counts["refused"]) == (1, 1)
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.member_no == "VIP0100"))
        assert member.matched_by == "phone" and member.skin_type == "dry"
        customer = db.session.get(Customer, member.customer_id)
        assert (customer.member_level, customer.points) == ("金卡", 1200)
    late = order_of(app, "pos", "P-0100")
    assert late.matched_by == "member_no" and late.customer_id == member.customer_id


def test_only_admins_import(seeded, client, app):
    qr_sign_in(client, "lina")  # a manager: reads the page, imports nothing
    assert 'data-testid="read-only"' in client.get("/admin/data/imports").get_data(as_text=True)
    res = client.post(
        "/admin/data/imports",
        data={
            "csrf_token": csrf_token(client, "/admin/data"),
            "kind": "orders",
            "preset": "tmall",
            "file": (io.BytesIO(as_csv(TMALL)), "orders.csv"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0


def test_a_file_over_the_upload_limit_is_refused_with_413(admin, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    res = upload(admin, "tmall", "big.csv", as_csv(TMALL) + b"x" * 20_000)
    assert res.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0


def test_a_tab_separated_pos_file_in_gbk_goes_in(admin, app):
    content = "\n".join("\t".join(str(v) for v in row) for row in POS).encode("gbk")
    job, counts = finished_job(app, upload(admin, "pos", "pos.csv", content))
    assert (counts["created"], counts["refused"]) == (1, 0)
    assert order_of(app, "pos", "P-0001").total_amount == 69800


def test_order_numbers_excel_rounded_into_scientific_notation_are_refused_never_merged(admin, app):
    """A Douyin export re-saved by Excel: 19-digit order numbers became 6.91793E+18; six orders would
    have merged into one. Each such row is refused with the reason; the good row goes in."""
    header = TMALL[0]
    rounded = [list(TMALL[1]) for _ in range(3)]
    for row in rounded:
        row[0] = "6.91793E+18"
    good = list(TMALL[2])
    job, counts = finished_job(app, upload(admin, "tmall", "orders.csv", as_csv([header, *rounded, good])))
    assert (counts["created"], counts["refused"]) == (1, 3)
    refused = admin.get(f"/admin/jobs/{job.id}/refused")
    text = refused.get_data().decode("utf-8-sig")
    refused.close()
    assert text.count("scientific notation") == 3
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Order).where(Order.order_no.like("6.9%"))) == 0
        )


def test_the_newer_tmall_amount_column_is_read(admin, app):
    """千牛's newer 订单报表 names the amount 买家实付金额."""
    header = ["买家实付金额" if h == "买家实际支付金额" else h for h in TMALL[0]]
    _job, counts = finished_job(app, upload(admin, "tmall", "orders.csv", as_csv([header, TMALL[1]])))
    assert (counts["created"], counts["refused"]) == (1, 0)


def test_the_mapping_form_pairs_known_column_names_and_shows_sample_values(admin, app):  # noqa: F811
    """A file whose columns fit no preset: 订单号 is offered as the order number (JD and Youzan call it
    that), and each column shows a few of its values, so it is known by its content."""
    content = "订单号,付款日期,实付,手机\r\nA1001,2026-11-20 10:00:00,199.00,13900000001\r\n".encode(
        "utf-8-sig"
    )
    res = upload(admin, "tmall", "自有商城.csv", content)
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    chosen = re.search(r'data-testid="map-order_no">.*?<option value="([^"]*)" selected', html, re.S)
    assert chosen and chosen.group(1) == "订单号"
    assert "例：A1001" in html and "例：199.00" in html


def test_every_preset_has_a_template_to_download(admin):  # noqa: F811
    page = admin.get("/admin/data/imports").get_data(as_text=True)
    for key in ("tmall", "douyin", "jd", "youzan", "pos", "members"):
        assert f'data-testid="template-{key}"' in page
        csv_file = admin.get(f"/admin/data/imports/templates/{key}.csv")
        assert csv_file.status_code == 200 and csv_file.data.startswith("\ufeff".encode())
    assert "小票号" in admin.get("/admin/data/imports/templates/pos.csv").data.decode("utf-8-sig")


def test_a_manager_reads_the_imports_page_but_cannot_import(seeded, client):
    from tests.web.admin.test_console import qr_sign_in

    qr_sign_in(client, "lina")
    page = client.get("/admin/data/imports")
    html = page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and 'data-testid="read-only"' in html
        and 'data-testid="import-orders"' not in html
    )
    assert upload(client, "tmall", "x.csv", b"a,b\r\n").status_code == 403
