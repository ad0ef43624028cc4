"""Customers (WeCom external contacts), their follow relations with staff, and follow-up notes.

The ``follows`` table is the authorization boundary for guides: a guide reaches a customer only
through a live follow row (DESIGN.md §5.1).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from sidebar.extensions import Model, db
from sidebar.models.base import Timestamps, UTCDateTime, utcnow
from sidebar.models.org import Staff


class SkinType(enum.StrEnum):
    DRY = "dry"
    OILY = "oily"
    COMBINATION = "combination"
    NORMAL = "normal"
    SENSITIVE = "sensitive"


class LifecycleStage(enum.StrEnum):
    """微盟 ME+'s five stages; the day thresholds are the brand's (``LifecycleSettings``)."""

    PROSPECT = "prospect"  # 引入期: added, never bought
    NEW = "new"  # 成长期: one purchase
    ACTIVE = "active"  # 成熟期: a repeat buyer
    DORMANT = "dormant"  # 休眠期: no purchase for dormant_days
    LOST = "lost"  # 流失期: no purchase for lost_days, or they deleted every guide


class RfmSegment(enum.StrEnum):
    """The eight classic RFM segments (R, F, M each high or low): ``data.profile`` assigns them."""

    IMPORTANT_VALUE = "important_value"  # 重要价值客户
    IMPORTANT_DEVELOP = "important_develop"  # 重要发展客户
    IMPORTANT_KEEP = "important_keep"  # 重要保持客户
    IMPORTANT_RETAIN = "important_retain"  # 重要挽留客户
    GENERAL_VALUE = "general_value"  # 一般价值客户
    GENERAL_DEVELOP = "general_develop"  # 一般发展客户
    GENERAL_KEEP = "general_keep"  # 一般保持客户
    GENERAL_RETAIN = "general_retain"  # 一般挽留客户


class DeletedBy(enum.StrEnum):
    STAFF = "staff"  # del_external_contact: the member removed the customer
    CUSTOMER = "customer"  # del_follow_user: the customer removed the member
    TRANSFER = "transfer"  # del_external_contact with Source=DELETE_BY_TRANSFER


# The grams of a text, for the search indexes (``customers.search``): its characters, then each pair
# of neighbours (repeats left in: GIN keeps each key once; a DISTINCT doubled the cost of indexing a
# million names). IMMUTABLE so an index may be built on it: the same text always gives the same grams.
GRAMS_FUNCTION = DDL(
    """
CREATE OR REPLACE FUNCTION beside_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_to_array(lower(t), NULL)
    || ARRAY(SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i)
