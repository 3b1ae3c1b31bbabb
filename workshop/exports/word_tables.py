"""Tables in the Word pack: real Word tables, sized to what they hold, readable by screen readers.

The header row is marked as one (it repeats at the top of each page, and screen readers announce it), no
row breaks across pages, numbers sit to the right, and the table's alt text is its caption. Columns get
widths from their content: python-docx gives every column the same width, which squeezes the first
column of a wide table into a letter a line. A wide table's text is smaller, down to 7.5 points.
"""

from __future__ import annotations

import math
import weakref

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.shared import Cm, Emu, Length, Pt
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from workshop.blocks import Table, cell_text
from workshop.exports.document import document_text, number_columns
from workshop.untrusted import one_line

WIDTH = Cm(16)  # the A4 page's width inside the margins
HEADER_FILL = "E7EDF4"
# Text sizes to try, largest first, each with its cells' side margin: a wide table takes the largest at
# which every column's longest word still fits on one line.
SIZES = ((Pt(10), Cm(0.19)), (Pt(9), Cm(0.12)), (Pt(8), Cm(0.08)), (Pt(7.5), Cm(0.05)))


# Style ids by style name, read once per document: python-docx looks a name up by scanning every style
# (and again for the default) on each paragraph, which made a 1,000-answer pack take seconds.
_STYLE_IDS: weakref.WeakKeyDictionary[object, dict[str, str]] = weakref.WeakKeyDictionary()


def styled(doc: DocumentObject, text: str, style: str) -> WordParagraph:
    """A new paragraph of ``text`` (already made safe) in the style named ``style``."""
    ids = _STYLE_IDS.get(doc.element)
    if ids is None:
        ids = _STYLE_IDS[doc.element] = {s.name: s.style_id for s in doc.styles if s.name is not None}
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = ids[style]
    return paragraph


def docx_text(text: str) -> str:
    """Participant text for Word: readable and XML-safe, each line break one break (\\r\\n is one)."""
    return document_text(text).replace("\r\n", "\n").replace("\r", "\n")


def _shortest(lines: list[list[str]]) -> list[int]:
    """Each column's longest word in characters, and one to spare; bold (the header row, the first
    column) counts a sixth more."""
    found = [3] * len(lines[0])
    for row, texts in enumerate(lines):
        for column, text in enumerate(texts):
            bold = row == 0 or column == 0
            longest = max((len(word) for word in text.split()), default=0) * (7 / 6 if bold else 1)
            found[column] = max(found[column], math.ceil(longest) + 1)
    return found


def column_widths(lines: list[list[str]]) -> tuple[Length, Length, list[Length]]:
    """The text size, the cells' side margin, and each column's width, filling the page's width.

    Each column gets room for its longest word (a word broken letter by letter is unreadable), then the
    rest of the width goes to the columns whose text would wrap most.
    """
    shortest = _shortest(lines)
    wanted = [max(s, min(max(len(row[n]) for row in lines), 30)) for n, s in enumerate(shortest)]
    for size, margin in SIZES:
        # An average character, generous: Word sets Calibri, LibreOffice often a wider substitute.
        char = size * 0.6
        spare = WIDTH - sum(2 * margin + char * n for n in shortest)
        if spare >= 0:
            break
    if spare <= 0 or wanted == shortest:
        return size, margin, [Emu(int(WIDTH * n / sum(shortest))) for n in shortest]
    extra = sum(w - s for w, s in zip(wanted, shortest, strict=True))
    widths = [2 * margin + char * s + spare * (w - s) / extra for w, s in zip(wanted, shortest, strict=True)]
    return size, margin, [Emu(int(width)) for width in widths]


def _mark_row(row: CT_Row, *tags: str) -> None:
    properties = row.get_or_add_trPr()
    for tag in tags:
        properties.append(OxmlElement(tag))


def _shade(cell: CT_Tc) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), HEADER_FILL)
    cell.get_or_add_tcPr().append(shading)


def _properties(table: WordTable, caption: str, margin: Length) -> None:
    """The cells' side margins, and Word's alt text for the table (what a screen reader announces)."""
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(margin / 635)))  # twentieths of a point; 635 EMU each
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)  # the schema's order: margins before the look, alt text last
    else:
        properties.append(margins)
    for tag in ("w:tblCaption", "w:tblDescription"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), one_line(docx_text(caption)))
        properties.append(element)


def add_table(doc: DocumentObject, block: Table, caption: str, shown: bool) -> None:
    """``block`` as a Word table, its caption printed above it when ``shown`` (else alt text only)."""
    if not block.headers:
        return  # no columns: Word cannot hold a table without any
    if shown:
        styled(doc, docx_text(caption), "Caption").paragraph_format.keep_with_next = True
    numbers = number_columns(block)
    lines = [[docx_text(h) for h in block.headers]]
    lines += [[docx_text(cell_text(c)) for c in row] for row in block.rows]
    size, margin, widths = column_widths(lines)
    table = doc.add_table(rows=len(lines), cols=len(block.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _properties(table, caption, margin)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row_index, (row, texts) in enumerate(zip(table.rows, lines, strict=True)):
        header = row_index == 0
        # The header row repeats at the top of each page; no row breaks across two pages.
        _mark_row(row._tr, *(["w:cantSplit", "w:tblHeader"] if header else ["w:cantSplit"]))
        for column, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = widths[column]  # Word reads the grid's widths, LibreOffice the cells'
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
            run = paragraph.add_run(text)
            run.font.size = size
            run.bold = header or column == 0  # the header row, and the first column that names each row
            if column in numbers:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if header:
                _shade(cell._tc)


def space_after_tables(doc: DocumentObject) -> None:
    """Room under each table: the paragraph after it starts lower, and a table straight after another
    gets an empty paragraph between them (Word would join the two into one table)."""
    for table in doc.element.body.iterchildren(qn("w:tbl")):
        following = table.getnext()
        if following is not None and following.tag == qn("w:tbl"):
            table.addnext(OxmlElement("w:p"))
        elif following is not None and following.tag == qn("w:p"):
            spacing = following.get_or_add_pPr().get_or_add_spacing()
            if spacing.before is None:
                spacing.before = Pt(10)
