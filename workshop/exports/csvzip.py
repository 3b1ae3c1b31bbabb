"""The outcome pack as a zip of tidy CSV tables, for pivot tables, R, pandas or a database import.

Each table (:mod:`workshop.exports.tables`) is one CSV file: UTF-8 with a byte-order mark (so Excel reads
it as UTF-8), CRLF line ends and the ``csv`` module's quoting (RFC 4180), a header row, and formula
injection neutralised (:func:`workshop.exports.cells.csv_value`). File names inside the zip are fixed ASCII
names; the zip is the same bytes for the same pack.
"""

from __future__ import annotations

import csv
import io

from workshop.exports.cells import csv_text, csv_value
from workshop.exports.pack import OutcomePack
from workshop.exports.tables import DataTable, data_tables
from workshop.exports.zipped import zip_bytes

BOM = "\ufeff"


def table_csv(table: DataTable) -> bytes:
    """One table as CSV bytes: BOM, header row, then the rows."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(header) for header in table.headers])
    writer.writerows([csv_value(cell) for cell in row] for row in table.rows)
    return (BOM + out.getvalue()).encode("utf-8")


def render(pack: OutcomePack) -> bytes:
    """The pack's data tables, one CSV file each, zipped in name order."""
    files = {f"{table.name}.csv": table_csv(table) for table in data_tables(pack.data)}
    return zip_bytes(sorted(files.items()), pack.exported_at)
