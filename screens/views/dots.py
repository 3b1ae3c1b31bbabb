"""Live view for a dot vote: each option's dots as a number and a bar, most dotted first."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from screens.views.base import LiveView
from workshop.activities.dots import DotsSummary
from workshop.live import Snapshot
from workshop.wording import of_joined

BAR_WIDTH = 20
FULL, EMPTY = "●", "○"


def dot_bar(dots: int, most: int, width: int = BAR_WIDTH) -> str:
    """One character per dot up to ``width``, scaled beyond it; empty dots fill up to the leader."""
    if most <= 0:
        return ""
    if most <= width:
        return FULL * dots + EMPTY * (most - dots)
    filled = round(dots * width / most)
    return FULL * filled + EMPTY * (width - filled)


class DotsView(LiveView[DotsSummary]):
    """A table of the options with their totals and a dot bar, and how many have voted."""

    SUMMARY = DotsSummary

    def draw(self, snapshot: Snapshot, summary: DotsSummary) -> None:
        if summary.source_title is None:
            settings = snapshot.focus.config.get("settings") if snapshot.focus else None
            source = settings.get("source") if isinstance(settings, dict) else None
            self.update(
                Text(
                    f"This vote is not set up: no agenda item has the key {source!r}."
                    if source
                    else "This vote is not set up: its settings name no source item."
                )
            )
            return
        heading = Text()
        heading.append(of_joined(summary.voters, snapshot.seats, "have voted"), style="bold")
        heading.append(
            f" · {summary.total_dots} dots placed · {summary.dots_per_seat} each"
            f"{f', up to {summary.max_per_entry} on one' if summary.max_per_entry > 1 else ''}"
            " · on "
        )
        heading.append(summary.source_title)
        if not summary.options:
            self.update(Group(heading, Text("\nNothing to vote on yet.")))
            return
        most = max(option.dots for option in summary.options)
        table = Table(expand=True, box=None, padding=(0, 1, 0, 0), show_edge=False)
        table.add_column("#", justify="right", width=3)
        table.add_column("Option", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("Dots", justify="right", width=4)
        table.add_column("Bar", no_wrap=True, width=BAR_WIDTH)
        table.add_column("People", justify="right", width=6)
        for option in summary.options:
            table.add_row(
                Text(f"={option.rank}" if option.tied else str(option.rank)),
                Text(option.text),
                Text(str(option.dots)),
                Text(dot_bar(option.dots, most)),
                Text(str(option.seats)),
            )
        self.update(Group(heading, table))
