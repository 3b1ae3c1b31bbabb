"""The HR text as a Word document: Heading styles, bullets, real tables, the appraisal scale's ☐ boxes.

Loaded only when Word is asked for: python-docx takes a while to import.
"""

from __future__ import annotations

import io
from typing import cast

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Pt
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from workshop.hr import HrPack
from workshop.hr_text import Heading, Items, Paragraph, Runs, Table, parse, plain
from workshop.untrusted import xml_text


def _runs(paragraph: WordParagraph, runs: Runs, bold: bool = False) -> None:
    for run in runs:
        added = paragraph.add_run(xml_text(run.text))
        if run.bold or bold:
            added.bold = True
        if run.italic:
            added.italic = True


class _Writer:
    """Adds blocks at the end of a document's body.

    python-docx's own ``add_paragraph`` and ``add_table`` scan the whole body on every call (for the section
    properties at its end, and for the page width) and look styles up by reading every style, which for a
    pack of hundreds of values took most of a minute. Here each lookup is made once.
    """

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        styles = document.styles
        names = ["Title", *(f"Heading {n}" for n in range(1, 10)), "List Bullet", "List Paragraph"]
        self.ids = {name: styles[name].style_id for name in names}
        self.grid = styles["Table Grid"].style_id
        self.end = document.element.body.sectPr  # the body's last child: new blocks go before it
        section = document.sections[-1]
        margins = (section.left_margin or 0) + (section.right_margin or 0)
        self.width = Length((section.page_width or 0) - margins)

    def _add(self, element: BaseOxmlElement) -> None:
        if self.end is not None:
            self.end.addprevious(element)
        else:
            self.document.element.body.append(element)

    def paragraph(self, runs: Runs, style: str | None = None, label: str = "") -> None:
        element = cast(CT_P, OxmlElement("w:p"))
        self._add(element)
        paragraph = WordParagraph(element, self.document.part)
        if style is not None:
            element.get_or_add_pPr().style = self.ids[style]
        if label:
            paragraph.add_run(f"{label} ")
        _runs(paragraph, runs)

    def table(self, block: Table) -> None:
        rows = ([block.header] if block.header else []) + list(block.rows)
        columns = max(len(row) for row in rows)
        element = CT_Tbl.new_tbl(len(rows), columns, self.width)
        self._add(element)
        table = WordTable(element, self.document.part)
        element.tblPr.style = self.grid
        for number, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
            header = block.header is not None and number == 0
            for cell, runs in zip(row.cells, cells, strict=False):
                _runs(cell.paragraphs[0], runs, bold=header)
            if header:
                # Repeat the header row at the top of each page the table runs onto.
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                row._tr.get_or_add_trPr().append(repeat)
        self.paragraph(())


def render(pack: HrPack) -> bytes:
    """The whole pack as a .docx file's bytes."""
    document = Document()
    document.core_properties.title = xml_text(f"Our shared values: text for HR: {pack.title}")[:255]
    document.styles["Normal"].font.size = Pt(11)
    writer = _Writer(document)
    for block in parse(pack.document()):
        if isinstance(block, Heading):
            level = block.level - 1  # "#" is the document's title, "##" a section: Heading 1
            writer.paragraph(block.runs, f"Heading {level}" if level else "Title")
        elif isinstance(block, Paragraph):
            writer.paragraph(block.runs)
        elif isinstance(block, Items):
            for label, runs in block.items:
                # A number is written as text: Word's own numbering would run on from one value's list
                # into the next.
                writer.paragraph(runs, "List Paragraph" if label else "List Bullet", label)
        elif block.header or any(plain(cell) for row in block.rows for cell in row):
            writer.table(block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
