"""The maturity view's table at one horizon, and the comments on its highlighted factor.

Factor names are never cut: the full names when they fit, else the template's short names, the count
columns as narrow as their counts, and a name that still does not fit wraps onto a second line.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from workshop.activities.maturity import MatrixSummary
from workshop.analysis import Agreement, Distribution, format_median
from workshop.models import Horizon, MaturityFactor
from workshop.wording import compact_count

# Words and symbols, never colour alone, say how far the room agrees.
AGREEMENT_MARKS = {
    Agreement.STRONG: "✔ strong",
    Agreement.SOME: "≈ some",
    Agreement.SPLIT: "✖ split",
    Agreement.TOO_FEW: "· few",
}
# The highlighted factor's mark, so the highlight reads without colour or reverse video.
CURSOR = "▸"
# The factor column's least width for wrapping its names at the words (the longest short word fits).
WRAP_ROOM = 10
# Comments shown under the table at most; the rest are counted.
COMMENTS_SHOWN = 6


def titled_table(heading: str, answered: str, keys: str) -> Table:
    """A borderless table titled with what it shows, how many answered (``answered``, in words), and the keys
    that change it."""
    return Table(
        title=Text.assemble((heading, "bold reverse"), f" · {answered}", (f"  {keys}", "dim")),
        title_justify="left",
        expand=True,
        box=None,
        padding=(0, 1, 0, 0),
        show_edge=False,
    )


def count_cell(count: int) -> str:
    """A count as the tables show it: ``·`` for none, else at most four characters (see compact_count)."""
    return compact_count(count) if count else "·"


def count_width(cells: list[str], least: int) -> int:
    """A count column's width: its widest cell, so a big room's counts are never cut to ``1…``."""
    return max([least, *map(len, cells)])


def factor_label(factor: MaturityFactor, full: bool) -> str:
    """The factor's name, or its short form from the template when ``full`` is False and it has one."""
    return factor.name if full or not factor.short else factor.short


def agreed_cell(value: tuple[int | None, str] | None) -> Text:
    """The level the room agreed (``→ 3``), ``✖ none`` when it did not, blank when nothing is recorded."""
    if value is None:
        return Text("")
    level, _rationale = value
    return Text(f"→ {level}", style="bold") if level is not None else Text("✖ none")


def matrix_table(
    summary: MatrixSummary, horizon: Horizon, answered: str, width: int, cursor: int, keys: str
) -> Table:
    """The counts per level for each factor at ``horizon``, the median, the agreement and any agreed level.

    ``width`` is the view's; ``cursor`` the highlighted factor's position (marked with ``▸``).
    """
    levels = summary.structure.levels
    table = titled_table(horizon.label, answered, keys)
    dists = [row.by_horizon[horizon.key] for row in summary.factors]
    # One list of cells per column (each level, then don't know), so each column is as wide as its
    # widest cell: two cells in a small room, up to four once a level has 1,000 ratings.
    columns = [[count_cell(dist.counts[index]) for dist in dists] for index in range(len(levels))]
    columns.append([count_cell(dist.dont_know) for dist in dists])
    # Beside the spread, never instead of it: the column appears once the room agrees something here.
    agreed = {factor: value for (factor, key), value in summary.agreed.items() if key == horizon.key}
    # On a narrow view the counts give up their spare column, so the factor names get it.
    least = 2 if width >= 70 else 1
    widths = [count_width(cells, least) for cells in columns]
    others = sum(w + 1 for w in widths) + 4 + 9 + (7 if agreed else 0)
    room = width - others - 2  # the cursor mark and the column's padding
    full = all(len(row.factor.name) <= room for row in summary.factors)
    # Wrapped at the words rather than cut: "Goals …" told the room nothing. Only where not even a word
    # fits (a thousand-strong room's counts beside the projector's QR code) is a name cut, on one line.
    wrap = room >= WRAP_ROOM
    table.add_column("Factor", ratio=1, no_wrap=not wrap, overflow="ellipsis")
    for header, column_width in zip([*(str(level.value) for level in levels), "?"], widths, strict=True):
        table.add_column(header, justify="right", width=column_width)
    table.add_column("Mid", justify="right", width=3)
    table.add_column("Agree", no_wrap=True, width=8)
    if agreed:
        table.add_column("Agreed", no_wrap=True, width=6)
    for index, (row, dist) in enumerate(zip(summary.factors, dists, strict=True)):
        extra = [agreed_cell(agreed.get(row.factor.key))] if agreed else []
        here = index == cursor
        name = Text(CURSOR if here else " ", style="bold")
        name.append(factor_label(row.factor, full), style="bold underline" if here else "")
        table.add_row(
            name,
            *(cells[index] for cells in columns),
            format_median(dist.median()),
            AGREEMENT_MARKS[dist.agreement()],
            *extra,
        )
    return table


def spread_words(dist: Distribution) -> str:
    """The agreement label and the range of levels given, e.g. ``✔ strong · 2–4``."""
    values = dist.values()
    mark = AGREEMENT_MARKS[dist.agreement()]
    if not values:
        return f"{mark} · no ratings"
    low, high = values[0], values[-1]
    return f"{mark} · {low}" if low == high else f"{mark} · {low}–{high}"


def comments_panel(summary: MatrixSummary, cursor: int, hint: str, limit: int = COMMENTS_SHOWN) -> Group:
    """The highlighted factor's comments, as typed (Text, never markup), newest last, at most ``limit``."""
    if not summary.factors:
        return Group()
    factor = summary.factors[cursor % len(summary.factors)].factor
    comments = summary.comments.get(factor.key, [])
    heading = Text.assemble(
        (f"{CURSOR} Comments on ", "bold"), (factor.name, "bold"), f" ({len(comments)})", (hint, "dim")
    )
    lines: list[Text] = [heading]
    for comment in comments[:limit]:
        # One line per comment in the room's order; a participant's line breaks are not the layout's.
        lines.append(Text.assemble("  “", " ".join(comment.split()), "”"))
    if len(comments) > limit:
        lines.append(Text(f"  … and {len(comments) - limit} more in the outcome pack", style="italic"))
    if not comments:
        lines.append(Text("  No comments on this factor yet.", style="italic"))
    return Group(*lines)
