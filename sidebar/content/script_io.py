"""Company and team scripts in and out of spreadsheets (xlsx or csv).

Columns: id, scope, team, group, title, order, body. Import checks every row first and reports each bad
one with its reason; one bad row and nothing is imported. A row with the id of an existing script
updates it, a row without an id adds one, so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from sidebar.content.scripts import BODY_MAX
from sidebar.core import export
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import Scope, Script, Team

COLUMNS = ["id", "scope", "team", "group", "title", "order", "body"]
MAX_ROWS = 10_000


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    reason: str


class ImportRefused(DomainError):
    """Some rows are wrong; nothing was imported. ``errors`` says which and why."""

    code = "import_refused"

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


def managed() -> Any:
    return (
        select(Script)
        .where(Script.scope.in_([Scope.ENTERPRISE.value, Scope.TEAM.value]))
        .order_by(Script.scope, Script.team_id, Script.order.desc(), Script.id)
    )


def rows_for_export() -> list[list[Any]]:
    teams = {t.id: t.name for t in db.session.scalars(select(Team))}
    return [
        [s.id, s.scope, teams.get(s.team_id, "") if s.team_id else "", s.group_name, s.title, s.order, s.body]
        for s in db.session.scalars(managed())
    ]


def export_xlsx() -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "scripts"
    export.append(sheet, COLUMNS)
    for row in rows_for_export():
        export.append(sheet, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_csv() -> bytes:
    out = io.StringIO()
    writer = export.CsvWriter(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows_for_export())
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _read(filename: str, content: bytes) -> list[list[Any]]:
    if filename.lower().endswith(".xlsx"):
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
            raise ImportRefused([RowError(0, f"not a readable xlsx file ({type(exc).__name__})")]) from exc
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
        return rows
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused([RowError(0, "the csv file must be UTF-8")]) from exc
        return [[export.csv_value(v) for v in r] for r in csv.reader(io.StringIO(text))]
    raise ImportRefused([RowError(0, "the file must be .xlsx or .csv")])


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def import_file(filename: str, content: bytes) -> dict[str, int]:
    """Validate every row, then apply all of them (flushes), or raise ``ImportRefused`` and change nothing."""
    rows = _read(filename, content)
    if not rows or [_text(c).lower() for c in rows[0][: len(COLUMNS)]] != COLUMNS:
        raise ImportRefused([RowError(1, "the first row must be the headings: " + ", ".join(COLUMNS))])
    body_rows = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(_text(c) for c in r)]
    if len(body_rows) > MAX_ROWS:
        raise ImportRefused([RowError(0, f"at most {MAX_ROWS} rows in one file")])
    teams = {t.name: t.id for t in db.session.scalars(select(Team))}
    existing = {s.id: s for s in db.session.scalars(managed())}
    errors: list[RowError] = []
    plans: list[tuple[Script | None, dict[str, Any]]] = []
    seen_ids: set[int] = set()
    for n, raw in body_rows:
        cells = (list(raw) + [None] * len(COLUMNS))[: len(COLUMNS)]
        id_text, scope, team, group, title, order_text, body = (_text(c) for c in cells)
        reasons = []
        script = None
        if id_text:
            try:
                script_id = int(float(id_text))
            except ValueError:
                script_id = -1
            script = existing.get(script_id)
            if script is None:
                reasons.append(f"id {id_text} is not a company or team script")
            elif script_id in seen_ids:
                reasons.append(f"id {id_text} appears twice")
            seen_ids.add(script_id)
        if scope not in (Scope.ENTERPRISE.value, Scope.TEAM.value):
            reasons.append("scope must be enterprise or team")
        team_id = None
        if scope == Scope.TEAM.value:
            team_id = teams.get(team)
            if team_id is None:
                reasons.append(f"no team called {team!r}" if team else "a team script needs a team")
        elif team:
            reasons.append("an enterprise script has no team")
        if not body:
            reasons.append("body is empty")
        elif len(body) > BODY_MAX:
            reasons.append(f"body is longer than {BODY_MAX} characters")
        if len(title) > 64 or len(group) > 32:
            reasons.append("title (64) or group (32) too long")
        try:
            order = int(float(order_text)) if order_text else 0
        except ValueError:
            reasons.append("order must be a whole number")
            order = 0
        if reasons:
            errors.append(RowError(n, "; ".join(reasons)))
        else:
            plans.append(
                (
                    script,
                    {
                        "scope": scope,
                        "team_id": team_id,
                        "group_name": group,
                        "title": title,
                        "order": order,
                        "body": body,
                    },
                )
            )
    if errors:
        raise ImportRefused(errors)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for script, values in plans:
        if script is None:
            db.session.add(Script(**values))
            counts["added"] += 1
        elif any(getattr(script, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(script, k, v)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    db.session.flush()
    return counts
