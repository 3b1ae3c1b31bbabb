"""The pack's charts: the same chart gives the same bytes, the SVG is valid XML that can share a page, a
series is never told apart by colour alone, and participant text is drawn literally whatever it holds."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.container import BarContainer

from tests.helpers.outcome_blocks import charts
from tests.naughty import BLNS
from workshop.blocks import Chart, Series
from workshop.exports import charts as drawing

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
KINDS: dict[str, Chart] = {chart.kind: chart for chart in charts()}


def _xml(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_chart_is_the_same_bytes_every_time(kind: str) -> None:
    chart = KINDS[kind]
    assert drawing.svg(chart) == drawing.svg(chart)
    first = drawing.png(chart, dpi=72)
    assert first == drawing.png(chart, dpi=72)
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", first[16:24])  # the IHDR chunk: the picture's size in pixels
    assert width == round(drawing.WIDTH * 72) and height > 100
    # No software name, version or date: nothing that changes between runs or upgrades of the machine.
    assert b"tEXt" not in first and b"matplotlib" not in first.lower()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_svg_is_an_inline_element_with_nothing_of_its_own_that_reaches_the_page(kind: str) -> None:
    svg = drawing.svg(KINDS[kind], id_prefix="fig7-")
    root = _xml(svg)
    assert svg.startswith("<svg ") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<!--" not in svg and "<metadata" not in svg and "<style" not in svg and "<script" not in svg
    assert "http://" not in svg.replace("http://www.w3.org/", "")  # only the namespaces are addresses
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert ids and all(str(i).startswith("fig7-") for i in ids)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'(?:href="|url\()#([^")]+)', svg):
        assert reference in ids  # every reference still finds its target


def test_two_charts_on_one_page_share_no_id() -> None:
    ids = [
        set(re.findall(r'\sid="([^"]+)"', drawing.svg(chart, id_prefix=f"c{n}-")))
        for n, chart in enumerate(KINDS.values())
    ]
    assert not ids[0] & ids[1] and not ids[1] & ids[2] and not ids[0] & ids[2]
    # Without a prefix given, each chart makes its own from what it shows.
    radar, stacked = KINDS["radar"], KINDS["stacked"]
    default = [set(re.findall(r'\sid="([^"]+)"', drawing.svg(c))) for c in (radar, stacked)]
    assert not default[0] & default[1]


def test_series_differ_by_line_style_and_marker_and_segments_by_hatch() -> None:
    many = tuple(Series(f"Series {n}", tuple(float(n % 5) for _ in range(3))) for n in range(7))
    with drawing.drawing():
        for kind in ("radar", "movement"):
            figure = drawing.figure(Chart(kind, "t", ("a", "b", "c"), many, "d"))
            lines = [
                line for line in figure.axes[0].get_lines() if line.get_label() in {s.name for s in many}
            ]
            assert len(lines) == len(many)
            looks = {(str(line.get_linestyle()), line.get_marker()) for line in lines}
            shapes = {line.get_marker() for line in lines}
            assert len(shapes) == len(many), f"{kind}: two series share a marker"
            assert len(looks) == len(many)
            assert len({line.get_color() for line in lines}) == len(many)
        figure = drawing.figure(Chart("stacked", "t", ("a", "b", "c"), many, "d"))
        bars = [c for c in figure.axes[0].containers if isinstance(c, BarContainer)]
        assert len(bars) == len(many)
        patterns = [bar.patches[0].get_hatch() or "" for bar in bars]
        assert len(set(patterns)) == len(many), patterns
        # Each segment says its number: the bars can be read without telling any colour apart.
        numbers = [t.get_text() for t in figure.axes[0].texts]
        assert numbers.count("2") >= 3


def test_radar_lines_close_back_to_the_first_label() -> None:
    with drawing.drawing():
        figure = drawing.figure(KINDS["radar"])
    line = next(line for line in figure.axes[0].get_lines() if line.get_label() == "In two years")
    values = list(line.get_ydata())  # type: ignore[arg-type]
    assert values == [4, 3.5, 3, 4, 4]


@pytest.mark.parametrize("text", ["Costs $5 or $10", "$\\frac{1", "$x^2$", "$$", "a_b^c $\\alpha$"])
def test_dollar_signs_are_text_not_mathtext(text: str) -> None:
    """Mathtext would draw "$x^2$" as an italic formula, and raise on "$\\frac{1"."""
    for kind in ("radar", "stacked", "movement"):
        series = (Series(text, (1.0, 2.0)), Series("b", (2.0, 3.0)))
        chart = Chart(kind, text, (text, "plain"), series, text)
        svg = drawing.svg(chart)
        _xml(svg)
        assert "Oblique" not in svg and "Italic" not in svg and "cmmi" not in svg.lower()


def test_empty_and_odd_charts_still_draw() -> None:
    for chart in (
        Chart("radar", "t", (), (), "nothing"),
        Chart("stacked", "t", ("a",), (), "no series"),
        Chart("movement", "t", ("a", "b"), (Series("only", (None, None)),), "no values"),
        Chart("radar", "t", ("a",), (Series("one", (7.0,)),), "one label, off the scale"),
        Chart("stacked", "t", ("a", "b"), (Series("s", (0.0, float("nan"))),), "zero and nan"),
        Chart("movement", "t", ("a",), (Series("x", (1.0,)), Series("y", (float("inf"),))), "inf"),
    ):
        _xml(drawing.svg(chart))
        assert drawing.png(chart, dpi=30).startswith(b"\x89PNG")


@pytest.mark.slow  # eighteen charts of thirty labels each: 6 to 20 seconds
def test_every_naughty_string_draws_into_valid_xml() -> None:
    strings = [s for s in BLNS if s]
    batches = [strings[n : n + 30] for n in range(0, len(strings), 30)]
    for n, batch in enumerate(batches):
        kind = ("radar", "stacked", "movement")[n % 3]
        chart = Chart(
            kind,  # type: ignore[arg-type]
            batch[0],
            tuple(batch),
            (Series(batch[1], tuple(1.0 for _ in batch)), Series(batch[-1], tuple(2.0 for _ in batch))),
            batch[2],
        )
        svg = drawing.svg(chart)
        _xml(svg)
        assert "<script" not in svg.lower() and "<!--" not in svg


def test_starting_the_app_or_the_exports_does_not_load_matplotlib_or_word(tmp_path: Path) -> None:
    """matplotlib takes about half a second to load, python-docx a fifth: only drawing or writing pays."""
    code = (
        "import json, sys\n"
        "import workshop.exports.files, workshop.exports.html, screens.app\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(json.dumps(sorted(loaded & {'matplotlib', 'docx', 'numpy'})))\n"
    )
    env = {**os.environ, "WORKSHOP_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
