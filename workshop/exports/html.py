"""The outcome pack as one self-contained HTML page: styles and charts inline, no scripts, nothing fetched.

The page is made to be read on screen, printed, and read by a screen reader: a contents list, headings
that never skip a level, tables with captions and header cells, charts as figures whose inline SVG is
named by its caption (title and text alternative). Participant text is escaped by Jinja and made readable
first (:func:`workshop.exports.document.document_text`), as on the phone pages.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from workshop.blocks import Block, Bullets, Chart, Heading, Paragraph, Table, cell_text
from workshop.exports import charts
from workshop.exports.document import (
    document_text,
    number_columns,
    outline,
    sentence,
    summary_line,
    table_caption,
    timing,
)
from workshop.exports.pack import ItemReport, OutcomePack
from workshop.untrusted import one_line

TEMPLATES = Path(__file__).with_name("templates")
_LONG_WORD = 24  # characters: longer than any header or number, shorter than a link or a pasted hash


def _finalize(value: object) -> object:
    """Every value the template prints is made readable first; Markup (the charts' SVG) is ours."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return document_text(value)
    return value


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _chart(chart: Chart, chart_id: str) -> dict[str, object]:
    drawing = charts.svg(chart, id_prefix=f"{chart_id}-")
    # The drawing is named by its figure's caption; the SVG itself holds no participant text as text.
    labelled = drawing.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-caption" ', 1)
    return {
        "type": "chart",
        "id": chart_id,
        # Markup: matplotlib's drawing, where labels are glyph outlines and never text or markup.
        "svg": Markup(labelled.rstrip()),
        "title": sentence(chart.title),
        "description": chart.description,
    }


def _cell(text: str, number: bool) -> tuple[str, str]:
    """A cell's text and its classes: numbers line up on the right; a word too long for any column may
    break anywhere (the rest wrap between words only: "13" never becomes "1" over "3")."""
    classes = ["num"] if number else []
    if any(len(word) > _LONG_WORD for word in text.split()):
        classes.append("long")
    return text, " ".join(classes)


def _table(blocks: tuple[Block, ...], index: int, item: ItemReport, table_id: str) -> dict[str, object]:
    table = blocks[index]
    assert isinstance(table, Table)
    caption, shown = table_caption(blocks, index, item)
    numbers = number_columns(table)
    return {
        "type": "table",
        # Its caption names the scrolling box a wide table sits in, for keyboard and screen reader users.
        "id": table_id,
        "caption": caption,
        "shown": shown,
        "headers": table.headers,
        "rows": [[_cell(cell_text(cell), n in numbers) for n, cell in enumerate(row)] for row in table.rows],
        "numbers": numbers,
    }


def _blocks(item: ItemReport, item_id: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    charts_seen = 0
    for index, (block, depth) in enumerate(zip(item.blocks, outline(item.blocks), strict=True)):
        if isinstance(block, Heading):
            out.append({"type": "heading", "level": min(2 + depth, 6), "text": block.text})
        elif isinstance(block, Paragraph):
            out.append({"type": "paragraph", "text": block.text, "strong": block.strong})
        elif isinstance(block, Bullets):
            out.append({"type": "bullets", "tag": "ol" if block.numbered else "ul", "entries": block.items})
        elif isinstance(block, Chart):
            charts_seen += 1
            out.append(_chart(block, f"{item_id}-chart-{charts_seen}"))
        else:
            out.append(_table(item.blocks, index, item, f"{item_id}-table-{index}"))
    return out


def render(pack: OutcomePack) -> str:
    """The whole pack as one HTML5 document."""
    items = [
        {
            "id": f"item-{n}",
            "title": item.title,
            "timing": timing(item),
            "blocks": _blocks(item, f"item-{n}"),
        }
        for n, item in enumerate(pack.items, start=1)
    ]
    return (
        _environment()
        .get_template("pack.html.j2")
        .render(pack=pack, title_line=one_line(pack.title), summary=summary_line(pack), items=items)
    )
