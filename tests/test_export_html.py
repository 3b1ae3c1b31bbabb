"""The HTML outcome pack: one self-contained page, structured for screen readers and print, with charts as
named figures, participant text escaped and readable, and no accessibility violations by axe-core.

The golden file, tests/golden/outcome-pack.html, is the golden workshop's page with each chart's drawing
left out (tests/test_charts.py checks the drawings); to accept a change on purpose:

    WORKSHOP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_html.py
"""

from __future__ import annotations

import itertools
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.helpers.axe import axe_violations
from tests.helpers.html_tree import Node, parse
from tests.helpers.outcome_blocks import charts, golden_pack, naughty_item, sample_item, with_items
from tests.naughty import BLNS
from workshop.db import Database
from workshop.exports import html
from workshop.exports.document import document_text
from workshop.exports.files import export_workshop
from workshop.exports.pack import OutcomePack

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

GOLDEN = Path(__file__).parent / "golden" / "outcome-pack.html"
UPDATE = os.environ.get("WORKSHOP_UPDATE_GOLDEN") == "1"


@pytest.fixture
def pack(db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch) -> OutcomePack:
    """The golden workshop's pack, and an item with every block and chart kind."""
    return with_items(golden_pack(db, workshop_id, monkeypatch), sample_item())


def _sections(root: Node) -> list[Node]:
    return [n for n in root.iter("section") if "item" in n.attrs.get("class", "")]


def test_page_is_one_self_contained_document(pack: OutcomePack) -> None:
    page = html.render(pack)
    root = parse(page)
    assert page.startswith("<!DOCTYPE html>\n")
    (document,) = root.iter("html")
    assert document.attrs["lang"] == "en-GB"
    assert next(root.iter("title")).text() == "Test workshop – outcome pack"
    assert next(root.iter("meta")).attrs == {"charset": "utf-8"}
    # Nothing to run and nothing to fetch: no scripts, no links out, no external style or picture.
    assert not list(root.iter("script")) and not list(root.iter("link")) and not list(root.iter("img"))
    assert not list(root.iter("iframe")) and not list(root.iter("object"))
    for node in root.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"<{node.tag} {name}>"
            if name in ("src", "href", "xlink:href", "action", "srcset", "data"):
                assert value.startswith("#"), f"<{node.tag} {name}={value!r}>"
    assert not re.search(r"url\(\s*['\"]?(?!#)", page), "a style fetches something"
    assert "@import" not in page and "http://" not in page.replace('"http://www.w3.org/', "")
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "an id is used twice"


