"""Order and member files in from the console: a platform's export (or any file with a mapping an admin
made) read a row at a time, turned into the same records the API takes and stored through the same
``orders.store`` / ``members.upsert``, so a file and the API follow one set of rules.

Rows of one order (a row per item, as JD, Douyin and Youzan export) must be next to each other, as every
platform writes them; they become one order. A bad row is refused with its line number and reason in a
downloadable csv, and so are the other rows of its order (an order is never stored in part), while every
other row goes in. Importing the same file again changes nothing: each order is then "unchanged".

Progress is kept on the job row (the console polls it) and committed after every chunk, so what was read
is stored even if the job stops; a rerun picks the rest up with "unchanged" for what is already in.
After the file the new and updated orders are matched to customers and the profiles recomputed (and
the tables analysed, ``core.analyze``), set-based.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import re
import secrets
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sidebar.core import audit, export, uow
from sidebar.core.analyze import analyze
from sidebar.core.bulk_insert import BackgroundCopy
from sidebar.core.errors import DomainError
from sidebar.core.files import FileMissing, files, local_copy, put_path
from sidebar.core.units import parse_yuan
from sidebar.data import members, oneid, orders, profile
from sidebar.data import status_words as words
from sidebar.data.presets import BUILT_IN, MEMBER_FIELDS, ORDER_FIELDS, Preset
from sidebar.data.schemas import plausible_time
from sidebar.data.sheets import SUFFIXES, Sheet, UnreadableFile, cell, is_protected, open_sheet, unlock
from sidebar.data.xlsx_rows import XlsxRows
from sidebar.extensions import db
from sidebar.guides import attribution
from sidebar.models import AdminAccount, BackgroundJob, ImportMapping, JobStatus, Staff, utcnow

log = logging.getLogger(__name__)
CHUNK = 2000  # orders (or members) stored per statement batch and per progress commit
# Above this many new or changed orders in one file, every unmatched order is matched in one set-based
# pass (the nightly one) rather than the file's orders by id, which stops being cheaper.
MATCH_ALL_AFTER = 50_000
KINDS = {"orders": "import_orders", "members": "import_members"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MissingColumns(DomainError):
    """The file lacks columns the preset needs; ``missing`` maps each field to the headers expected."""

    code = "missing_columns"

    def __init__(self, missing: dict[str, tuple[str, ...]], preset: str):
        self.missing, self.preset = missing, preset
        names = "; ".join(f"{f} ({' / '.join(h) or 'map it by hand'})" for f, h in missing.items())
        super().__init__(f"the file has no column for {names} (preset {preset})")


class RowError(ValueError):
    """One row cannot be read: the reason names the column."""


class RowSkipped(ValueError):
    """A row that is not a sale (not paid yet, or closed before payment): counted, neither stored nor
    refused."""


STORED_NAME = re.compile(r"[0-9a-f]{32}\.(csv|xlsx)|refused-[0-9a-f]{32}\.csv")


def key_of(name: str) -> str:
    """The file store's key for a stored import file, refusing any name that is not one of ours."""
    if not STORED_NAME.fullmatch(name or ""):
        raise FileNotFoundError(name)
    return f"imports/{name}"


