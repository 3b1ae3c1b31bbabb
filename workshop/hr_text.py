"""The HR text's three forms, from one rendering: Markdown, plain text, and blocks for a Word document.

A template writes Markdown. Every value it prints (a value's name, a behaviour, the place) comes out marked
between :data:`DATA_START` and :data:`DATA_END`, so what the template wrote and what participants wrote stay
apart to the end:

* Markdown: the template's marks stay; each printed value is escaped (``workshop.exports.markdown.escape``),
  so a value called ``# Trust`` or ``[x](javascript:…)`` is text, never a heading or a link.
* Plain text and Word: the template's marks (``#``, ``-``, ``**``, ``|``) become layout; each printed value
  is kept exactly, apart from the control characters no reader should get (``workshop.untrusted``) and line
  breaks, which become spaces (a name or a behaviour is one line).

The two marks are Unicode noncharacters, which no keyboard types and text exchange never carries; any in
participant text are removed before it is marked, so it cannot close its own mark early. The values reach the
templates already marked (``workshop.hr``), so a value joined to other text or kept with ``{% set %}`` stays
marked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workshop.exports.markdown import escape
from workshop.untrusted import readable

DATA_START = "\ufdd0"
DATA_END = "\ufdd1"
# A start mark with no end (a template that sliced a value) is data up to the next mark: escaping too much is
# safe, reading a participant's text as the template's Markdown is not. An end mark alone is dropped.
_DATA = re.compile(f"{DATA_START}([^{DATA_START}{DATA_END}]*)(?:{DATA_END}|(?={DATA_START})|$)")
_MARKS = {ord(DATA_START): None, ord(DATA_END): None}
_LINE_BREAKS = re.compile(r"\r\n|[\r\n]")

# The Markdown a template may use (data/hr/README.md lists it): headings, lists, tables, rules, bold, italic.
_HEADING = re.compile(r"^(#{1,6})[ \t]+")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+")
_NUMBER = re.compile(r"^[ \t]*(\d{1,9})[.)][ \t]+")
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SEPARATOR_CELL = re.compile(r"^[ \t]*:?-+:?[ \t]*$")
_CELL_BORDER = re.compile(r"(?<!\\)\|")
_INLINE = re.compile(r"\\([!-/:-@\[-`{-~])|(\*\*)|(\*)")


def unmarked(text: str) -> str:
    """``text`` with the two data marks taken out (they never belong in participant text)."""
    return text.translate(_MARKS)


def mark(text: str) -> str:
    """``text`` marked as data: printed as text in every form, never read as the template's Markdown."""
    return f"{DATA_START}{unmarked(text)}{DATA_END}"


def to_markdown(raw: str) -> str:
    """The rendering as Markdown: the template's marks kept, every printed value escaped."""
    text = unmarked(_DATA.sub(lambda m: escape(m.group(1)), raw.replace("\r\n", "\n")))
    return _tidy([line.rstrip(" \t") for line in text.split("\n")])


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


Runs = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 is the document's title."""

    level: int
    runs: Runs


@dataclass(frozen=True)
class Paragraph:
    """Lines of running text."""

    runs: Runs


@dataclass(frozen=True)
class Items:
    """A list: each item with its label ("" for a bullet, "3." for a numbered one)."""

    items: tuple[tuple[str, Runs], ...]


@dataclass(frozen=True)
class Table:
    """A table; ``header`` is None when the template wrote no separator row under its first row."""

    header: tuple[Runs, ...] | None
    rows: tuple[tuple[Runs, ...], ...]


Block = Heading | Paragraph | Items | Table
_Segment = tuple[str, bool]  # (text, printed by the template as a value)


def plain(runs: Runs) -> str:
    """The runs' text."""
    return "".join(run.text for run in runs)


def _lines(raw: str) -> list[list[_Segment]]:
    """The rendering split into lines of segments; a line break inside a value is a space."""
    lines: list[list[_Segment]] = [[]]
    position = 0
    for found in [*_DATA.finditer(raw), None]:
        end = found.start() if found else len(raw)
        for number, piece in enumerate(unmarked(raw[position:end]).replace("\r\n", "\n").split("\n")):
            if number:
                lines.append([])
            if piece:
                lines[-1].append((piece, False))
        if found:
            value = _LINE_BREAKS.sub(" ", readable(found.group(1)))
            if value:
                lines[-1].append((value, True))
            position = found.end()
    return lines


def _inline(segments: list[_Segment]) -> Runs:
    """Runs from segments: ``**`` and ``*`` in the template's text switch bold and italic."""
    runs: list[Run] = []
    bold = italic = False
    for text, data in _edges(segments):
        if data:
            runs.append(Run(text, bold, italic))
            continue
        position = 0
        for found in _INLINE.finditer(text):
            if found.start() > position:
                runs.append(Run(text[position : found.start()], bold, italic))
            if found.group(1):
                runs.append(Run(found.group(1), bold, italic))
            elif found.group(2):
                bold = not bold
            else:
                italic = not italic
            position = found.end()
        if position < len(text):
            runs.append(Run(text[position:], bold, italic))
    return tuple(run for run in runs if run.text)


