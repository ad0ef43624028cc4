"""Reading order and member files as platforms export them, a row at a time (never the whole file in
memory): csv in UTF-8 (with or without BOM) or GB18030, the encoding Chinese Excel saves by default;
xlsx through ``xlsx_rows`` (its XML read as a stream). Cells come back as stripped text, with the
guards exports add to keep long numbers from Excel undone (``="123…"``, a leading apostrophe or tab)."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from flask_babel import gettext as _

from sidebar.core.errors import DomainError
from sidebar.data.xlsx_rows import XlsxRows

SUFFIXES = (".csv", ".xlsx")


class UnreadableFile(DomainError):
    code = "unreadable_file"


def cell(value: Any) -> str:
    """A cell as text: numbers without float noise, dates in ISO form, export guards removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text.lstrip("'\t").strip()


def text_cell(value: str) -> str:
    """``cell`` for a csv's cells, which are always text: most need only their spaces stripped (this
    runs for every cell of a million-row file)."""
    text = value.strip()
    return cell(text) if text[:1] in ("=", "'") else text


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from it: progress through a csv."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.read_bytes = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.read_bytes += n or 0
        return n or 0


def _encoding_and_delimiter(path: Path) -> tuple[str, str]:
    """UTF-8 if the first 64 KiB decode as UTF-8 (a cut multibyte character at the end is fine),
    otherwise GB18030 (a superset of GBK and GB2312); and the delimiter the header line uses most of
    comma, tab and semicolon (tills and some Excel locales save "csv" with tabs or semicolons)."""
    with path.open("rb") as f:
        head = f.read(65536)
    try:
        text, encoding = codecs.getincrementaldecoder("utf-8")().decode(head, final=False), "utf-8-sig"
    except UnicodeDecodeError:
        text, encoding = head.decode("gb18030", errors="replace"), "gb18030"
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",\t;", key=header.count)
    return encoding, delimiter if header.count(delimiter) else ","


@dataclass
class Sheet:
    """An open file: its header row, then ``rows()`` as (line number, cells); ``progress()`` in 0–1."""

    path: Path
    headers: list[str]
    _rows: Iterator[tuple[int, list[str]]]
    _progress: Any
    _close: Any

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def progress(self) -> float:
        return float(self._progress())

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_row(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    for _line, values in rows:
        if any(values):
            return values
    raise UnreadableFile("the file has no header row")


# An OLE compound file: what a password-protected .xlsx really is (JD's order exports and Taobao's 已卖出的
# 宝贝 export arrive so, the password sent by SMS); a plain .xlsx is a zip ("PK").
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


class PasswordNeeded(UnreadableFile):
    """A password-protected workbook: the upload must give its password."""


class WrongPassword(UnreadableFile):
    """The password given does not open the workbook."""


def is_protected(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(8) == OLE_MAGIC


def unlock(path: Path, password: str) -> None:
    """Decrypt a password-protected workbook in place (ECMA-376 encryption, ``msoffcrypto-tool``); a wrong
    password or a file that is no protected workbook is ``UnreadableFile`` saying so."""
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

    plain = path.with_suffix(".plain")
    try:
        with path.open("rb") as f:
            office = msoffcrypto.OfficeFile(f)
            if not office.is_encrypted():
                raise UnreadableFile(
                    "the file is an old .xls workbook, not a protected .xlsx: save it as .xlsx"
                )
            office.load_key(password=password)
            with plain.open("wb") as out:
                office.decrypt(out)
    except InvalidKeyError as exc:
        plain.unlink(missing_ok=True)
        raise WrongPassword("the password does not open this workbook: check the SMS and try again") from exc
    except (DecryptionError, FileFormatError, OSError, ValueError) as exc:
        plain.unlink(missing_ok=True)
        raise UnreadableFile(f"the protected workbook cannot be opened ({type(exc).__name__})") from exc
    plain.replace(path)


def open_sheet(path: Path) -> Sheet:
    """Open a csv or xlsx file at its header row (the first row that is not empty)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _open_csv(path)
    if suffix == ".xlsx":
        if is_protected(path):
            raise PasswordNeeded(
                "the workbook is protected by a password (JD and Taobao send it by SMS when you export): "
                "give the password with the file"
            )
        return _open_xlsx(path)
    raise UnreadableFile("only .csv and .xlsx files can be imported")


# A cell may be long (a product description); one far past this is a broken or hostile file, refused
# with its row rather than stopping the whole file (Python's csv module stops at 128 KiB by default).
CELL_MAX = 4 * 1024 * 1024


def _looks_binary(path: Path) -> bool:
    """A csv is text: NUL bytes at its start mean a workbook, an image or an archive renamed .csv."""
    with path.open("rb") as f:
        return b"\x00" in f.read(8192)


def _open_csv(path: Path) -> Sheet:
    if _looks_binary(path):
        raise UnreadableFile(
            _(
                "This is not a csv text file (it looks like a workbook or another binary file renamed "
                ".csv). Export it again as csv, or upload the .xlsx."
            )
        )
    csv.field_size_limit(CELL_MAX)
    size = max(path.stat().st_size, 1)
    raw = path.open("rb")
    counting = _Counting(raw)
    encoding, delimiter = _encoding_and_delimiter(path)
    fed = 0  # lines handed to the csv reader: where an undecodable line is

    def text() -> Iterator[str]:
        # Decoded a line at a time (no multibyte GB18030 or UTF-8 character contains a newline byte),
        # so a line that is not text is named exactly.
        nonlocal fed
        for raw_line in io.BufferedReader(counting):
            fed += 1
            yield raw_line.decode(encoding if fed == 1 else encoding.removesuffix("-sig"))

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(text(), delimiter=delimiter)
        try:
            for values in reader:
                yield reader.line_num, [text_cell(v) for v in values]
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _(
                    "Line %(line)s cannot be read: the file is neither UTF-8 nor GB18030 text. Open it in "
                    "Excel and save it again as CSV (UTF-8).",
                    line=fed,
                )
            ) from exc
        except csv.Error as exc:  # the record being read when it broke ends on ``line_num``
            raise UnreadableFile(
                _(
                    "Line %(line)s cannot be read as csv (a quote is not closed, or a cell is over "
                    "%(mb)s MB). Check that line in the file.",
                    line=max(reader.line_num, 1),
                    mb=CELL_MAX // (1024 * 1024),
                )
            ) from exc

    it = rows()
    try:
        headers = _first_row(it)
    except Exception:
        raw.close()
        raise
    return Sheet(path, headers, it, lambda: counting.read_bytes / size, raw.close)


def _open_xlsx(path: Path) -> Sheet:
    # What a zip that is not a workbook, a damaged one or one with a DTD raises.
    broken = (zipfile.BadZipFile, ParseError, ValueError, IndexError, EOFError, OSError)
    try:
        book = XlsxRows(path)
    except broken as exc:
        raise UnreadableFile("the file is not a readable .xlsx workbook") from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = 0
        try:
            for last, values in book.rows():  # noqa: B007  (``last`` names where it broke)
                yield last, [cell(v) for v in values]
        except broken as exc:
            raise UnreadableFile(f"the workbook cannot be read after row {last}") from exc

    it = rows()
    try:
        headers = _first_row(it)
    except Exception:
        book.close()
        raise
    return Sheet(path, headers, it, book.progress, book.close)