def save_upload(stream: Any, filename: str) -> str:
    """Store an uploaded file in the file store under a random name (the name the admin gave is only
    shown, never used as a path), so the job may run on any host; returns the stored name."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile("only .csv and .xlsx files can be imported")
    name = secrets.token_hex(16) + suffix
    files().put(key_of(name), stream, "text/csv" if suffix == ".csv" else XLSX)
    uow.commit_point("the upload is kept: the mapping form, or a job on another host, reads it next")
    return name


@contextmanager
def local_file(name: str) -> Iterator[Path]:
    """The stored file as a temporary file on this host, while it is read."""
    try:
        with local_copy(key_of(name), suffix=Path(name).suffix) as path:
            yield path
    except FileMissing as exc:
        raise FileNotFoundError(name) from exc


def unlock_stored(name: str, password: str) -> None:
    """Decrypt a stored password-protected workbook (a no-op for any other file)."""
    with local_file(name) as path:
        if is_protected(path):
            unlock(path, password)
            put_path(key_of(name), path, XLSX)
            uow.commit_point("the decrypted workbook replaces the protected one for every host")


# --- presets and mappings -------------------------------------------------------------------------


def presets(kind: str) -> list[tuple[str, str]]:
    """(key, label) of every preset and saved mapping for this kind, built-in first."""
    out = [(p.key, p.label) for p in BUILT_IN.values() if p.kind == kind]
    saved = db.session.scalars(
        select(ImportMapping).where(ImportMapping.kind == kind).order_by(ImportMapping.name)
    )
    return out + [(f"mapping:{m.id}", m.name) for m in saved]


def preset(key: str) -> Preset:
    if key in BUILT_IN:
        return BUILT_IN[key]
    if key.startswith("mapping:") and key[8:].isdigit():
        m = db.session.get(ImportMapping, int(key[8:]))
        if m is not None:
            return from_columns(m.kind, m.platform, json.loads(m.columns), label=m.name, key=key)
    raise LookupError(key)


def fields(kind: str) -> tuple[str, ...]:
    return ORDER_FIELDS if kind == "orders" else MEMBER_FIELDS


def from_columns(
    kind: str, platform: str, columns: dict[str, str], *, label: str = "", key: str = "manual"
) -> Preset:
    """A preset from a hand-made mapping (field -> header); status words are the platform's own
    (``data.status_words``), as under its preset, and ours."""
    known = fields(kind)
    return Preset(
        key=key,
        label=label or key,
        kind="orders" if kind == "orders" else "members",
        platform=platform,
        columns={f: (h,) for f, h in columns.items() if f in known and h},
        statuses=words.BY_PLATFORM.get(platform, {}),
        after_sale=words.AFTER_SALE_BY_PLATFORM.get(platform, {}),
    )


def guess_columns(kind: str, headers: list[str], labels: Mapping[str, Any]) -> dict[str, str]:
    """A first pairing of a file's columns with our fields, for the mapping form: a column named as any
    preset names that field (a JD-style 订单号 is the order number whatever the file), or as the field's
    own label (``labels``, as the form shows them). The admin checks and changes it; nothing is
    imported on a guess."""
    present = {h.strip(): h for h in headers if h}
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name in fields(kind):
        names = [n for p in BUILT_IN.values() if p.kind == kind for n in p.columns.get(name, ())]
        names.append(str(labels.get(name, "")))
        for candidate in names:
            header = present.get(candidate.strip())
            if header and header not in taken:
                chosen[name] = header
                taken.add(header)
                break
    return chosen


def save_mapping(name: str, kind: str, platform: str, columns: dict[str, str]) -> ImportMapping:
    name = name.strip()[:64]
    if not name:
        raise ValueError("a mapping needs a name")
    found = db.session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    mapping = found or ImportMapping(name=name)
    mapping.kind, mapping.platform = kind, platform
    mapping.columns = json.dumps({f: h for f, h in columns.items() if h}, ensure_ascii=False)
    db.session.add(mapping)
    db.session.flush()
    return mapping


def resolve(headers: list[str], the: Preset) -> dict[str, int]:
    """Which column each field is in; raises ``MissingColumns`` naming what a required field needs."""
    position = {h: i for i, h in reversed(list(enumerate(headers))) if h}
    found: dict[str, int] = {}
    for name, spellings in the.columns.items():
        for header in spellings:
            if header in position:
                found[name] = position[header]
                break
    missing = {f: the.columns.get(f, ()) for f in the.required if f not in found}
    if missing:
        raise MissingColumns(missing, the.label)
    return found


def phones_on_other_sheets(path: Path, the: Preset) -> dict[str, str]:
    """order number -> phone from another sheet of the workbook: the newer 千牛 订单报表 may keep the
    buyers' phones on a sheet of their own (订单编号 and a phone column) rather than beside the orders."""
    if path.suffix.lower() != ".xlsx":
        return {}
    try:
        first = XlsxRows(path)
    except Exception:  # noqa: BLE001 - the order sheet opened; a side sheet that does not is just absent
        return {}
    count = first.sheets
    first.close()
    for index in range(1, count):
        book = XlsxRows(path, index)
        try:
            rows = ((n, [cell(v) for v in values]) for n, values in book.rows())
            headers = next((values for _, values in rows if any(values)), [])
            at = {h: i for i, h in reversed(list(enumerate(headers))) if h}
            order_col = next((at[h] for h in the.columns.get("order_no", ()) if h in at), None)
            phone_col = next((at[h] for h in the.columns.get("phone", ()) if h in at), None)
            if order_col is None or phone_col is None:
                continue
            found: dict[str, str] = {}
            for _, values in rows:
                if max(order_col, phone_col) < len(values) and values[order_col] and values[phone_col]:
                    found[values[order_col]] = values[phone_col]
            return found
        finally:
            book.close()
    return {}


