"""The brand's product catalogue, and which products are bought together (for recommendations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime


class Product(Timestamps, Model):
    """One sellable product, keyed by the brand's sku (the sku order items carry). A product is sent as
    a mini-program card when it has a mini-program page, else as a tracked link to its page."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32), default="")
    price: Mapped[int] = mapped_column(BigInteger, default=0)  # fen
    image_url: Mapped[str] = mapped_column(String(1024), default="")
    image_path: Mapped[str | None] = mapped_column(
        String(255)
    )  # an uploaded picture (file store: products/…)
    link: Mapped[str] = mapped_column(String(1024), default="")
    mp_appid: Mapped[str] = mapped_column(String(64), default="")
    mp_page: Mapped[str] = mapped_column(String(255), default="")
    # Who it suits: skin types (SkinType values) and concerns, comma-separated.
    skin_types: Mapped[str] = mapped_column(String(64), default="")
    concerns: Mapped[str] = mapped_column(String(255), default="")
    in_stock: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    use_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProductPair(Model):
    """How many orders had both skus (co-purchase), both directions stored; made again nightly."""

    __tablename__ = "product_pairs"
    __table_args__ = (Index("ix_product_pairs_sku_orders", "sku", "orders"),)

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    other_sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