$$
"""
)


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IS NULL OR {column} IN ({', '.join(repr(v.value) for v in values)})"


class Customer(Timestamps, Model):
    """One WeCom external contact, with the brand's retail profile as real columns."""

    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(_in("skin_type", SkinType), name="skin_type"),
        # The console's name search (``customers.search``): PostgreSQL only, SQLite scans.
        Index("ix_customers_name_grams", text("beside_grams(name)"), postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        # A filter with its ids in order: merged with a tag's (customer_tags by tag, then customer)
        # and with the list's order by id, from the indexes alone.
        Index("ix_customers_skin_type_id", "skin_type", "id"),
        Index("ix_customers_name_id", "name", "id"),  # the list's order by name
        Index("ix_customers_member_level_id", "member_level", "id"),
        # Who an identifier names (``data.oneid``): with the id in the index, answered from the index
        # alone — an order file asks it for every buyer, in batches of a thousand.
        Index("ix_customers_phone", "phone", postgresql_include=["id"]),
        Index("ix_customers_unionid", "unionid", postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_userid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    avatar: Mapped[str | None] = mapped_column(String(512))
    # WeCom: 1 a WeChat user, 2 a WeCom user.
    type: Mapped[int] = mapped_column(SmallInteger, default=1)
    # WeCom: 0 unknown, 1 male, 2 female.
    gender: Mapped[int] = mapped_column(SmallInteger, default=0)
    # How scripts address the customer, as the guide set it (None: derived, ``customers.salutation``).
    salutation: Mapped[str | None] = mapped_column(String(16))
    unionid: Mapped[str | None] = mapped_column(String(64))
    corp_name: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    birthday: Mapped[date | None] = mapped_column(Date)

    # Retail profile.
    skin_type: Mapped[str | None] = mapped_column(String(16))
    skin_concerns: Mapped[str] = mapped_column(String(255), default="")  # comma-separated
    age_range: Mapped[str | None] = mapped_column(String(16))
    city: Mapped[str | None] = mapped_column(String(32))
    member_level: Mapped[str | None] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(Integer, default=0)

    # When WeCom last told us about this customer (externalcontact/get or a callback).
    wecom_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    follows: Mapped[list[Follow]] = relationship(back_populates="customer")
    # Loaded with the customer (one LEFT JOIN by key): every page that shows a customer shows these.
    stats: Mapped[CustomerStats | None] = relationship(
        lazy="joined", cascade="all, delete-orphan", passive_deletes=True
    )

    # What the orders say, read through ``stats``: a customer not yet computed has no orders and no
    # stage (the sidebar says "not yet computed").
    @property
    def order_count(self) -> int:
        return self.stats.order_count if self.stats else 0

    @property
    def total_spent(self) -> int:
        return self.stats.total_spent if self.stats else 0

    @property
    def first_order_at(self) -> datetime | None:
        return self.stats.first_order_at if self.stats else None

    @property
    def last_order_at(self) -> datetime | None:
        return self.stats.last_order_at if self.stats else None

    @property
    def lifecycle_stage(self) -> str | None:
        return self.stats.lifecycle_stage if self.stats else None

    @property
    def rfm_r(self) -> int | None:
        return self.stats.rfm_r if self.stats else None

    @property
    def rfm_f(self) -> int | None:
        return self.stats.rfm_f if self.stats else None

    @property
    def rfm_m(self) -> int | None:
        return self.stats.rfm_m if self.stats else None

    @property
    def rfm_segment(self) -> str | None:
        return self.stats.rfm_segment if self.stats else None

    @property
    def favourite_category(self) -> str | None:
        return self.stats.favourite_category if self.stats else None

    @property
    def main_store_code(self) -> str | None:
        return self.stats.main_store_code if self.stats else None

    @property
    def stats_computed_at(self) -> datetime | None:
        return self.stats.stats_computed_at if self.stats else None


class CustomerStats(Model):
    """What the orders make of a customer, computed set-based (``data.profile``), never typed in.

    A narrow table of its own, one row per computed customer: recomputing a million profiles rewrites
    these ~80-byte rows and their three indexes, not the wide customer rows with their trigram and
    identifier indexes (which made the from-scratch pass half again as slow).
    """

    __tablename__ = "customer_stats"
    __table_args__ = (
        CheckConstraint(_in("lifecycle_stage", LifecycleStage), name="lifecycle_stage"),
        # The list's orders by last order and by spend, with the id for the keyset's ties.
        Index("ix_customer_stats_last_order_at_customer_id", "last_order_at", "customer_id"),
        Index("ix_customer_stats_total_spent_customer_id", "total_spent", "customer_id"),
    )

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    first_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_count: Mapped[int] = mapped_column(Integer, default=0)
    total_spent: Mapped[int] = mapped_column(BigInteger, default=0)  # fen, net of refunds
    lifecycle_stage: Mapped[str | None] = mapped_column(String(16))
    rfm_r: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_f: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_m: Mapped[int | None] = mapped_column(SmallInteger)
    # One of the eight classic RFM segments (data.profile.SEGMENTS), for filters and the sidebar.
    rfm_segment: Mapped[str | None] = mapped_column(String(24))
    # What they spent most on (an item category) and the store they bought at most (its code).
    favourite_category: Mapped[str | None] = mapped_column(String(32))
    main_store_code: Mapped[str | None] = mapped_column(String(32))
    # When order_count … last_order_at last changed as computed from the orders (data.profile.recompute).
    stats_computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Follow(Timestamps, Model):
    """A staff member's WeCom relation with a customer (``follow_user``), live or ended."""

    __tablename__ = "follows"
    __table_args__ = (
        db.UniqueConstraint("staff_id", "customer_id"),
        CheckConstraint(_in("deleted_by", DeletedBy), name="deleted_by"),
        # A customer's live followers from the index alone: the check of a manager's scope
        # (``customers.visibility.visible``) for every row of a list.
        Index(
            "ix_follows_live",
            "customer_id",
            "staff_id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        Index("ix_follows_remark_grams", text("beside_grams(remark)"), postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    remark: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    remark_mobiles: Mapped[str] = mapped_column(String(255), default="")  # comma-separated
    add_way: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The channel code (渠道活码 state) the customer came through.
    state: Mapped[str | None] = mapped_column(String(64), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deleted_by: Mapped[str | None] = mapped_column(String(16))

    staff: Mapped[Staff] = relationship()
    customer: Mapped[Customer] = relationship(back_populates="follows")

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None

    # What every figure counts, in one place. A customer handed over to a colleague (在职继承, 离职继承)
    # is neither a new customer for the one who took them over nor a lost one for the one who gave them:
    # WeCom reports the takeover's follow with add_way 202 (管理员/负责人分配, doc 92114 "获取客户详情"),
    # and the giver's ends with Source=DELETE_BY_TRANSFER (doc 92130) — our ``deleted_by`` transfer.
    @classmethod
    def came_new(cls) -> ColumnElement[bool]:
        return cls.add_way != HANDED_OVER

    @classmethod
    def was_lost(cls) -> ColumnElement[bool]:
        return cls.deleted_by.in_(LOST_BY)


HANDED_OVER = 202  # follow_user.add_way: 管理员/负责人分配
LOST_BY = (DeletedBy.CUSTOMER.value, DeletedBy.STAFF.value)


class Note(Model):
    """A follow-up record (跟进记录) a staff member wrote about a customer."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_customer_id_created_at", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Staff | None] = relationship()


class LifecycleSettings(Model):
    """The brand's lifecycle thresholds (one row, made with these defaults when first needed)."""

    __tablename__ = "lifecycle_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dormant_days: Mapped[int] = mapped_column(Integer, default=90)
    lost_days: Mapped[int] = mapped_column(Integer, default=180)
    # A customer who spent at least this much (fen) and has not bought for quiet_days is flagged.
    alert_spend_min: Mapped[int] = mapped_column(BigInteger, default=500000)
    alert_quiet_days: Mapped[int] = mapped_column(Integer, default=60)


class Alert(Model):
    """Something a guide should act on for a customer they follow: the customer went dormant or lapsed,
    or a big spender has gone quiet. Open until the customer buys again."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_staff_id_resolved_at", "staff_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # dormant | lost | quiet_big_spender
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer: Mapped[Customer] = relationship()