# --- reading rows ---------------------------------------------------------------------------------

_TIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?$"
)


def parse_time(text: str) -> datetime | None:
    """ "2026-11-20 10:00:00", "2026/9/1 14:05", "2026年9月1日" (the brand's local time)."""
    if len(text) == 19 and text[4] == text[7] == "-" and text[10] == " " and text[13] == text[16] == ":":
        try:  # the shape every platform exports, read by C (this runs for every row of a file)
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    m = _TIME.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def parse_amount(text: str) -> int | None:
    """ "¥1,299.00", "399", "399元" to fen; None if it is not an amount."""
    cleaned = text.replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    return parse_yuan(cleaned, allow_zero=True) if cleaned else None


def _yuan_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


# How one cell lists several products (Youzan's 全部商品名称).
ITEM_SEPARATORS = re.compile(r"[;；\n]+")

# A phone as people write one, masked or not (138****5678, +86 139-…); anything else is not a phone.
READABLE_PHONE = re.compile(r"[0-9+*() -]{3,24}")
# A mainland mobile inside a Tmall address ("周*，86-13900000001，江苏省…"), masked or not.
PHONE_IN_ADDRESS = re.compile(r"(?<![0-9])(?:86-)?(1[0-9]{2}[0-9*]{4}[0-9]{4})(?![0-9])")


@dataclass
class Line:
    """One order row, read: what it says about its order and its item."""

    paid_at: datetime
    total: int
    status: str
    refund: int
    buyer: dict[str, str]
    store_code: str | None
    items: list[dict[str, Any]]


