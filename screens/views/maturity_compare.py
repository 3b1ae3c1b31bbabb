"""The maturity view's "change since the baseline" table, for a follow-up workshop (key y)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from workshop.activities.maturity.compare import Comparison, compare_with_baseline
from workshop.analysis import format_median
from workshop.db import Database
from workshop.models import AgendaItem

# (item id, database revision): the comparison is read again only when one of them changes.
CompareKey = tuple[int | None, int]

# Words and symbols, never colour alone, say where each factor stands against its one-year ambition.
STATUS_MARKS = {"met": "✔ met", "on track": "→ on track", "behind": "✖ behind", None: "· not known"}


def read_comparison(db: Database, item: AgendaItem, key: CompareKey) -> tuple[CompareKey, Comparison | None]:
    """Read the comparison in a worker thread, returning it with the key it was read for."""
    with db.reading() as session:
        return key, compare_with_baseline(session, item)


def _movement(value: float | None) -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{format_median(abs(value))}"


def comparison_view(comparison: Comparison | None, wide: bool) -> RenderableType:
    """The table: the baseline's medians (now and its one-year ambition), each later "now", the movement,
    and the one-year ambition's status; or why there is nothing to compare."""
    if comparison is None:
        return Text("Change since the baseline: the baseline has no maturity matrix to compare with.")
    points = comparison.points
    title = Text.assemble(
        (f"Since {points[0].title}", "bold reverse"),
        f" · {len(points) - 1} follow-up{'s' if len(points) > 2 else ''}",
        ("  y: back to the ratings", "dim"),
    )
    table = Table(
        title=title, title_justify="left", expand=True, box=None, padding=(0, 1, 0, 0), show_edge=False
    )
    table.add_column("Factor", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("Then", justify="right", width=4)
    table.add_column("Aim", justify="right", width=3)
    # The follow-ups' "now", oldest first; the last is this workshop.
    for index in range(1, len(points)):
        table.add_column("Now" if index == len(points) - 1 else f"#{index}", justify="right", width=4)
    table.add_column("Move", justify="right", width=4)
    table.add_column("1-year aim", no_wrap=True, width=11)
    year_key = comparison.horizons[1][0] if len(comparison.horizons) > 1 else ""
    now_key = comparison.horizons[0][0] if comparison.horizons else ""
    for factor in comparison.factors:
        table.add_row(
            Text(factor.name),
            format_median(factor.baseline.get(now_key)),
            format_median(factor.baseline.get(year_key)),
            *(format_median(value) for value in factor.series[1:]),
            _movement(factor.movement),
            STATUS_MARKS[factor.status],
        )
    legend = Text(
        "Then: the baseline's median now · Aim: its one-year ambition · met: reached it · on track: moved as "
        "far as the time since asks",
        style="dim",
    )
    return Group(table, legend) if wide else table
