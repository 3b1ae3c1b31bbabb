"""Charts drawn from :class:`workshop.blocks.Chart`: SVG for the HTML pack, PNG for the Word pack.

Drawn with matplotlib's object API (a ``Figure`` of its own, never pyplot's global state or a GUI backend),
so exports can run in a worker thread. The drawings are deterministic: the same chart gives the same bytes.

Accessible by design: no series is told apart by colour alone (each has its own line style and marker, or
hatch pattern), the palette is Okabe and Ito's colour-blind-safe one, and the text is large enough for a
projector. Labels are participant text: they are drawn as plain text, never as mathtext (``$`` is a
dollar sign), and the SVG holds them only as glyph outlines, so no label can break its markup.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

from workshop.blocks import Chart, Series
from workshop.exports.document import document_text
from workshop.untrusted import one_line

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

# Okabe and Ito, darkest first (yellow is too pale for a line on white, so it comes last).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
# Cycles of different lengths, so two series share a line style, marker and colour only past the 56th.
LINE_STYLES: tuple[str | tuple[float, tuple[float, ...]], ...] = (
    "solid",
    (0, (6, 2)),
    (0, (1, 1.5)),
    (0, (6, 2, 1, 2)),
    (0, (3, 1, 1, 1, 1, 1)),
    (0, (10, 3)),
    (0, (2, 3)),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
# Lines only: dotted and circled hatches are drawn as thousands of curves, half a megabyte of SVG a chart.
HATCHES = ("", "///", "\\\\\\", "xxx", "---", "|||", "+++", "//")
INK = "#1a1a1a"
GRID = "#b0b0b0"
RADAR_SIDE = 0.22  # of the width, each side of the radar's circle: room for labels 16 characters wide
WIDTH = 8.0  # inches: the Word picture is 6.1 (15.5 cm), so 13-point text prints at about 10 points
# Settings read while drawing and saving. Fonts: matplotlib's own DejaVu Sans, so a chart looks the same on
# every machine; text as outlines, so the SVG needs no font. parse_math off: "$5 or $10" is literal text.
_RC: dict[RcKeyType, object] = {
    "svg.hashsalt": "workshop-outcome-pack",
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "DejaVu Sans",
    "font.size": 13,
    "legend.fontsize": 12,
    "axes.edgecolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.linewidth": 1.2,
}
# rcParams are global: one chart at a time, so an export in a worker thread never mixes settings.
_LOCK = threading.Lock()
_Where = Literal["lower center", "outside lower center"]
_ID = re.compile(r'\sid="([^"]+)"')
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def _label(text: str, width: int, limit: int = 90) -> str:
    """A label that fits: one line of readable text, cut at ``limit`` characters and wrapped."""
    text = one_line(document_text(text))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "\n".join(textwrap.wrap(text, width)) or " "


def _values(series: Series) -> list[float]:
    return [math.nan if v is None else float(v) for v in series.values]


def _scale(chart: Chart) -> tuple[float, float]:
    """The value axis: the chart's scale, widened if a value falls outside it."""
    present = [v for s in chart.series for v in s.values if v is not None and math.isfinite(v)]
    low, high = chart.scale
    return min([low, *present]), max([high, *present])