class Reader:
    """Reads one order row with a preset's columns, naming the column in every complaint."""

    def __init__(self, the: Preset, columns: dict[str, int], headers: list[str]):
        self.the, self.columns, self.headers = the, columns, headers
        self.dropped_phones = 0
        self.phones_by_order: dict[str, str] = {}  # from another sheet of the workbook, when there is one

    def get(self, values: list[str], name: str) -> str:
        i = self.columns.get(name)
        return values[i] if i is not None and i < len(values) else ""

    def header(self, name: str) -> str:
        i = self.columns.get(name)
        return self.headers[i] if i is not None else name

    def amount(self, values: list[str], name: str, *, required: bool = False) -> int | None:
        text = self.get(values, name)
        if not text:
            if required:
                raise RowError(f"{self.header(name)}: empty")
            return None
        fen = parse_amount(text)
        if fen is None:
            raise RowError(f"{self.header(name)}: “{text[:32]}” is not an amount in yuan")
        return fen

    def status(self, values: list[str]) -> str:
        word = self.get(values, "status")
        if word in words.UNPAID:
            raise RowSkipped(f"{self.header('status')}: “{word}”, not paid yet")
        status = self.the.statuses.get(word) or words.COMMON.get(word) or ("paid" if not word else None)
        if status is None:
            raise RowError(f"{self.header('status')}: unknown status “{word[:32]}”")
        after = self.get(values, "after_sale")
        return self.the.after_sale.get(after, status)

    def line(self, values: list[str]) -> Line:
        # The status first: an order not paid yet has no payment time either, and says so in words.
        status = self.status(values)
        text = self.get(values, "paid_at")
        if not text and status == words.CANCELLED:
            raise RowSkipped(f"{self.header('status')}: closed before it was paid")
        if not text:
            raise RowError(f"{self.header('paid_at')}: empty, so the order is not paid yet")
        paid_at = parse_time(text)
        if paid_at is None:
            raise RowError(f"{self.header('paid_at')}: “{text[:32]}” is not a date and time")
        try:
            plausible_time(paid_at)
        except ValueError as exc:
            raise RowError(f"{self.header('paid_at')}: “{text[:32]}” {exc}") from exc
        total = self.amount(values, "total_amount", required=True) or 0
        refund = self.amount(values, "refund_amount") or 0
        buyer = {
            key: self.get(values, name)
            for key, name in (
                ("phone", "phone"),
                ("member_no", "member_no"),
                ("platform_buyer_id", "buyer_id"),
                ("unionid", "unionid"),
            )
            if self.get(values, name)
        }
        if "phone" not in buyer and self.phones_by_order:
            on_other_sheet = self.phones_by_order.get(self.get(values, "order_no"))
            if on_other_sheet:
                buyer["phone"] = on_other_sheet
        if "phone" not in buyer and (address := self.get(values, "address")):
            found = PHONE_IN_ADDRESS.search(address)
            if found:
                buyer["phone"] = found.group(1)
        phone = buyer.get("phone")
        if phone and not READABLE_PHONE.fullmatch(phone):
            # Douyin's encrypted phones ($$…$$, long ciphertext) and the like: the order is kept, the
            # phone is not (nothing could match it), and the job counts it.
            del buyer["phone"]
            self.dropped_phones += 1
        if "*" in buyer.get("platform_buyer_id", ""):
            # A masked buyer id (t**8) is many strangers' at once: never used to join orders.
            del buyer["platform_buyer_id"]
        sku, name = self.get(values, "sku"), self.get(values, "item_name")
        items: list[dict[str, Any]] = []
        if not (sku or name) and (names := self.get(values, "item_names")):
            # Youzan's order export: every product in one cell, no prices — kept as named, price unknown.
            items = [
                {
                    "sku": n[:64],
                    "name": n[:255],
                    "category": "",
                    "quantity": 1,
                    "price": None,
                    "priced": False,
                }
                for n in (part.strip() for part in ITEM_SEPARATORS.split(names))
                if n
            ]
        if sku or name:
            quantity_text = self.get(values, "quantity") or "1"
            if not quantity_text.isdigit() or int(quantity_text) < 1:
                raise RowError(f"{self.header('quantity')}: “{quantity_text[:16]}” is not a quantity")
            quantity = int(quantity_text)
            price = self.amount(values, "price")
            items = [
                {
                    "sku": (sku or name)[:64],
                    "name": (name or sku)[:255],
                    "category": self.get(values, "category")[:32],
                    "quantity": quantity,
                    "price": price if price is not None else None,
                    "priced": True,
                }
            ]
        return Line(paid_at, total, status, refund, buyer, self.get(values, "store_code") or None, items)


@dataclass(frozen=True)
class Skipped:
    """A row that is not a sale, and why (``RowSkipped``)."""

    why: str


@dataclass
class Group:
    """The rows of one order: (line number, the row's cells, what it says, why it cannot be read, or
    why it is not a sale)."""

    order_no: str
    rows: list[tuple[int, list[str], Line | str | Skipped]] = field(default_factory=list)

    def refusals(self, paid_at_header: str = "paid_at") -> list[tuple[int, list[str], str]]:
        """Nothing if every row reads; else every row with why it is refused (an order is never stored
        in part: a good row of it names the bad one). Rows of one order that disagree on when it was paid
        are two orders whose numbers Excel rounded to one ("6917930000000000000"): never merged."""
        times = {r.paid_at for _, _, r in self.rows if isinstance(r, Line)}
        if len(times) > 1:
            why = (
                f"the rows of order “{self.order_no[:32]}” disagree on {paid_at_header}: they are different "
                "orders whose numbers lost their last digits when the file was saved in Excel. Download the "
                "export again and import it without saving it in Excel (or set that column to text first)."
            )
            return [(n, values, why) for n, values, _ in self.rows]
        first_bad = next((n for n, _, r in self.rows if isinstance(r, str)), None)
        if first_bad is None:
            return []
        return [
            (n, values, r if isinstance(r, str) else f"line {first_bad} of the same order was refused")
            for n, values, r in self.rows
        ]

    @property
    def skipped(self) -> int:
        return sum(1 for _, _, r in self.rows if isinstance(r, Skipped))

    @property
    def lines(self) -> list[Line]:
        return [r for _, _, r in self.rows if isinstance(r, Line)]


