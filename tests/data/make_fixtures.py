"""Makes the platform export fixtures in ``tests/data/fixtures`` from the documented headers (see
``sidebar/data/presets.py`` and ``sidebar/data/status_words.py`` for the sources), with invented people:
``python -m tests.data.make_fixtures``. Each file is one layout a brand really downloads; the expected
orders of each are asserted in ``tests/data/test_export_layouts.py``. Deterministic: running it again
writes the same bytes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent / "fixtures"

DOUYIN_HEADERS = ["主订单编号", "子订单编号", "选购商品", "商品数量", "货号", "商品金额", "订单应付金额",
                  "收件人手机号", "支付完成时间", "订单提交时间", "订单状态", "售后状态"]  # fmt: skip
# Sub-orders refunded one at a time; an encrypted phone ($$…$$) as the newer 抖店 export writes it.
DOUYIN_SUB_ORDERS = [
    DOUYIN_HEADERS,
    ["6931000000000000001", "6931000000000000001-1", "修护精华 30ml", "1", "SERUM-30", "399.00", "399.00",
     "13900000001", "2026-11-02 21:05:00", "2026-11-02 21:04:00", "已完成", "-"],
    ["6931000000000000001", "6931000000000000001-2", "水光面膜", "2", "MASK-5", "99.00", "198.00",
     "13900000001", "2026-11-02 21:05:00", "2026-11-02 21:04:00", "已完成", "退款成功"],
    ["6931000000000000002", "6931000000000000002-1", "洁面乳", "1", "CLEAN-1", "129.00", "129.00",
     "$$Wq3kNcEzYk8s4fXWb0m9pQ==$$", "2026-11-03 10:00:00", "2026-11-03 09:59:00", "已关闭", "退款成功"],
    ["6931000000000000002", "6931000000000000002-2", "精华水", "1", "TONER-150", "199.00", "199.00",
     "$$Wq3kNcEzYk8s4fXWb0m9pQ==$$", "2026-11-03 10:00:00", "2026-11-03 09:59:00", "已发货", "-"],
    ["6931000000000000003", "6931000000000000003-1", "眼霜", "1", "EYE-15", "259.00", "259.00",
     "13900000003", "", "2026-11-04 08:00:00", "待支付", "-"],
]  # fmt: skip

TMALL_HEADERS = ["订单编号", "买家会员名", "买家实付金额", "订单状态", "收货人姓名", "联系手机", "订单创建时间",
                 "订单付款时间", "宝贝标题", "宝贝总数量", "退款金额"]  # fmt: skip
# 交易关闭 after payment with money back is a refund; closed before payment is not a sale; masked ids.
TMALL_CLOSED = [
    TMALL_HEADERS,
    ["3100000000000001", "t**8", "399.00", "交易关闭", "周*", "139****0001", "2026-11-05 10:00:00",
     "2026-11-05 10:00:20", "修护精华 30ml", "1", "399.00"],
    ["3100000000000002", "t**8", "199.00", "交易关闭", "吴*", "139****0002", "2026-11-05 11:00:00",
     "", "精华水", "1", "0.00"],
    ["3100000000000003", "t**8", "598.00", "卖家已发货，等待买家确认", "郑*", "139****0003",
     "2026-11-05 12:00:00", "2026-11-05 12:00:10", "面膜礼盒", "2", "0.00"],
    ["3100000000000004", "tb_wang77", "259.00", "买家已付款，等待卖家发货", "王*", "13900000004",
     "2026-11-05 13:00:00", "2026-11-05 13:00:05", "眼霜", "1", "0.00"],
]  # fmt: skip

JD_HEADERS = ["订单号", "商品ID", "商品名称", "订购数量", "下单时间", "京东价", "应付金额", "订单状态",
              "下单帐号", "联系电话", "付款确认时间", "商家SKUID"]  # fmt: skip
JD_STATUSES = [
    JD_HEADERS,
    ["260000000001", "1001", "修护精华 30ml", "1", "2026-11-06 09:00:00", "399.00", "399.00", "(删除)等待出库",
     "jd_zhou", "1******0011", "2026-11-06 09:00:30", "SERUM-30"],
    ["260000000002", "1002", "水光面膜", "1", "2026-11-06 10:00:00", "99.00", "99.00", "锁定",
     "jd_wu", "1******0012", "2026-11-06 10:00:30", "MASK-5"],
    ["260000000003", "1003", "洁面乳", "1", "2026-11-06 11:00:00", "129.00", "129.00", "暂停",
     "jd_zheng", "1******0013", "2026-11-06 11:00:30", "CLEAN-1"],
]  # fmt: skip

YOUZAN_HEADERS = ["订单号", "订单状态", "订单创建时间", "买家付款时间", "商品名称", "规格编码", "商品单价",
                  "商品数量", "订单实付金额", "订单已退款金额", "退款状态", "买家手机号"]  # fmt: skip
YOUZAN_STATUSES = [
    YOUZAN_HEADERS,
    ["E20261108001", "交易完成", "2026-11-08 12:00:00", "2026-11-08 12:00:30", "精华水", "TONER-150", "199.00",
     "1", "199.00", "0.00", "", "13900000021"],
    ["E20261108002", "部分发货", "2026-11-08 13:00:00", "2026-11-08 13:00:30", "修护精华 30ml", "SERUM-30",
     "399.00", "1", "498.00", "0.00", "", "13900000022"],
    ["E20261108002", "部分发货", "2026-11-08 13:00:00", "2026-11-08 13:00:30", "水光面膜", "MASK-5", "99.00",
     "1", "498.00", "0.00", "", "13900000022"],
    ["E20261108003", "交易关闭", "2026-11-08 14:00:00", "2026-11-08 14:00:30", "眼霜", "EYE-15", "259.00",
     "1", "259.00", "259.00", "全额退款", "13900000023"],
]  # fmt: skip

# The newer 千牛 订单报表: 买家实付金额, and the phone only inside 收货地址.
TMALL_NEWER = [
    ["订单编号", "买家会员名", "买家实付金额", "订单状态", "收货地址", "订单创建时间", "订单付款时间", "宝贝标题",
     "宝贝总数量", "退款金额"],
    ["3200000000000001", "tb_zhou01", "399.00", "交易成功", "周*，86-13900000031，江苏省 南京市 玄武区 某路1号",
     "2026-11-09 10:00:00", "2026-11-09 10:00:09", "修护精华 30ml", "1", "0.00"],
]  # fmt: skip
# 千牛 销售明细: a row per sub-order (主订单编号 / 子订单编号), each with its own amount; the first item closed
# and refunded, the second shipped.
TMALL_SALES_DETAIL = [
    ["主订单编号", "子订单编号", "买家会员名", "买家实付金额", "订单状态", "联系手机", "订单付款时间", "宝贝标题",
     "宝贝总数量", "退款金额"],
    ["3300000000000001", "3300000000000001-1", "tb_wu02", "399.00", "交易关闭", "13900000032",
     "2026-11-10 10:00:09", "修护精华 30ml", "1", "399.00"],
    ["3300000000000001", "3300000000000001-2", "tb_wu02", "198.00", "卖家已发货，等待买家确认", "13900000032",
     "2026-11-10 10:00:09", "水光面膜", "2", "0.00"],
]  # fmt: skip

# A Douyin export re-saved by Excel: 19-digit numbers kept 15 digits, so two orders share one number.
DOUYIN_LOST_DIGITS = [
    DOUYIN_HEADERS,
    ["6931000000000000000", "6931000000000000000", "修护精华 30ml", "1", "SERUM-30", "399.00", "399.00",
     "13900000041", "2026-11-11 10:00:00", "2026-11-11 09:59:00", "已完成", "-"],
    ["6931000000000000000", "6931000000000000000", "水光面膜", "1", "MASK-5", "99.00", "99.00",
     "13900000042", "2026-11-11 18:30:00", "2026-11-11 18:29:00", "已完成", "-"],
    ["6931000000000000100", "6931000000000000100", "洁面乳", "1", "CLEAN-1", "129.00", "129.00",
     "13900000043", "2026-11-12 09:00:00", "2026-11-12 08:59:00", "已完成", "-"],
]  # fmt: skip

# Youzan's order export: a row per order, the products in one cell without prices; two phone columns,
# the buyer's read for the whole file (an empty one never falls back to the receiver's on that row).
YOUZAN_ORDER_EXPORT = [
    ["订单号", "订单状态", "订单创建时间", "买家付款时间", "全部商品名称", "订单实付金额", "订单已退款金额",
     "买家手机号", "收货人手机号/提货人手机号"],
    ["E20261113001", "交易成功", "2026-11-13 12:00:00", "2026-11-13 12:00:30", "精华水；水光面膜", "298.00",
     "0.00", "13900000051", "13900000061"],
    ["E20261113002", "待发货", "2026-11-13 13:00:00", "2026-11-13 13:00:30", "眼霜", "259.00", "0.00", "",
     "13900000062"],
]  # fmt: skip

# One Youzan shop's two exports of the same three orders. The order export (a row per order) carries the
# status and refunds and names the products without prices; the item export (a row per product) carries
# prices but no status or refund column. Imported in either order they make the same whole orders.
YOUZAN_PAIR_ORDERS = [
    ["订单号", "订单状态", "订单创建时间", "买家付款时间", "全部商品名称", "订单实付金额", "订单已退款金额",
     "退款状态", "买家手机号"],
    ["E20261115001", "交易成功", "2026-11-15 10:00:00", "2026-11-15 10:00:30", "精华水；水光面膜", "298.00",
     "0.00", "", "13900000081"],
    ["E20261115002", "交易关闭", "2026-11-15 11:00:00", "2026-11-15 11:00:30", "眼霜", "259.00", "259.00",
     "全额退款", "13900000082"],
    ["E20261115003", "交易成功", "2026-11-15 12:00:00", "2026-11-15 12:00:30", "修护精华 30ml；水光面膜",
     "498.00", "99.00", "部分退款", "13900000083"],
]  # fmt: skip
YOUZAN_PAIR_ITEMS = [
    ["订单号", "订单创建时间", "买家付款时间", "商品名称", "规格编码", "商品单价", "商品数量", "订单实付金额",
     "买家手机号"],
    ["E20261115001", "2026-11-15 10:00:00", "2026-11-15 10:00:30", "精华水", "TONER-150", "199.00", "1",
     "298.00", "13900000081"],
    ["E20261115001", "2026-11-15 10:00:00", "2026-11-15 10:00:30", "水光面膜", "MASK-5", "99.00", "1",
     "298.00", "13900000081"],
    ["E20261115002", "2026-11-15 11:00:00", "2026-11-15 11:00:30", "眼霜", "EYE-15", "259.00", "1", "259.00",
     "13900000082"],
    ["E20261115003", "2026-11-15 12:00:00", "2026-11-15 12:00:30", "修护精华 30ml", "SERUM-30", "399.00", "1",
     "498.00", "13900000083"],
    ["E20261115003", "2026-11-15 12:00:00", "2026-11-15 12:00:30", "水光面膜", "MASK-5", "99.00", "1",
     "498.00", "13900000083"],
]  # fmt: skip

FILES = {
    "youzan_pair_orders.csv": YOUZAN_PAIR_ORDERS,
    "youzan_pair_items.csv": YOUZAN_PAIR_ITEMS,
    "youzan_order_export.csv": YOUZAN_ORDER_EXPORT,
    "douyin_lost_digits.csv": DOUYIN_LOST_DIGITS,
    "tmall_newer_report.csv": TMALL_NEWER,
    "tmall_sales_detail.csv": TMALL_SALES_DETAIL,
    "douyin_sub_orders.csv": DOUYIN_SUB_ORDERS,
    "tmall_closed_and_masked.csv": TMALL_CLOSED,
    "jd_statuses.csv": JD_STATUSES,
    "youzan_statuses.csv": YOUZAN_STATUSES,
}


# The newer 千牛 订单报表 as .xlsx: the orders on one sheet, the buyers' phones on another.
TMALL_TWO_SHEETS = {
    "订单": [
        ["订单编号", "买家会员名", "买家实付金额", "订单状态", "订单付款时间", "宝贝标题", "宝贝总数量"],
        ["3400000000000001", "tb_feng03", "129.00", "交易成功", "2026-11-14 10:00:09", "洁面乳", "1"],
        ["3400000000000002", "tb_chu04", "259.00", "交易成功", "2026-11-14 11:00:09", "眼霜", "1"],
    ],
    "收件人信息": [
        ["订单编号", "收货人姓名", "联系手机"],
        ["3400000000000001", "冯*", "13900000071"],
        ["3400000000000002", "褚*", "13900000072"],
    ],
}  # fmt: skip


def as_xlsx(sheets: dict[str, list[list[str]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, rows in FILES.items():
        (HERE / name).write_bytes(as_csv(rows))
    (HERE / "tmall_two_sheets.xlsx").write_bytes(as_xlsx(TMALL_TWO_SHEETS))


if __name__ == "__main__":
    main()
