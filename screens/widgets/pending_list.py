"""Participants' entries waiting for the facilitator: a list to approve or hide them from, one at a time.

Kind-blind: a live view hands it ``(entry id, line)`` rows and a callback that makes the decision; the view
keeps its own keys (and their words in the footer) and asks the list what is highlighted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress

from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from screens.bindings import refresh_bindings
from workshop.models import EntryStatus

# Makes a decision on one entry (through the app's one way to change things); whether it was made.
Decide = Callable[[int, EntryStatus], Awaitable[bool]]
# Told when the list shows or hides, and whether it had the focus then (a view may take it back).
Shown = Callable[[bool, bool], None]


class PendingList(OptionList):
    """The entries waiting for approval, newest reading kept: the highlight stays where the facilitator was.

    Hidden while nothing waits, so Tab never stops on an empty list.
    """

    def __init__(self, decide: Decide, *, shown: Shown | None = None, id: str | None = None) -> None:
        # Rows are Text (a participant's words as typed), never markup.
        super().__init__(id=id, markup=False)
        self._decide = decide
        self._shown = shown
        self._rows: tuple[tuple[int, Text], ...] = ()

    def show(self, rows: Sequence[tuple[int, Text]]) -> None:
        """List ``rows`` (entry id, line); unchanged rows keep the facilitator's place in the list."""
        rows = tuple(rows)
        self._show(bool(rows))
        if rows == self._rows:
            return
        self._rows = rows
        highlighted = self.highlighted
        self.set_options(Option(line, id=str(entry_id)) for entry_id, line in rows)
        if rows:
            self.highlighted = min(highlighted or 0, len(rows) - 1)
        refresh_bindings(self)

    @property
    def chosen(self) -> int | None:
        """The highlighted entry's id; None while the list is hidden or nothing is highlighted."""
        option = self.highlighted_option if self.display else None
        return int(option.id) if option is not None and option.id is not None else None

    async def approve(self) -> None:
        """Approve the highlighted entry."""
        await self._decided(EntryStatus.APPROVED)

    async def hide(self) -> None:
        """Hide the highlighted entry."""
        await self._decided(EntryStatus.HIDDEN)

    async def _decided(self, status: EntryStatus) -> None:
        entry_id = self.chosen
        if entry_id is None or not await self._decide(entry_id, status) or not self.is_attached:
            return  # not made, or the view was taken off the screen meanwhile
        # Gone from the list at once, so a second key press cannot act on it; the next snapshot agrees. While
        # the change was being made a fresh snapshot may have redrawn the list without it already.
        self._rows = tuple(row for row in self._rows if row[0] != entry_id)
        with suppress(OptionDoesNotExist):
            self.remove_option(str(entry_id))
        self._show(bool(self._rows))
        refresh_bindings(self)

    def _show(self, shown: bool) -> None:
        had_focus = self.has_focus
        self.display = shown
        if self._shown is not None:
            self._shown(shown, had_focus)

    @on(OptionList.OptionHighlighted)
    def _moved(self, _event: OptionList.OptionHighlighted) -> None:
        # The view's keys apply only to a highlighted entry: the footer follows.
        refresh_bindings(self)
