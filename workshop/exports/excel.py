"""The outcome pack as an Excel workbook: an About sheet, a sheet per item with results, and the data.

* **About**: the workshop (title, template, dates, seats, baseline, smallest group shown), attendance by
  organisation and by role level, and the agenda with each item's sheet.
* **One sheet per agenda item with results**, its blocks top to bottom in the first columns: headings bold,
  paragraphs and lists as text, tables with a bold header row (numbers as numbers) under their caption.
  The first table's header row is frozen.
* **Maturity data**: the tidy table (:func:`workshop.exports.tables.maturity_table`) as an Excel table,
  ready for a pivot table.

Every cell is written through :func:`workshop.exports.cells.put`, so no participant text becomes a formula.
The file is the same bytes for the same pack: the workbook's dates are the export's, and so are the zip's.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as SheetTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from workshop.blocks import Block, Bullets, Cell, Chart, Heading, Paragraph, Table, cell_text
from workshop.exports.cells import put, xlsx_text
from workshop.exports.pack import ItemReport, OutcomePack
from workshop.exports.tables import DataTable, maturity_table
from workshop.exports.zipped import restamp
from workshop.untrusted import one_line

ABOUT = "About"
DATA = "Maturity data"
SHEET_NAME_MAX = 31  # Excel's limit, counted in UTF-16 code units
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT = "yyyy-mm-dd hh:mm"
_STATES = {"pending": "not run", "open": "still open", "closed": "done"}
# Characters Excel refuses in a sheet name.
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")

TITLE = Font(bold=True, size=14)
HEADING = Font(bold=True, size=12)
BOLD = Font(bold=True)
QUIET = Font(italic=True, color="595959")
LINK = Font(color="0563C1", underline="single")
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_HEADER_EDGE = Border(bottom=Side(style="thin", color="7F7F7F"))
_LIST_ITEM = Alignment(horizontal="left", indent=1)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
_RIGHT = Alignment(horizontal="right")
_LEFT = Alignment(horizontal="left")


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Excel counts a sheet name."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    text = text[:limit]  # a character is at least one unit
    while _units(text) > limit:
        text = text[:-1]
    return text


def sheet_names(items: Sequence[ItemReport]) -> dict[int, str]:
    """A sheet name for each item with blocks, by its index: "<number> <title>", safe and unique.

    Excel's rules: at most 31 characters, none of ``[]:*?/\\``, not starting or ending with an apostrophe,
    unique ignoring case. The agenda number in front keeps names apart and in order.
    """
    taken = {ABOUT.casefold(), DATA.casefold()}
    names = {}
    for index, item in enumerate(items):
        if not item.blocks:
            continue
        title = _NOT_IN_NAME.sub(" ", one_line(xlsx_text(item.title)))
        name = base = _cut(f"{index + 1} {' '.join(title.split())}", SHEET_NAME_MAX).rstrip(" '")
        copy = 1
        while name.casefold() in taken:  # the numbers keep names apart; this only guards the rule
            copy += 1
            suffix = f" ({copy})"
            name = _cut(base, SHEET_NAME_MAX - len(suffix)).rstrip(" '") + suffix
        taken.add(name.casefold())
        names[index] = name
    return names


class _Sheet:
    """A sheet written top to bottom: a row cursor, and the width each column's content needs."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1
        self.widths: dict[int, int] = {}
        self.blank = True  # whether the row above is empty (or there is none)

    def line(self, value: Cell, font: Font | None = None, alignment: Alignment | None = None) -> None:
        """One cell in the first column (its width is not measured: long text may run on to the right)."""
        cell = put(self.sheet, self.row, 1, value, font)
        if alignment is not None:
            cell.alignment = alignment
        self.next_row()

    def next_row(self) -> None:
        """Move on to the next row, past one just written."""
        self.row += 1
        self.blank = False

    def gap(self) -> None:
        """An empty row, unless the row above is empty already (or there is none)."""
        if not self.blank:
            self.row += 1
            self.blank = True

    def cells(
        self,
        values: Iterable[Cell],
        font: Font | None = None,
        aligned: Sequence[Alignment | None] = (),
        header: bool = False,
    ) -> None:
        """One row of table cells from the first column, measured for the column widths."""
        for column, value in enumerate(values, start=1):
            cell = put(self.sheet, self.row, column, value, font)
            width = _width(value)
            alignment = aligned[column - 1] if column <= len(aligned) else None
            if header:
                cell.fill, cell.border = _HEADER_FILL, _HEADER_EDGE
            elif width > MAX_WIDTH:
                alignment = _WRAPPED  # clipped by the next cell otherwise
            if alignment is not None:
                cell.alignment = alignment
            self.widths[column] = max(self.widths.get(column, 0), width)
        self.next_row()

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Cell]], caption: str = "", left: int = 0
    ) -> int:
        """A table under its caption; returns the header's row. A column of numbers has its header on the
        right, over them; the first ``left`` columns are set on the left, numbers too."""
        if caption:
            self.line(caption, QUIET)
        header_row = self.row
        over = [_LEFT if n < left else _RIGHT if _numbers(rows, n) else None for n in range(len(headers))]
        self.cells(headers, BOLD, over, header=True)
        for row in rows:
            self.cells(row, aligned=[_LEFT] * left)
        return header_row

    def fit_columns(self) -> None:
        """Each measured column as wide as its widest cell, within bounds."""
        for column, width in self.widths.items():
            letter = get_column_letter(column)
            self.sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _numbers(rows: Sequence[Sequence[Cell]], column: int) -> bool:
    """Whether a table's column holds numbers (and blanks) only, and some."""
    cells = [row[column] for row in rows if row[column] is not None]
    return bool(cells) and all(isinstance(cell, int | float) for cell in cells)