def combined_status(statuses: list[str], total: int, refund: int) -> str:
    """One order's status from all its rows (sub-orders, items): cancelled or refunded only when every
    part is; otherwise as far as its least advanced live part, and partly refunded when some of it was
    refunded. A closed order with money back (Tmall 交易关闭 with 退款金额) was paid: refunded."""
    live = [s for s in statuses if s in words.PROGRESS]
    backed = refund > 0 or any(s in (words.REFUNDED, words.PARTLY) for s in statuses)
    if not live:
        if not backed:
            return words.CANCELLED
        return words.PARTLY if 0 < refund < total or words.PARTLY in statuses else words.REFUNDED
    status = min(live, key=words.PROGRESS.__getitem__)
    if backed:
        return words.PARTLY if refund < total or refund == 0 else words.REFUNDED
    return status


def _line_refund(line: Line) -> int:
    """A sub-order's refund: its refund column, else all of it when its status says refunded."""
    return line.refund or (line.total if line.status == words.REFUNDED else 0)


def payload(group: Group, the: Preset) -> dict[str, Any]:
    """The order the API would have been sent for these rows."""
    lines = group.lines
    first = lines[0]
    if the.total == "sum":  # each row a sub-order with its own amount and refund
        total = sum(x.total for x in lines)
        refund = sum(_line_refund(x) for x in lines)
    else:  # the order's amounts repeated on each row
        total, refund = first.total, first.refund
    status = combined_status([x.status for x in lines], total, refund)
    items = []
    for x in lines:
        for item in x.items:
            price = item["price"]
            if (
                price is None and item["priced"]
            ):  # an order row without a unit price: its amount over its quantity
                price = x.total // item["quantity"]
            fields = {k: v for k, v in item.items() if k != "priced"}
            items.append({**fields, "price": _yuan_text(price) if price is not None else None})
    buyer: dict[str, str] = {}
    for x in lines:
        for key, value in x.buyer.items():
            buyer.setdefault(key, value)
    return {
        "platform": the.platform,
        "order_no": group.order_no,
        "status": status,
        "paid_at": first.paid_at,  # read already; the API's form would be its isoformat()
        "total_amount": _yuan_text(total),
        "refund_amount": _yuan_text(min(refund, total) if status != "refunded" else total),
        "store_code": first.store_code,
        "items": items,
        "buyer": buyer,
    }


def member_payload(values: list[str], reader: Reader) -> dict[str, Any]:
    get = lambda name: reader.get(values, name) or None  # noqa: E731
    points = get("points")
    if points is not None and not points.isdigit():
        raise RowError(f"{reader.header('points')}: “{points[:16]}” is not a number of points")
    birthday_text = get("birthday")
    birthday = parse_time(birthday_text) if birthday_text else None
    if birthday_text and birthday is None:
        raise RowError(f"{reader.header('birthday')}: “{birthday_text[:16]}” is not a date")
    out: dict[str, Any] = {
        "member_no": get("member_no"),
        "phone": get("phone"),
        "unionid": get("unionid"),
        "name": get("name"),
        "level": get("level"),
        "points": int(points) if points is not None else None,
        "birthday": birthday.date().isoformat() if birthday else None,
        "skin_type": SKIN_WORDS.get(get("skin_type") or "", get("skin_type")),
        "store_code": get("store_code"),
    }
    return {k: v for k, v in out.items() if v is not None}


SKIN_WORDS = {"干性": "dry", "油性": "oily", "混合性": "combination", "中性": "normal", "敏感性": "sensitive"}


# --- the job --------------------------------------------------------------------------------------


def start(
    kind: str, stored: str, original: str, the: Preset, *, staff_id: int | None, admin_id: int | None
) -> BackgroundJob:
    """The job row, committed at once (its worker reads it from a session of its own)."""
    job = BackgroundJob(
        kind=KINDS[kind],
        params=json.dumps(
            {
                "file": stored,
                "original": Path(original or "").name[:128],
                "preset": the.key,
                "platform": the.platform,
                "columns": {f: list(h) for f, h in the.columns.items()},
                "statuses": the.statuses,
                "after_sale": the.after_sale,
                "total": the.total,
                "sum_if": list(the.sum_if),
                "label": the.label,
            },
            ensure_ascii=False,
        ),
        total=1000,  # per mille of the file read
        staff_id=staff_id,
        admin_account_id=admin_id,
    )
    db.session.add(job)
    uow.commit_point("the import's worker reads its row from its own session")
    return job


