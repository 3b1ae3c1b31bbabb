"""Dialogs for moderating what participants wrote: reword an entry, choose a value to merge or move into."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.dialogs import FormDialog


@dataclass(frozen=True)
class Rewording:
    """New wording, and a value's new statement (``None`` for a behaviour)."""

    text: str
    detail: str | None


class RewordScreen(FormDialog[Rewording | None]):
    """Change an entry's wording; the participant's own words stay on record and are shown here."""

    def __init__(
        self, text: str, statement: str | None, limits: tuple[int, int], original: str | None
    ) -> None:
        super().__init__()
        self.text, self.statement, self.limits, self.original = text, statement, limits, original

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Reword", style="bold"), classes="dialog-title")
            if self.original is not None:
                yield Static(Text.assemble("Participant's words: ", (self.original, "italic")))
            what = "Value" if self.statement is not None else "Behaviour"
            yield Label(f"{what} (up to {self.limits[0]} characters)")
            # Room for one character too many, so an over-long entry gets a message rather than a cut.
            yield Input(self.text, id="title", max_length=self.limits[0] + 1)
            if self.statement is not None:
                yield Label(f"Statement (up to {self.limits[1]} characters)")
                yield Input(self.statement, id="statement", max_length=self.limits[1] + 1)
            yield Static("", id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        text = self.query_one("#title", Input).value.strip()
        statement = self.query_one("#statement", Input).value.strip() if self.statement is not None else None
        problem = ""
        if not text:
            problem = "✖ The wording cannot be empty."
        elif len(text) > self.limits[0]:
            problem = f"✖ The wording must be {self.limits[0]} characters or fewer (it has {len(text)})."
        elif statement is not None and len(statement) > self.limits[1]:
            problem = (
                f"✖ The statement must be {self.limits[1]} characters or fewer (it has {len(statement)})."
            )
        if problem:
            self.query_one("#edit-error", Static).update(Text(problem, style="bold"))
            return
        self.dismiss(Rewording(text, statement))


class ChooseValueScreen(ModalScreen[int | None]):
    """Pick one value from a list: arrows and Enter, or a click; Escape cancels.

    With ``preview``, the highlighted choice's consequences (a merge's dots moved and returned) are shown
    before Enter confirms it. ``preview`` reads the database, so it runs in a thread worker, never on the
    event loop.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        title: str,
        prompt: str,
        values: list[tuple[str, int]],
        preview: Callable[[int], str] | None = None,
    ) -> None:
        super().__init__()
        self.heading, self.prompt, self.values, self.preview = title, prompt, values, preview

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            yield Static(Text(self.prompt))
            yield OptionList(
                *(Option(Text(name), id=str(value_id)) for name, value_id in self.values),
                id="choices",
                markup=False,
            )
            if self.preview is not None:
                yield Static(Text("Working out what the merge does…", style="italic"), id="preview")
            yield Static(Text("Enter chooses · Escape cancels", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.preview is not None and event.option.id:
            self.run_worker(
                partial(self._read_preview, self.preview, int(event.option.id)),
                thread=True,
                group="preview",
                exclusive=True,
            )

    def _read_preview(self, preview: Callable[[int], str], target: int) -> None:
        sentence = preview(target)  # in the worker's thread: a database read
        self.app.call_from_thread(self._show_preview, target, sentence)

    def _show_preview(self, target: int, sentence: str) -> None:
        choices = next(self.query("#choices").results(OptionList), None)  # None once dismissed
        highlighted = choices.highlighted_option if choices is not None else None
        # A read for a choice the facilitator has already moved past is dropped, not shown.
        if highlighted is not None and highlighted.id == str(target):
            self.query_one("#preview", Static).update(Text(sentence))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))


class AgreedPrioritiesScreen(ModalScreen[list[int] | None]):
    """Mark which priorities the room agreed, in the agreed order, beside the room's ranking."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("space", "toggle_agreed", "Agreed or not"),
        Binding("shift+up", "move(-1)", "Move up"),
        Binding("shift+down", "move(1)", "Move down"),
        Binding("s", "save", "Save"),
    ]

    def __init__(self, options: list[tuple[int, str, str]], agreed: list[int]) -> None:
        super().__init__()
        self.texts = {entry_id: (text, place) for entry_id, text, place in options}
        rest = [entry_id for entry_id, _, _ in options if entry_id not in agreed]
        self.order = [entry_id for entry_id in agreed if entry_id in self.texts] + rest
        self.agreed = set(agreed) & set(self.texts)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide"):
            yield Static(Text("Agreed priorities", style="bold"), classes="dialog-title")
            yield Static("Mark what the room agreed; the ranking stays as people voted.")
            yield OptionList(id="priorities", markup=False)
            yield Static(Text("Space: agreed or not · Shift+↑/↓: order · s: save · Esc: cancel", "dim"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._draw(0)
        self.query_one("#priorities", OptionList).focus()

    def _draw(self, highlight: int) -> None:
        options = self.query_one("#priorities", OptionList)
        lines = []
        place = 0
        for entry_id in self.order:
            text, room = self.texts[entry_id]
            line = Text()
            if entry_id in self.agreed:
                place += 1
                line.append(f"☑ agreed {place}. ", style="bold")
            else:
                line.append("☐ ")
            line.append(text)
            line.append(f"  (room: {room})", style="dim")
            lines.append(Option(line, id=str(entry_id)))
        options.set_options(lines)
        if lines:
            options.highlighted = max(0, min(highlight, len(lines) - 1))

    def _index(self) -> int | None:
        return self.query_one("#priorities", OptionList).highlighted

    def action_toggle_agreed(self) -> None:
        index = self._index()
        if index is None:
            return
        entry_id = self.order[index]
        if entry_id in self.agreed:
            self.agreed.discard(entry_id)
            # Unmarked ones go back below the agreed ones, so the agreed order reads top to bottom.
            self.order.remove(entry_id)
            self.order.insert(len(self.agreed), entry_id)
            self._draw(index)
            return
        self.agreed.add(entry_id)
        self.order.remove(entry_id)
        self.order.insert(len(self.agreed) - 1, entry_id)
        self._draw(len(self.agreed) - 1)

    def action_move(self, offset: int) -> None:
        index = self._index()
        if index is None:
            return
        target = index + offset
        if 0 <= target < len(self.order):
            self.order[index], self.order[target] = self.order[target], self.order[index]
            self._draw(target)

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_toggle_agreed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss([entry_id for entry_id in self.order if entry_id in self.agreed])