def _width(value: object) -> int:
    """Roughly how many character widths a cell needs: wide (East Asian) characters count twice."""
    if isinstance(value, datetime):
        return len(DATE_FORMAT)
    if not isinstance(value, str):
        return len(cell_text(value if isinstance(value, int | float) else None))
    line = max(value.split("\n"), key=len, default="")[:200]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _naive_utc(moment: datetime) -> datetime:
    """Excel has no time zones: times are written in UTC, and labelled so."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _about(out: _Sheet, pack: OutcomePack, names: dict[int, str], has_data: bool) -> None:
    data = pack.data
    out.line(pack.title, TITLE)
    out.line("Outcome pack", QUIET)
    out.gap()
    facts: list[tuple[str, Cell | datetime]] = [
        ("Template", pack.template),
        ("Created (UTC)", _naive_utc(pack.created_at)),
        ("Exported (UTC)", _naive_utc(pack.exported_at)),
        ("Seats joined", pack.seats),
        ("Follow-up of", pack.baseline_title or "none (not a follow-up)"),
        ("Smallest group shown", data.workshop.min_group),
    ]
    for label, value in facts:
        put(out.sheet, out.row, 1, label, BOLD)
        if isinstance(value, datetime):
            cell = out.sheet.cell(row=out.row, column=2, value=value)
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="left")
        else:
            put(out.sheet, out.row, 2, value).alignment = Alignment(horizontal="left")
        out.widths[1] = max(out.widths.get(1, 0), _width(label))
        out.widths[2] = max(out.widths.get(2, 0), _width(value))
        out.next_row()
    for heading, label, groups in (
        ("Attendance by organisation", "Organisation", data.attendance.by_organisation),
        ("Attendance by role level", "Role level", data.attendance.by_role),
    ):
        out.gap()
        out.line(heading, HEADING)
        out.table((label, "Seats"), [(g.name, g.seats) for g in groups])
    out.gap()
    out.line("Agenda", HEADING)
    rows = [
        (
            number,
            item.title,
            item.kind,
            _STATES.get(item.state, item.state),
            item.planned_minutes,
            item.actual_minutes,
            names.get(number - 1, ""),
        )
        for number, item in enumerate(pack.items, start=1)
    ]
    first = out.table(
        ("No.", "Item", "Kind", "State", "Planned minutes", "Actual minutes", "Sheet"), rows, left=1
    )
    for offset, row in enumerate(rows, start=1):
        _link(out.sheet.cell(row=first + offset, column=7), str(row[-1]))
    if has_data:
        out.gap()
        out.line(f"{DATA}: the maturity ratings, one row per item, factor, horizon and group.", QUIET)
        _link(out.sheet.cell(row=out.row - 1, column=1), DATA)
    out.fit_columns()


def _link(cell: SheetCell | MergedCell, sheet_name: str) -> None:
    """Make the cell a link to the top of another sheet of the workbook (none for no name)."""
    if sheet_name:
        quoted = sheet_name.replace("'", "''")
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1", display=sheet_name)
        cell.font = LINK


def _block(out: _Sheet, block: Block) -> int | None:
    """Write one block; returns its header row if it is a table."""
    if isinstance(block, Heading):
        out.gap()
        out.line(block.text, TITLE if block.level <= 2 else HEADING)
    elif isinstance(block, Paragraph):
        out.line(block.text, BOLD if block.strong else None)
    elif isinstance(block, Bullets):
        for item in block.items:
            out.line(item, alignment=_LIST_ITEM)
        out.gap()
    elif isinstance(block, Chart):
        # A picture would need drawing here; the chart's text alternative says what it shows.
        out.line(f"Chart: {block.title}. {block.description}", QUIET)
        out.gap()
    elif isinstance(block, Table):
        header_row = out.table(block.headers, block.rows, block.caption)
        out.gap()
        return header_row
    return None


def _item_sheet(sheet: Worksheet, item: ItemReport) -> None:
    out = _Sheet(sheet)
    out.line(item.title, TITLE)
    timing = f"{_STATES.get(item.state, item.state)} · planned {item.planned_minutes} min"
    if item.actual_minutes is not None:
        timing += f" · took {item.actual_minutes} min"
    out.line(timing, QUIET)
    out.gap()
    first_table = None
    for block in item.blocks:
        header_row = _block(out, block)
        first_table = first_table or header_row
    if first_table is not None:
        sheet.freeze_panes = f"A{first_table + 1}"
    out.fit_columns()


def _data_sheet(sheet: Worksheet, table: DataTable) -> None:
    out = _Sheet(sheet)
    out.table(table.headers, table.rows)
    last = f"{get_column_letter(len(table.headers))}{len(table.rows) + 1}"
    # An Excel table: filters on every column, banded rows, and a name a pivot table can use.
    data = SheetTable(displayName="MaturityData", ref=f"A1:{last}")
    data.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(data)
    sheet.freeze_panes = "A2"
    out.fit_columns()


def render(pack: OutcomePack) -> bytes:
    """The pack as an .xlsx file's bytes."""
    book = Workbook()
    about = book.active
    assert about is not None  # a new workbook always has its first sheet
    about.title = ABOUT
    names = sheet_names(pack.items)
    data = maturity_table(pack.data)
    _about(_Sheet(about), pack, names, bool(data.rows))
    for index, item in enumerate(pack.items):
        if index in names:
            _item_sheet(book.create_sheet(names[index]), item)
    if data.rows:  # an Excel table needs a row under its header
        _data_sheet(book.create_sheet(DATA), data)
    exported = _naive_utc(pack.exported_at)
    book.properties.created = book.properties.modified = exported
    book.properties.creator = "workshop"
    book.properties.title = xlsx_text(one_line(pack.title))
    out = io.BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED) as archive:
        # openpyxl's save_workbook stamps the file with the clock; its writer alone leaves the dates be.
        ExcelWriter(book, archive).save()
    return restamp(out.getvalue(), pack.exported_at)
