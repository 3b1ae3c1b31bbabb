"""One dialog agrees a whole horizon of the maturity matrix: every factor, starting at the room's median.

A row starts at what was recorded before, else at the room's median rounded down (a median between two
levels, 3½, starts at 3: the more cautious level), else blank when nobody rated the factor. Nothing is
agreed until the facilitator says so: a row they change, confirm (space), explain (r) or accept with
``a`` (every factor with strong agreement) is saved; Save writes those rows in one write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from screens.views.maturity_table import CURSOR, spread_words
from workshop.activities.maturity.agreed import RATIONALE_LIMIT, AgreedRow, starting_level
from workshop.analysis import Agreement, Distribution, format_median

# A row's level: a scale value, or one of these.
BLANK = 0  # nothing proposed: nobody rated the factor
NO_AGREEMENT = -1  # the room did not agree (recorded as no level)

HELP = (
    "↑↓ factor · ←→/digit level · n no agreement · space agree · r why · 0 undo\n"
    "Rows start at the median, rounded down (the more cautious level)."
)


def _start(dist: Distribution) -> int:
    """The shared starting level (the median rounded down, as the remote's page starts); BLANK if none."""
    level = starting_level(dist)
    return BLANK if level is None else level


@dataclass
class FactorRow:
    """One factor in the dialog: what the room said, what was recorded, and what is chosen now."""

    factor_id: int
    name: str
    short: str
    dist: Distribution
    recorded: tuple[int | None, str] | None
    level: int = BLANK
    rationale: str = ""
    # Whether the facilitator has said this row is agreed (a recorded row already is).
    agreed: bool = False
    start: tuple[int, str, bool] = field(default=(BLANK, "", False))

    def __post_init__(self) -> None:
        if self.recorded is not None:
            level, self.rationale = self.recorded
            self.level = NO_AGREEMENT if level is None else level
            self.agreed = True
        else:
            self.level = _start(self.dist)
        self.start = (self.level, self.rationale, self.agreed)

    @property
    def strong(self) -> bool:
        """Whether the room strongly agrees on this factor."""
        return self.dist.agreement() is Agreement.STRONG

    def to_save(self) -> AgreedRow | None:
        """The row to write, or None when it is not agreed or is as recorded."""
        if not self.agreed or self.level == BLANK:
            return None
        level = None if self.level == NO_AGREEMENT else self.level
        if self.recorded == (level, self.rationale):
            return None
        return AgreedRow(self.factor_id, level, self.rationale)

    def status(self) -> str:
        """In words, what Save will do with the row (never colour alone)."""
        if self.to_save() is not None:
            return "✓ changed" if self.recorded is not None else "✓ agreed"
        if self.recorded is not None:
            return "saved"
        return "· median" if self.level != BLANK else "· not agreed"


class AgreedRows(Static, can_focus=True):
    """The factors and their levels; the arrows, digits and letters work on the highlighted row."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous factor", show=False),
        Binding("down", "move(1)", "Next factor", show=False),
        Binding("left", "step(-1)", "Lower level", show=False),
        Binding("right", "step(1)", "Higher level", show=False),
        Binding("n", "no_agreement", "No agreement", show=False),
        Binding("space", "confirm", "Agree as shown", show=False),
        Binding("0,backspace", "undo", "Undo row", show=False),
        Binding("a", "accept_strong", "Accept strong agreement", show=False),
        Binding("r,enter", "why", "Why", show=False),
    ]

    def __init__(self, rows: list[FactorRow], levels: list[tuple[int, str]]) -> None:
        super().__init__(id="agreed-rows")
        self.rows, self.levels = rows, levels
        self.cursor = 0

    @property
    def row(self) -> FactorRow:
        """The highlighted row."""
        return self.rows[self.cursor]

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Draw every row: mark, factor, level, the room's spread and median, and what Save will do."""
        names = dict(self.levels)
        # The template's short names where the full ones would wrap (an 80-column terminal).
        full = self.size.width >= 96
        table = Table(box=None, expand=True, show_edge=False, padding=(0, 1, 0, 0))
        table.add_column("Factor", ratio=1, overflow="fold")
        table.add_column("Agreed", no_wrap=True)
        table.add_column("Room", no_wrap=True)
        table.add_column("", no_wrap=True)
        for index, row in enumerate(self.rows):
            here = index == self.cursor
            name = Text(CURSOR if here else " ", style="bold")
            name.append(
                row.name if full or not row.short else row.short, style="bold underline" if here else ""
            )
            if row.level == NO_AGREEMENT:
                level = Text("✖ no agreement")
            elif row.level == BLANK:
                level = Text("–")
            else:
                level = Text(f"{row.level} {names.get(row.level, '')}", style="bold" if row.agreed else "")
            room = f"{spread_words(row.dist)} · mid {format_median(row.dist.median())}"
            table.add_row(name, level, room, row.status())
        self.update(table)
        self.post_message(self.Moved())

    class Moved(Message):
        """The highlight moved or a row changed: the screen shows that row's rationale."""

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(self.rows)
        self.draw()

    def _set(self, level: int) -> None:
        self.row.level, self.row.agreed = level, True
        self.draw()

    def action_step(self, step: int) -> None:
        values = [value for value, _name in self.levels]
        if not values:
            return
        level = self.row.level
        if level not in values:  # from blank or no agreement: the arrows start at the scale's ends
            self._set(values[0] if step > 0 else values[-1])
            return
        self._set(values[max(0, min(len(values) - 1, values.index(level) + step))])

    def action_level(self, level: int) -> None:
        """A digit: that level, or a notice when the scale has none."""
        if level not in dict(self.levels):
            self.notify(f"The scale has no level {level}.", severity="warning", markup=False)
            return
        self._set(level)

    def action_no_agreement(self) -> None:
        self._set(NO_AGREEMENT)

    def action_confirm(self) -> None:
        if self.row.level == BLANK:
            self.notify(
                "Nobody rated this factor: choose a level (←→ or a digit) or n for no agreement.",
                severity="warning",
                markup=False,
            )
            return
        self._set(self.row.level)

    def action_undo(self) -> None:
        row = self.row
        row.level, row.rationale, row.agreed = row.start
        self.draw()

    def action_accept_strong(self) -> None:
        """Every factor the room strongly agrees on takes its median, unless a level is already recorded
        for it (a decision the room took earlier is changed one row at a time, never in bulk)."""
        strong = [row for row in self.rows if row.strong and row.recorded is None]
        for row in strong:
            row.level, row.agreed = _start(row.dist), True
        self.draw()
        kept = sum(1 for row in self.rows if row.strong and row.recorded is not None)
        also = f"; {kept} already recorded kept as they were" if kept else ""
        if strong:
            self.notify(
                f"Accepted the median for {len(strong)} factor(s) with strong agreement{also}.", markup=False
            )
        else:
            self.notify(
                f"No factor to accept: none with strong agreement{also}.", severity="warning", markup=False
            )

    def action_why(self) -> None:
        self.screen.query_one("#why", Input).focus()

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit() and event.character != "0":
            event.stop()
            self.action_level(int(event.character))


class AgreedLevelsScreen(ModalScreen[list[AgreedRow] | None]):
    """Agree every factor at one horizon; dismisses with the rows to save, or None (Escape)."""

    DEFAULT_CSS = """
    AgreedLevelsScreen { align: center middle; }
    AgreedLevelsScreen > VerticalScroll { width: 100%; max-width: 110; height: auto; max-height: 100%;
        padding: 0 1; border: thick $primary; background: $surface; }
    AgreedLevelsScreen #agreed-rows { height: auto; }
    AgreedLevelsScreen #agreed-rows:focus { background: $boost; }
    AgreedLevelsScreen #agreed-help { color: $text-muted; }
    AgreedLevelsScreen .dialog-buttons { height: auto; margin-top: 1; }
    AgreedLevelsScreen .dialog-buttons Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, horizon: str, rows: list[FactorRow], levels: list[tuple[int, str]]) -> None:
        super().__init__()
        self.horizon = horizon
        self.table = AgreedRows(rows, levels)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(f"Agreed levels · {self.horizon}", style="bold"))
            yield self.table
            yield Label("", id="why-label")
            yield Input(
                "", id="why", max_length=RATIONALE_LIMIT, placeholder="why the room agreed this", compact=True
            )
            yield Static(Text(HELP), id="agreed-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Accept strong agreement (a)", id="accept", compact=True)
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.table.focus()
        self._show_why()

    def on_agreed_rows_moved(self, _message: AgreedRows.Moved) -> None:
        self._show_why()

    def _show_why(self) -> None:
        row = self.table.row
        self.query_one("#why-label", Label).update(Text(f"Why, for {row.name} (r to write, Enter to keep):"))
        why = self.query_one("#why", Input)
        if not why.has_focus:
            why.value = row.rationale

    def on_input_submitted(self, event: Input.Submitted) -> None:
        row = self.table.row
        if event.value != row.rationale:
            row.rationale = event.value
            row.agreed = row.agreed or row.level != BLANK
        self.table.focus()
        self.table.draw()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "accept":
            self.table.action_accept_strong()
        elif event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Escape: out of the rationale (as it was), else close the dialog and write nothing."""
        why = self.query_one("#why", Input)
        if why.has_focus:
            why.value = self.table.row.rationale
            self.table.focus()
            return
        self.dismiss(None)

    def action_save(self) -> None:
        why = self.query_one("#why", Input)
        if why.has_focus:  # a rationale being typed counts, as if Enter had been pressed
            self.on_input_submitted(Input.Submitted(why, why.value))
        rows = [saved for row in self.table.rows if (saved := row.to_save()) is not None]
        if not rows:
            self.notify("Nothing to save: no row is agreed or changed.", severity="warning", markup=False)
            return
        self.dismiss(rows)
