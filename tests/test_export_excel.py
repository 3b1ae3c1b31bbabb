"""The Excel outcome pack: sheets a person can read, a tidy data sheet, typed cells, no formulas, and a
golden file of every cell's value and type (tests/golden/outcome-pack.xlsx.json).

To accept a change to the workbook on purpose, write the golden file afresh and read its diff:

    WORKSHOP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_excel.py
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.helpers.data import first_of_each_kind, get_row, save, start
from tests.helpers.outcome_run import EXPORTED
from tests.naughty import BLNS
from workshop import store
from workshop.activities.maturity.results import MaturityResults
from workshop.activities.question import AddAnswer
from workshop.activities.values import AddValue
from workshop.blocks import Bullets, Paragraph, Table
from workshop.db import Database
from workshop.exports import excel
from workshop.exports.cells import is_risky, xlsx_text
from workshop.exports.files import export_workshop
from workshop.exports.pack import ItemReport, OutcomePack, build_pack
from workshop.exports.tables import maturity_table
from workshop.models import AgendaItem, row_id
from workshop.store.entries import add_entry

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

GOLDEN = Path(__file__).parent / "golden" / "outcome-pack.xlsx.json"
UPDATE = os.environ.get("WORKSHOP_UPDATE_GOLDEN") == "1"
ATTACKS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']


def _pack(db: Database, workshop_id: int) -> OutcomePack:
    with db.reading() as session:
        return build_pack(session, workshop_id)


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _sheet(book: Workbook, name: str) -> Worksheet:
    sheet = book[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def dump(book: Workbook) -> str:
    """Every sheet's name, frozen cell, tables and non-empty cells (coordinate, value, type, and "'" for a
    quote prefix, "b" for bold), one cell a line so a diff shows what moved."""
    sheets = []
    for sheet in book.worksheets:
        tables = {name: sheet.tables[name].ref for name in sheet.tables}
        head = {"sheet": sheet.title, "freeze": sheet.freeze_panes, "tables": tables}
        cells = [
            [cell.coordinate, _json_value(cell.value), cell.data_type]
            + (["'"] if cell.quotePrefix else [])
            + (["b"] if cell.font.b else [])
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        lines = ",\n".join("   " + json.dumps(cell, ensure_ascii=False) for cell in cells)
        sheets.append(f'  {{{json.dumps(head, ensure_ascii=False)[1:-1]}, "cells": [\n{lines}\n  ]}}')
    return '{"sheets": [\n' + ",\n".join(sheets) + "\n]}\n"


def test_workbook_matches_its_golden_file(db: Database, golden_workshop: int, tmp_path: Path) -> None:
    (written,) = export_workshop(db, golden_workshop, tmp_path, formats=("xlsx",))
    assert written.name == f"2026-11-23-test-workshop-{golden_workshop}-outcomes.xlsx"
    actual = dump(_book(written.read_bytes()))
    json.loads(actual)  # the dump is JSON
    if UPDATE:
        GOLDEN.write_text(actual, encoding="utf-8", newline="\n")
    assert GOLDEN.exists(), f"no {GOLDEN.name}: run with WORKSHOP_UPDATE_GOLDEN=1 to write it"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert actual.splitlines() == expected.splitlines(), f"{GOLDEN.name} differs (see the module docstring)"


def test_the_same_pack_makes_the_same_bytes(db: Database, golden_workshop: int) -> None:
    the_pack = _pack(db, golden_workshop)
    data = excel.render(the_pack)
    assert excel.render(the_pack) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 23, 12, 51, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-11-23T12:51:00Z") == 2  # created and modified: the export's time, not the clock
    book = _book(data)
    assert book.properties.created == book.properties.modified == EXPORTED.replace(tzinfo=None)


def test_sheets_about_items_and_data(db: Database, golden_workshop: int) -> None:
    the_pack = _pack(db, golden_workshop)
    book = _book(excel.render(the_pack))
    with_blocks = [n for n, item in enumerate(the_pack.items, start=1) if item.blocks]
    assert book.sheetnames[0] == "About" and book.sheetnames[-1] == "Maturity data"
    items = book.sheetnames[1:-1]
    assert [int(name.split()[0]) for name in items] == with_blocks
    for name in book.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert len({name.casefold() for name in book.sheetnames}) == len(book.sheetnames)

    about = _sheet(book, "About")
    facts = {row[0].value: row[1].value for row in about.iter_rows(min_row=4, max_row=9)}
    assert facts["Seats joined"] == 13 and facts["Smallest group shown"] == 5
    assert facts["Exported (UTC)"] == EXPORTED.replace(tzinfo=None)
    assert facts["Template"] == "cyp-integration"
    rows = [tuple(c.value for c in row[:2]) for row in about.iter_rows()]
    assert ("Council", 6) in rows and ("Police", 2) in rows and ("Manager", 6) in rows
    # The agenda links to each item's sheet, and a line to the data.
    links = [c.hyperlink.location for row in about.iter_rows() for c in row if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in [*items, "Maturity data"]]


def _sort(value: object) -> str:
    return (
        "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__
    )


def _first_table_header(item: ItemReport, sheet: Worksheet) -> int:
    table = next(b for b in item.blocks if isinstance(b, Table))
    header = next(
        row[0].row
        for row in sheet.iter_rows()
        if tuple(c.value for c in row[: len(table.headers)]) == table.headers
    )
    assert header is not None
    return header


def test_item_sheets_keep_block_order_types_and_freeze_the_first_table(
    db: Database, golden_workshop: int
) -> None:
    the_pack = _pack(db, golden_workshop)
    book = _book(excel.render(the_pack))
    names = excel.sheet_names(the_pack.items)
    for index, item in enumerate(the_pack.items):
        if index not in names:
            continue
        sheet = _sheet(book, names[index])
        assert sheet["A1"].value == item.title and sheet["A1"].font.b
        values = [row for row in sheet.iter_rows() if any(c.value is not None for c in row)]
        texts = [row[0].value for row in values]
        for block in item.blocks:  # each block's text is in column A, in order
            if isinstance(block, Paragraph):
                assert block.text in texts
            if isinstance(block, Bullets):
                assert all(text in texts for text in block.items)
        tables = [b for b in item.blocks if isinstance(b, Table)]
        if not tables:
            assert sheet.freeze_panes is None
            continue
        header = _first_table_header(item, sheet)
        assert sheet.freeze_panes == f"A{header + 1}"
        assert all(cell.font.b for cell in sheet[header] if cell.value is not None)
        for offset, row in enumerate(tables[0].rows, start=1):
            written = [c.value for c in sheet[header + offset][: len(row)]]
            assert written == [None if v == "" else v for v in row]
            # Numbers are numbers, text is text, as the kind gave them (2.0 is stored, and read, as 2).
            assert [_sort(v) for v in written if v is not None] == [
                _sort(v) for v in row if v not in ("", None)
            ]


def test_maturity_data_sheet_is_a_tidy_table(db: Database, golden_workshop: int) -> None:
    the_pack = _pack(db, golden_workshop)
    sheet = _sheet(_book(excel.render(the_pack)), "Maturity data")
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    headers, body = rows[0], rows[1:]
    assert headers[:8] == ["item_no", "item", "factor_key", "factor", "horizon_key", "horizon", "by", "group"]
    assert sheet.freeze_panes == "A2"
    assert sheet.tables["MaturityData"].ref == f"A1:W{len(body) + 1}"
    (results,) = [i.results for i in the_pack.data.items if isinstance(i.results, MaturityResults)]
    shown = sum(len(b.groups) for b in results.breakdowns)
    assert shown == 2  # the council and the managers; police, NHS, chief officers and front line are not
    assert len(body) == len(results.factors) * len(results.horizons) * (1 + shown)
    groups = {row[headers.index("group")] for row in body}
    assert groups == {"Whole room", "Council", "Manager"}
    assert {"Police", "NHS trust", "Chief officer", "Front line"}.isdisjoint(groups)
    # Exactly the data, numbers as numbers.
    expected = maturity_table(the_pack.data)
    assert [tuple(row) for row in body] == list(expected.rows)
    for name in ("seats", "n", "dont_know", "level_1", "median", "q1", "q3"):
        column = [row[headers.index(name)] for row in body]
        assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in column), name
    room = body[0]
    assert room[headers.index("group")] == "Whole room" and room[headers.index("agreed_level")] == 2
    assert room[headers.index("median")] == 2.5


def test_sheet_names_from_hostile_titles() -> None:
    titles = ["a[b]:c*?/\\d", "'quoted'", "😀" * 40, "", "About", "x" * 50, "x" * 50, "Line\nbreak\x1b[2J"]
    items = tuple(ItemReport(t, "info", "closed", 5, 5, (Paragraph("p"),)) for t in titles)
    names = excel.sheet_names(items)
    assert len(set(names.values())) == len(titles)
    for name in names.values():
        assert len(name.encode("utf-16-le")) // 2 <= 31
        assert not re.search(r"[\[\]:*?/\\\x00-\x1f]", name) and not name.endswith("'")
    assert names[0] == "1 a b c d" and names[1] == "2 'quoted" and names[3] == "4"
    assert names[7] == "8 Line break 2J"


def _answers(db: Database, workshop_id: int, texts: list[str]) -> tuple[AgendaItem, AgendaItem]:
    items = first_of_each_kind(db, workshop_id)
    start(db, items["question"])
    with db.writing() as session:  # a seat each: a question takes a few answers from one seat
        seats = [row_id(store.join(session, workshop_id)) for _ in texts]
    for seat, text in zip(seats, texts, strict=True):
        save(db, items["question"], seat, AddAnswer(text))
    start(db, items["values"])
    for seat, text in zip(seats, texts, strict=True):
        save(db, items["values"], seat, AddValue(text, "statement"))
    return items["question"], items["values"]


def test_formula_injection_from_participants_stays_text(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    _answers(db, workshop_id, ATTACKS)
    (written,) = export_workshop(db, workshop_id, tmp_path, formats=("xlsx",))
    data = written.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets), "a formula was written"
    book = _book(data)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    for attack in ATTACKS:
        # The question's answer and the value's name (in a table, and in a sentence the report makes).
        hits = [c for c in cells if isinstance(c.value, str) and c.value.startswith(attack)]
        assert len(hits) >= 2, attack
        assert all(c.data_type == "s" and c.quotePrefix for c in hits), attack
    # And across the whole workbook: no formulas, and every text a spreadsheet could take for one is marked.
    assert all(c.data_type in ("s", "n", "d") for c in cells)
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and is_risky(c.value))


def test_every_naughty_string_round_trips(db: Database, workshop_id: int, tmp_path: Path) -> None:
    strings = [s[:300] for s in BLNS if s.strip()]
    items = first_of_each_kind(db, workshop_id)
    start(db, items["question"])
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        item = get_row(session, AgendaItem, row_id(items["question"]))
        for text in strings:
            add_entry(session, item, seat, text)
    the_pack = _pack(db, workshop_id)
    book = _book(excel.render(the_pack))
    index = next(i for i, item in enumerate(the_pack.items) if item.kind == "question")
    (answers,) = [b for b in the_pack.items[index].blocks if isinstance(b, Bullets)]
    assert list(answers.items) == strings  # the kind reports them as stored
    sheet = _sheet(book, excel.sheet_names(the_pack.items)[index])
    column = [c.value for (c,) in sheet.iter_rows(max_col=1)]
    start_row = column.index(xlsx_text(strings[0]))
    written = sheet.iter_rows(min_row=start_row + 1, max_row=start_row + len(strings), max_col=1)
    for (cell,), text in zip(written, strings, strict=True):
        assert cell.value == (xlsx_text(text) or None)
        if cell.value is not None:  # text of XML-illegal characters only is an empty cell
            assert cell.data_type == "s" and cell.quotePrefix == is_risky(xlsx_text(text))
    changed = [s for s in strings if xlsx_text(s) != s]
    assert all(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", s) for s in changed)