def _preset_of(job: BackgroundJob) -> Preset:
    p = json.loads(job.params)
    return Preset(
        sum_if=tuple(p.get("sum_if") or ()),
        key=p["preset"],
        label=p["label"],
        kind="orders" if job.kind == KINDS["orders"] else "members",
        platform=p["platform"],
        columns={f: tuple(h) for f, h in p["columns"].items()},
        statuses=p["statuses"],
        after_sale=p["after_sale"],
        total=p["total"],
    )


@dataclass
class Counts:
    rows: int = 0
    orders: int = 0  # orders the rows made (before storing: created + updated + unchanged + refused ones)
    merged: int = 0  # rows that joined another row's order (a row per item or sub-order)
    skipped_unpaid: int = 0  # rows of orders not paid (yet), or closed before payment: not sales
    dropped_phones: int = 0  # phones no one could match (Douyin's ciphertext): the orders kept without
    # the file has no status or refund column (Youzan's item export): orders we hold keep theirs
    without_status: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0  # rows
    refused_by_reason: dict[str, int] = field(default_factory=dict)  # reason, values left out -> rows
    refused_file: str | None = None
    # seconds spent reading and storing the rows, and then matching and recomputing (benchmarks)
    storing_s: float = 0.0
    settling_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "refused_by_reason": dict(self.refused_by_reason)}


_QUOTED = re.compile(r"“[^”]*”")


def reason_kind(reason: str) -> str:
    """A refusal's reason without the row's own values: what the job's report counts rows by."""
    return _QUOTED.sub("“…”", reason)[:160]


class Refusals:
    """The refused rows' csv (line, reason, the row as it was), opened on the first refusal."""

    def __init__(self, headers: list[str]):
        self.headers = headers
        self.name: str | None = None
        self._file: Any = None
        self._writer: Any = None

    def add(self, line_no: int, reason: str, values: list[str]) -> None:
        if self._writer is None:
            self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed, and stored, in close)
                "w", encoding="utf-8-sig", newline="", suffix=".csv", delete=False
            )
            self._writer = export.CsvWriter(self._file)
            self._writer.writerow(["行号 line", "原因 reason", *self.headers])
        self._writer.writerow([line_no, reason, *values])

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()

    def store(self) -> str | None:
        """Into the file store (so any host serves the download), then off this host's disk; the stored
        name, or None when no row was refused (committed with the job's outcome)."""
        self.close()
        if self._file is None:
            return None
        local = Path(self._file.name)
        try:
            name = f"refused-{secrets.token_hex(16)}.csv"
            put_path(key_of(name), local, "text/csv")
            self.name = name
            return name
        finally:
            local.unlink(missing_ok=True)


