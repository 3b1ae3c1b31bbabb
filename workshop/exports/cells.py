"""Spreadsheet cells made safe: participant text never becomes a formula, and an XLSX holds only what XML can.

Formula injection (OWASP, "CSV Injection"): a spreadsheet opening a file treats a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and ``=HYPERLINK(...)`` or ``=WEBSERVICE(...)`` can send the
sheet's contents away. The rule here:

* A text is *risky* when its first character is ``=``, ``+``, ``-``, ``@``, tab, carriage return, line feed
  (OWASP's list) or NUL (OWASP ASVS 1.2.10), or when its first character after leading whitespace is one of
  ``= + - @``. OWASP names the first character only; whitespace is looked past too because a CSV import
  can trim it first (LibreOffice's "Trim spaces" beside "Evaluate formulas"), and the price, an apostrophe
  before text nobody types, is small.
* CSV: a risky text gets a leading apostrophe, which spreadsheets read as "this is text". So that the rule
  can be undone exactly (:func:`restore_csv_text`), a text that is risky after its own leading apostrophes
  gets one more too: a reader drops one leading apostrophe when what follows the apostrophes is risky.
* XLSX: every text is written as a string (``data_type`` "s", an inline string; openpyxl would otherwise
  make ``=1+1`` a formula) exactly as it is, and a risky one also gets the cell style ``quotePrefix``,
  Excel's own mark for "typed with an apostrophe", so it shows as typed and stays text when edited.
* Numbers (int and float cells) are never touched: ``-0.5`` is a number, not an attack.

The spreadsheets are data, like the JSON export: participant text is kept exactly, apart from the
apostrophe above and what each file format cannot hold (:func:`xlsx_text`; lone surrogates, which UTF-8
cannot encode, in both).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workshop.blocks import Cell
from workshop.untrusted import xml_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as SheetCell
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

# First characters that make a formula (or, for tab and line breaks, can come before one).
FIRST = frozenset("=+-@\t\r\n\0")
# Formula characters that still count after leading whitespace.
AFTER_SPACE = frozenset("=+-@")
# Excel refuses longer text in a cell (and reports the whole file as damaged).
XLSX_MAX_TEXT = 32767
_SURROGATES = re.compile("[\ud800-\udfff]")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (see the module's rule)."""
    return text[:1] in FIRST or text.lstrip()[:1] in AFTER_SPACE


def csv_text(text: str) -> str:
    """``text`` for a CSV cell: a leading apostrophe when risky (after any apostrophes of its own)."""
    text = _SURROGATES.sub("", text)
    return f"'{text}" if is_risky(text.lstrip("'")) else text


def restore_csv_text(text: str) -> str:
    """The text :func:`csv_text` was given, from what it wrote (for any text without lone surrogates)."""
    return text[1:] if text.startswith("'") and is_risky(text[1:].lstrip("'")) else text


def csv_value(cell: Cell | bool) -> str | int | float:
    """A cell as the ``csv`` module should write it: text made safe, numbers as numbers, None as empty."""
    if cell is None:
        return ""
    if isinstance(cell, bool):  # before int: a bool is an int to Python, but not to a reader of the file
        return "true" if cell else "false"
    if isinstance(cell, int | float):
        return cell
    return csv_text(cell)


def xlsx_text(text: str) -> str:
    """``text`` as an XLSX cell can hold it: XML-illegal characters removed, cut to Excel's limit."""
    # openpyxl's illegal characters, and the U+FFFE, U+FFFF and lone surrogates lxml refuses.
    text = xml_text(text)
    if len(text) > XLSX_MAX_TEXT // 2 and len(units := text.encode("utf-16-le")) > 2 * XLSX_MAX_TEXT:
        # Excel counts UTF-16 code units (an emoji is two); a pair cut in half is dropped.
        text = units[: 2 * (XLSX_MAX_TEXT - 1)].decode("utf-16-le", errors="ignore") + "…"
    return text


def put(
    sheet: Worksheet, row: int, column: int, value: Cell, font: Font | None = None
) -> SheetCell | MergedCell:
    """Write one cell: a number as a number, text as a string (never a formula), None as an empty cell."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str) and not (text := xlsx_text(value)):
        cell.value = None  # nothing left to show: an empty cell, not an empty string
    elif isinstance(value, str):
        cell.value = text
        # Assigning a str starting with "=" makes openpyxl mark it a formula: set the type after.
        cell.data_type = "s"
        if is_risky(text):
            cell.quotePrefix = True
    else:
        cell.value = value  # a number (or a bool, from another kind's data) as the spreadsheet's own type
    if font is not None:
        cell.font = font
    return cell
