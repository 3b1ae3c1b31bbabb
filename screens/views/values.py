"""Live view for values and behaviours, with the facilitator's moderation.

Tab reaches the list; the arrows move through values and the behaviours under them. ``a`` marks the
highlighted entry as agreed (or takes the mark off), ``x`` hides it or restores it, ``t`` rewords it and
``m`` merges a duplicate value into another, or moves a behaviour to another value. ``H`` previews the HR
text (job description, interview questions, appraisal…) for the highlighted value.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.bindings import refresh_bindings
from screens.hr_dialog import HrPreviewScreen
from screens.moderation_dialogs import ChooseValueScreen, Rewording, RewordScreen
from screens.views.base import LiveView
from workshop.activities.base import Tally
from workshop.activities.values import (
    BEHAVIOUR_LIMIT,
    NAME_LIMIT,
    STATEMENT_LIMIT,
    BehaviourSummary,
    ValuesSummary,
    ValueSummary,
)
from workshop.db import Database
from workshop.live import Snapshot
from workshop.store import moderation
from workshop.store.entries import VISIBLE
from workshop.usecases import merging
from workshop.wording import of_joined, plural

if TYPE_CHECKING:
    pass

# Symbols and words together: the stance must read the same without colour.
STANCE_MARKS = {"will": ("✔ we will", "green"), "wont": ("✖ we won't", "red")}
AGREED = "★ agreed"
# On the list's border, so it stays in sight when the list scrolls the heading away on a small screen.
HINT = "Tab here · a agree · x hide · t reword · m merge/move"

Entry = ValueSummary | BehaviourSummary


def _status(entry: Entry, names: dict[int, str]) -> str:
    if entry.status == "hidden":
        return " (hidden)"
    if entry.status == "merged":
        into = names.get(cast("ValueSummary", entry).merged_into or 0)
        return f" (merged into “{into}”)" if into else " (merged)"
    return ""


def _value_line(value: ValueSummary, names: dict[int, str], tally: Tally | None = None) -> Text:
    visible = value.status in VISIBLE
    line = Text(no_wrap=True, overflow="ellipsis")
    if value.agreed is not None and visible:
        line.append(f"{AGREED} ", style="bold")
    # Text.append never parses markup, so whatever a participant typed is shown as typed.
    line.append(value.name, style="bold" if visible else "dim strike")
    line.append(_status(value, names), style="italic")
    if value.original is not None:
        line.append(" ✎ reworded", style="italic")
    line.append(f"  {value.will} will · {value.wont} won't", style="dim")
    if tally is not None:
        # In words, so the vote reads without colour: "· 4 dots".
        line.append(f" · {plural(tally.by_entry.get(value.id, 0), tally.unit)}")
    if value.statement:
        line.append("\n   ")
        line.append(value.statement, style="" if visible else "dim")
    return line


def _behaviour_line(behaviour: BehaviourSummary) -> Text:
    visible = behaviour.status in VISIBLE
    mark, colour = STANCE_MARKS.get(behaviour.stance, ("·", ""))
    line = Text("    ", no_wrap=True, overflow="ellipsis")
    if behaviour.agreed is not None and visible:
        line.append(f"{AGREED} ", style="bold")
    line.append(mark, style=colour if visible else "dim")
    line.append("  ")
    line.append(behaviour.text, style="" if visible else "dim strike")
    line.append(_status(behaviour, {}), style="italic")
    if behaviour.original is not None:
        line.append(" ✎ reworded", style="italic")
    return line


class ValuesView(LiveView[ValuesSummary]):
    """Values with their behaviours, what phones can see, and the facilitator's moderation keys."""

    DEFAULT_CSS = """
    ValuesView { height: auto; }
    ValuesView > #values-list { height: auto; max-height: 24; }
    """

    SUMMARY = ValuesSummary

    BINDINGS = [
        Binding("a", "agree", "Agree", tooltip="Mark the highlighted value or behaviour as agreed, or not"),
        Binding("x", "hide", "Hide", tooltip="Hide the highlighted entry from phones, or restore it"),
        Binding("t", "reword", "Reword", tooltip="Change the wording (the participant's is kept)"),
        Binding("m", "merge", "Merge", tooltip="Merge a duplicate value, or move a behaviour"),
        # Out of the footer (and the list's hint) to keep them short; the help and the palette list it.
        Binding(
            "H",
            "hr_text",
            "HR text",
            show=False,
            tooltip="Preview the HR text for the highlighted value: job description, interview, appraisal",
        ),
    ]

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._rows: tuple[tuple[Any, ...], ...] = ()
        self._entries: dict[int, Entry] = {}
        self._values: tuple[ValueSummary, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="values-heading")
        options = OptionList(id="values-list", markup=False)
        options.border_title = HINT
        yield options

    def on_mount(self) -> None:
        self.redraw()

    def draw_nothing(self, snapshot: Snapshot) -> None:
        self._draw(snapshot, None)

    def draw(self, snapshot: Snapshot, summary: ValuesSummary) -> None:
        self._draw(snapshot, summary)

    def _draw(self, snapshot: Snapshot, summary: ValuesSummary | None) -> None:
        headings = self.query("#values-heading").results(Static)
        heading = next(headings, None)
        if heading is None or not self.query("#values-list"):
            # Not composed yet (drawn from on_mount), or being taken off the screen child by child.
            return
        values = summary.values if summary is not None else ()
        text = Text()
        if summary is not None:
            shown = "◉ shown to phones" if summary.entries_shown else "◌ hidden from phones"
            text.append(shown, style="bold")
            agreed = sum(1 for v in values if v.agreed is not None and v.status in VISIBLE)
            contributed = of_joined(summary.responses, snapshot.seats, "contributed", first=False)
            text.append(
                f" · {plural(summary.value_count, 'value')} · {plural(summary.behaviour_count, 'behaviour')}"
                f" · {agreed} agreed · {contributed}"
            )
        if not values:
            text.append("\nNo values proposed yet.")
        heading.update(text)
        self._show_list(values, snapshot.tally)

    def _show_list(self, values: tuple[ValueSummary, ...], tally: Tally | None = None) -> None:
        options = self.query_one("#values-list", OptionList)
        options.display = bool(values)
        self._values = values
        self._entries = {v.id: v for v in values} | {b.id: b for v in values for b in v.behaviours}
        rows = tuple((v, v.behaviours, tally.by_entry.get(v.id) if tally else None) for v in values)
        if rows == self._rows:
            return  # unchanged: keep the facilitator's place in the list
        self._rows = rows
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        names = {v.id: v.name for v in values}
        built: list[Option] = []
        for value in values:
            built.append(Option(_value_line(value, names, tally), id=str(value.id)))
            built.extend(Option(_behaviour_line(b), id=str(b.id)) for b in value.behaviours)
        options.set_options(built)
        ids = [option.id for option in built]
        if built:
            options.highlighted = ids.index(highlighted) if highlighted in ids else 0
        refresh_bindings(self)

    def focus(self, scroll_visible: bool = True) -> ValuesView:
        """Focus the list (the view itself is no extra stop for Tab)."""
        for options in self.query("#values-list").results(OptionList):
            if options.display:
                options.focus(scroll_visible)
        return self

    def _highlighted(self) -> Entry | None:
        options = self.query_one("#values-list", OptionList)
        option = options.highlighted_option if options.display else None
        return self._entries.get(int(option.id)) if option is not None and option.id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("agree", "hide", "reword", "merge", "hr_text"):
            return self._highlighted() is not None
        return True

    @on(OptionList.OptionHighlighted, "#values-list")
    def _moved(self, _event: OptionList.OptionHighlighted) -> None:
        refresh_bindings(self)

    async def _moderate(self, change: Callable[..., object], done: str) -> None:
        await self.change(change, done, failed="Could not change it")

    async def action_agree(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            agreed = entry.agreed is None
            await self._moderate(
                partial(moderation.set_agreed, entry_id=entry.id, agreed=agreed),
                "Marked as agreed" if agreed else "No longer marked as agreed",
            )

    async def action_hide(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            hide = entry.status in VISIBLE
            await self._moderate(
                partial(moderation.set_hidden, entry_id=entry.id, hidden=hide),
                "Hidden from phones and results" if hide else "Restored",
            )

    def action_reword(self) -> None:
        entry = self._highlighted()
        if entry is None:
            return
        is_value = isinstance(entry, ValueSummary)
        text = entry.name if isinstance(entry, ValueSummary) else entry.text
        statement = entry.statement if isinstance(entry, ValueSummary) else None
        limits = (NAME_LIMIT, STATEMENT_LIMIT) if is_value else (BEHAVIOUR_LIMIT, 0)

        async def reworded(new: Rewording | None) -> None:
            if new is not None:
                change = partial(
                    moderation.reword_entry,
                    entry_id=entry.id,
                    text=new.text,
                    detail=new.detail,
                    text_limit=limits[0],
                    detail_limit=limits[1],
                )
                await self._moderate(change, "Reworded; the participant's words are kept on record")

        original = entry.original
        self.app.push_screen(RewordScreen(text, statement, limits, original), reworded)

    def action_merge(self) -> None:
        entry = self._highlighted()
        if entry is None:
            return
        is_value = isinstance(entry, ValueSummary)
        targets = [(v.name, v.id) for v in self._values if v.status in VISIBLE and v.id != entry.id]
        if not targets:
            self.notify("There is no other value to choose.", severity="warning")
            return
        if is_value:
            title, prompt = "Merge a duplicate", "Merge “{}” into which value? Its behaviours and dots move."
        else:
            title, prompt = "Move a behaviour", "Attach “{}” to which value?"
        label = entry.name if isinstance(entry, ValueSummary) else entry.text

        async def chosen(target: int | None) -> None:
            if target is None:
                return
            if is_value:
                merge = partial(merging.merge_value, entry_id=entry.id, into_id=target)
                await self._moderate(merge, "Merged, with its dots; the duplicate stays on record")
            else:
                move = partial(moderation.move_entry, entry_id=entry.id, value_id=target)
                await self._moderate(move, "Behaviour moved")

        preview = partial(self._merge_preview, entry.id) if is_value else None
        self.app.push_screen(ChooseValueScreen(title, prompt.format(label), targets, preview), chosen)

    def _merge_preview(self, entry_id: int, target: int) -> str:
        # Called by the dialog in a thread worker: a read, never on the event loop.
        with self.db.reading() as session:
            return merging.merge_preview(session, entry_id, target).sentence

    def action_hr_text(self) -> None:
        entry, shown = self._highlighted(), self.shown
        if entry is not None and shown is not None:
            # The dialog reads in a worker: the value and its agreed behaviours as they are now.
            self.app.push_screen(HrPreviewScreen(self.db, shown[0].workshop_id, entry.id))