def run(job_id: int) -> Counts:
    """Read the job's file into orders or members; progress and counts on the job row as it goes."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.status != JobStatus.QUEUED.value:
        return Counts()
    job.status = JobStatus.RUNNING.value
    uow.commit_point("the console shows the import running")
    the = _preset_of(job)
    params = json.loads(job.params)
    counts = Counts()
    refusals: Refusals | None = None
    try:
        with local_file(params["file"]) as path, open_sheet(path) as sheet:
            if any(h in sheet.headers for h in the.sum_if):
                the = dataclasses.replace(the, total="sum")
            columns = resolve(sheet.headers, the)
            reader = Reader(the, columns, sheet.headers)
            if the.kind == "orders" and not {"phone", "address"} & set(columns):
                reader.phones_by_order = phones_on_other_sheets(path, the)
            refusals = Refusals(sheet.headers)
            try:
                step = _orders if the.kind == "orders" else _members
                step(job, sheet, reader, refusals, counts)
            finally:
                refusals.close()
        counts.refused_file = refusals.store()
    except (DomainError, FileNotFoundError) as exc:
        return _failed(job_id, str(exc), counts, refusals)
    except Exception as exc:  # the database went away, a disk filled: say so rather than "running"
        log.exception("import %s stopped", job_id)
        why = f"the import stopped ({type(exc).__name__}); import the file again"
        return _failed(job_id, why, counts, refusals)
    job.status, job.done, job.finished_at = JobStatus.DONE.value, job.total, utcnow()
    job.result = json.dumps(counts.as_dict())
    owner: Staff | AdminAccount | str = (
        db.session.get(Staff, job.staff_id)
        if job.staff_id
        else db.session.get(AdminAccount, job.admin_account_id)
        if job.admin_account_id
        else None
    ) or "system"
    audit.record(
        owner,
        f"data.import_{the.kind}",
        "job",
        job.id,
        file=params["original"],
        preset=the.label,
        **{k: v for k, v in counts.as_dict().items() if k != "refused_file"},
    )
    return counts


def _failed(job_id: int, why: str, counts: Counts, refusals: Refusals | None = None) -> Counts:
    """The chunks committed so far stay (a rerun finds them unchanged); the job says why it stopped, and
    the rows refused until then can still be downloaded."""
    uow.discard()
    if refusals is not None:
        counts.refused_file = refusals.store()
    job = db.session.get(BackgroundJob, job_id)
    assert job is not None
    job.status, job.error = JobStatus.FAILED.value, why
    job.result, job.finished_at = json.dumps(counts.as_dict()), utcnow()
    return counts


def _progress(job: BackgroundJob, sheet: Sheet, counts: Counts) -> None:
    job.done = min(int(sheet.progress() * 1000), 999)
    job.result = json.dumps(counts.as_dict())
    uow.commit_point("a chunk of the file is stored; the console polls the progress")


# An order number as Excel writes a long one back: 6.91793E+18.
EXPONENT = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")


def _refuse(counts: Counts, refusals: Refusals, line_no: int, reason: str, values: list[str]) -> None:
    refusals.add(line_no, reason, values)
    counts.refused += 1
    kind = reason_kind(reason)
    counts.refused_by_reason[kind] = counts.refused_by_reason.get(kind, 0) + 1


def _groups(sheet: Sheet, reader: Reader, counts: Counts, refusals: Refusals) -> Iterator[Group]:
    """The file's orders, each the run of rows with one order number."""
    seen: set[int] = set()  # hashes of finished orders' numbers: rows of one order must be together
    group: Group | None = None
    for line_no, values in sheet.rows():
        if not any(values):
            continue
        counts.rows += 1
        order_no = reader.get(values, "order_no")
        if not order_no:
            _refuse(counts, refusals, line_no, f"{reader.header('order_no')}: empty", values)
            continue
        if EXPONENT.fullmatch(order_no):
            # Excel read the long numbers as numbers and saved them rounded: two orders may now share
            # one "number". Never merged: each such row is refused, saying how to get the file whole.
            _refuse(
                counts,
                refusals,
                line_no,
                f"{reader.header('order_no')}: “{order_no[:32]}” is in scientific notation — Excel rounded "
                "the order numbers when the file was saved. Download the export again and import it "
                "without saving it in Excel (or set that column to text first).",
                values,
            )
            continue
        if group is None or group.order_no != order_no:
            if group is not None:
                seen.add(hash(group.order_no))
                yield group
            if hash(order_no) in seen:
                _refuse(
                    counts,
                    refusals,
                    line_no,
                    f"{reader.header('order_no')}: “{order_no[:64]}” appeared earlier in the file; "
                    "the rows of one order must be next to each other",
                    values,
                )
                group = None
                continue
            group = Group(order_no)
        try:
            parsed: Line | str | Skipped = reader.line(values)
        except RowSkipped as exc:
            parsed = Skipped(str(exc))
        except RowError as exc:
            parsed = str(exc)
        group.rows.append((line_no, values, parsed))
    if group is not None:
        yield group


# A file with none of these says nothing about cancellations and refunds (Youzan's item export): its
# orders are stored as paid when new, and keep the status and refund another file gave when we hold them.
STATUS_FIELDS = {"status", "refund_amount", "after_sale"}


