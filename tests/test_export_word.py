"""The Word outcome pack: Word's own styles for structure, real tables with repeating headers, charts as
pictures with alt text, participant text kept exactly (less what no reader should get), the same bytes
for the same pack.

The golden file, tests/golden/outcome-pack.docx.txt, is the golden workshop's document as text and
structure (styles, tables, pictures and their alt text; see ``dump``); to accept a change on purpose:

    WORKSHOP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_word.py
"""

from __future__ import annotations

import io
import itertools
import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from docx.text.paragraph import Paragraph

from tests.helpers.outcome_blocks import charts, golden_pack, naughty_item, sample_item, with_items
from tests.naughty import BLNS
from workshop.blocks import Chart
from workshop.db import Database
from workshop.exports import word
from workshop.exports.document import document_text
from workshop.exports.files import export_workshop
from workshop.exports.pack import OutcomePack
from workshop.untrusted import UNSAFE

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

GOLDEN = Path(__file__).parent / "golden" / "outcome-pack.docx.txt"
UPDATE = os.environ.get("WORKSHOP_UPDATE_GOLDEN") == "1"


@pytest.fixture
def pack(db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch) -> OutcomePack:
    """The golden workshop's pack, and an item with every block and chart kind."""
    return with_items(golden_pack(db, workshop_id, monkeypatch), sample_item())


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _num_id(paragraph: Paragraph) -> int | None:
    found = paragraph._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    return int(found[0]) if found else None


def _paragraph_line(paragraph: Paragraph, lists: dict[int, int]) -> str:
    if paragraph._p.xpath(".//w:br[@w:type='page']"):
        return "[page break]"
    if paragraph._p.xpath(".//wp:docPr"):
        (doc_pr,) = paragraph._p.xpath(".//wp:docPr")
        (extent,) = paragraph._p.xpath(".//wp:extent/@cx")
        return f"[picture {int(extent) / 360000:.1f} cm wide] alt: {doc_pr.get('descr')}"
    style = paragraph.style.name if paragraph.style is not None else "?"
    number = _num_id(paragraph)
    if number is not None:
        style += f" #{lists.setdefault(number, len(lists) + 1)}"  # which list: a new one restarts at 1
    runs = [r for r in paragraph.runs if r.text]
    text = paragraph.text
    if runs and all(r.bold for r in runs):
        text = f"**{text}**"
    if runs and all(r.italic for r in runs):
        text = f"*{text}*"
    return f"[{style}] {text}".rstrip()


def _table_lines(table: Table) -> list[str]:
    header = table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    (alt,) = table._tbl.xpath("./w:tblPr/w:tblCaption/@w:val")
    style = table.style.name if table.style is not None else "?"
    lines = [f"table ({style}{', header row repeats' if header else ''}) alt: {alt}"]
    for row in table.rows:
        cells = []
        for cell in row.cells:
            right = cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
            cells.append(f"{'>' if right else ''}{cell.text}")
        lines.append("  | " + " | ".join(cells) + " |")
    return lines


def dump(document: Document) -> str:
    """The document as text and structure: each paragraph's style and text (``**bold**``, ``*italic*``),
    tables cell by cell (">": set to the right), pictures with their size and alt text, and the file's
    properties."""
    props = document.core_properties
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    lines = [
        f"title: {props.title}",
        f"subject: {props.subject}; comments: {props.comments}; author: {props.author!r}",
        f"created: {props.created:%Y-%m-%d %H:%M}; modified: {props.modified:%Y-%m-%d %H:%M}",
        f"page: {section.page_width.mm:.0f} x {section.page_height.mm:.0f} mm",
        "",
    ]
    lists: dict[int, int] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += _table_lines(block)
        else:
            lines.append(_paragraph_line(block, lists))
    return "\n".join(lines) + "\n"


def _headings(document: Document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]


