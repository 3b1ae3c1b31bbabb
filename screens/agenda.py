"""The main screen: the agenda run-sheet, the live view of the selected item and the join panel."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from screens.agenda_edit import AgendaEditing
from screens.agenda_room import AgendaRoom
from screens.agenda_sheet import AgendaSheet
from screens.dialogs import ConfirmScreen
from screens.messages import WorkshopChanged
from screens.views import LiveView, view_for, with_lent_keys
from screens.widgets.join_panel import JoinPanel
from workshop import store
from workshop.activities import get_activity
from workshop.live import Snapshot, load_snapshot
from workshop.models import AgendaItem, ItemState, row_id
from workshop.usecases.control import ItemAction, apply_item_action

if TYPE_CHECKING:
    from screens.app import WorkshopApp


class AgendaScreen(AgendaEditing, AgendaRoom, AgendaSheet, Screen[None]):
    """Run the workshop: start items, watch answers arrive, show the join code."""

    BINDINGS = [
        Binding("enter", "start", "Open", priority=True, tooltip="Open the highlighted item for answers"),
        Binding("n", "next", "Next", tooltip="Close the current item and open the next one"),
        Binding(
            "N", "previous", "Previous", show=False, tooltip="Close the current item and open the one before"
        ),
        Binding("c", "close", "Close", tooltip="Close the highlighted item: answers can no longer change"),
        Binding("v", "reveal", "Reveal", tooltip="Show or hide the highlighted item's results on phones"),
        Binding(
            "s", "show_entries", "Proposals", tooltip="Show or hide participants' proposals to one another"
        ),
        Binding("r", "reset", "Reset", tooltip="Delete every answer to the highlighted item (asks first)"),
        Binding(
            "e", "edit", "Edit", show=False, tooltip="Change the highlighted item's title, minutes or notes"
        ),
        Binding(
            "shift+up", "move(-1)", "Move up", show=False, tooltip="Move the highlighted item up the agenda"
        ),
        Binding("shift+down", "move(1)", "Move down", show=False, tooltip="Move the highlighted item down"),
        Binding(
            "plus", "add", "Add item", show=False, tooltip="Add an agenda item after the highlighted one"
        ),
        Binding(
            "i", "toggle_notes", "Notes", show=False, tooltip="Show or hide the item's facilitator notes"
        ),
        Binding("j", "toggle_join", "Join", show=False, tooltip="Show or hide the QR code and join code"),
        Binding(
            "p", "projector", "Projector", tooltip="The join code big, and revealed results, for the room"
        ),
        Binding("o", "export", "Outcomes", show=False, tooltip="Write the outcome pack (Markdown and JSON)"),
        Binding("w", "wifi", "Wi-Fi", show=False, tooltip="Set the venue Wi-Fi for a second QR code"),
        Binding("f", "remote", "Remote", show=False, tooltip="The facilitator remote and API token"),
        Binding("escape", "home", "Home", tooltip="Back to the list of workshops; phones keep answering"),
        Binding("q", "quit", "Quit", tooltip="Stop the participant server and quit"),
    ]
    # The keys the live views lend for their kinds' own actions (a horizon, a breakdown), each in its place.
    BINDINGS = with_lent_keys(BINDINGS)

    def __init__(self, workshop_id: int) -> None:
        super().__init__()
        # Its own, not the app's: a read finishing after Escape must still ask about this workshop.
        self.workshop_id = workshop_id
        self.snapshot: Snapshot | None = None
        self._view_kind: str | None = None
        self._swapping = asyncio.Lock()
        self._current_id: int | None = None
        self._title_width = 0
        self.show_notes: bool | None = None  # None: shown when the terminal has room for them

    @property
    def workshop_app(self) -> WorkshopApp:
        return cast("WorkshopApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield DataTable(id="agenda", cursor_type="row", zebra_stripes=False)
                yield Static("", id="live-title")
                yield Static("", id="item-notes")
                yield Vertical(id="live")
            yield JoinPanel(self.workshop_app.join_url, self.workshop_app.join_code, id="join")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#join").display = False
        # A big workshop takes a moment to read: say so rather than show an empty screen.
        self.query_one("#main").loading = True
        self.set_interval(1.0, self._tick)
        # Titles give way to the table's own width, which either panel or the terminal changes: redraw then.
        self.watch(self.query_one("#main"), "virtual_size", self.on_resize, init=False)
        self.refresh_snapshot()

    # Reading -------------------------------------------------------------------------------------

    def _selected_item_id(self) -> int | None:
        table = self.query_one("#agenda", DataTable)
        if not self.snapshot or not self.snapshot.items or table.row_count == 0:
            return None
        row = min(table.cursor_row, len(self.snapshot.items) - 1)
        return row_id(self.snapshot.items[row])

    def refresh_snapshot(self) -> None:
        """Read a fresh snapshot off the event loop, then draw it."""
        if self.is_attached:  # the cursor is read here, on the event loop, not in the worker
            self._read_snapshot(self._selected_item_id())

    class SnapshotRead(Message):
        """A worker's read of the workshop (or None: the workshop has gone), for the screen to draw."""

        def __init__(self, snapshot: Snapshot | None) -> None:
            super().__init__()
            self.snapshot = snapshot

    @work(thread=True, exclusive=True, group="snapshot", exit_on_error=False)
    def _read_snapshot(self, focus_id: int | None) -> None:
        # The worker only reads and reports; drawing happens on the event loop, in the message's handler.
        try:
            snapshot = load_snapshot(self.workshop_app.db, self.workshop_id, focus_id)
        except store.WorkshopNotFound:
            snapshot = None
        self.post_message(self.SnapshotRead(snapshot))

    async def on_agenda_screen_snapshot_read(self, message: SnapshotRead) -> None:
        if message.snapshot is None:
            self._gone()
        else:
            await self._draw(message.snapshot)

    def _gone(self) -> None:
        """The workshop was deleted elsewhere (another terminal on the same database): back to the list."""
        if self.is_current:
            self.notify("This workshop was deleted elsewhere.", severity="error")
            self.workshop_app.close_workshop()

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        if message.workshop_id not in (None, self.workshop_id):
            return  # news of the workshop open before this one
        if self.snapshot is None or message.revision != self.snapshot.revision:
            self.refresh_snapshot()

    @on(DataTable.RowHighlighted, "#agenda")
    def _row_moved(self, _event: DataTable.RowHighlighted) -> None:
        if self.snapshot and self._selected_item_id() != (self.snapshot.focus and self.snapshot.focus.id):
            self.refresh_snapshot()

    # Drawing -------------------------------------------------------------------------------------

    async def _draw(self, snapshot: Snapshot) -> None:
        if not self.is_attached:
            return  # read for a screen the facilitator has already left
        self.snapshot = snapshot
        self.query_one("#main").loading = False
        # The code first: on a narrow screen the title gives way, and the room needs the code.
        self.title = f"Code {snapshot.workshop.join_code} · {snapshot.seats} joined"
        self.sub_title = snapshot.workshop.title
        current = snapshot.current
        current_id = current.id if current else None
        follow = current_id != self._current_id
        if follow:
            # A new item started: bring the join panel up if phones have something to do.
            self._current_id = current_id
            if (
                current is not None
                and get_activity(current.kind).accepts_responses
                and self.workshop_app.join_url
            ):
                self.query_one("#join").display = True
        self._draw_agenda(snapshot)
        if follow and current is not None:
            self.query_one("#agenda", DataTable).move_cursor(row=snapshot.items.index(current), animate=False)
        focus = snapshot.focus
        live = self.query_one("#live", Vertical)
        kind = focus.kind if focus else "info"
        # Two snapshots can arrive while a view is being swapped: one swap at a time, or both mount one.
        async with self._swapping:
            if kind != self._view_kind:
                await live.remove_children()
                if not live.is_attached:
                    return  # the app is closing (a read that finished after q): nothing to draw into
                await live.mount(view_for(kind)())
                self._view_kind = kind
        self._draw_title(snapshot)
        self.call_after_refresh(self._show_view, snapshot)
        self.refresh_bindings()

    def _show_view(self, snapshot: Snapshot) -> None:
        for view in self.query(LiveView):
            if view.is_attached:  # not one a swap is taking off the screen
                view.show(snapshot)

    # Actions -------------------------------------------------------------------------------------

    def _selected(self) -> AgendaItem | None:
        if not self.snapshot:
            return None
        wanted = self._selected_item_id()
        return next((item for item in self.snapshot.items if item.id == wanted), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        snapshot = self.snapshot
        selected = self._selected()
        takes_answers = selected is not None and get_activity(selected.kind).accepts_responses
        if action == "close":
            return selected is not None and selected.state == ItemState.OPEN
        if action == "reset":
            return takes_answers
        if action == "reveal":
            return takes_answers and get_activity(selected.kind).results_template is not None  # type: ignore[union-attr]
        if action == "show_entries":
            return takes_answers and get_activity(selected.kind).shares_entries  # type: ignore[union-attr]
        if action == "view":
            return any(view.lends(str(parameters[0])) for view in self.query(LiveView))
        if action in ("next", "previous") and snapshot:
            ids = [item.id for item in snapshot.items]
            current = snapshot.workshop.current_item_id
            if action == "previous":
                return current in ids[1:]
            return current != (ids[-1] if ids else None)
        return True

    async def _change(self, change: Callable[[Session], object], done: str | None = None) -> None:
        if await self.workshop_app.changes.apply(change, done=done, failed="Could not change the agenda"):
            self.refresh_snapshot()

    async def _act(self, action: ItemAction, done: str | None = None) -> None:
        selected = self._selected()
        if selected is not None:
            await self._change(partial(apply_item_action, item_id=row_id(selected), action=action), done)

    async def action_start(self) -> None:
        await self._act(ItemAction.OPEN)

    async def action_next(self) -> None:
        await self._change(partial(store.next_item, workshop_id=self.workshop_id))

    async def action_previous(self) -> None:
        await self._change(partial(store.next_item, workshop_id=self.workshop_id, step=-1))

    async def action_close(self) -> None:
        await self._act(ItemAction.CLOSE)

    async def action_reveal(self) -> None:
        selected = self._selected()
        if selected is not None:
            hide = selected.revealed
            await self._act(
                ItemAction.HIDE_RESULTS if hide else ItemAction.REVEAL,
                "Results hidden from phones" if hide else "Results shown on phones",
            )

    async def action_show_entries(self) -> None:
        selected = self._selected()
        if selected is not None:
            hide = selected.entries_shown
            await self._act(
                ItemAction.HIDE_ENTRIES if hide else ItemAction.SHOW_ENTRIES,
                "Proposals hidden from phones" if hide else "Proposals shown on phones",
            )

    def action_reset(self) -> None:
        selected = self._selected()
        if selected is None:
            return

        async def answered(yes: bool | None) -> None:
            if yes:
                await self._change(
                    partial(apply_item_action, item_id=row_id(selected), action=ItemAction.RESET),
                    "Answers deleted",
                )

        question = f"Delete every answer to “{selected.title}”?"
        self.app.push_screen(ConfirmScreen(question, "This cannot be undone.", "Yes, delete them"), answered)

    async def action_view(self, action: str) -> None:
        """A key the live view lent the screen (see ``screens.views.base.LentKey``): the view runs it."""
        for view in self.query(LiveView):
            if view.lends(action):
                await view.run_action(action)

    def on_live_view_changed(self, _message: LiveView.Changed) -> None:
        self.refresh_snapshot()

    def on_screen_resume(self) -> None:
        # Back from the projector or a dialog: catch up with anything that changed meanwhile.
        self.refresh_snapshot()

    def on_resize(self) -> None:
        if self.snapshot:
            self._draw_agenda(self.snapshot)
            self._draw_title(self.snapshot)  # whether the notes fit depends on the height

    def action_home(self) -> None:
        self.workshop_app.close_workshop()

    def action_quit(self) -> None:
        snapshot = self.snapshot
        current = snapshot.current if snapshot else None
        if current is None or current.state != ItemState.OPEN or not self.workshop_app.server:
            self.run_worker(self.workshop_app.action_quit())
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_worker(self.workshop_app.action_quit())

        question = "Quit while phones can answer?"
        detail = f"“{current.title}” is open. Phones cannot reach the workshop until you run it again."
        self.app.push_screen(ConfirmScreen(question, detail, "Yes, quit", "No, keep running"), answered)