def test_contents_link_to_every_item_and_headings_never_skip_a_level(pack: OutcomePack) -> None:
    root = parse(html.render(pack))
    nav = next(root.iter("nav"))
    links = [(a.attrs["href"], a.text()) for a in nav.iter("a")]
    sections = _sections(root)
    assert [title for _, title in links] == [item.title for item in pack.items]
    assert [href for href, _ in links] == [f"#{s.attrs['id']}" for s in sections]
    headings = [n for n in root.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    levels = [int(n.tag[1]) for n in headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    for section, item in zip(sections, pack.items, strict=True):
        heading = section.find("h2")
        assert heading is not None and heading.text() == item.title
        assert section.attrs["aria-labelledby"] == heading.attrs["id"]
    sample = sections[-1]
    assert [(n.tag, n.text()) for n in sample.iter() if n.tag in ("h3", "h4")] == [
        ("h3", "Ranked options"),
        ("h4", "Detail"),
        ("h3", "Charts"),
    ]
    assert [n.tag for n in sample.iter() if n.tag in ("ol", "ul")] == ["ol", "ul", "ol"]


def test_tables_have_captions_and_header_cells_with_scope(pack: OutcomePack) -> None:
    root = parse(html.render(pack))
    tables = list(root.iter("table"))
    assert len(tables) > 5
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and caption.text().strip(), "a table without a caption"
        head, body = table.find("thead"), table.find("tbody")
        assert head is not None and body is not None
        assert all(th.attrs.get("scope") == "col" for th in head.iter("th"))
        for row in body.iter("tr"):
            cells = [c for c in row.children if isinstance(c, Node)]
            assert cells[0].tag == "th" and cells[0].attrs.get("scope") == "row"
            assert all(c.tag == "td" for c in cells[1:])
    sample = tables[-2]
    caption = sample.find("caption")
    assert caption is not None and caption.text() == "Points per option" and "class" not in caption.attrs
    rows = [[c.text() for c in row.iter() if c.tag in ("th", "td")] for row in sample.iter("tr")]
    assert rows == [
        ["Option", "Points", "Share", "Note"],
        ["Alpha", "12", "0.5", "best"],
        ["Beta", "7", "0.25", ""],
        ["Gamma & co", "3", "2.5", "<b>x</b>"],  # text, never markup
    ]
    classes = [
        [c.attrs.get("class", "") for c in row.iter() if c.tag in ("th", "td")] for row in sample.iter("tr")
    ]
    assert all(row[1:3] == ["num", "num"] and row[3] == "" for row in classes)  # numbers to the right
    # A table without a caption of its own is named by the heading above it: read out, not shown twice.
    borrowed = tables[-1].find("caption")
    assert borrowed is not None and borrowed.text() == "Detail"
    assert borrowed.attrs["class"] == "visually-hidden"


def test_charts_are_figures_named_by_their_captions(pack: OutcomePack) -> None:
    page = html.render(pack)
    root = parse(page)
    sample = _sections(root)[-1]
    figures = list(sample.iter("figure"))
    assert len(figures) == 3
    for figure, chart in zip(figures, charts(), strict=True):
        svg, caption = figure.find("svg"), figure.find("figcaption")
        assert svg is not None and caption is not None
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-labelledby"] == caption.attrs["id"]
        assert caption.text() == f"{chart.title}. {chart.description}"
        assert not list(svg.iter("text")), "a chart's text is drawn, never left for the page to style"
    for drawing in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL):
        ET.fromstring(drawing)  # each inline SVG is well-formed XML too


def test_print_styles_hide_the_contents_and_start_each_item_on_a_page(pack: OutcomePack) -> None:
    page = html.render(pack)
    style = page[page.index("@media print") :]
    assert re.search(r"nav \{ display: none; \}", style)
    assert re.search(r"section\.item \+ section\.item \{ break-before: page; \}", style)
    assert re.search(r"thead \{ display: table-header-group; \}", style)  # headers repeat on each page
    assert re.search(r"tr, figure, li \{ break-inside: avoid; \}", style)


def test_every_naughty_string_is_shown_as_text(pack: OutcomePack) -> None:
    strings = [s for s in BLNS if s]
    page = html.render(with_items(pack, naughty_item(strings)))
    root = parse(page)
    section = _sections(root)[-1]
    expected = [document_text(s) for s in strings]
    # Each comes out as the same text (less the control and bidi characters no reader should get).
    heading = section.find("h2")
    assert heading is not None and heading.text() == expected[3]
    lists = list(section.iter("ul"))
    assert [li.text() for li in lists[0].iter("li")] == expected
    paragraphs = [p.text() for p in section.iter("p")][1 : 1 + len(strings)]  # after the timing line
    assert paragraphs == expected
    assert [h.text() for h in section.iter("h3")] == expected[:40]
    table = section.find("table")
    assert table is not None
    cells = [[c.text() for c in row.iter() if c.tag in ("th", "td")] for row in table.iter("tr")][1:]
    assert cells == [[text, text] for text in expected]
    caption = section.find("figcaption")
    assert caption is not None and caption.text().endswith(f" {expected[2]}")
    assert not [n for n in root.iter() if n.tag in ("script", "img", "iframe", "object", "embed")]


# Text outside a table's scrolling box that reaches past the right edge of the window.
_OVERFLOWING = """() => {
    const found = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode()); ) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const outside = !node.parentElement.closest('.table-scroll');
        if (outside && range.getBoundingClientRect().right > innerWidth + 1) found.push(node.data);
    }
    return found;
}"""


def _unbreakable(text: str) -> bool:
    """Whether ``text`` holds one character stacked with many combining marks: a single grapheme no
    browser may break, however wide the marks draw it."""
    return re.search(r"\w[\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]{10,}", text) is not None


@pytest.mark.browser
def test_no_accessibility_violations_in_chromium(pack: OutcomePack, browser: Browser) -> None:
    naughty = with_items(pack, naughty_item([s for s in BLNS if s]))
    context = browser.new_context(viewport={"width": 1024, "height": 800}, offline=True)
    try:
        page = context.new_page()
        for content in (pack, naughty):
            page.set_content(html.render(content))
            assert axe_violations(page, impacts=None) == []  # none at all, of any impact
        # On a phone's screen only a wide table is wider than the screen, and it scrolls in its own box;
        # participant text wraps however long it is (but for one letter under a tower of marks).
        page.set_viewport_size({"width": 360, "height": 740})
        for content in (pack, naughty):
            page.set_content(html.render(content))
            assert [text for text in page.evaluate(_OVERFLOWING) if not _unbreakable(text)] == []
            if content is pack:
                assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_html_pack_matches_its_golden_file(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    golden_pack(db, workshop_id, monkeypatch)  # the same workshop and clock as the Markdown's golden file
    (written,) = export_workshop(db, workshop_id, tmp_path, formats=("html",))
    assert written.name == f"2026-11-23-test-workshop-{workshop_id}-outcomes.html"
    # The drawings' path data belongs to matplotlib's version: the page around them is what is compared.
    actual = re.sub(r"(<svg\b[^>]*>).*?(</svg>)", r"\1…\2", written.read_text(encoding="utf-8"), flags=re.S)
    if UPDATE:
        GOLDEN.write_text(actual, encoding="utf-8", newline="\n")
    assert GOLDEN.exists(), f"no {GOLDEN.name}: run with WORKSHOP_UPDATE_GOLDEN=1 to write it"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert actual.splitlines() == expected.splitlines(), f"{GOLDEN.name} differs (see the module docstring)"
    assert actual == expected