def test_title_page_then_items_under_word_heading_styles(pack: OutcomePack) -> None:
    document = _open(word.render(pack))
    paragraphs = document.paragraphs
    assert paragraphs[0].style is not None and paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "Test workshop"
    assert [p.text for p in paragraphs[1:6]] == [
        "Outcome pack",
        "Template: cyp-integration",
        "Made on 12 March 2026",
        "Exported 23 November 2026 12:51 UTC",
        "Seats joined: 13",
    ]
    breaks = [n for n, p in enumerate(paragraphs) if p._p.xpath(".//w:br[@w:type='page']")]
    first_heading = next(
        n for n, p in enumerate(paragraphs) if p.style is not None and p.style.name == "Heading 1"
    )
    assert breaks and breaks[0] < first_heading  # the title page stands alone
    headings = _headings(document)
    assert [text for level, text in headings if level == 1] == [item.title for item in pack.items]
    levels = [level for level, _ in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"
    last = headings[[text for _, text in headings].index("Every block") :]
    assert last == [(1, "Every block"), (2, "Ranked options"), (3, "Detail"), (2, "Charts")]
    props = document.core_properties
    assert props.title == "Test workshop" and props.author == "" and props.revision == 1
    assert props.created == props.modified == pack.exported_at
    section = document.sections[0]
    assert section.page_width is not None and round(section.page_width.mm) == 210  # A4


def test_lists_use_word_list_styles_and_each_numbered_list_counts_from_one(pack: OutcomePack) -> None:
    document = _open(word.render(pack))
    paragraphs = document.paragraphs
    start = next(n for n, p in enumerate(paragraphs) if p.text == "Every block")
    sample = paragraphs[start:]
    styled = [(p.style.name if p.style else "", p.text) for p in sample if p.style and "List" in p.style.name]
    assert styled == [
        ("List Number", "First"),
        ("List Number", "Second"),
        ("List Number", "Third"),
        ("List Bullet", "a point"),
        ("List Bullet", "another point"),
        ("List Number", "Again"),
        ("List Number", "Twice"),
    ]
    first, second = (next(_num_id(p) for p in sample if p.text == text) for text in ("First", "Again"))
    assert first is not None and second is not None and first != second
    numbering = document.part.numbering_part.element
    for number in (first, second):
        num = numbering.num_having_numId(number)
        assert num.xpath("./w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val") == ["1"]


def test_tables_are_real_tables_with_a_repeating_header_and_numbers_to_the_right(pack: OutcomePack) -> None:
    document = _open(word.render(pack))
    tables = document.tables
    assert len(tables) > 5
    for table in tables:
        assert table.style is not None and table.style.name == "Table Grid"
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"), "the header row does not repeat"
        assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows)
        assert table._tbl.xpath("./w:tblPr/w:tblCaption/@w:val")[0].strip(), "a table without alt text"
    sample, borrowed = tables[-2], tables[-1]
    assert [[c.text for c in row.cells] for row in sample.rows] == [
        ["Option", "Points", "Share", "Note"],
        ["Alpha", "12", "0.5", "best"],
        ["Beta", "7", "0.25", ""],
        ["Gamma & co", "3", "2.5", "<b>x</b>"],
    ]
    right = [
        [c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in row.cells] for row in sample.rows
    ]
    assert all(row == [False, True, True, False] for row in right)
    assert all(run.bold for run in sample.rows[0].cells[3].paragraphs[0].runs)  # the header row is bold
    caption = sample._tbl.getprevious()
    assert caption is not None and Paragraph(caption, document).text == "Points per option"
    # A table without a caption of its own is announced by the heading above it; none is printed.
    assert borrowed._tbl.xpath("./w:tblPr/w:tblCaption/@w:val") == ["Detail"]
    assert Paragraph(borrowed._tbl.getprevious(), document).style.name == "List Bullet"  # type: ignore[union-attr]


