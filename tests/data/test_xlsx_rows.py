"""Order workbooks read straight from their XML: the same text as openpyxl gives, dates from their
styles, and a workbook with a DTD refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from sidebar.data.sheets import UnreadableFile, cell, open_sheet


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["订单编号", "金额", "手机", "付款时间", "日期", "已付", "备注"])
    sheet.append(
        ["T1001", 399.5, 13800138000, datetime(2026, 11, 20, 10, 0), date(2026, 9, 1), True, "精华 30ml"]
    )
    sheet.append(["T1002", 1299, "'13900139000", datetime(2026, 11, 20, 23, 59, 59), None, False, None])
    sheet.append([])
    sheet.append([None, None, "只有第三列"])
    sheet["H6"] = 0.1 + 0.2
    custom = sheet["I6"]
    custom.value, custom.number_format = datetime(2026, 1, 2, 3, 4, 5), 'yyyy"年"m"月"d"日" hh:mm:ss'
    path = tmp_path / "orders.xlsx"
    book.save(path)

    expected = [
        (n, [cell(v) for v in values])
        for n, values in enumerate(
            load_workbook(path, read_only=True, data_only=True).active.iter_rows(values_only=True), start=1
        )
    ]
    with open_sheet(path) as read:
        got = [(1, read.headers), *read.rows()]

    def meaningful(rows):
        return [(n, [v for v in values]) for n, values in rows if any(values)]

    def trimmed(rows):
        return [(n, values + [""] * (9 - len(values))) for n, values in meaningful(rows)]

    assert trimmed(got) == trimmed(expected)
    assert got[1][1][:5] == ["T1001", "399.5", "13800138000", "2026-11-20 10:00:00", "2026-09-01 00:00:00"]
    assert [n for n, _ in meaningful(got)] == [1, 2, 3, 5, 6]  # row numbers as in the workbook


def _workbook(sheet_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            "<si><t>订单编号</t></si><si><r><t>修护</t></r><r><t>精华</t></r><rPh><t>しゅうふく</t></rPh></si></sst>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def test_inline_and_rich_text_and_skipped_columns(tmp_path):
    path = tmp_path / "wps.xlsx"
    path.write_bytes(
        _workbook(
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>宝贝标题</t></is></c></row>'
            '<row r="3"><c r="A3" t="str"><v>E2026</v></c><c r="C3" t="s"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        )
    )
    with open_sheet(path) as read:
        assert read.headers == ["订单编号", "宝贝标题"]
        assert list(read.rows()) == [(3, ["E2026", "", "修护精华"])]


def test_a_workbook_part_with_a_dtd_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(
        _workbook(
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
        )
    )
    with pytest.raises(UnreadableFile), open_sheet(path) as read:
        list(read.rows())


def test_a_zip_without_a_sheet_is_refused(tmp_path):
    path = tmp_path / "empty.xlsx"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        )
    path.write_bytes(out.getvalue())
    with pytest.raises(UnreadableFile):
        open_sheet(path)
