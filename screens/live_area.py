"""The live area: the looked-at item's line (countdown, state, what phones see), its notes, its live view."""

from __future__ import annotations

import asyncio
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from screens.views import AnyView, view_for
from workshop.activities import get_activity
from workshop.db import Database
from workshop.live import Snapshot
from workshop.models import AgendaItem, ItemState
from workshop.timing import countdown

STATE_WORDS = {ItemState.PENDING: "to do", ItemState.OPEN: "open", ItemState.CLOSED: "done"}


class LiveArea(Vertical):
    """Shows one item at a time: mounts the live view its kind needs and hands it each snapshot."""

    DEFAULT_CSS = """
    LiveArea { height: 1fr; }
    """

    def __init__(self, db: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._db = db  # handed to the live views, for the reads they make themselves
        self._view_class: type[AnyView] | None = None  # the live view on screen
        self._swapping = asyncio.Lock()
        self.show_notes: bool | None = None  # None: shown when the terminal has room for them
        self._notes_text = ""  # the notes on screen, so a redraw for a new count leaves them be

    def compose(self) -> ComposeResult:
        yield Static("", id="live-title")
        yield Static("", id="item-notes")
        yield Vertical(id="live")

    async def show(self, snapshot: Snapshot, now: datetime) -> None:
        """Draw the snapshot's focus item, swapping in its kind's live view when the kind changed."""
        focus = snapshot.focus
        wanted = view_for(focus.kind if focus else None)
        live = self.query_one("#live", Vertical)
        # Two snapshots can arrive while a view is being swapped: one swap at a time, or both mount one.
        async with self._swapping:
            if wanted is not self._view_class:
                await live.remove_children()
                if not live.is_attached:
                    return  # the app is closing (a read that finished after q): nothing to draw into
                await live.mount(wanted(self._db))
                self._view_class = wanted
        self.draw_title(snapshot, now)
        self.call_after_refresh(self._show_view, snapshot)

    def _show_view(self, snapshot: Snapshot) -> None:
        for view in self.query(AnyView):
            if view.is_attached:  # not one a swap is taking off the screen
                view.show(snapshot)

    def draw_title(self, snapshot: Snapshot, now: datetime) -> None:
        """The item line (most pressing first: a narrow screen cuts it from the right) and the notes."""
        focus = snapshot.focus
        title = Text(no_wrap=True, overflow="ellipsis")
        if focus:
            timer = countdown(focus, now)
            if timer:
                title.append(f"{timer} ", style="bold reverse" if timer.startswith("⚠") else "bold")
            title.append(focus.title, style="bold")
            title.append(f"  ({STATE_WORDS[ItemState(focus.state)]})")
            activity = get_activity(focus.kind)
            waiting = activity.waiting(snapshot.summary)
            if activity.approves_entries and waiting:
                title.append(f" · ⧗ {waiting} to approve (Tab)", style="bold")
            if focus.notes and not self._view_shows_notes() and not self._notes_shown():
                title.append(" · ✎ notes: i")
            if activity.results_template:
                title.append(" · results shown on phones" if focus.revealed else " · results hidden")
            if activity.shares_entries:
                title.append(" · proposals shown" if focus.entries_shown else " · proposals hidden")
        # One line high whatever it says (app.tcss): no need to lay the screen out again for a new count.
        self.query_one("#live-title", Static).update(title, layout=False)
        self._draw_notes(focus)

    def toggle_notes(self, snapshot: Snapshot | None, now: datetime) -> None:
        """Show the notes if they are hidden, else hide them, whatever the terminal's height."""
        self.show_notes = not self._notes_shown()
        if snapshot:
            self.draw_title(snapshot, now)

    def _view_shows_notes(self) -> bool:
        # A facilitated item's view shows its notes in full below: not again above it.
        return self._view_class is not None and self._view_class.SHOWS_NOTES

    def _notes_shown(self) -> bool:
        # On a small terminal the live results need every line; on a big one the notes fit beside them.
        return self.show_notes if self.show_notes is not None else self.screen.size.height >= 30

    def _draw_notes(self, focus: AgendaItem | None) -> None:
        notes = self.query_one("#item-notes", Static)
        # The projector never shows notes at all: this is the facilitator's screen only.
        text = focus.notes if focus is not None and not self._view_shows_notes() else ""
        notes.display = bool(text) and self._notes_shown()
        if notes.display and text != self._notes_text:
            # Only when they change: an update lays the whole screen out again (their height may change).
            self._notes_text = text
            notes.update(Text.assemble(("✎ ", "bold"), " ".join(text.split()), style="italic"))
