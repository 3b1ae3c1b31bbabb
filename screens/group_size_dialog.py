"""The dialog that sets a workshop's smallest group in breakdowns: a number, checked before it is saved."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from screens.dialogs import FormDialog
from workshop.models import MIN_GROUP_FLOOR, MIN_GROUP_MAX
from workshop.store.workshops import min_group_problem


class GroupSizeScreen(FormDialog[int | None]):
    """Ask for the smallest group a breakdown shows; Escape or Cancel answers None and changes nothing."""

    FOCUS = "#size"

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Smallest group in breakdowns", style="bold"), classes="dialog-title")
            yield Static(
                "Breakdowns by organisation and role level name a smaller group but never show its "
                "ratings, and hold back others so it cannot be worked out from the whole room."
            )
            yield Label(f"Smallest group ({MIN_GROUP_FLOOR} to {MIN_GROUP_MAX} people)")
            yield Input(str(self.current), id="size", max_length=len(str(MIN_GROUP_MAX)))
            yield Static("", id="size-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        typed = self.query_one("#size", Input).value.strip()
        # ASCII decimal digits only: "²" is a digit and "٣" a decimal, and neither is what was meant.
        size = int(typed) if typed.isascii() and typed.isdecimal() else None
        problem = min_group_problem(typed if size is None else size)
        if size is None or problem is not None:
            self.query_one("#size-error", Static).update(Text(f"✖ {problem}", style="bold"))
            return
        self.dismiss(size)
