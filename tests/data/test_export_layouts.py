"""The platforms' export layouts (``tests/data/fixtures``, made by ``tests/data/make_fixtures.py`` from the
documented headers) imported with exact orders, totals, refunds and statuses; importing each again changes
nothing; the job's report counts rows read, merged, skipped as unpaid and refused."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Order
from tests.data.make_fixtures import FILES, as_csv
from tests.data.test_imports import admin, finished_job, upload  # noqa: F401 (the fixture)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def orders_of(app, platform: str, name: str) -> dict[str, tuple]:
    """The stored orders of a fixture file (the demo brand has orders of its own)."""
    numbers = {row[0] for row in FILES[name][1:]}
    with app.app_context():
        return {
            o.order_no: (o.status, o.total_amount, o.refund_amount, len(o.items), o.buyer_platform_id)
            for o in db.session.scalars(
                select(Order).where(Order.platform == platform, Order.order_no.in_(numbers))
            )
        }


def imported(admin, app, preset: str, name: str) -> dict:  # noqa: F811
    content = (FIXTURES / name).read_bytes()
    assert content == as_csv(FILES[name]), "run python -m tests.data.make_fixtures"
    job, counts = finished_job(app, upload(admin, preset, name, content))
    assert job.status == "done", job.error
    return counts


def imported_again_changes_nothing(admin, app, preset: str, name: str, orders: int) -> None:  # noqa: F811
    counts = imported(admin, app, preset, name)
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, orders)


def test_douyin_sub_orders_combine_their_refunds_and_statuses(admin, app):  # noqa: F811
    counts = imported(admin, app, "douyin", "douyin_sub_orders.csv")
    assert {k: counts[k] for k in ("rows", "orders", "merged", "skipped_unpaid", "refused", "dropped_phones")} == {
        "rows": 5, "orders": 2, "merged": 2, "skipped_unpaid": 1, "refused": 0, "dropped_phones": 2,
    }  # fmt: skip
    assert orders_of(app, "douyin", "douyin_sub_orders.csv") == {
        # the second sub-order refunded: partly refunded, not lost
        "6931000000000000001": ("partly_refunded", 59700, 19800, 2, None),
        # the first closed and refunded, the second shipped: partly refunded, not wholly
        "6931000000000000002": ("partly_refunded", 32800, 12900, 2, None),
    }
    imported_again_changes_nothing(admin, app, "douyin", "douyin_sub_orders.csv", 2)


def test_tmall_closed_after_payment_is_refunded_and_masked_ids_join_nothing(admin, app):  # noqa: F811
    counts = imported(admin, app, "tmall", "tmall_closed_and_masked.csv")
    assert (counts["rows"], counts["orders"], counts["skipped_unpaid"], counts["refused"]) == (4, 3, 1, 0)
    assert orders_of(app, "tmall", "tmall_closed_and_masked.csv") == {
        "3100000000000001": ("refunded", 39900, 39900, 1, None),
        "3100000000000003": ("shipped", 59800, 0, 1, None),  # t**8 is many people: no buyer id
        "3100000000000004": ("paid", 25900, 0, 1, "tmall:tb_wang77"),
    }
    with app.app_context():
        masked = db.session.scalars(
            select(Order).where(Order.platform == "tmall", Order.buyer_phone_raw.like("139*%"))
        ).all()
        assert masked and all(o.customer_id is None for o in masked)  # a masked phone matches no one
    imported_again_changes_nothing(admin, app, "tmall", "tmall_closed_and_masked.csv", 3)


def test_jd_deleted_locked_and_paused_orders(admin, app):  # noqa: F811
    counts = imported(admin, app, "jd", "jd_statuses.csv")
    assert (counts["orders"], counts["refused"]) == (3, 0)
    statuses = {no: o[0] for no, o in orders_of(app, "jd", "jd_statuses.csv").items()}
    assert statuses == {"260000000001": "cancelled", "260000000002": "paid", "260000000003": "paid"}
    imported_again_changes_nothing(admin, app, "jd", "jd_statuses.csv", 3)


def test_youzan_completed_partly_shipped_and_fully_refunded(admin, app):  # noqa: F811
    counts = imported(admin, app, "youzan", "youzan_statuses.csv")
    assert (counts["rows"], counts["orders"], counts["merged"], counts["refused"]) == (4, 3, 1, 0)
    assert {no: o[:4] for no, o in orders_of(app, "youzan", "youzan_statuses.csv").items()} == {
        "E20261108001": ("done", 19900, 0, 1),
        "E20261108002": ("shipped", 49800, 0, 2),  # the order amount repeated on each item row: once
        "E20261108003": ("refunded", 25900, 25900, 1),
    }
    imported_again_changes_nothing(admin, app, "youzan", "youzan_statuses.csv", 3)


def test_a_hand_mapping_reads_its_platforms_status_words(admin, app):  # noqa: F811
    """JD's file with renamed columns, mapped by hand as a JD file: 锁定 and 暂停 read as JD's own words."""
    from tests.data.make_fixtures import JD_STATUSES
    from tests.web.admin.test_console import csrf_token

    rows = [["单号", "时间", "金额", "状态"]] + [[r[0], r[10], r[6], r[7]] for r in JD_STATUSES[1:]]
    res = upload(admin, "jd", "jd_by_hand.csv", as_csv(rows))
    assert res.status_code == 422  # the preset's columns are not there: map them
    stored = res.get_data(as_text=True).split('name="file" value="')[1].split('"')[0]
    res = admin.post(
        "/admin/data/imports/map",
        data={
            "csrf_token": csrf_token(admin, "/admin/data/imports"),
            "kind": "orders",
            "file": stored,
            "original": "jd_by_hand.csv",
            "platform": "jd",
            "col_order_no": "单号",
            "col_paid_at": "时间",
            "col_total_amount": "金额",
            "col_status": "状态",
        },
    )
    job, counts = finished_job(app, res)
    assert (counts["orders"], counts["refused"]) == (3, 0), counts
    statuses = {no: o[0] for no, o in orders_of(app, "jd", "jd_statuses.csv").items()}
    assert statuses == {"260000000001": "cancelled", "260000000002": "paid", "260000000003": "paid"}


def _protected(rows: list[list[str]], password: str) -> bytes:
    """An .xlsx protected by a password as JD and Taobao send it (ECMA-376 encryption in an OLE file)."""
    import io

    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    plain, locked = io.BytesIO(), io.BytesIO()
    book.save(plain)
    plain.seek(0)
    OOXMLFile(plain).encrypt(password, locked)
    return locked.getvalue()


def test_a_password_protected_workbook_asks_for_its_password_then_imports(admin, app):  # noqa: F811
    import io

    from tests.data.make_fixtures import JD_STATUSES
    from tests.web.admin.test_console import csrf_token

    content = _protected(JD_STATUSES, "683921")

    def send(password: str):
        return admin.post(
            "/admin/data/imports",
            data={
                "csrf_token": csrf_token(admin, "/admin/data/imports"),
                "kind": "orders",
                "preset": "jd",
                "password": password,
                "file": (io.BytesIO(content), "ExportOrder.xlsx"),
            },
            content_type="multipart/form-data",
        )

    asked = send("")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "短信" in page and 'data-testid="import-password"' in page
    wrong = send("000000")
    assert wrong.status_code == 422 and "密码" in wrong.get_data(as_text=True)
    job, counts = finished_job(app, send("683921"))
    assert (counts["orders"], counts["refused"]) == (3, 0)


def test_tmalls_newer_report_reads_the_phone_inside_the_address(admin, app):  # noqa: F811
    counts = imported(admin, app, "tmall", "tmall_newer_report.csv")
    assert (counts["orders"], counts["refused"]) == (1, 0)
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.order_no == "3200000000000001"))
        assert (order.total_amount, order.buyer_phone) == (39900, "+8613900000031")
    imported_again_changes_nothing(admin, app, "tmall", "tmall_newer_report.csv", 1)


def test_tmalls_sales_detail_sums_its_sub_orders(admin, app):  # noqa: F811
    counts = imported(admin, app, "tmall", "tmall_sales_detail.csv")
    assert (counts["rows"], counts["orders"], counts["merged"], counts["refused"]) == (2, 1, 1, 0)
    assert orders_of(app, "tmall", "tmall_sales_detail.csv") == {
        # ¥399 + ¥198, not the first row's ¥399; the closed first item does not cancel the order
        "3300000000000001": ("partly_refunded", 59700, 39900, 2, "tmall:tb_wu02"),
    }
    imported_again_changes_nothing(admin, app, "tmall", "tmall_sales_detail.csv", 1)


def test_orders_whose_numbers_lost_digits_in_excel_are_refused_never_merged(admin, app):  # noqa: F811
    counts = imported(admin, app, "douyin", "douyin_lost_digits.csv")
    assert (counts["rows"], counts["orders"], counts["refused"]) == (3, 1, 2)
    assert set(orders_of(app, "douyin", "douyin_lost_digits.csv")) == {"6931000000000000100"}
    (reason,) = counts["refused_by_reason"]
    assert "Excel" in reason and "支付完成时间" in reason


def test_youzans_order_export_keeps_its_products_without_prices(admin, app):  # noqa: F811
    counts = imported(admin, app, "youzan", "youzan_order_export.csv")
    assert (counts["orders"], counts["refused"]) == (2, 0)
    with app.app_context():
        first = db.session.scalar(select(Order).where(Order.order_no == "E20261113001"))
        assert [(i.title, i.quantity, i.unit_price) for i in first.items] == [
            ("精华水", 1, None),
            ("水光面膜", 1, None),
        ]
        assert first.buyer_phone == "+8613900000051"
        second = db.session.scalar(select(Order).where(Order.order_no == "E20261113002"))
        # 买家手机号 is this file's phone column: empty here, not the receiver's phone instead
        assert second.buyer_phone is None and second.buyer_phone_raw is None
    imported_again_changes_nothing(admin, app, "youzan", "youzan_order_export.csv", 2)


PAIR = {
    "E20261115001": ("done", 29800, 0, [("精华水", 19900), ("水光面膜", 9900)]),
    "E20261115002": ("refunded", 25900, 25900, [("眼霜", 25900)]),
    "E20261115003": ("partly_refunded", 49800, 9900, [("修护精华 30ml", 39900), ("水光面膜", 9900)]),
}


def whole_orders(app) -> dict[str, tuple]:
    with app.app_context():
        return {
            o.order_no: (
                o.status,
                o.total_amount,
                o.refund_amount,
                [(i.title, i.unit_price) for i in o.items],
            )
            for o in db.session.scalars(select(Order).where(Order.order_no.in_(PAIR)))
        }


def test_youzans_item_export_after_its_order_export_adds_prices_and_keeps_refunds(admin, app):  # noqa: F811
    imported(admin, app, "youzan", "youzan_pair_orders.csv")
    counts = imported(admin, app, "youzan", "youzan_pair_items.csv")
    assert counts["without_status"] and (counts["updated"], counts["merged"]) == (3, 2)
    assert whole_orders(app) == PAIR
    imported_again_changes_nothing(admin, app, "youzan", "youzan_pair_items.csv", 3)
    imported_again_changes_nothing(admin, app, "youzan", "youzan_pair_orders.csv", 3)
    assert whole_orders(app) == PAIR


def test_youzans_order_export_after_its_item_export_keeps_the_prices(admin, app):  # noqa: F811
    content = (FIXTURES / "youzan_pair_items.csv").read_bytes()
    job, counts = finished_job(app, upload(admin, "youzan", "商品明细.csv", content))
    assert counts["without_status"] and counts["created"] == 3
    # the item export alone cannot know the refunds: paid, and the job page says why
    assert {no: o[:3] for no, o in whole_orders(app).items()} == {
        no: ("paid", total, 0) for no, (_, total, _, _) in PAIR.items()
    }
    job_page = admin.get(f"/admin/jobs/{job.id}").get_data(as_text=True)
    assert 'data-testid="without-status"' in job_page and "退款" in job_page
    counts = imported(admin, app, "youzan", "youzan_pair_orders.csv")
    assert not counts["without_status"] and counts["updated"] == 3
    assert whole_orders(app) == PAIR
    imported_again_changes_nothing(admin, app, "youzan", "youzan_pair_orders.csv", 3)
    imported_again_changes_nothing(admin, app, "youzan", "youzan_pair_items.csv", 3)
    assert whole_orders(app) == PAIR


def test_tmall_phones_on_another_sheet_of_the_workbook_are_read(admin, app):  # noqa: F811
    job, counts = finished_job(
        app, upload(admin, "tmall", "订单报表.xlsx", (FIXTURES / "tmall_two_sheets.xlsx").read_bytes())
    )
    assert (counts["orders"], counts["refused"]) == (2, 0)
    with app.app_context():
        rows = db.session.execute(
            select(Order.order_no, Order.buyer_phone).where(
                Order.order_no.in_(["3400000000000001", "3400000000000002"])
            )
        )
        phones = {order_no: phone for order_no, phone in rows}
    assert phones == {"3400000000000001": "+8613900000071", "3400000000000002": "+8613900000072"}
