"""Console side of coupons and red packets: template and rule forms, redemption rates, the finance export.

Every report counts within the viewer's scope (``visibility.follower_ids``); everything is SQL.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from sidebar.core import export
from sidebar.core.locking import month_start
from sidebar.core.units import brand_zone, local, parse_yuan
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import (
    HOLDING,
    Coupon,
    CouponKind,
    CouponStatus,
    CouponTemplate,
    Customer,
    Delivery,
    Order,
    RedPacket,
    RedPacketBudget,
    RedPacketRule,
    Staff,
    Team,
)
from sidebar.wecom import mp_page

LEVELS = ("普通", "银卡", "金卡", "黑金")


def _whole(text: Any, low: int, high: int) -> int | None:
    try:
        value = int(str(text).strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


def _day(text: Any, zone: ZoneInfo, end: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=zone)


def template_form(form: Mapping[str, Any], levels: list[str], tag_ids: list[str]) -> tuple[dict, dict]:
    """Check a coupon template form: (values for the model, {field: message}). Nothing is saved."""
    zone = brand_zone()
    v: dict[str, Any] = {}
    e: dict[str, str] = {}
    v["name"] = (form.get("name") or "").strip()
    if not 1 <= len(v["name"]) <= 64:
        e["name"] = "name the coupon (at most 64 characters)"
    v["kind"] = form.get("kind") or CouponKind.BRAND.value
    if v["kind"] not in {k.value for k in CouponKind}:
        e["kind"] = "choose a kind"
    v["wxpay_stock_id"] = (form.get("wxpay_stock_id") or "").strip() or None
    if v["kind"] == CouponKind.WXPAY.value and not v["wxpay_stock_id"]:
        e["wxpay_stock_id"] = "a WeChat Pay voucher needs its stock id (批次号)"
    v["value_kind"] = form.get("value_kind") or "cash"
    if v["value_kind"] == "discount":
        tenths = parse_yuan(form.get("value"))  # "8.5" (折) -> 850 hundredths
        if tenths is None or tenths % 10 or not 10 <= tenths <= 990:
            e["value"] = "a discount is between 0.1 and 9.9 (折), one decimal"
        else:
            v["value"] = tenths // 10
    elif v["value_kind"] == "cash":
        v["value"] = parse_yuan(form.get("value"))
        if v["value"] is None:
            e["value"] = "the value is an amount in yuan, e.g. 50"
    else:
        e["value_kind"] = "choose money off or a discount"
    v["threshold"] = parse_yuan(form.get("threshold") or "0", allow_zero=True)
    if v["threshold"] is None:
        e["threshold"] = "the minimum spend is an amount in yuan (0 for none)"
    if form.get("valid_days"):
        v["valid_days"] = _whole(form.get("valid_days"), 1, 3650)
        v["valid_from"] = v["valid_until"] = None
        if v["valid_days"] is None:
            e["valid_days"] = "between 1 and 3,650 days"
    else:
        v["valid_days"] = None
        v["valid_from"] = _day(form.get("valid_from"), zone)
        v["valid_until"] = _day(form.get("valid_until"), zone, end=True)
        if v["valid_from"] is None or v["valid_until"] is None or v["valid_until"] <= v["valid_from"]:
            e["valid_from"] = "give days from issue, or a first and last day"
    v["total_stock"] = _whole(form.get("total_stock"), 1, 10_000_000)
    if v["total_stock"] is None:
        e["total_stock"] = "stock is a whole number from 1 to 10,000,000"
    v["per_customer_limit"] = _whole(form.get("per_customer_limit") or "1", 1, 100)
    if v["per_customer_limit"] is None:
        e["per_customer_limit"] = "from 1 to 100"
    v["per_guide_daily"] = _whole(form.get("per_guide_daily") or "20", 1, 10_000)
    if v["per_guide_daily"] is None:
        e["per_guide_daily"] = "from 1 to 10,000"
    quotas = {}
    for tier in ("A", "B", "C"):
        typed = (form.get(f"tier_daily_{tier}") or "").strip()
        if typed:
            quotas[tier] = _whole(typed, 1, 10_000)
            if quotas[tier] is None:
                e[f"tier_daily_{tier}"] = "from 1 to 10,000, or empty for the same as every guide"
    v["tier_daily"] = json.dumps({t: n for t, n in quotas.items() if n is not None})
    if any(level not in LEVELS for level in levels):
        e["eligible_levels"] = "unknown member level"
    v["eligible_levels"] = json.dumps(levels, ensure_ascii=False)
    if any(not t.isdigit() for t in tag_ids):
        e["eligible_tag_ids"] = "unknown tag"
    v["eligible_tag_ids"] = json.dumps([int(t) for t in tag_ids if t.isdigit()])
    v["delivery"] = form.get("delivery") or Delivery.LINK.value
    v["miniprogram_appid"] = (form.get("miniprogram_appid") or "").strip() or None
    v["miniprogram_page"] = (form.get("miniprogram_page") or "").strip() or None
    if v["delivery"] == Delivery.MINIPROGRAM.value and not (v["miniprogram_appid"] and v["miniprogram_page"]):
        e["delivery"] = "a mini-program card needs the mini-program's appid and page"
    elif v["miniprogram_page"] and (wrong := mp_page.problem(v["miniprogram_page"].replace("{code}", "C"))):
        e["miniprogram_page"] = wrong
    elif v["delivery"] not in {d.value for d in Delivery}:
        e["delivery"] = "choose how the customer receives it"
    return v, e


RULE_FIELDS = {
    # field: (kind, low, high) — amounts in yuan on the form, fen in the database
    "min_amount": ("yuan", 100, 20000),
    "max_amount": ("yuan", 100, 20000),
    "guide_daily_count": ("int", 0, 1000),
    "guide_daily_amount": ("yuan", 0, 10_000_000),
    "customer_daily_count": ("int", 0, 10),
    "default_team_monthly_budget": ("yuan", 0, 10**11),
    "reason_required_above": ("yuan", 0, 20000),
}


def rule_form(form: Mapping[str, Any]) -> tuple[dict, dict]:
    """Check the red-packet rule form. WeChat Pay's own limits bound ours: 1–200 yuan a packet, at most
    10 packets a customer a day."""
    v: dict[str, Any] = {}
    e: dict[str, str] = {}
    for name, (kind, low, high) in RULE_FIELDS.items():
        raw = form.get(name, "")
        value = parse_yuan(raw, allow_zero=True) if kind == "yuan" else _whole(raw, low, high)
        if value is None or not low <= value <= high:
            shown = (f"{low / 100:g}", f"{high / 100:g}") if kind == "yuan" else (str(low), str(high))
            e[name] = f"between {shown[0]} and {shown[1]}"
        v[name] = value
    if not e and v["min_amount"] > v["max_amount"]:
        e["max_amount"] = "the largest packet cannot be below the smallest"
    v["wishing"] = (form.get("wishing") or "").strip()
    if not 1 <= len(v["wishing"]) <= 128:
        e["wishing"] = "a wishing of 1 to 128 characters"
    v["act_name"] = (form.get("act_name") or "").strip()
    if not 1 <= len(v["act_name"]) <= 32:
        e["act_name"] = "an activity name of 1 to 32 characters"
    v["enabled"] = form.get("enabled") == "1"
    return v, e


# -- redemption rate (核销率) ------------------------------------------------------------------------


def _rate_rows(query: Any) -> list[dict[str, Any]]:
    rows = []
    for name, issued, redeemed in db.session.execute(query):
        redeemed = int(redeemed or 0)
        rows.append(
            {
                "name": name or "—",
                "issued": issued,
                "redeemed": redeemed,
                "rate": round(100 * redeemed / issued, 1) if issued else 0,
            }
        )
    return rows


def redemption(viewer: Any) -> dict[str, list[dict[str, Any]]]:
    redeemed = func.sum(case((Coupon.status == CouponStatus.REDEEMED.value, 1), else_=0))
    base = select().select_from(Coupon)
    followers = visibility.follower_ids(viewer)
    if followers is not None:
        base = base.where(Coupon.staff_id.in_(followers))
    return {
        "by_template": _rate_rows(
            base.add_columns(CouponTemplate.name, func.count(), redeemed)
            .join(CouponTemplate, CouponTemplate.id == Coupon.template_id)
            .group_by(CouponTemplate.id, CouponTemplate.name)
            .order_by(CouponTemplate.id)
        ),
        "by_team": _rate_rows(
            base.add_columns(Team.name, func.count(), redeemed)
            .outerjoin(Team, Team.id == Coupon.team_id)
            .group_by(Team.id, Team.name)
            .order_by(Team.id)
        ),
        "by_guide": _rate_rows(
            base.add_columns(Staff.name, func.count(), redeemed)
            .join(Staff, Staff.id == Coupon.staff_id)
            .group_by(Staff.id, Staff.name)
            .order_by(Staff.name)
        ),
    }


# -- the finance export -----------------------------------------------------------------------------

FINANCE_HEADER = (
    "创建时间",
    "商户订单号",
    "团队",
    "导购",
    "客户",
    "金额(元)",
    "状态",
    "领取时间",
    "到账时间",
    "微信红包单号",
    "原因",
    "关联订单",
    "退回时间",
    "退回金额(元)",
    "更换前的商户订单号",
)
STATUS_LABEL = {
    "issued": "未领取",
    "paying": "发放中",
    "paid": "已发放",
    "failed": "失败",
    "expired": "已过期",
    "refunded": "已退回（24小时未领取）",
}


@dataclass
class FinanceQuery:
    start: datetime
    end: datetime  # exclusive
    team_id: int | None


def default_range(now: datetime) -> tuple[date, date]:
    """The finance export's default: this month so far, in the brand's calendar (between 00:00 and
    08:00 Beijing time the UTC date is still yesterday, and on the 1st still last month)."""
    today = now.astimezone(brand_zone()).date()
    return today.replace(day=1), today


def finance_query(args: Mapping[str, Any]) -> FinanceQuery | str:
    """From ?from=YYYY-MM-DD&to=YYYY-MM-DD&team_id=N (local days, both inclusive), or an error."""
    zone = brand_zone()
    start, end = _day(args.get("from"), zone), _day(args.get("to"), zone, end=True)
    if start is None or end is None or end <= start:
        return "give a first and last day (YYYY-MM-DD)"
    if end - start > timedelta(days=366):
        return "at most a year at a time"
    team = args.get("team_id") or None
    if team is not None and not str(team).isdigit():
        return "unknown team"
    return FinanceQuery(start, end, int(team) if team else None)


def _finance_select(viewer: Any, q: FinanceQuery) -> Any:
    guide = aliased(Staff)
    query = (
        select(
            RedPacket.created_at,
            RedPacket.mch_billno,
            Team.name,
            guide.name,
            guide.userid,
            Customer.name,
            Customer.external_userid,
            RedPacket.amount,
            RedPacket.status,
            RedPacket.claimed_at,
            RedPacket.paid_at,
            RedPacket.send_listid,
            RedPacket.reason,
            Order.order_no,
            RedPacket.refunded_at,
            RedPacket.refund_amount,
            RedPacket.replaced_billnos,
        )
        .join(guide, guide.id == RedPacket.staff_id)
        .join(Customer, Customer.id == RedPacket.customer_id)
        .outerjoin(Team, Team.id == RedPacket.team_id)
        .outerjoin(Order, Order.id == RedPacket.order_id)
        .where(RedPacket.created_at >= q.start, RedPacket.created_at < q.end)
        .order_by(RedPacket.created_at, RedPacket.id)
    )
    if q.team_id is not None:
        query = query.where(RedPacket.team_id.in_(visibility.team_subtree(q.team_id)))
    followers = visibility.follower_ids(viewer)
    if followers is not None:
        query = query.where(RedPacket.staff_id.in_(followers))
    return query


def finance_rows(viewer: Any, q: FinanceQuery) -> Iterator[tuple[list[Any], int, str]]:
    """(cells, amount in fen, status) per packet, streamed from the database."""
    result = db.session.execute(_finance_select(viewer, q).execution_options(yield_per=2000))
    for row in result:
        (
            created,
            billno,
            team,
            guide,
            userid,
            customer,
            ext,
            amount,
            status,
            claimed,
            paid,
            listid,
            reason,
            order_no,
            refunded,
            refund_amount,
            replaced,
        ) = row
        cells = [
            local(created, "%Y-%m-%d %H:%M:%S"),
            billno,
            team or "",
            f"{guide}（{userid}）",
            f"{customer}（{ext}）",
            Decimal(amount) / 100,
            STATUS_LABEL.get(status, status),
            local(claimed, "%Y-%m-%d %H:%M:%S") if claimed else "",
            local(paid, "%Y-%m-%d %H:%M:%S") if paid else "",
            listid or "",
            reason or "",
            order_no or "",
            local(refunded, "%Y-%m-%d %H:%M:%S") if refunded else "",
            Decimal(refund_amount) / 100 if refund_amount else "",
            replaced or "",
        ]
        yield cells, amount, status


def _with_totals(viewer: Any, q: FinanceQuery) -> Iterator[list[Any]]:
    """The packets' rows, then total rows (all packets; paid ones; refunded ones, which WeChat Pay took
    back and are not spend) summed as they stream."""
    count = total = paid = refunded = 0
    for cells, amount, status in finance_rows(viewer, q):
        count, total = count + 1, total + amount
        paid += amount if status == "paid" else 0
        refunded += amount if status == "refunded" else 0
        yield cells
    yield ["合计（全部）", f"{count} 个", "", "", "", Decimal(total) / 100]
    yield ["合计（已发放）", "", "", "", "", Decimal(paid) / 100]
    yield ["合计（已退回）", "", "", "", "", Decimal(refunded) / 100]


def finance_csv(viewer: Any, q: FinanceQuery) -> Iterator[str]:
    """The export as CSV text, streamed (UTF-8 with a BOM, so Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = export.CsvWriter(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(FINANCE_HEADER)
    yield "\ufeff" + flush()
    for n, cells in enumerate(_with_totals(viewer, q), 1):
        writer.writerow([f"{c:.2f}" if isinstance(c, Decimal) else c for c in cells])
        if n % 500 == 0:
            yield flush()
    yield flush()


def finance_xlsx(viewer: Any, q: FinanceQuery) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("红包")
    export.append(sheet, FINANCE_HEADER)
    for cells in _with_totals(viewer, q):
        export.append(sheet, cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def team_budgets(the_rule: RedPacketRule, now: datetime) -> list[dict[str, Any]]:
    """Each team's budget and what it has spent (held) this month."""
    spent: dict[Any, Any] = dict(
        db.session.execute(  # type: ignore[arg-type]
            select(RedPacket.team_id, func.sum(RedPacket.amount))
            .where(RedPacket.status.in_(HOLDING), RedPacket.created_at >= month_start(now))
            .group_by(RedPacket.team_id)
        ).all()
    )
    budgets: dict[Any, Any] = dict(
        db.session.execute(  # type: ignore[arg-type]
            select(RedPacketBudget.team_id, RedPacketBudget.monthly_amount)
        ).all()
    )
    return [
        {
            "team": team,
            "budget": budgets.get(team.id),
            "effective": the_rule.default_team_monthly_budget
            if budgets.get(team.id) is None
            else budgets[team.id],
            "spent": int(spent.get(team.id) or 0),
        }
        for team in db.session.scalars(select(Team).order_by(Team.id))
    ]
