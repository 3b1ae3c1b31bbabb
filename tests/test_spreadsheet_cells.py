"""Spreadsheet cells: text never becomes a formula, numbers stay numbers, and XLSX keeps every character XML
can hold (workshop/exports/cells.py)."""

from __future__ import annotations

import csv
import io
import sys
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.naughty import BLNS
from workshop.blocks import Cell
from workshop.exports.cells import (
    XLSX_MAX_TEXT,
    csv_text,
    csv_value,
    is_risky,
    put,
    restore_csv_text,
    xlsx_text,
)

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

ATTACKS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']
# Also risky: a line feed or NUL first (OWASP, ASVS), and a formula behind leading whitespace.
MORE_RISKY = ["\n=x", "\0x", " =1+1", "  +1", "\u3000=1", "\u00a0@x", "-", "=", "'=1+1", "''@x", "' =x"]
HARMLESS = ["", "Trust", "a=b", "2024", "'quoted", "''", " ", "Goals | unclear", "\u2212 5", "＝1+1", "x\t=y"]


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("text", ATTACKS + MORE_RISKY)
def test_formula_like_text_is_risky_and_gets_an_apostrophe_in_csv(text: str) -> None:
    assert is_risky(text.lstrip("'"))
    written = csv_text(text)
    assert written == "'" + text
    assert restore_csv_text(written) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_alone(text: str) -> None:
    assert not is_risky(text.lstrip("'"))
    assert csv_text(text) == text
    assert restore_csv_text(text) == text


def test_numbers_are_never_touched() -> None:
    cells: list[Cell | bool] = [-2, -0.5, 3, 2.5, 0, None, True]
    assert [csv_value(c) for c in cells] == [-2, -0.5, 3, 2.5, 0, "", "true"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for column, number in enumerate([-2, -0.5, 3, 2.5], start=1):
        assert put(sheet, 1, column, number).quotePrefix is False
    read = load_workbook(io.BytesIO(_saved(book))).active
    assert read is not None
    assert [(c.value, c.data_type, c.quotePrefix) for c in read[1]] == [
        (-2, "n", False),
        (-0.5, "n", False),
        (3, "n", False),
        (2.5, "n", False),
    ]


def test_the_csv_rule_undoes_exactly_for_every_naughty_string_and_apostrophe_prefix() -> None:
    starts = ["", "'", "''", " ", "'\t", "' "]
    for text in [*BLNS, *ATTACKS, *MORE_RISKY, *HARMLESS]:
        for start in starts:
            original = start + text
            written = csv_text(original)
            assert restore_csv_text(written) == original
            # What a spreadsheet sees first is never a formula: the apostrophe, or harmless text.
            assert written.startswith("'") or not is_risky(written)


def test_naughty_strings_round_trip_through_the_csv_module() -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([csv_value(text)] for text in BLNS)
    read = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert [restore_csv_text(row[0]) if row else "" for row in read] == BLNS


def test_xlsx_writes_attacks_as_text_with_quote_prefix_and_never_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row, text in enumerate(ATTACKS + MORE_RISKY, start=1):
        put(sheet, row, 1, text)
    data = _saved(book)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    read = load_workbook(io.BytesIO(data)).active
    assert read is not None
    for row, text in enumerate(ATTACKS + MORE_RISKY, start=1):
        cell = read.cell(row=row, column=1)
        assert (cell.value, cell.data_type) == (xlsx_text(text), "s")
        # Text the sheet already shows as typed (NUL removed leaves "x"; an apostrophe first) needs no mark.
        assert cell.quotePrefix == is_risky(xlsx_text(text)), text
        assert cell.quotePrefix or text in ("\0x", "'=1+1", "''@x", "' =x")


def test_xlsx_removes_what_xml_cannot_hold_and_keeps_every_other_character() -> None:
    # Every code point, in cells of 16,000 (Excel holds 32,767 UTF-16 code units, an emoji is two).
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    kept = "".join(
        xlsx_text(everything[start : start + 16_000]) for start in range(0, len(everything), 16_000)
    )
    removed = set(everything) - set(kept)
    assert {c for c in everything if ILLEGAL_CHARACTERS_RE.match(c)} <= removed  # openpyxl's own list
    allowed_by_xml = {"\t", "\n", "\r"}
    assert removed == {
        c for c in everything if (ord(c) < 0x20 and c not in allowed_by_xml) or 0xD800 <= ord(c) <= 0xDFFF
    } | {"\ufffe", "\uffff"}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    chunks = [kept[start : start + 16_000] for start in range(0, len(kept), 16_000)]
    for row, chunk in enumerate(chunks, start=1):
        put(sheet, row, 1, chunk)
    read = load_workbook(io.BytesIO(_saved(book))).active
    assert read is not None
    back = [read.cell(row=row, column=1).value for row in range(1, len(chunks) + 1)]
    assert back == chunks


def test_xlsx_text_is_cut_to_excels_limit() -> None:
    assert xlsx_text("x" * XLSX_MAX_TEXT) == "x" * XLSX_MAX_TEXT
    cut = xlsx_text("y" * (XLSX_MAX_TEXT + 10))
    assert len(cut) == XLSX_MAX_TEXT and cut.endswith("…")
    # Counted as Excel counts, in UTF-16 code units: an emoji is two, and is never cut in half.
    emoji = xlsx_text("😀" * XLSX_MAX_TEXT)
    assert emoji == "😀" * ((XLSX_MAX_TEXT - 1) // 2) + "…"
    assert len(emoji.encode("utf-16-le")) // 2 <= XLSX_MAX_TEXT


def test_naughty_strings_round_trip_through_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row, text in enumerate(BLNS, start=1):
        put(sheet, row, 1, text)
    read = load_workbook(io.BytesIO(_saved(book))).active
    assert read is not None
    for row, text in enumerate(BLNS, start=1):
        cell = read.cell(row=row, column=1)
        expected = xlsx_text(text)
        assert cell.value == (expected or None), (row, text)  # an empty text is an empty cell
        if expected:
            assert cell.data_type == "s" and cell.quotePrefix == is_risky(expected)
    assert sum(xlsx_text(t) != t for t in BLNS) < 20  # only the strings with C0 controls lost anything
