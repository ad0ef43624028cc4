"""Each platform's order status words and what they mean here: one table per platform, used by its preset
and by any mapping an admin makes by hand for that platform, so a word reads the same however the file
came in. A word in no table refuses its row, naming the word; a word for an order not paid yet skips the
row ("未付款，不导入"), it is not a sale.

Sources (the words as the platforms' back offices and their exports show them):

- Tmall / Taobao (千牛 → 交易 → 已卖出的宝贝 → 批量导出; 订单报表): 等待买家付款, 买家已付款，等待卖家发货,
  卖家已发货，等待买家确认, 交易成功, 交易关闭 (closed: cancelled before payment, or refunded in full after
  it — the refund column tells which). Public importers of these files (e.g. TBTool's ``TaobaoSaledObject``)
  read the same words.
- JD (京东商家后台 → 订单管理 → 订单导出): 等待出库, 等待发货, 等待确认收货, 完成, 已完成, 锁定 (held during a
  dispute or a cancel request: still paid), 暂停 (paused: still paid), 已取消 / 取消, and deleted orders
  prefixed "(删除)" — "(删除)等待出库", "(删除)锁定": cancelled.
- Douyin (抖店 → 订单 → 订单管理 → 批量导出): 待支付, 待发货, 备货中, 已支付, 已发货, 已完成, 已关闭, 已取消;
  its 售后状态 column (退款成功, 售后完成) overrides the status of the sub-order it is on.
- Youzan (有赞 → 订单 → 所有订单 → 导出): 待付款, 待发货, 部分发货, 已发货, 交易成功, 交易完成, 交易关闭; its
  退款状态 column: 全额退款 / 部分退款.
"""

from __future__ import annotations

PAID, SHIPPED, DONE, CANCELLED, REFUNDED, PARTLY = (
    "paid",
    "shipped",
    "completed",
    "cancelled",
    "refunded",
    "partly_refunded",
)

TMALL = {
    "买家已付款，等待卖家发货": PAID,
    "等待卖家发货": PAID,
    "卖家已发货，等待买家确认": SHIPPED,
    "卖家已发货": SHIPPED,
    "交易成功": DONE,
    "交易关闭": CANCELLED,
}
JD = {
    "等待出库": PAID,
    "等待发货": PAID,
    "锁定": PAID,
    "暂停": PAID,
    "等待确认收货": SHIPPED,
    "已发货": SHIPPED,
    "完成": DONE,
    "已完成": DONE,
    "(删除)等待出库": CANCELLED,
    "(删除)锁定": CANCELLED,
    "(删除)暂停": CANCELLED,
    "(删除)已取消": CANCELLED,
    "已取消": CANCELLED,
    "取消": CANCELLED,
}
DOUYIN = {
    "待发货": PAID,
    "备货中": PAID,
    "已支付": PAID,
    "已发货": SHIPPED,
    "已完成": DONE,
    "已关闭": CANCELLED,
    "已取消": CANCELLED,
}
DOUYIN_AFTER_SALE = {"退款成功": REFUNDED, "售后完成": REFUNDED}
YOUZAN = {
    "待发货": PAID,
    "部分发货": SHIPPED,
    "已发货": SHIPPED,
    "交易成功": DONE,
    "交易完成": DONE,
    "已完成": DONE,
    "交易关闭": CANCELLED,
    "已关闭": CANCELLED,
}
YOUZAN_AFTER_SALE = {"全额退款": REFUNDED, "退款成功": REFUNDED, "部分退款": PARTLY}
POS = {"销售": PAID, "已付款": PAID, "已完成": DONE, "退货": REFUNDED, "作废": CANCELLED}

BY_PLATFORM: dict[str, dict[str, str]] = {
    "tmall": TMALL,
    "taobao": TMALL,
    "jd": JD,
    "douyin": DOUYIN,
    "youzan": YOUZAN,
    "pos": POS,
}
AFTER_SALE_BY_PLATFORM: dict[str, dict[str, str]] = {"douyin": DOUYIN_AFTER_SALE, "youzan": YOUZAN_AFTER_SALE}

# Words any file may use, whatever its platform: ours, and the common Chinese ones.
COMMON = {
    "paid": PAID,
    "shipped": SHIPPED,
    "completed": DONE,
    "cancelled": CANCELLED,
    "refunded": REFUNDED,
    "partly_refunded": PARTLY,
    "已付款": PAID,
    "已发货": SHIPPED,
    "已完成": DONE,
    "交易成功": DONE,
    "已取消": CANCELLED,
    "已退款": REFUNDED,
    "退款成功": REFUNDED,
    "部分退款": PARTLY,
    **TMALL,
}
# Not sales yet: such rows are skipped (and counted), never stored and never refused as bad.
UNPAID = ("等待买家付款", "待付款", "待支付", "等待付款", "未付款")

# How far an order has gone, for an order whose rows (sub-orders, items) say different things: the order
# is as far as its least advanced live part.
PROGRESS = {PAID: 0, SHIPPED: 1, DONE: 2}