def _radar(fig: Figure, chart: Chart) -> None:
    from matplotlib.projections.polar import PolarAxes  # late, as in figure()

    ax = fig.add_subplot(projection="polar")
    assert isinstance(ax, PolarAxes)
    count = len(chart.labels)
    angles = [2 * math.pi * i / count for i in range(count)]
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)  # clockwise from the top, as people read a clock
    low, high = _scale(chart)
    for n, series in enumerate(chart.series):
        values = _values(series)
        ax.plot(
            [*angles, angles[0]],
            [*values, values[0]],  # closed: back to the first label
            color=PALETTE[n % len(PALETTE)],
            linestyle=LINE_STYLES[n % len(LINE_STYLES)],
            marker=MARKERS[n % len(MARKERS)],
            linewidth=2.4,
            markersize=8,
            label=_label(series.name, 40),
        )
    ax.set_ylim(low, high)
    ax.set_yticks(range(math.ceil(low), math.floor(high) + 1))
    ax.tick_params(axis="y", labelsize=11, labelcolor="#444444")
    for level in ax.get_yticklabels():  # a line passing under a level's number leaves it readable
        level.set_bbox({"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_rlabel_position(180 / count)  # the level numbers between two spokes, clear of the lines
    ax.set_xticks(angles)
    ax.set_xticklabels([_label(text, 16, 60) for text in chart.labels])
    ax.tick_params(axis="x", pad=14)
    for tick, angle in zip(ax.get_xticklabels(), angles, strict=True):
        # Labels right of the centre start at their spoke, those left of it end there: none cross the plot.
        side = math.sin(angle)
        tick.set_horizontalalignment("left" if side > 0.1 else "right" if side < -0.1 else "center")
    ax.grid(color=GRID, linewidth=0.8)
    ax.spines["polar"].set_color(GRID)
    # Set margins, not the constrained layout: it measures polar labels before they are aligned to their
    # side, and cut the long ones off at the figure's edge.
    above, below, height = _radar_space(chart)
    fig.subplots_adjust(left=RADAR_SIDE, right=1 - RADAR_SIDE, top=1 - above / height, bottom=below / height)
    _legend(fig, ax, "lower center")


def _stacked(fig: Figure, chart: Chart) -> None:
    from matplotlib.ticker import MaxNLocator  # late, as in figure()

    ax = fig.add_subplot()
    rows = range(len(chart.labels))
    lefts = [0.0] * len(chart.labels)
    for n, series in enumerate(chart.series):
        widths = [0.0 if v is None or not math.isfinite(v) else float(v) for v in series.values]
        colour = PALETTE[n % len(PALETTE)]
        bars = ax.barh(
            rows,
            widths,
            left=lefts,
            height=0.7,
            color=colour,
            hatch=HATCHES[n % len(HATCHES)],
            edgecolor=INK,
            linewidth=1,
            label=_label(series.name, 30),
        )
        # Each segment says its number, on a white patch so the hatching never hides it.
        ax.bar_label(
            bars,
            labels=[f"{w:g}" if w else "" for w in widths],
            label_type="center",
            fontsize=11,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
        lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
    ax.set_yticks(list(rows), [_label(text, 28) for text in chart.labels])
    ax.invert_yaxis()  # the first label at the top, as in the tables
    ax.set_xlim(0, max([1.0, *lefts]) * 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of people: no 2.5
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    _legend(fig, ax)


def _movement(fig: Figure, chart: Chart) -> None:
    ax = fig.add_subplot()
    low, high = _scale(chart)
    first, last = _values(chart.series[0]), _values(chart.series[-1])
    rows = list(range(len(chart.labels)))
    for row, start, end in zip(rows, first, last, strict=True):
        if len(chart.series) > 1 and math.isfinite(start) and math.isfinite(end) and start != end:
            ax.annotate(
                "",
                xy=(end, row),
                xytext=(start, row),
                arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 2.2, "mutation_scale": 20},
            )
        change = end - start if len(chart.series) > 1 else math.nan
        if math.isfinite(change):
            # The change as a number at the row's end: the arrow's direction is not the only clue.
            text = "no change" if change == 0 else f"{change:+g}".replace("-", "−")
            ax.text(1.01, row, text, transform=ax.get_yaxis_transform(), va="center", fontsize=12)
    for n, series in enumerate(chart.series):
        hollow = n == 0 and len(chart.series) > 1  # where each arrow starts
        colour = PALETTE[n % len(PALETTE)]
        ax.plot(
            _values(series),
            rows,
            linestyle="none",
            marker=MARKERS[n % len(MARKERS)],
            markersize=11,
            markeredgewidth=2,
            color=colour,
            markerfacecolor="white" if hollow else colour,
            label=_label(series.name, 30),
            zorder=3,
        )
    ax.set_yticks(rows, [_label(text, 28) for text in chart.labels])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # the first label at the top
    ax.set_xlim(low - 0.3, high + 0.3)
    ax.set_xticks(range(math.ceil(low), math.floor(high) + 1))
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    _legend(fig, ax)


def _legend(fig: Figure, ax: Axes, where: _Where = "outside lower center") -> None:
    handles, names = ax.get_legend_handles_labels()
    if not handles:
        return
    # As many columns as fit the width: about 80 characters of 12-point text, with room for each key.
    widest = max(len(line) for name in names for line in name.split("\n"))
    columns = max(1, min(len(handles), 6, 80 // (widest + 6)))
    # matplotlib fills a legend column by column; in this order it reads left to right, row by row.
    order = [i for start in range(columns) for i in range(start, len(handles), columns)]
    fig.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc=where,
        ncol=columns,
        frameon=False,
        columnspacing=1.5,
    )


def _radar_space(chart: Chart) -> tuple[float, float, float]:
    """Inches above and below the radar's circle (its labels; below, the legend too) and the height."""
    lines = max((_label(text, 16, 60).count("\n") + 1 for text in chart.labels), default=1)
    labels = (lines * 1.25 * 13 + 30) / 72  # the labels' lines at 13 points, and the gap to the circle
    legend = 0.45 * math.ceil(len(chart.series) / 4) + 0.2
    diameter = WIDTH * (1 - 2 * RADAR_SIDE)
    return labels, labels + legend, labels + diameter + labels + legend


def _height(chart: Chart) -> float:
    legend_rows = math.ceil(len(chart.series) / 4) if chart.series else 0
    if chart.kind == "radar":
        return _radar_space(chart)[2]
    return 1.2 + 0.55 * len(chart.labels) + 0.35 * legend_rows


def figure(chart: Chart) -> Figure:
    """The chart drawn on a matplotlib figure of its own (call inside :func:`drawing`)."""
    # Imported here, not at the top: matplotlib takes half a second to load, which starting the app, the
    # phone server or a Markdown-only export must not pay.
    from matplotlib.figure import Figure

    layout: Literal["constrained"] | None = None if chart.kind == "radar" else "constrained"
    fig = Figure(figsize=(WIDTH, _height(chart)), layout=layout, facecolor="white")
    if not chart.labels or not chart.series:
        fig.text(0.5, 0.5, "Nothing to chart", ha="center", va="center", fontsize=14)
        return fig
    {"radar": _radar, "stacked": _stacked, "movement": _movement}[chart.kind](fig, chart)
    return fig


@contextmanager
def drawing() -> Iterator[None]:
    """The chart settings, one chart at a time, and quiet about characters the font has no glyph for
    (participant text in any script: it is drawn as a box, and the text alternative has it exactly)."""
    import matplotlib  # late for the same reason as in figure()

    with _LOCK, matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        warnings.filterwarnings("ignore", message=r".*not found in the font", category=UserWarning)
        yield


def _own_ids(svg_text: str, prefix: str) -> str:
    """Ids unique in a page holding several charts: those referred to get ``prefix``, the rest go."""
    ids = set(_ID.findall(svg_text))
    used = {name for name in ids if f"#{name}" in svg_text}

    def rename(match: re.Match[str]) -> str:
        return f' id="{prefix}{match.group(1)}"' if match.group(1) in used else ""

    svg_text = _ID.sub(rename, svg_text)
    return re.sub(
        r"#([^\"')\s]+)", lambda m: f"#{prefix}{m.group(1)}" if m.group(1) in used else m.group(0), svg_text
    )


def svg(chart: Chart, id_prefix: str | None = None) -> str:
    """The chart as an ``<svg>`` element to put inline in HTML: no XML prolog, no comments, no metadata.

    Ids start with ``id_prefix`` (by default one made from the chart), so charts can share a page.
    """
    with drawing():
        out = io.StringIO()
        figure(chart).savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = _COMMENT.sub("", text)
    # The page-wide <style> matplotlib writes ("*{...}" would reach the HTML around the chart) becomes
    # attributes on the root, which its shapes inherit.
    text = re.sub(r"\s*<style[^>]*>.*?</style>", "", text, count=1, flags=re.DOTALL)
    text = text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    text = re.sub(r"\s*<defs>\s*</defs>", "", text)
    if id_prefix is None:
        id_prefix = "c" + hashlib.sha256(repr(chart).encode("utf-8", "surrogatepass")).hexdigest()[:8] + "-"
    return _own_ids(text, id_prefix).rstrip() + "\n"


def png(chart: Chart, dpi: int = 200) -> bytes:
    """The chart as a PNG picture, ``dpi`` dots per inch; no timestamps or software name in it."""
    with drawing():
        out = io.BytesIO()
        figure(chart).savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