def test_charts_are_pictures_with_alt_text_and_a_caption(pack: OutcomePack) -> None:
    document = _open(word.render(pack))
    every_chart = [b for item in pack.items for b in item.blocks if isinstance(b, Chart)]
    assert every_chart[-3:] == list(charts())
    shapes = document.inline_shapes
    assert len(shapes) == len(every_chart)
    for number, (shape, chart) in enumerate(zip(shapes, every_chart, strict=True), start=1):
        doc_pr = shape._inline.docPr
        assert doc_pr.get("descr") == chart.description and doc_pr.get("title") == chart.title
        assert shape.width is not None and round(shape.width.cm, 1) == 15.5
        (paragraph,) = doc_pr.xpath("./ancestor::w:p[1]")
        caption = Paragraph(paragraph.getnext(), document)
        assert caption.style is not None and caption.style.name == "Caption"
        assert caption.text == f"Figure {number}: {chart.title}. {chart.description}"
    with zipfile.ZipFile(io.BytesIO(word.render(pack))) as package:
        pictures = [n for n in package.namelist() if n.startswith("word/media/")]
    assert pictures and all(n.endswith(".png") for n in pictures)


def test_the_same_pack_is_the_same_bytes(pack: OutcomePack) -> None:
    first = word.render(pack)
    assert word.render(pack) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 11, 23, 12, 51, 0)}


def test_every_naughty_string_survives_as_text(pack: OutcomePack) -> None:
    """Control and bidi characters go, as everywhere people read (and XML could not hold most of them);
    every other character, line breaks and tabs too, is in the document as the participant wrote it."""
    strings = [s for s in BLNS if s]
    document = _open(word.render(with_items(pack, naughty_item(strings))))
    expected = [document_text(s).replace("\r\n", "\n").replace("\r", "\n") for s in strings]
    paragraphs = document.paragraphs
    start = max(n for n, p in enumerate(paragraphs) if p.style is not None and p.style.name == "Heading 1")
    assert paragraphs[start].text == expected[3]
    body = paragraphs[start + 2 :]  # after the heading and the timing line
    assert [p.text for p in body[: len(strings)]] == expected  # the list
    assert [p.text for p in body[len(strings) : 2 * len(strings)]] == expected  # the paragraphs
    assert [p.text for p in body if p.style is not None and p.style.name == "Heading 2"] == expected[:40]
    table = document.tables[-1]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [[text, text] for text in expected]
    (picture,) = [s for s in document.inline_shapes][-1:]
    assert picture._inline.docPr.get("descr") == expected[2]


def test_document_text_takes_out_only_what_no_reader_should_get() -> None:
    """Control and bidi characters (:data:`workshop.untrusted.UNSAFE`), and the few XML cannot hold at all;
    tabs and line breaks stay, and so does every other character."""
    not_xml = {0xFFFE, 0xFFFF, *range(0xD800, 0xE000)}
    for text in [*BLNS, "a\ud800b", "\uffff", "tab\there\nand\r\nthere"]:
        kept = "".join(ch for ch in text if ord(ch) not in UNSAFE and ord(ch) not in not_xml)
        assert document_text(text) == kept
        docx.Document().add_paragraph(document_text(text))  # which python-docx (lxml) accepts


def test_word_pack_matches_its_golden_file(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    golden_pack(db, workshop_id, monkeypatch)  # the same workshop and clock as the Markdown's golden file
    (written,) = export_workshop(db, workshop_id, tmp_path, formats=("docx",))
    assert written.name == f"2026-11-23-test-workshop-{workshop_id}-outcomes.docx"
    actual = dump(_open(written.read_bytes()))
    if UPDATE:
        GOLDEN.write_text(actual, encoding="utf-8", newline="\n")
    assert GOLDEN.exists(), f"no {GOLDEN.name}: run with WORKSHOP_UPDATE_GOLDEN=1 to write it"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert actual.splitlines() == expected.splitlines(), f"{GOLDEN.name} differs (see the module docstring)"
