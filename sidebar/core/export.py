"""Every spreadsheet and csv file the app writes goes through here, so no cell is a live formula.

Text from WeCom, customers and integrations (a nickname, a red packet's reason, an order number, a
script) may begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; a spreadsheet opening the
file would run it (OWASP, "CSV Injection"). In a workbook such text is stored as text (never as a
formula); in a csv it is given a leading apostrophe, as OWASP advises, which our own readers drop again
(``data.sheets.cell``), so an exported file imports back as it was. Numbers, dates and empty cells are
written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_cell(value: Any) -> Any:
    """A value as a csv may carry it: text that a spreadsheet would run gets a leading apostrophe."""
    return "'" + value if _risky(value) else value


class CsvWriter:
    """``csv.writer`` whose every cell passes ``csv_cell``."""

    def __init__(self, stream: IO[str]):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def sheet_row(sheet: Any, row: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append``: text that a spreadsheet would run becomes a text cell (openpyxl would
    otherwise store a string beginning with ``=`` as a formula)."""
    out: list[Any] = []
    for value in row:
        if _risky(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out


def append(sheet: Any, row: Iterable[Any]) -> None:
    """``sheet.append(row)`` with ``sheet_row``'s guard."""
    sheet.append(sheet_row(sheet, row))


def csv_value(text: str) -> str:
    """A csv cell as written, read back: the apostrophe ``csv_cell`` added is dropped again."""
    return text[1:] if text.startswith("'") and text[1:].startswith(TRIGGERS) else text
