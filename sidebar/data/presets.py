"""Column presets: how each platform's order export names its columns, and what its status words mean.

A preset maps our fields to the column headers a platform writes (several spellings where the export
has changed over the years); an admin can map any other file by hand and save the mapping (``Mapping``
rows, read back as presets). Sources for the headers:

- Tmall/Taobao 千牛 "订单报表" (one row per order): 订单编号, 买家会员名, 买家实际支付金额, 订单状态,
  订单付款时间, 宝贝标题, 宝贝总数量, 联系手机, 退款金额 — the layout public
  tools read (e.g. TBTool's ``TaobaoSaledObject``).
- Douyin 抖店 order export (one row per sub-order): 主订单编号, 子订单编号, 选购商品, 商品ID, 货号, 商品数量,
  商品金额 (unit price), 订单应付金额, 支付完成时间, 订单提交时间, 订单状态, 售后状态, 收件人手机号.
- JD 京东 POP order export (one row per SKU, order amounts repeated): 订单号, 商品ID, 商家SKUID, 商品名称,
  订购数量, 京东价, 应付金额, 下单时间, 付款确认时间, 订单状态, 下单帐号, 联系电话.
- Youzan 有赞 order export (one row per item, order amounts repeated): 订单号, 订单状态, 订单创建时间,
  买家付款时间, 商品名称, 规格编码/商品编码, 商品单价, 商品数量, 订单实付金额, 买家手机号, 订单已退款金额.
- Generic POS: our own template (README), for tills that export whatever the shop asks for.

Platforms mask buyer phones in exports nowadays (138****5678): a masked phone cannot be read, is kept as
given and never used for matching (``core.phones``), so such orders wait for a buyer id or member number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sidebar.data import status_words as words

# Our fields, in the order the mapping form shows them; the first three every order file must have.
ORDER_FIELDS = (
    "order_no",
    "paid_at",
    "total_amount",
    "status",
    "refund_amount",
    "after_sale",
    "store_code",
    "phone",
    "address",
    "member_no",
    "buyer_id",
    "unionid",
    "sku",
    "item_name",
    "item_names",
    "category",
    "quantity",
    "price",
)
ORDER_REQUIRED = ("order_no", "paid_at", "total_amount")
MEMBER_FIELDS = (
    "member_no",
    "phone",
    "unionid",
    "name",
    "level",
    "points",
    "birthday",
    "skin_type",
    "store_code",
)
MEMBER_REQUIRED = ("member_no",)

Kind = Literal["orders", "members"]


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    kind: Kind
    platform: str  # what the orders' platform is (members: unused)
    # field -> the headers it may have in the file, the first found wins
    columns: dict[str, tuple[str, ...]]
    # the platform's status words -> our status; a word not here refuses the row, naming it
    statuses: dict[str, str] = field(default_factory=dict)
    # after-sale words that override the status (refund done)
    after_sale: dict[str, str] = field(default_factory=dict)
    # "sum": each row is a sub-order with its own amount; "first": the order amount is repeated
    total: Literal["sum", "first"] = "first"
    # headers whose presence means a row per sub-order with its own amount, whatever ``total`` says
    # (Tmall's 销售明细 has 子订单编号 where its 订单报表 has one row per order)
    sum_if: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return ORDER_REQUIRED if self.kind == "orders" else MEMBER_REQUIRED


# A file without a status column: every order in it counts as paid.

TMALL = Preset(
    key="tmall",
    label="天猫 / 淘宝（千牛订单报表）",
    kind="orders",
    platform="tmall",
    columns={
        "order_no": ("订单编号", "主订单编号"),
        "paid_at": ("订单付款时间", "付款时间"),
        # 买家实付金额: the newer 千牛 export's name for 买家实际支付金额.
        "total_amount": ("买家实际支付金额", "买家实付金额", "实付金额"),
        "status": ("订单状态",),
        "refund_amount": ("退款金额",),
        "buyer_id": ("买家会员名", "买家昵称"),
        "phone": ("联系手机", "收货人手机号"),
        # The newer 订单报表 has no phone column: it is inside 收货地址 ("周*，86-139…，江苏省…").
        "address": ("收货地址",),
        "item_name": ("宝贝标题", "商品标题"),
        "sku": ("商家编码",),
        "quantity": ("宝贝总数量", "商品数量"),
        "store_code": ("店铺Id",),
    },
    statuses=words.TMALL,
    sum_if=("子订单编号",),
)

DOUYIN = Preset(
    key="douyin",
    label="抖店（订单导出）",
    kind="orders",
    platform="douyin",
    columns={
        "order_no": ("主订单编号",),
        "paid_at": ("支付完成时间", "订单提交时间"),
        "total_amount": ("订单应付金额",),
        "status": ("订单状态",),
        "after_sale": ("售后状态",),
        "phone": ("收件人手机号",),
        "item_name": ("选购商品",),
        "sku": ("货号", "商家编码", "商品ID"),
        "quantity": ("商品数量",),
        "price": ("商品金额", "商品单价"),
    },
    statuses=words.DOUYIN,
    after_sale=words.DOUYIN_AFTER_SALE,
    total="sum",  # each row is a sub-order (子订单) with its own amount
)

JD = Preset(
    key="jd",
    label="京东（POP 订单导出）",
    kind="orders",
    platform="jd",
    columns={
        "order_no": ("订单号",),
        "paid_at": ("付款确认时间", "下单时间"),
        "total_amount": ("应付金额", "订单金额"),
        "status": ("订单状态",),
        "buyer_id": ("下单帐号", "下单账号"),
        "phone": ("联系电话",),
        "item_name": ("商品名称",),
        "sku": ("商家SKUID", "商品ID"),
        "quantity": ("订购数量",),
        "price": ("京东价",),
    },
    statuses=words.JD,
)

YOUZAN = Preset(
    key="youzan",
    label="有赞（订单导出）",
    kind="orders",
    platform="youzan",
    columns={
        "order_no": ("订单号",),
        "paid_at": ("买家付款时间", "订单创建时间"),
        "total_amount": ("订单实付金额", "订单实付金额(元)"),
        "status": ("订单状态",),
        "refund_amount": ("订单已退款金额", "订单已退款金额(元)"),
        "after_sale": ("退款状态",),
        "phone": ("买家手机号", "收货人手机号/提货人手机号"),
        "item_name": ("商品名称",),
        # The order export (a row per order) names its products in one cell, without prices.
        "item_names": ("全部商品名称",),
        "sku": ("规格编码", "商品编码"),
        "quantity": ("商品数量",),
        "price": ("商品单价", "商品单价(元)"),
    },
    statuses=words.YOUZAN,
    after_sale=words.YOUZAN_AFTER_SALE,
)

POS = Preset(
    key="pos",
    label="门店 POS（通用模板）",
    kind="orders",
    platform="pos",
    columns={
        "order_no": ("小票号", "单据号"),
        "paid_at": ("销售时间",),
        "total_amount": ("实收金额",),
        "status": ("状态",),
        "refund_amount": ("退款金额",),
        "store_code": ("门店编码",),
        "member_no": ("会员卡号",),
        "phone": ("手机号",),
        "sku": ("商品编码",),
        "item_name": ("商品名称",),
        "category": ("品类",),
        "quantity": ("数量",),
        "price": ("单价",),
    },
    statuses=words.POS,
)

MEMBERS = Preset(
    key="members",
    label="会员（通用模板）",
    kind="members",
    platform="",
    columns={
        "member_no": ("会员卡号", "会员编号"),
        "phone": ("手机号",),
        "unionid": ("unionid",),
        "name": ("姓名",),
        "level": ("会员等级", "等级"),
        "points": ("积分",),
        "birthday": ("生日",),
        "skin_type": ("肤质",),
        "store_code": ("门店编码", "开卡门店"),
    },
)

BUILT_IN: dict[str, Preset] = {p.key: p for p in (TMALL, DOUYIN, JD, YOUZAN, POS, MEMBERS)}

# Status words any file may use, and the words of orders not paid yet (``data.status_words``).
COMMON_STATUSES = words.COMMON
UNPAID = words.UNPAID
