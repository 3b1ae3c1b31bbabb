"""Live view for values and behaviours: each value with its "we will" / "we won't" behaviours."""

from __future__ import annotations

from rich.text import Text

from screens.views.base import LiveView
from workshop.activities.values import ValuesSummary
from workshop.live import Snapshot
from workshop.store.entries import VISIBLE

# Symbols and words together: the stance must read the same without colour.
STANCE_MARKS = {"will": ("✔ we will", "green"), "wont": ("✖ we won't", "red")}
STATUS_NOTES = {"hidden": " (hidden)", "merged": " (merged)"}


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class ValuesView(LiveView):
    """Values with their behaviours, whether phones can see the proposals, and counts."""

    def show(self, snapshot: Snapshot) -> None:
        summary = snapshot.summary
        if not isinstance(summary, ValuesSummary):
            self.update("No proposals yet.")
            return
        text = Text()
        if summary.entries_shown:
            text.append("◉ shown to phones", style="bold")
        else:
            text.append("◌ hidden from phones", style="bold")
        text.append(
            f" · {_count(summary.value_count, 'value')} · {_count(summary.behaviour_count, 'behaviour')}"
            f" · {summary.responses} of {snapshot.seats} joined contributed\n"
        )
        if not summary.values:
            text.append("\nNo values proposed yet.")
        for value in summary.values:
            dim = "dim" if value.status not in VISIBLE else ""
            # Text.append never parses markup, so whatever a participant typed is shown as typed.
            text.append("\n")
            text.append(value.name, style=f"bold {dim}".strip())
            text.append(STATUS_NOTES.get(value.status, ""), style="italic")
            text.append(f"  {value.will} will · {value.wont} won't\n", style="dim")
            if value.statement:
                text.append(f"  {value.statement}\n", style=dim)
            for behaviour in value.behaviours:
                mark, colour = STANCE_MARKS.get(behaviour.stance, ("· ", ""))
                text.append("    ")
                text.append(mark, style=colour if behaviour.status in VISIBLE else "dim")
                text.append("  ")
                text.append(behaviour.text, style="" if behaviour.status in VISIBLE else "dim")
                text.append(STATUS_NOTES.get(behaviour.status, ""), style="italic")
                text.append("\n")
        self.update(text)
