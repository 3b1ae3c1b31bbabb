"""The outcome pack as a Word document (python-docx), built from Word's own styles.

Word's built-in styles carry the structure: Title, Heading 1 for each item and Heading 2 and below inside
it (so the navigation pane and a table of contents work), List Bullet and List Number, Caption. Tables are
real tables (:mod:`workshop.exports.word_tables`); charts are PNG pictures with alt text and a caption.
Text follows the same rule as HTML (:func:`workshop.exports.document.document_text`): readable, and
nothing XML cannot hold, which python-docx would refuse.

The file is the same bytes for the same pack: its dates are the export's, and so are the zip entries'.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from workshop.blocks import Bullets, Chart, Heading, Paragraph, Table
from workshop.exports import charts
from workshop.exports.document import outline, sentence, table_caption, timing
from workshop.exports.pack import ItemReport, OutcomePack
from workshop.exports.word_tables import add_table, docx_text, space_after_tables, styled
from workshop.untrusted import one_line

PICTURE_WIDTH = Cm(15.5)  # just inside the 16 cm between the A4 page's margins
MUTED = RGBColor(0x4A, 0x4A, 0x4A)
DARK_BLUE = RGBColor(0x36, 0x5F, 0x91)


def _setup(doc: DocumentObject, pack: OutcomePack) -> None:
    """A4 pages, British English for spelling and screen readers, and the file's properties."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run_defaults is not None:
            lang = run_defaults.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                run_defaults.append(lang)
            lang.set(qn("w:val"), "en-GB")
    doc.styles["Normal"].font.size = Pt(11)
    # The template's lighter blue is under 4.5:1 on white: headings and captions take the darker one.
    for name in ("Heading 2", "Heading 3", "Heading 4", "Heading 5", "Subtitle", "Caption"):
        doc.styles[name].font.color.rgb = DARK_BLUE
    doc.styles["Caption"].font.size = Pt(10)
    props = doc.core_properties
    props.title = one_line(docx_text(pack.title))
    props.subject = "Workshop outcome pack"
    props.author = props.last_modified_by = ""
    props.comments = f"Made from the {one_line(docx_text(pack.template))} template"
    props.keywords = ""
    props.revision = 1
    props.language = "en-GB"
    props.created = props.modified = pack.exported_at  # the export's time, not the clock's: same bytes


def _title_page(doc: DocumentObject, pack: OutcomePack) -> None:
    doc.add_paragraph(docx_text(pack.title), style="Title")
    doc.add_paragraph("Outcome pack", style="Subtitle")
    facts = [
        f"Template: {pack.template}",
        f"Made on {pack.created_at:%d %B %Y}",
        f"Exported {pack.exported_at:%d %B %Y %H:%M} UTC",
        f"Seats joined: {pack.seats}",
    ]
    if pack.baseline_title:
        facts.append(f"A follow-up of {pack.baseline_title}")
    for fact in facts:
        doc.add_paragraph(docx_text(fact))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _list(doc: DocumentObject, block: Bullets) -> None:
    style = "List Number" if block.numbered else "List Bullet"
    paragraphs = [styled(doc, docx_text(text), style) for text in block.items]
    if block.numbered and paragraphs:
        # Every List Number paragraph shares one numbering, which would count on from the last list: this
        # list gets a numbering of its own, starting at 1.
        numbering = doc.part.numbering_part.element
        style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
        num = numbering.add_num(numbering.num_having_numId(style_num).abstractNumId.val)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        for paragraph in paragraphs:
            numbered = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbered.get_or_add_ilvl().val = 0
            numbered.get_or_add_numId().val = num.numId


def _chart(doc: DocumentObject, chart: Chart, number: int) -> None:
    picture = doc.add_paragraph()
    picture.paragraph_format.keep_with_next = True  # the caption stays under its picture
    shape = picture.add_run().add_picture(io.BytesIO(charts.png(chart, dpi=200)), width=PICTURE_WIDTH)
    doc_pr = shape._inline.docPr
    doc_pr.set("name", f"Chart {number}")
    doc_pr.set("title", one_line(docx_text(chart.title)))
    doc_pr.set("descr", docx_text(chart.description))  # Word's alt text: what the chart shows, in words
    caption = styled(doc, "", "Caption")
    caption.add_run(docx_text(sentence(f"Figure {number}: {chart.title}"))).bold = True
    if chart.description:
        caption.add_run(docx_text(f" {chart.description}"))


def _item(doc: DocumentObject, item: ItemReport, figures: int) -> int:
    """One item under its Heading 1; returns the figures numbered so far."""
    styled(doc, docx_text(item.title), "Heading 1")
    line = doc.add_paragraph().add_run(docx_text(timing(item)))
    line.italic = True
    line.font.color.rgb = MUTED
    for index, (block, depth) in enumerate(zip(item.blocks, outline(item.blocks), strict=True)):
        if isinstance(block, Heading):
            styled(doc, docx_text(block.text), f"Heading {min(1 + depth, 9)}")
        elif isinstance(block, Paragraph):
            doc.add_paragraph().add_run(docx_text(block.text)).bold = block.strong or None
        elif isinstance(block, Bullets):
            _list(doc, block)
        elif isinstance(block, Chart):
            figures += 1
            _chart(doc, block, figures)
        else:
            assert isinstance(block, Table)
            add_table(doc, block, *table_caption(item.blocks, index, item))
    return figures


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """The .docx again with every entry dated ``when`` (python-docx stamps the time of saving)."""
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()


def render(pack: OutcomePack) -> bytes:
    """The whole pack as a .docx file's bytes."""
    doc = Document()
    _setup(doc, pack)
    _title_page(doc, pack)
    figures = 0
    for item in pack.items:
        figures = _item(doc, item, figures)
    space_after_tables(doc)
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue(), pack.exported_at)
