"""Live view for the population intervention triangle: a board of civic, service and community ideas."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from screens.views.base import LiveView
from screens.views.question import one_line
from screens.wording import plural
from workshop.activities.triangle import QUESTIONS, SegmentSummary, TriangleSummary
from workshop.live import Snapshot

# Side by side needs room for three readable columns; below this the segments stack.
WIDE = 90
# Lines taken by the view's own headings, so the ideas get what is left of the pane.
CHROME = 4


class TriangleView(LiveView):
    """The three segments with their ideas, each marked (a), (b) or (c), and a balance line in words."""

    def _room(self, stacked: bool) -> int | None:
        """How many idea lines fit per segment in the pane, or None before the pane has a size."""
        pane = self.parent.size.height if self.parent is not None else 0  # type: ignore[attr-defined]
        if not pane:
            return None
        # Stacked segments share the height, each with a one-line heading; side by side, headings take two.
        return max(2, (pane - CHROME - 3) // 3) if stacked else max(2, pane - CHROME - 2)

    def show(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        summary = snapshot.summary
        if not isinstance(summary, TriangleSummary):
            self.update("No results yet.")
            return
        stacked = self.size.width < WIDE
        room = self._room(stacked)
        heading = Text()
        heading.append("Priority: ", style="bold")
        heading.append(one_line(summary.priority))
        heading.append(
            f"\n{plural(summary.total, 'idea')} from {summary.responses} of {snapshot.seats} joined · "
            + "  ".join(f"({q.key}) {summary.by_question[q.key]}" for q in QUESTIONS)
        )
        parts: list[RenderableType] = [heading, self._balance(summary)]
        if stacked:
            parts.append(Text())
            for part in summary.segments:
                parts.append(self._title(part, stacked))
                parts.append(self._ideas(part, room))
        else:
            board = Table(expand=True, box=None, padding=(0, 2, 0, 0), show_edge=False)
            for part in summary.segments:
                board.add_column(self._title(part, stacked), ratio=1, overflow="fold")
            board.add_row(*(self._ideas(part, room) for part in summary.segments))
            parts.append(Text())
            parts.append(board)
        self.update(Group(*parts))

    @staticmethod
    def _balance(summary: TriangleSummary) -> Text:
        if not summary.empty:
            return Text("✔ Balanced: every segment has at least one idea")
        names = " · ".join(f"No {choice.name.lower()} ideas yet" for choice in summary.empty)
        return Text.assemble(("✖ ", "bold"), (names, "bold"))

    @staticmethod
    def _title(part: SegmentSummary, stacked: bool) -> Text:
        counts = "  ".join(f"({key}) {n}" for key, n in part.by_question.items())
        return Text.assemble(
            (f" {part.segment.name.upper()} ", "bold reverse"),
            f" {plural(len(part.ideas), 'idea')}{' · ' if stacked else chr(10)}{counts}",
        )

    @staticmethod
    def _ideas(part: SegmentSummary, room: int | None) -> Text:
        if not part.ideas:
            return Text("— none yet —")
        ideas = part.ideas
        hidden = 0
        if room is not None and len(ideas) > room:
            # The newest ideas matter most while people are still adding: older ones give way.
            hidden = len(ideas) - (room - 1)
            ideas = ideas[hidden:]
        text = Text()
        if hidden:
            text.append(f"… {hidden} earlier not shown\n", style="italic")
        for index, idea in enumerate(ideas):
            text.append(f"({idea.question}) " if idea.question else "(–) ", style="bold")
            text.append(one_line(idea.text))
            if index < len(ideas) - 1:
                text.append("\n")
        return text
