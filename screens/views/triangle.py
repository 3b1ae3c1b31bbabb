"""Live view for the population intervention triangle: a board of civic, service and community ideas, with
the Family Hubs principles they serve counted and any principle without an idea named in words."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from screens.views.base import LiveView
from screens.views.question import height
from workshop.activities.triangle import QUESTIONS, Idea, SegmentSummary, TriangleSummary
from workshop.live import Snapshot
from workshop.untrusted import one_line
from workshop.wording import NOBODY_JOINED, of_joined, plural

# Side by side needs room for three readable columns; below this the segments stack.
WIDE = 90


def share(lines: int, needs: list[int]) -> list[int]:
    """Idea lines for each segment: one each at least, then the rest in turn to those still hiding ideas."""
    rooms = [1] * len(needs)
    lines -= len(needs)
    while lines > 0 and any(room < need for room, need in zip(rooms, needs, strict=True)):
        for index, need in enumerate(needs):
            if lines > 0 and rooms[index] < need:
                rooms[index] += 1
                lines -= 1
    return rooms


class TriangleView(LiveView[TriangleSummary]):
    """The three segments with their ideas, each marked (a), (b) or (c), and a balance line in words."""

    SUMMARY = TriangleSummary

    def draw(self, snapshot: Snapshot, summary: TriangleSummary) -> None:
        stacked = self.size.width < WIDE
        heading = Text()
        heading.append("Priority: ", style="bold")
        heading.append(one_line(summary.priority))
        ideas = f"{plural(summary.total, 'idea')} from {of_joined(summary.responses, snapshot.seats)}"
        heading.append(
            f"\n{ideas if snapshot.seats else NOBODY_JOINED} · "
            + "  ".join(f"({q.key}) {summary.by_question[q.key]}" for q in QUESTIONS)
        )
        top = Group(heading, self._balance(summary))
        pane = self.parent.size.height if isinstance(self.parent, Widget) else 0
        # Measured, not counted: a long priority wraps onto more lines on a narrow screen.
        free: int | None = pane - height(self, top) if pane and self.size.width else None
        parts: list[RenderableType] = [top]
        if stacked:
            needs = [max(1, len(part.ideas)) for part in summary.segments]
            # Each segment heads its ideas with one line; the blank line under the heading goes first
            # when keeping it would hide an idea.
            free = None if free is None else free - len(needs)
            if free is None or free - 1 >= sum(needs):
                parts.append(Text())
            rooms = needs if free is None else share(free, needs)
            for part, room in zip(summary.segments, rooms, strict=True):
                shown = part.ideas[max(0, len(part.ideas) - room) :]
                parts.append(self._title(part, stacked, hidden=len(part.ideas) - len(shown)))
                parts.append(self._ideas(shown, hidden=0, wrap=False))
        else:
            # Headings take two lines over the board, after a blank one.
            lines = None if free is None else max(2, free - 3)
            board = Table(expand=True, box=None, padding=(0, 2, 0, 0), show_edge=False)
            for part in summary.segments:
                board.add_column(self._title(part, stacked), ratio=1, overflow="fold")
            cells = []
            for part in summary.segments:
                # The newest ideas matter most while people are still adding: older ones give way.
                hidden = len(part.ideas) - (lines - 1) if lines is not None and len(part.ideas) > lines else 0
                cells.append(self._ideas(part.ideas[hidden:], hidden, wrap=True))
            board.add_row(*cells)
            parts.append(Text())
            parts.append(board)
        self.update(Group(*parts))

    @staticmethod
    def _balance(summary: TriangleSummary) -> Text:
        if not summary.empty:
            text = Text("✔ Balanced: every segment has at least one idea")
        else:
            names = " · ".join(f"No {choice.name.lower()} ideas yet" for choice in summary.empty)
            text = Text.assemble(("✖ ", "bold"), (names, "bold"))
        return Text.assemble(text, "\n", _principles(summary))

    @staticmethod
    def _title(part: SegmentSummary, stacked: bool, hidden: int = 0) -> Text:
        counts = "  ".join(f"({key}) {n}" for key, n in part.by_question.items())
        # Stacked, the note on ideas left out shares the heading's line, so each idea line shows an idea.
        note = f" ({hidden} earlier not shown)" if hidden else ""
        return Text.assemble(
            (f" {part.segment.name.upper()} ", "bold reverse"),
            f" {plural(len(part.ideas), 'idea')}{note}{' · ' if stacked else chr(10)}{counts}",
            no_wrap=stacked,
            overflow="ellipsis",
        )

    @staticmethod
    def _ideas(ideas: Sequence[Idea], hidden: int, wrap: bool) -> Text:
        if not ideas and not hidden:
            return Text("— none yet —")
        # Stacked, every idea keeps to one line so that the room counted for it is the room it takes.
        text = Text(no_wrap=not wrap, overflow="ellipsis")
        if hidden:
            text.append(f"… {hidden} earlier not shown\n", style="italic")
        for index, idea in enumerate(ideas):
            text.append(f"({idea.question}) " if idea.question else "(–) ", style="bold")
            if idea.principle_name:
                text.append(f"[{idea.principle_name}] ", style="italic")
            text.append(one_line(idea.text))
            if index < len(ideas) - 1:
                text.append("\n")
        return text


def _principles(summary: TriangleSummary) -> Text:
    """The Family Hubs check on one line, in words: the principles with no idea yet, the others' counts."""
    gaps = [p.name.lower() for p in summary.missing_principles]
    counts = " · ".join(f"{p.name} {n}" for p, n in summary.principle_tally if n)
    if not gaps:
        return Text(f"✔ Family Hubs: every principle has an idea ({counts})")
    named = gaps[0] if len(gaps) == 1 else f"{', '.join(gaps[:-1])} or {gaps[-1]}"
    return Text.assemble(
        ("✖ Family Hubs: ", "bold"), (f"No {named} ideas yet", "bold"), f" ({counts})" if counts else ""
    )
