"""What the brand's systems send: orders and members, validated field by field (pydantic), so a bad
order is refused with its reasons while the rest of the batch goes in. Amounts are decimal strings in
yuan; times are ISO 8601 (without a zone they are the brand's local time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from sidebar.core.units import parse_yuan

PLATFORM = Literal["mall", "tmall", "jd", "douyin", "youzan", "weimob", "pos", "other"]
STATUS = Literal["paid", "shipped", "completed", "cancelled", "refunded", "partly_refunded"]
MAX_BATCH = 500
SKIN_TYPES = Literal["dry", "oily", "combination", "normal", "sensitive"]


# No control characters other than tab and newline: NUL and friends cannot be stored (PostgreSQL
# refuses NUL) and never belong in an order. A pattern pydantic-core checks itself, with no Python call
# per field: validating a file of a million orders took twice as long with a validator.
NO_CONTROL = "^[^\x00-\x08\x0b-\x1f]*$"
Text = Annotated[str, StringConstraints(pattern=NO_CONTROL)]
MAX_YUAN = 100_000_000  # no single order or item is worth more

# When something the brand's systems report can have happened: from 2000 (no mall or CRM record is older)
# to a day from now (clocks drift, zones differ). Far dates Python or the database cannot hold with a zone
# (year 1, 9999) are refused here too, per record, never a 500.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)
EARLIEST_BIRTHDAY = date(1900, 1, 1)


def plausible_time(value: datetime) -> datetime:
    try:
        # A time without a zone is the brand's (``orders.aware``); for this window ±14 h changes nothing.
        at = value if value.tzinfo else value.replace(tzinfo=UTC)
        at.astimezone(UTC)  # what storing it does; raises OverflowError at the calendar's ends
        if at < EARLIEST:
            raise ValueError(f"before {EARLIEST:%Y-%m-%d}: not a plausible time")
        if at > datetime.now(UTC) + AHEAD:
            raise ValueError("more than a day from now: not a plausible time")
    except OverflowError as exc:
        raise ValueError("outside the dates that can be stored") from exc
    return value


def _plausible_birthday(value: date) -> date:
    if not EARLIEST_BIRTHDAY <= value <= date.today():
        raise ValueError(f"a birthday falls between {EARLIEST_BIRTHDAY:%Y-%m-%d} and today")
    return value


# A time something happened (an order paid, a record changed, a shopper's visit); a birthday.
When = Annotated[datetime, AfterValidator(plausible_time)]
Birthday = Annotated[date, AfterValidator(_plausible_birthday)]


def _yuan(value: object) -> int:
    fen = parse_yuan(value, allow_zero=True) if isinstance(value, str) else None
    if fen is None or fen > MAX_YUAN * 100:
        raise ValueError('an amount in yuan as a decimal string, e.g. "399.00"')
    return fen


# Yuan as the sender writes it ("399.00"); fen once read.
Yuan = Annotated[
    int,
    BeforeValidator(_yuan),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,2})?$", "examples": ["399.00"]}),
]


class Strict(BaseModel):
    """Every text field is ``Text`` (no control characters); nothing unknown is accepted."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Buyer(Strict):
    unionid: Text | None = Field(None, max_length=64)
    openid: Text | None = Field(None, max_length=64)
    phone: Text | None = Field(None, max_length=64)
    member_no: Text | None = Field(None, max_length=64)
    platform_buyer_id: Text | None = Field(None, max_length=100)


class ItemIn(Strict):
    sku: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=255)
    category: Text = Field("", max_length=32)
    quantity: int = Field(1, ge=1, le=100_000)
    price: Yuan | None = None  # unknown for some exports (Youzan's 全部商品名称): the product is kept


class OrderIn(Strict):
    platform: PLATFORM
    order_no: Text = Field(min_length=1, max_length=64)
    store_code: Text | None = Field(None, max_length=32)
    status: STATUS = "paid"
    paid_at: When
    total_amount: Yuan
    refund_amount: Yuan = 0
    items: list[ItemIn] = Field(default_factory=list, max_length=200)
    buyer: Buyer = Field(default_factory=Buyer)
    updated_at: When | None = None  # the sender's version of this order

    @model_validator(mode="after")
    def _refund_fits(self) -> OrderIn:
        if self.refund_amount > self.total_amount:
            raise ValueError("refund_amount is more than total_amount")
        if self.status == "partly_refunded" and not self.refund_amount:
            raise ValueError("a partly refunded order needs its refund_amount")
        return self


class MemberIn(Strict):
    member_no: Text = Field(min_length=1, max_length=64)
    phone: Text | None = Field(None, max_length=64)
    unionid: Text | None = Field(None, max_length=64)
    name: Text | None = Field(None, max_length=64)
    level: Text | None = Field(None, max_length=16)
    points: int | None = Field(None, ge=0, le=2_000_000_000)
    birthday: Birthday | None = None
    skin_type: SKIN_TYPES | None = None
    skin_concerns: list[Annotated[Text, Field(max_length=16)]] = Field(default_factory=list, max_length=10)
    store_code: Text | None = Field(None, max_length=32)
    updated_at: When | None = None


def reasons(error: ValidationError) -> str:
    """Each field's message, as one line a person can act on: "paid_at: …; items.0.price: …"."""
    parts = []
    for e in error.errors(include_url=False):
        where = ".".join(str(p) for p in e["loc"]) or "record"
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] == "string_pattern_mismatch":  # the only pattern is NO_CONTROL
            message = "must not contain control characters"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


class OrdersBatch(Strict):
    orders: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        json_schema_extra={"items": {"$ref": "#/components/schemas/OrderIn"}},
    )


class MembersBatch(Strict):
    members: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        json_schema_extra={"items": {"$ref": "#/components/schemas/MemberIn"}},
    )
