"""The product catalogue: in from the API or an xlsx/csv file (upserted by sku, each row answered), a
picture uploaded in the console, searched from the sidebar's products tab, and sent as a card.

A product with a mini-program page goes out as a mini-program card (WeCom opens the mall; the mall's
own events say what happened next); one with a web link goes out as a tracked link to our product page,
opened and counted like the material radar. A picture must be a picture: an uploaded file is read by
its bytes; a URL must be https and name a JPG, PNG or WebP file.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator
from sqlalchemy import or_, select

from sidebar.core.errors import DomainError
from sidebar.core.files import files
from sidebar.data.schemas import SKIN_TYPES, Strict, Text, Yuan, reasons
from sidebar.data.sheets import open_sheet
from sidebar.extensions import db
from sidebar.models import Product
from sidebar.wecom import mp_page

MAX_BATCH = 500
MAX_FILE_ROWS = 20_000
PAGE_SIZE = 20
IMAGE_URL = re.compile(r"^https://[^\s?#]+\.(jpe?g|png|webp)(\?[^\s#]*)?$", re.IGNORECASE)
APPID = re.compile(r"^wx[0-9A-Za-z]{10,32}$")
IMAGE_MAX = 5 * 2**20


class ProductError(DomainError):
    code = "bad_product"


class ProductIn(Strict):
    sku: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=128)
    category: Text = Field("", max_length=32)
    price: Yuan
    image_url: Text = Field("", max_length=1024, description="https URL of a JPG, PNG or WebP picture")
    link: Text = Field("", max_length=1024)
    mp_appid: Text = Field("", max_length=64)
    mp_page: Text = Field("", max_length=255)
    skin_types: list[SKIN_TYPES] = Field(default_factory=list, max_length=5)
    concerns: list[Annotated[Text, Field(max_length=16)]] = Field(default_factory=list, max_length=10)
    in_stock: bool = True
    active: bool = True

    @field_validator("image_url")
    @classmethod
    def _picture(cls, value: str) -> str:
        if value and not IMAGE_URL.match(value):
            raise ValueError("not an image: give the https URL of a JPG, PNG or WebP picture")
        return value

    @field_validator("link")
    @classmethod
    def _web(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("a link is an http(s) URL")
        return value

    @field_validator("mp_page")
    @classmethod
    def _page(cls, value: str | None) -> str | None:
        if value and (wrong := mp_page.problem(value)):
            raise ValueError(wrong)
        return value

    @model_validator(mode="after")
    def _somewhere_to_go(self) -> ProductIn:
        if self.mp_appid and not APPID.match(self.mp_appid):
            raise ValueError("the mini-program appid starts with wx")
        if bool(self.mp_appid) != bool(self.mp_page):
            raise ValueError("a mini-program page needs both mp_appid and mp_page")
        if not self.link and not self.mp_page:
            raise ValueError("give the product's link or its mini-program page")
        return self


class ProductsBatch(Strict):
    products: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        json_schema_extra={"items": {"$ref": "#/components/schemas/ProductIn"}},
    )


@dataclass(frozen=True)
class Outcome:
    sku: Any
    result: str  # created | updated | unchanged | refused
    reason: str | None = None
    row: int | None = None  # the file's row, for a file

    def as_dict(self) -> dict[str, Any]:
        out = {"sku": self.sku if isinstance(self.sku, str) else None, "result": self.result}
        return out | ({"reason": self.reason} if self.reason else {})


def _fields(p: ProductIn) -> dict[str, Any]:
    return {
        "name": p.name,
        "category": p.category,
        "price": p.price,
        "image_url": p.image_url,
        "link": p.link,
        "mp_appid": p.mp_appid,
        "mp_page": p.mp_page,
        "skin_types": ",".join(dict.fromkeys(p.skin_types)),
        "concerns": ",".join(dict.fromkeys(c for c in p.concerns if c)),
        "in_stock": p.in_stock,
        "active": p.active,
    }


def upsert(payloads: list[Any], *, rows: list[int] | None = None) -> list[Outcome]:
    """Create or update products by sku; each answered. Flushes."""
    outcomes: list[Outcome] = []
    valid: list[tuple[int, ProductIn]] = []
    for n, payload in enumerate(payloads):
        row = rows[n] if rows else None
        sku = payload.get("sku") if isinstance(payload, dict) else None
        try:
            valid.append((len(outcomes), ProductIn.model_validate(payload)))
            outcomes.append(Outcome(sku, "unchanged", row=row))
        except ValidationError as exc:
            outcomes.append(Outcome(sku if isinstance(sku, str) else None, "refused", reasons(exc), row))
    skus = [p.sku for _, p in valid]
    existing = (
        {p.sku: p for p in db.session.scalars(select(Product).where(Product.sku.in_(skus)))} if skus else {}
    )
    for position, given in valid:
        fields = _fields(given)
        product = existing.get(given.sku)
        row = outcomes[position].row
        if product is None:
            product = Product(sku=given.sku, **fields)
            db.session.add(product)
            existing[given.sku] = product
            outcomes[position] = Outcome(given.sku, "created", row=row)
        elif any(getattr(product, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(product, k, v)
            outcomes[position] = Outcome(given.sku, "updated", row=row)
    db.session.flush()
    return outcomes


# A file's columns: each field, and the headers a brand's sheet may call it by.
COLUMNS = {
    "sku": ("sku", "SKU", "商品编码", "货号"),
    "name": ("name", "名称", "商品名称"),
    "category": ("category", "类目", "分类"),
    "price": ("price", "价格", "售价"),
    "image_url": ("image", "image_url", "图片", "主图"),
    "link": ("link", "链接", "商品链接"),
    "mp_appid": ("mp_appid", "小程序appid"),
    "mp_page": ("mp_page", "小程序页面"),
    "skin_types": ("skin_types", "适合肤质", "肤质"),
    "concerns": ("concerns", "功效", "肌肤问题"),
    "in_stock": ("in_stock", "有货", "库存"),
}
SKIN_WORDS = {
    "干性": "dry",
    "油性": "oily",
    "混合": "combination",
    "混合性": "combination",
    "中性": "normal",
    "敏感": "sensitive",
    "敏感肌": "sensitive",
}
NO = {"0", "否", "无", "no", "false", "缺货", "n"}


def _split(value: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,，、/;；]", value or "") if x.strip()]


def import_file(path: Path) -> list[Outcome]:
    """Every row of a products sheet (xlsx or csv), upserted; rows answered with their line numbers."""
    with open_sheet(path) as sheet:
        headers = [h.strip().lower() for h in sheet.headers]
        where: dict[str, int] = {}
        for field, names in COLUMNS.items():
            for name in names:
                if name.lower() in headers:
                    where[field] = headers.index(name.lower())
                    break
        missing = [f for f in ("sku", "name", "price") if f not in where]
        if missing:
            raise ProductError("the sheet has no column for: " + ", ".join(missing))
        payloads: list[dict[str, Any]] = []
        lines: list[int] = []
        for line, values in sheet.rows():
            if not any(values):
                continue
            if len(payloads) >= MAX_FILE_ROWS:
                raise ProductError(f"at most {MAX_FILE_ROWS:,} products a file")
            cell = {f: (values[i] if i < len(values) else "") for f, i in where.items()}
            record: dict[str, Any] = {
                k: v for k, v in cell.items() if k not in ("skin_types", "concerns", "in_stock")
            }
            record["skin_types"] = [SKIN_WORDS.get(s, s) for s in _split(cell.get("skin_types", ""))]
            record["concerns"] = _split(cell.get("concerns", ""))
            record["in_stock"] = (cell.get("in_stock") or "1").strip().lower() not in NO
            payloads.append(record)
            lines.append(line)
    return upsert(payloads, rows=lines)


def picture_key(stored: str) -> str:
    """The file store's key of a product's uploaded picture."""
    return f"products/{stored}"


def set_picture(product: Product, content: bytes) -> None:
    """An uploaded picture for the product: a JPG, PNG or WebP file by its bytes, else refused."""
    if not content or len(content) > IMAGE_MAX:
        raise ProductError("a picture is 1 byte to 5 MB")
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        ext = ".png"
    elif content.startswith(b"\xff\xd8\xff"):
        ext = ".jpg"
    elif content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        ext = ".webp"
    else:
        raise ProductError("not an image: upload a JPG, PNG or WebP picture")
    stored = uuid.uuid4().hex + ext
    mime = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}[ext]
    files().put(picture_key(stored), io.BytesIO(content), mime)
    product.image_path = stored
    db.session.flush()


def search(q: str = "", *, page: int = 1) -> tuple[list[Product], bool]:
    """Active products by name, sku or category, best sellers among guides first."""
    query = select(Product).where(Product.active.is_(True))
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Product.name.like(like, escape="\\"),
                Product.sku.like(like, escape="\\"),
                Product.category.like(like, escape="\\"),
            )
        )
    rows = list(
        db.session.scalars(
            query.order_by(Product.use_count.desc(), Product.id)
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def card(product: Product, *, tracked_url: str | None, image: str) -> dict[str, Any]:
    """The ``sendChatMessage`` payload: a mini-program card, or a news card to the tracked page."""
    if product.mp_page:
        return {
            "msgtype": "miniprogram",
            "miniprogram": {
                "appid": product.mp_appid,
                "title": product.name,
                "imgUrl": image,
                "page": product.mp_page,
            },
        }
    return {
        "msgtype": "news",
        "news": {"link": tracked_url, "title": product.name, "desc": product.category, "imgUrl": image},
    }
