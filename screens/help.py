"""The help screen: every key of the screen underneath and its focused list, in plain words."""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table
from rich.text import Text
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def _rows(screen: Screen[object]) -> list[tuple[str, str, bool]]:
    """(key, what it does, whether it works right now) for every key of the screen and its focused list.

    Our own bindings only, each with its tooltip: Textual's movement keys say nothing a facilitator needs.
    Keys that do nothing right now are listed too, so the help never hides what the screen can do.
    """
    nodes: list[DOMNode] = []
    node: DOMNode | None = screen.focused
    while node is not None and node is not screen:
        nodes.append(node)
        node = node.parent
    rows: list[tuple[str, str, bool]] = []
    for owner in [*nodes, screen, screen.app]:
        for binding in getattr(type(owner), "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.tooltip:
                continue
            _, name, arguments = parse(binding.action)
            enabled = owner.check_action(name, arguments) is not False
            first = replace(binding, key=binding.key.split(",")[0])  # one name per row: F1 or ?, not both
            rows.append((screen.app.get_key_display(first), binding.tooltip, enabled))
    return rows


class HelpScreen(ModalScreen[None]):
    """What every key does here; keys that do nothing for the highlighted item are marked so, in words."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss(None)", "Close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1, 0, 0))
        table.add_column(no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for key, words, enabled in _rows(self.under):
            table.add_row(key, Text(words) if enabled else Text(f"{words} (not for this item)", style="dim"))
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            yield Static(
                Text("↑ ↓ choose · Tab goes between the agenda and a list · Ctrl+P finds any action")
            )
            yield Static(table)
            yield Static(Text("\nEscape, F1 or ? closes this.", style="dim"))
