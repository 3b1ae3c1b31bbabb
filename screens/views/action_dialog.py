"""The facilitator adds an action: what, the lead organisation, by when, and the agreed priority it serves."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from screens.dialogs import FormDialog
from workshop.activities.actions import ActionsStructure, AddAction, parse_action

# The choice of no priority, which Select cannot hold as its blank (that means "not chosen yet").
NO_PRIORITY = ""


class ActionDialog(FormDialog[AddAction | None]):
    """Type an action, choose its lead and priority; checked here in the words phones get, before saving."""

    def __init__(self, structure: ActionsStructure) -> None:
        super().__init__()
        self.structure = structure

    def compose(self) -> ComposeResult:
        structure = self.structure
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Add an action (confirmed at once)", style="bold"), classes="dialog-title")
            yield Label(f"What will be done (up to {structure.max_length} characters)")
            # Room for one character too many, so an over-long action gets a message rather than a cut.
            yield Input(id="title", max_length=structure.max_length + 1)
            yield Label("Which organisation leads it")
            # Names as plain text (Text): an organisation's name is never read as markup.
            yield Select(
                [(Text(lead.name), lead.key) for lead in structure.leads], id="lead", prompt="Choose"
            )
            yield Label("By when: a date like 2027-03-31, or a month like 2027-03")
            yield Input(id="by-when", max_length=20)
            yield Label("The agreed priority it serves")
            priorities = [(Text(p.text), str(p.id)) for p in structure.priorities]
            yield Select(
                [(Text("None of them"), NO_PRIORITY), *priorities],
                id="priority",
                value=NO_PRIORITY,
                allow_blank=False,
            )
            # Takes a line only once there is something wrong to say.
            error = Static("", id="action-error")
            error.display = False
            yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        lead = self.query_one("#lead", Select).value
        priority = self.query_one("#priority", Select).value
        form = {
            "text": self.query_one("#title", Input).value,
            "lead": lead if isinstance(lead, str) else "",
            "by_when": self.query_one("#by-when", Input).value,
            "priority": priority if isinstance(priority, str) else NO_PRIORITY,
        }
        parsed = parse_action(self.structure, form)
        if parsed.answers is None or parsed.errors:
            error = self.query_one("#action-error", Static)
            error.update(Text("\n".join(f"✖ {e.message}." for e in parsed.errors), style="bold"))
            error.display = True
            return
        self.dismiss(parsed.answers)
