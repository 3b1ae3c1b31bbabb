"""Live view for the maturity matrix: counts per level for each factor at one horizon."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from screens.views.base import LiveView
from workshop.activities.maturity import MatrixSummary
from workshop.analysis import Agreement, format_median
from workshop.live import Snapshot

# Words and symbols, never colour alone, say how far the room agrees.
AGREEMENT_MARKS = {
    Agreement.STRONG: "✔ strong",
    Agreement.SOME: "≈ some",
    Agreement.SPLIT: "✖ split",
    Agreement.TOO_FEW: "· few",
}


class MaturityView(LiveView):
    """A factor × level table for the chosen horizon, with the median and an agreement label."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.horizon_index = 0

    def next_horizon(self) -> None:
        """Show the next horizon (now → one year → two years → now)."""
        self.horizon_index += 1
        if self._snapshot is not None:
            self.show(self._snapshot)

    def show(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        summary = snapshot.summary
        if not isinstance(summary, MatrixSummary) or not summary.structure.horizons:
            self.update("No results yet.")
            return
        horizons = summary.structure.horizons
        horizon = horizons[self.horizon_index % len(horizons)]
        levels = summary.structure.levels
        table = Table(
            title=Text.assemble(
                (horizon.label, "bold reverse"),
                f" · {summary.responses} of {snapshot.seats} joined answered",
                ("  h: next horizon", "dim"),
            ),
            title_justify="left",
            expand=True,
            box=None,
            padding=(0, 1, 0, 0),
            show_edge=False,
        )
        wide = self.size.width >= 70
        table.add_column("Factor", ratio=1, no_wrap=True, overflow="ellipsis")
        for level in levels:
            table.add_column(str(level.value), justify="right", width=2)
        table.add_column("?", justify="right", width=2)
        table.add_column("Mid", justify="right", width=3)
        table.add_column("Agree", no_wrap=True, width=8)
        for row in summary.factors:
            dist = row.by_horizon[horizon.key]
            cells = [str(count) if count else "·" for count in dist.counts]
            table.add_row(
                Text(row.factor.name if wide or not row.factor.short else row.factor.short),
                *cells,
                str(dist.dont_know) if dist.dont_know else "·",
                format_median(dist.median()),
                AGREEMENT_MARKS[dist.agreement()],
            )
        self.update(table)