def _edges(segments: list[_Segment]) -> list[_Segment]:
    """Segments without the template's blank space at either end; a value's own spaces are kept."""
    kept = list(segments)
    while kept and not kept[0][1] and not kept[0][0].strip():
        kept.pop(0)
    while kept and not kept[-1][1] and not kept[-1][0].strip():
        kept.pop()
    if kept and not kept[0][1]:
        kept[0] = (kept[0][0].lstrip(), False)
    if kept and not kept[-1][1]:
        kept[-1] = (kept[-1][0].rstrip(), False)
    return kept


def _cells(segments: list[_Segment]) -> list[list[_Segment]]:
    """A table row's cells: split at the template's ``|`` only, never at one inside a value."""
    cells: list[list[_Segment]] = [[]]
    for text, data in segments:
        if data:
            cells[-1].append((text, True))
            continue
        for number, piece in enumerate(_CELL_BORDER.split(text)):
            if number:
                cells.append([])
            cells[-1].append((piece, False))
    # "| a | b |": the empty pieces before the first border and after the last are no cells.
    if cells and not any(t.strip() or d for t, d in cells[0]):
        cells.pop(0)
    if cells and not any(t.strip() or d for t, d in cells[-1]):
        cells.pop()
    return cells


def _strip_lead(segments: list[_Segment], pattern: re.Pattern[str]) -> list[_Segment]:
    text, _ = segments[0]
    rest = pattern.sub("", text, count=1)
    return ([(rest, False)] if rest else []) + segments[1:]


def parse(raw: str) -> list[Block]:
    """The rendering's blocks, for the plain text and the Word document."""
    blocks: list[Block] = []
    paragraph: list[_Segment] = []
    items: list[tuple[str, Runs]] = []
    rows: list[list[list[_Segment]]] = []

    def flush() -> None:
        if paragraph:
            runs = _inline(paragraph)
            if runs:
                blocks.append(Paragraph(runs))
            paragraph.clear()
        if items:
            blocks.append(Items(tuple(items)))
            items.clear()
        if rows:
            blocks.append(_table(rows))
            rows.clear()

    for line in _lines(raw):
        lead = line[0][0] if line and not line[0][1] else ""
        if all(not data and (not text.strip() or _RULE.match(text)) for text, data in line):
            flush()
            continue
        table_row = lead.lstrip().startswith("|")
        if table_row != bool(rows):
            flush()
        if heading := _HEADING.match(lead):
            flush()
            blocks.append(Heading(len(heading.group(1)), _inline(_strip_lead(line, _HEADING))))
        elif table_row:
            rows.append(_cells(line))
        elif number := _NUMBER.match(lead):
            if paragraph:
                flush()
            items.append((f"{number.group(1)}.", _inline(_strip_lead(line, _NUMBER))))
        elif _BULLET.match(lead):
            if paragraph:
                flush()
            items.append(("", _inline(_strip_lead(line, _BULLET))))
        elif items and lead.startswith((" ", "\t")):
            label, runs = items.pop()  # an item's text carried on to an indented line
            items.append((label, (*runs, Run(" "), *_inline(line))))
        else:
            if items:
                flush()
            if paragraph:
                paragraph.append((" ", False))
            paragraph.extend(line)
    flush()
    return blocks


def _table(rows: list[list[list[_Segment]]]) -> Table:
    cells = [tuple(_inline(cell) for cell in row) for row in rows]
    separator = len(rows) > 1 and all(
        not any(d for _, d in cell) and _SEPARATOR_CELL.match("".join(t for t, _ in cell) or "-")
        for cell in rows[1]
    )
    if separator:
        return Table(cells[0], tuple(cells[2:]))
    return Table(None, tuple(cells))


def to_text(raw: str) -> str:
    """The rendering as plain text to paste: no Markdown marks, each value exactly as it was written.

    Headings stand on their own line, list items start with "•" (or keep their number), and a table row
    is its cells joined by " · ". Nothing is wrapped: the place it is pasted into wraps it.
    """
    lines: list[str] = []
    for block in parse(raw):
        if isinstance(block, Heading | Paragraph):
            lines += [plain(block.runs), ""]
        elif isinstance(block, Items):
            lines += [f"{label or '•'} {plain(runs)}" for label, runs in block.items] + [""]
        else:
            every = [block.header] if block.header else []
            every += list(block.rows)
            lines += [" · ".join(plain(cell) for cell in row) for row in every if any(row)] + [""]
    return _tidy(lines)


def _tidy(lines: list[str]) -> str:
    """Lines with at most one blank line between blocks, ending in one newline."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
