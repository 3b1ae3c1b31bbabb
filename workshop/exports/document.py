"""What the document formats (HTML, Word, the charts) share: the text rule, the outline and the wording.

Participant text reaches a reader here, so it follows :mod:`workshop.untrusted` (control and bidi
characters removed) and, since HTML, SVG and Word are all XML or parsed like it, loses the few code points
XML cannot carry at all (lone surrogates and U+FFFE/U+FFFF); everything else is kept exactly.
"""

from __future__ import annotations

import re

from workshop.blocks import Block, Cell, Heading, Table
from workshop.exports.pack import ItemReport, OutcomePack
from workshop.untrusted import readable, xml_text

# A string cell that reads as a number ("12", "2½", "=2", "+0.5", "83%"): right-aligned like one.
_NUMBER = re.compile(r"(?=.*[\d¼½¾])[=≈~]?[-+−]?(\d[\d,]*(\.\d+)?)?[¼½¾]?%?")
# Cells that stand for "no number here" and should not make a number column look like text.
_BLANKS = {"", "—", "-", "–"}
STATES = {"pending": "not run", "open": "still open", "closed": "done"}


def document_text(text: str) -> str:
    """``text`` as a document shows it: readable (:func:`workshop.untrusted.readable`) and valid in XML."""
    text = readable(text)
    return xml_text(text)


def sentence(text: str) -> str:
    """A title as a caption's first sentence: with a full stop, unless it ends in one of its own."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def summary_line(pack: OutcomePack) -> str:
    """The line under the title: template, date, seats and export time (as the Markdown pack says it)."""
    return (
        f"Outcome pack · made from the {pack.template} template on {pack.created_at:%d %B %Y} · "
        f"{pack.seats} seats joined · exported {pack.exported_at:%d %B %Y %H:%M} UTC"
    )


def timing(item: ItemReport) -> str:
    """How the item went: "done · planned 15 min · took 18 min"."""
    text = f"{STATES.get(item.state, item.state)} · planned {item.planned_minutes} min"
    if item.actual_minutes is not None:
        text += f" · took {item.actual_minutes} min"
    return text


def outline(blocks: tuple[Block, ...]) -> list[int]:
    """Each block's depth under its item's heading (1 = the first level below), never skipping a level.

    Kinds name absolute levels (3 and below, as Markdown prints them); a document whose headings jump from
    the item's straight to a level below the next confuses screen readers and Word's navigation pane.
    Blocks that are not headings get the depth of the heading they sit under (0 before any).
    """
    depths = []
    open_levels: list[int] = []  # the levels of the headings the current block sits under
    for block in blocks:
        if isinstance(block, Heading):
            while open_levels and open_levels[-1] >= block.level:
                open_levels.pop()  # a sibling or an uncle: back up to its parent
            open_levels.append(block.level)
        depths.append(len(open_levels))
    return depths


def table_caption(blocks: tuple[Block, ...], index: int, item: ItemReport) -> tuple[str, bool]:
    """A name for the table at ``blocks[index]`` and whether it is its own (shown) or borrowed (hidden).

    A table without a caption takes the heading it sits under, or the item's title: screen readers name a
    table by its caption, and listing tables should not show "table" nine times.
    """
    table = blocks[index]
    assert isinstance(table, Table)
    if table.caption:
        return table.caption, True
    heading = next((b.text for b in reversed(blocks[:index]) if isinstance(b, Heading)), item.title)
    return heading, False


def is_number(cell: Cell) -> bool:
    """Whether a cell reads as a number (typed, or text such as "2½" or "=2")."""
    if isinstance(cell, int | float):
        return True
    return isinstance(cell, str) and cell.strip() not in _BLANKS and bool(_NUMBER.fullmatch(cell.strip()))


def number_columns(table: Table) -> set[int]:
    """The columns (never the first, which names the rows) whose filled cells are all numbers."""
    found = set()
    for column in range(1, len(table.headers)):
        cells = [row[column] for row in table.rows]
        filled = [c for c in cells if c is not None and not (isinstance(c, str) and c.strip() in _BLANKS)]
        if filled and all(is_number(c) for c in filled):
            found.add(column)
    return found
