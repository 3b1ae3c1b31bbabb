"""A format-neutral outcome document: headings, paragraphs, lists and tables of plain text.

Activity kinds describe their results in these blocks; each export format renders them, escaping the text
its own way, so participant text never has to be trusted by the code that wrote the block.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

# A table cell: text, or a number that stays a number (a spreadsheet stores it as one; documents print it).
Cell = str | int | float | None


@dataclass(frozen=True)
class Heading:
    """A heading under the item's own (level 3 and below)."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``strong`` for a headline result."""

    text: str
    strong: bool = False


@dataclass(frozen=True)
class Bullets:
    """A list, in order."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table, every row as long as the headers; the first column names each row."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # What the table shows, in a sentence: HTML's <caption>, Word's caption, the spreadsheet's title row.
    caption: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"a row has {len(row)} cells for {len(self.headers)} headers")


@dataclass(frozen=True)
class Series:
    """One line or set of bars in a chart: its name (a horizon, a workshop) and a value per label."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart as data; each format draws it (``workshop.exports.charts``): SVG in HTML, PNG in Word.

    ``radar``: one closed line per series over the labels (the maturity medians per factor, one series per
    horizon). ``stacked``: one horizontal bar per label, a segment per series (ratings per level).
    ``movement``: per label, an arrow from the first series' value to the last (change since the baseline).
    """

    kind: Literal["radar", "stacked", "movement"]
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    # The text alternative: what the chart shows, for screen readers and for formats without pictures.
    description: str
    # The value axis (the maturity levels): from, to.
    scale: tuple[float, float] = (0, 5)

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(
                    f"series {series.name!r} has {len(series.values)} values for {len(self.labels)}"
                )


Block = Heading | Paragraph | Bullets | Table | Chart


def cell_text(cell: Cell) -> str:
    """A cell as a document prints it: numbers without a trailing ``.0``, nothing for None."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)


def block_dict(block: Block) -> dict[str, object]:
    """A block as plain data for JSON, with its type named."""
    return {"type": type(block).__name__.lower(), **asdict(block)}
