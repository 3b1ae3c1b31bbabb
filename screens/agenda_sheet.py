"""Drawing the run-sheet: the agenda table, the item line with its countdown, and the facilitator's notes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import DataTable, Static

from screens.widgets.join_panel import JoinPanel
from workshop.activities import get_activity
from workshop.models import AgendaItem, ItemState
from workshop.timing import countdown, minutes_cell

if TYPE_CHECKING:
    from screens.app import WorkshopApp
    from workshop.live import Snapshot

STATE_WORDS = {ItemState.PENDING: "to do", ItemState.OPEN: "open", ItemState.CLOSED: "done"}
STATE_MARKS = {ItemState.PENDING: "· to do", ItemState.OPEN: "▶ open", ItemState.CLOSED: "✓ done"}


class AgendaSheet:
    """The run-sheet's drawing; the screen supplies the snapshot, the widgets and ``on_resize``."""

    snapshot: Snapshot | None
    show_notes: bool | None
    _title_width: int
    size: Any

    if TYPE_CHECKING:

        @property
        def workshop_app(self) -> WorkshopApp: ...

        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def on_resize(self) -> None: ...

    def _draw_title(self, snapshot: Snapshot) -> None:
        focus = snapshot.focus
        title = Text(no_wrap=True, overflow="ellipsis")
        if focus:
            timer = countdown(focus, self.workshop_app.clock())
            if timer:
                title.append(f"{timer} ", style="bold reverse" if timer.startswith("⚠") else "bold")
            title.append(focus.title, style="bold")
            title.append(f"  ({STATE_WORDS[ItemState(focus.state)]})")
            # Most pressing first: a narrow screen cuts the line from the right.
            activity = get_activity(focus.kind)
            waiting = getattr(snapshot.summary, "pending", ())
            if activity.approves_entries and waiting:
                title.append(f" · ⧗ {len(waiting)} to approve (Tab)", style="bold")
            if focus.notes and focus.kind != "info" and not self._notes_shown():
                title.append(" · ✎ notes: i")
            if activity.results_template:
                title.append(" · results shown on phones" if focus.revealed else " · results hidden")
            if activity.shares_entries:
                title.append(" · proposals shown" if focus.entries_shown else " · proposals hidden")
        self.query_one("#live-title", Static).update(title)
        self._draw_notes(focus)

    def _notes_shown(self) -> bool:
        # On a small terminal the live results need every line; on a big one the notes fit beside them.
        return self.show_notes if self.show_notes is not None else self.size.height >= 30

    def _draw_notes(self, focus: AgendaItem | None) -> None:
        notes = self.query_one("#item-notes", Static)
        # Info items show their notes in full below, and the projector never shows them at all.
        wanted = focus is not None and focus.kind != "info" and bool(focus.notes) and self._notes_shown()
        notes.display = wanted
        if wanted:
            notes.update(Text.assemble(("✎ ", "bold"), " ".join(focus.notes.split()), style="italic"))  # type: ignore[union-attr]

    def action_toggle_notes(self) -> None:
        self.show_notes = not self._notes_shown()
        if self.snapshot:
            self._draw_title(self.snapshot)

    def _tick(self) -> None:
        """Once a second: the countdown and the running item's minutes, from the clock alone."""
        snapshot = self.snapshot
        if snapshot is None or snapshot.current is None:
            return
        self._draw_title(snapshot)
        table = self.query_one("#agenda", DataTable)
        key = str(snapshot.current.id)
        if any(row.value == key for row in table.rows):
            cell = Text(minutes_cell(snapshot.current, self.workshop_app.clock()), justify="right")
            table.update_cell(key, "minutes", cell)

    def _draw_agenda(self, snapshot: Snapshot) -> None:
        table = self.query_one("#agenda", DataTable)
        self.query_one("#join", JoinPanel).set_side_by_side(self.size.width >= 110)
        fixed = 7 + 6 + 3 * 2 * table.cell_padding + table.styles.scrollbar_size_vertical
        room = max(12, table.size.width - fixed)
        keys = [str(item.id) for item in snapshot.items]
        now = self.workshop_app.clock()
        rows = [self._row(snapshot, item, room, now) for item in snapshot.items]
        if room != self._title_width or [key.value for key in table.rows] != keys:
            # Fixed column widths: the table does not reflow (or flicker) as rows change.
            cursor = table.cursor_row
            table.clear(columns=True)
            table.add_column("State", width=7, key="state")
            table.add_column("Item", width=room, key="title")
            table.add_column("Min", width=6, key="minutes")
            for key, row in zip(keys, rows, strict=True):
                table.add_row(*row, key=key)
            self._title_width = room
            if keys:
                table.move_cursor(row=min(max(cursor, 0), len(keys) - 1), animate=False)
            return
        for key, row in zip(keys, rows, strict=True):
            for column, value in zip(("state", "title", "minutes"), row, strict=True):
                table.update_cell(key, column, value)

    @staticmethod
    def _row(snapshot: Snapshot, item: AgendaItem, room: int, now: datetime) -> tuple[Text, Text, Text]:
        is_current = item.id == snapshot.workshop.current_item_id
        title = item.title if len(item.title) <= room else item.title[: room - 1] + "…"
        return (
            Text(STATE_MARKS[ItemState(item.state)]),
            Text(title, style="bold" if is_current else ""),
            Text(minutes_cell(item, now), justify="right"),
        )
