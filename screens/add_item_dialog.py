"""The add-item dialog: any kind the registry can add mid-workshop, with the settings that kind asks for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from screens.dialogs import FormDialog, validated_edit
from workshop.activities.base import AskedSetting
from workshop.usecases.items import AddableKind, settings_problems


@dataclass(frozen=True)
class NewItem:
    """What the facilitator asked to add to the agenda: the settings as typed, by name (see add_item)."""

    kind: str
    title: str
    minutes: int
    settings: dict[str, str]


class AddItemScreen(FormDialog[NewItem | None]):
    """Add an item to the agenda after the highlighted one; only the chosen kind's own fields are shown."""

    # Title and minutes share a row, so a kind's extra field still leaves Add on an 80x24 screen.
    DEFAULT_CSS = """
    AddItemScreen .add-row { height: auto; }
    AddItemScreen .add-title { width: 1fr; height: auto; }
    AddItemScreen .add-minutes { width: 18; height: auto; margin-left: 1; }
    AddItemScreen .asks { height: auto; }
    AddItemScreen .asks TextArea { height: 4; }
    """

    def __init__(self, kinds: Sequence[AddableKind], sources: Sequence[tuple[str, int]]) -> None:
        """Offer ``kinds`` (the first chosen); a ``source`` setting picks one of ``sources`` (title, id)."""
        super().__init__()
        self.kinds, self.sources = tuple(kinds), tuple(sources)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Add an agenda item", style="bold"), classes="dialog-title")
            yield Label("Kind")
            options = [(Text(kind.label), index) for index, kind in enumerate(self.kinds)]
            yield Select(options, value=0, allow_blank=False, id="kind")
            with Horizontal(classes="add-row"):
                with Vertical(classes="add-title"):
                    yield Label("Title")
                    yield Input("", id="title", max_length=200)
                with Vertical(classes="add-minutes"):
                    yield Label("Planned minutes")
                    yield Input("10", id="minutes", max_length=3)
            for index, kind in enumerate(self.kinds):
                box = Vertical(*self._fields(index, kind.asks), id=f"asks-{index}", classes="asks")
                box.display = index == 0
                yield box
            yield Static("", id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _fields(self, index: int, asks: Sequence[AskedSetting]) -> list[Widget]:
        widgets: list[Widget] = []
        for ask in asks:
            widgets.append(Label(ask.label))
            name = f"ask-{index}-{ask.name}"
            if ask.form == "lines":
                widgets.append(TextArea(ask.default, id=name))
            elif ask.form == "text":
                widgets.append(Input(ask.default, id=name, max_length=200))
            elif self.sources:
                options = [(Text(title), item_id) for title, item_id in self.sources]
                widgets.append(Select(options, value=self.sources[0][1], allow_blank=False, id=name))
            else:
                # Nothing to choose: say so where the choice would be, not only after Add is pressed.
                widgets.append(Static(Text(f"✖ {ask.missing}"), id=name))
        return widgets

    def _chosen(self) -> int:
        value = self.query_one("#kind", Select).value
        if not isinstance(value, int):
            # A Select made with allow_blank=False always has a choice: this is a bug, not bad input.
            raise TypeError("#kind has no choice")
        return value

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            chosen = self._chosen()
            for index in range(len(self.kinds)):
                self.query_one(f"#asks-{index}").display = index == chosen
            self.query_one("#edit-error", Static).update("")

    def _entered(self, index: int) -> dict[str, str]:
        """What was typed or chosen for the kind's settings; an unanswerable choice counts as empty."""
        entered: dict[str, str] = {}
        for ask in self.kinds[index].asks:
            field = self.query_one(f"#ask-{index}-{ask.name}")
            if isinstance(field, Input):
                entered[ask.name] = field.value
            elif isinstance(field, TextArea):
                entered[ask.name] = field.text
            elif isinstance(field, Select) and isinstance(field.value, int):
                entered[ask.name] = str(field.value)
            else:
                entered[ask.name] = ""
        return entered

    def submit(self) -> None:
        error = self.query_one("#edit-error", Static)
        title, minutes = self.query_one("#title", Input).value, self.query_one("#minutes", Input).value
        edit = validated_edit(error, title=title, minutes=minutes)
        if edit is None:
            return
        index = self._chosen()
        kind, entered = self.kinds[index], self._entered(index)
        problems = settings_problems(kind.kind, entered)
        if problems:
            error.update(Text("✖ " + " ".join(problems), style="bold"))
            return
        self.dismiss(NewItem(kind.kind, edit.title or "", edit.minutes or 0, entered))
