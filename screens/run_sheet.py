"""The run-sheet: the agenda as a table of each item's state, title and minutes; its cursor picks the item."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from workshop.live import Snapshot
from workshop.models import AgendaItem, ItemState, row_id
from workshop.timing import minutes_cell

# Words beside the marks, so the state never rests on a symbol (or a colour) alone.
STATE_MARKS = {ItemState.PENDING: "· to do", ItemState.OPEN: "▶ open", ItemState.CLOSED: "✓ done"}


class RunSheet(DataTable[Text]):
    """The agenda items in order; the row under the cursor is the item the screen looks at."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._items: tuple[AgendaItem, ...] = ()
        self._title_width = 0

    def selected_id(self) -> int | None:
        """The id of the item under the cursor; None before the first draw or with no items."""
        if not self._items or self.row_count == 0:
            return None
        return row_id(self._items[min(self.cursor_row, len(self._items) - 1)])

    def select(self, item: AgendaItem) -> None:
        """Put the cursor on ``item`` (the one just started, or moved)."""
        ids = [row.id for row in self._items]
        if item.id in ids:
            self.move_cursor(row=ids.index(item.id), animate=False)

    def move_by(self, item: AgendaItem, offset: int) -> None:
        """Follow ``item`` that was moved ``offset`` places, before the next snapshot shows it there."""
        ids = [row.id for row in self._items]
        if item.id in ids:
            self.move_cursor(row=max(0, ids.index(item.id) + offset), animate=False)

    def draw(self, snapshot: Snapshot, now: datetime) -> None:
        """Show the snapshot's agenda; rows are updated in place while the items and width stay the same."""
        self._items = snapshot.items
        fixed = 7 + 6 + 3 * 2 * self.cell_padding + self.styles.scrollbar_size_vertical
        room = max(12, self.size.width - fixed)
        keys = [str(item.id) for item in snapshot.items]
        rows = [self._row(snapshot, item, room, now) for item in snapshot.items]
        if room != self._title_width or [key.value for key in self.rows] != keys:
            # Fixed column widths: the table does not reflow (or flicker) as rows change.
            cursor = self.cursor_row
            self.clear(columns=True)
            self.add_column("State", width=7, key="state")
            self.add_column("Item", width=room, key="title")
            self.add_column("Min", width=6, key="minutes")
            for key, row in zip(keys, rows, strict=True):
                self.add_row(*row, key=key)
            self._title_width = room
            if keys:
                self.move_cursor(row=min(max(cursor, 0), len(keys) - 1), animate=False)
            self.call_after_refresh(self._least_scroll)
            return
        for key, row in zip(keys, rows, strict=True):
            for column, value in zip(("state", "title", "minutes"), row, strict=True):
                # Only what changed: each update redraws the table, and a burst of votes changes one count.
                if not _same(self.get_cell(key, column), value):
                    self.update_cell(key, column, value)

    def on_resize(self) -> None:
        self.call_after_refresh(self._least_scroll)

    def _least_scroll(self) -> None:
        """Show the agenda from as near its top as keeps the cursor in view.

        Moving the cursor scrolls just enough for the height the table has at that moment; while the panes
        settle (the join panel, a view's comments) that height changes, and the agenda was left scrolled a
        row or two for no reason, differently from one start to the next."""
        shown = self.scrollable_content_region.height - (self.header_height if self.show_header else 0)
        if shown > 0 and self.row_count:
            self.scroll_to(y=max(0, self.cursor_row - shown + 1), animate=False)

    def tick(self, running: AgendaItem, now: datetime) -> None:
        """Once a second: the running item's minutes, from the clock alone."""
        key = str(running.id)
        if any(row.value == key for row in self.rows):
            self.update_cell(key, "minutes", Text(minutes_cell(running, now), justify="right"))

    @staticmethod
    def _row(snapshot: Snapshot, item: AgendaItem, room: int, now: datetime) -> tuple[Text, Text, Text]:
        is_current = item.id == snapshot.workshop.current_item_id
        title = item.title if len(item.title) <= room else item.title[: room - 1] + "…"
        return (
            Text(STATE_MARKS[ItemState(item.state)]),
            Text(title, style="bold" if is_current else ""),
            Text(minutes_cell(item, now), justify="right"),
        )


def _same(shown: object, new: Text) -> bool:
    """Whether a cell already shows ``new``: Rich's own ``==`` on Text ignores its style (the current item's
    bold) and justification."""
    if not isinstance(shown, Text):
        return False
    return (shown.plain, shown.style, shown.justify, shown.spans) == (
        new.plain,
        new.style,
        new.justify,
        new.spans,
    )