def _orders(job: BackgroundJob, sheet: Sheet, reader: Reader, refusals: Refusals, counts: Counts) -> None:
    the = reader.the
    touched: set[int] = set()
    changed_ids: list[int] = []
    many = False
    pending: list[Group] = []
    knows_status = bool(STATUS_FIELDS & set(reader.columns))
    counts.without_status = not knows_status

    def flush() -> None:
        nonlocal many
        good = []
        for g in pending:
            refused = g.refusals(reader.header("paid_at"))
            if not refused:
                counts.skipped_unpaid += g.skipped
                if g.lines:
                    good.append(g)
                    counts.orders += 1
                    counts.merged += len(g.lines) - 1
            for n, values, reason in refused:
                _refuse(counts, refusals, n, reason, values)
        if good:
            stored = orders.store(
                [payload(g, the) for g in good], match=False, copier=copier, knows_status=knows_status
            )
            for g, outcome in zip(good, stored.outcomes, strict=True):
                if outcome.result == "refused":
                    for n, values, _ in g.rows:
                        _refuse(counts, refusals, n, outcome.reason or "refused", values)
                else:
                    setattr(counts, outcome.result, getattr(counts, outcome.result) + 1)
            touched.update(stored.customers)
            if not many:
                changed_ids.extend(stored.order_ids)
                many = len(changed_ids) > MATCH_ALL_AFTER
        pending.clear()
        _progress(job, sheet, counts)

    started = time.monotonic()
    # On PostgreSQL new orders are copied in by a thread of their own while the next chunk is read.
    copier = BackgroundCopy(db.engine) if db.engine.dialect.name == "postgresql" else None
    try:
        with _rare_collections():
            for group in _groups(sheet, reader, counts, refusals):
                pending.append(group)
                if len(pending) >= CHUNK:
                    flush()
            flush()
    finally:
        if copier is not None:
            copier.close()  # every order stored (or what stopped it raised) before matching starts
    counts.dropped_phones = reader.dropped_phones
    counts.storing_s = round(time.monotonic() - started, 1)
    started = time.monotonic()
    _settle(many, changed_ids, touched)
    counts.settling_s = round(time.monotonic() - started, 1)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Python's cycle collector made rarer while a file is stored: a million rows allocate tens of
    millions of short-lived objects (freed at once by reference counting), and each collection of the
    oldest generation walks every long-lived object of the app again — a third of the reading time.
    Collected once at the end instead; memory stays flat (measured by ``bench/imports.py``)."""
    before = gc.get_threshold()
    gc.freeze()  # what was alive before the file is not walked again
    gc.set_threshold(before[0] * 50, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
        gc.collect()


def _settle(many: bool, changed_ids: list[int], touched: set[int]) -> None:
    """Match what came in, then recompute profiles: everyone's in one pass, RFM included, since the
    brand's quintiles move when some customers buy (the pass writes only the rows that change)."""
    analyze("orders", "order_items")  # a big file changes the statistics the next statements plan on
    if many:
        profile.refresh_everything()
        attribution.recompute()  # every order's guide in one pass: the file's are credited today
    else:
        touched |= oneid.match_orders(changed_ids)
        if touched:
            profile.recompute(touched, rfm=True)


def _members(job: BackgroundJob, sheet: Sheet, reader: Reader, refusals: Refusals, counts: Counts) -> None:
    touched: set[int] = set()
    pending: list[tuple[int, list[str], dict[str, Any]]] = []

    def flush() -> None:
        if pending:
            outcomes, customers = members.upsert([p for _, _, p in pending])
            touched.update(customers)
            for (n, values, _), outcome in zip(pending, outcomes, strict=True):
                if outcome.result == "refused":
                    _refuse(counts, refusals, n, outcome.reason or "refused", values)
                else:
                    setattr(counts, outcome.result, getattr(counts, outcome.result) + 1)
        pending.clear()
        _progress(job, sheet, counts)

    for line_no, values in sheet.rows():
        if not any(values):
            continue
        counts.rows += 1
        try:
            pending.append((line_no, values, member_payload(values, reader)))
        except RowError as exc:
            _refuse(counts, refusals, line_no, str(exc), values)
        if len(pending) >= CHUNK:
            flush()
    flush()
    analyze("members")
    if touched:
        profile.recompute(touched)


def recent(limit: int = 20) -> list[BackgroundJob]:
    return list(
        db.session.scalars(
            select(BackgroundJob)
            .where(BackgroundJob.kind.in_(KINDS.values()))
            .order_by(BackgroundJob.id.desc())
            .limit(limit)
        )
    )
