"""The main screen: the agenda run-sheet, the live view of the selected item and the join panel."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from screens.add_item_dialog import AddItemScreen, NewItem
from screens.agenda_keys import AGENDA_KEYS
from screens.bindings import refresh_bindings
from screens.dialogs import ConfirmScreen, EditItemScreen, RemoteScreen, WifiScreen
from screens.exporting import choose_and_export
from screens.latest import Latest
from screens.live_area import LiveArea
from screens.messages import WorkshopChanged
from screens.projector import ProjectorScreen
from screens.run_sheet import RunSheet
from screens.views import LiveView
from screens.widgets.join_panel import JoinPanel, WifiDetails
from screens.widgets.room_header import RoomHeader
from workshop import store
from workshop.activities import get_activity
from workshop.live import Snapshot, load_snapshot
from workshop.models import AgendaItem, ItemState, row_id
from workshop.store.agenda import ItemEdit, edit_item, move_item
from workshop.usecases.control import ItemAction, apply_item_action
from workshop.usecases.items import add_item, addable_kinds, entry_sources

if TYPE_CHECKING:
    from screens.app import WorkshopApp


class AgendaScreen(Screen[None]):
    """Run the workshop: start items, watch answers arrive, show the join code.

    Three widgets do the drawing: the run-sheet (the agenda table), the live area (the item's line, notes
    and live view) and the join panel. The screen reads snapshots, holds the keys, and makes the changes.
    """

    BINDINGS = AGENDA_KEYS

    def __init__(self, workshop_id: int) -> None:
        super().__init__()
        # Its own, not the app's: a read finishing after Escape must still ask about this workshop.
        self.workshop_id = workshop_id
        self.snapshot: Snapshot | None = None
        self._current_id: int | None = None
        self._reads = Latest()

    @property
    def workshop_app(self) -> WorkshopApp:
        return cast("WorkshopApp", self.app)

    def compose(self) -> ComposeResult:
        yield RoomHeader()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield RunSheet(id="agenda")
                yield LiveArea(self.workshop_app.db, id="live-area")
            yield JoinPanel(self.workshop_app.join_url, self.workshop_app.join_code, id="join")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # The facilitator's own choice (j) for this workshop, kept while the app runs; hidden until then.
        self.query_one("#join").display = self.workshop_app.join_shown.get(self.workshop_id, False)
        # A big workshop takes a moment to read: say so rather than show an empty screen.
        self.query_one("#main").loading = True
        self.set_interval(1.0, self._tick)
        # Titles give way to the table's own width, which either panel or the terminal changes: redraw then.
        self.watch(self.query_one("#main"), "virtual_size", self.on_resize, init=False)
        self.refresh_snapshot()

    # Reading -------------------------------------------------------------------------------------

    @property
    def run_sheet(self) -> RunSheet:
        return self.query_one("#agenda", RunSheet)

    @property
    def live_area(self) -> LiveArea:
        return self.query_one("#live-area", LiveArea)

    def _selected_item_id(self) -> int | None:
        return self.run_sheet.selected_id()

    def refresh_snapshot(self) -> None:
        """Read a fresh snapshot off the event loop, then draw it."""
        if self.is_attached:  # the cursor is read here, on the event loop, not in the worker
            self._read_snapshot(self._selected_item_id(), self._reads.ask())

    class SnapshotRead(Message):
        """A worker's read of the workshop (or None: the workshop has gone), for the screen to draw."""

        def __init__(self, snapshot: Snapshot | None, number: int) -> None:
            super().__init__()
            self.snapshot, self.number = snapshot, number

    @work(thread=True, exclusive=True, group="snapshot", exit_on_error=False)
    def _read_snapshot(self, focus_id: int | None, number: int) -> None:
        # The worker only reads and reports; drawing happens on the event loop, in the message's handler.
        try:
            snapshot = load_snapshot(self.workshop_app.db, self.workshop_id, focus_id)
        except store.WorkshopNotFound:
            snapshot = None
        self.post_message(self.SnapshotRead(snapshot, number))

    async def on_agenda_screen_snapshot_read(self, message: SnapshotRead) -> None:
        if not self._reads.fresh(message.number):
            return  # an older read that finished late: a newer one is already drawn
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
        self.workshop_app.token_replaced(snapshot.workshop.facilitator_token_hash)
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
                and self.workshop_id not in self.workshop_app.join_shown  # j's choice stands
            ):
                self.query_one("#join").display = True
        self._draw_agenda(snapshot)
        if follow and current is not None:
            self.run_sheet.select(current)
        await self.live_area.show(snapshot, self.workshop_app.clock())
        refresh_bindings(self)

    def _draw_agenda(self, snapshot: Snapshot) -> None:
        # The join panel's two codes sit side by side only where the terminal is wide enough for both.
        self.query_one("#join", JoinPanel).set_side_by_side(self.size.width >= 110)
        self.run_sheet.draw(snapshot, self.workshop_app.clock())

    def _tick(self) -> None:
        """Once a second: the countdown and the running item's minutes, from the clock alone."""
        snapshot = self.snapshot
        if snapshot is None or snapshot.current is None:
            return
        now = self.workshop_app.clock()
        self.live_area.draw_title(snapshot, now)
        self.run_sheet.tick(snapshot.current, now)

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
            return (
                selected is not None
                and takes_answers
                and get_activity(selected.kind).results_template is not None
            )
        if action == "show_entries":
            return selected is not None and takes_answers and get_activity(selected.kind).shares_entries
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
            # Whether the notes fit depends on the height.
            self.live_area.draw_title(self.snapshot, self.workshop_app.clock())

    def action_toggle_notes(self) -> None:
        self.live_area.toggle_notes(self.snapshot, self.workshop_app.clock())

    def action_home(self) -> None:
        """Escape: from anywhere in the live area, back to the agenda first; from the agenda, home."""
        run_sheet = self.run_sheet
        if self.focused is not None and self.focused is not run_sheet:
            # A facilitator pressing Escape in a list of values means "out of this list", not "leave the
            # workshop": leaving takes a second, deliberate Escape from the agenda itself.
            run_sheet.focus()
            return
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

    # Changing the agenda itself ------------------------------------------------------------------

    def action_edit(self) -> None:
        selected = self._selected()
        if selected is None:
            return

        async def edited(edit: ItemEdit | None) -> None:
            if edit is not None:
                await self._change(partial(edit_item, item_id=row_id(selected), edit=edit), "Item changed")

        self.app.push_screen(EditItemScreen(selected.title, selected.planned_minutes, selected.notes), edited)

    async def action_move(self, offset: int) -> None:
        selected = self._selected()
        if selected is not None:
            await self._change(partial(move_item, item_id=row_id(selected), offset=offset))
            self.run_sheet.move_by(selected, offset)

    def action_add(self) -> None:
        selected = self._selected()
        sources = entry_sources(self.snapshot.items if self.snapshot else ())

        async def added(new: NewItem | None) -> None:
            if new is not None:
                after = selected.id if selected else None
                change = partial(
                    add_item,
                    workshop_id=self.workshop_id,
                    kind=new.kind,
                    title=new.title,
                    minutes=new.minutes,
                    after=after,
                    settings=new.settings,
                )
                await self._change(change, "Item added")

        self.app.push_screen(AddItemScreen(addable_kinds(), sources), added)

    # The room and the world: join panel, Wi-Fi, remote, projector, outcome pack ----------------------

    def action_remote(self) -> None:
        app = self.workshop_app
        self.app.push_screen(RemoteScreen(app.remote_url, app.facilitator_token))

    def action_wifi(self) -> None:
        def chosen(details: WifiDetails | None) -> None:
            if details is not None:
                self.workshop_app.wifi = details if details.ssid else None
                self._apply_wifi()

        self.app.push_screen(WifiScreen(self.workshop_app.wifi), chosen)

    def _apply_wifi(self) -> None:
        wifi = self.workshop_app.wifi
        join = self.query_one("#join", JoinPanel)
        join.set_wifi(wifi)
        if wifi:
            join.display = True
        if self.snapshot:
            self._draw_agenda(self.snapshot)

    def action_projector(self) -> None:
        self.app.push_screen(ProjectorScreen())

    def action_toggle_join(self) -> None:
        join = self.query_one("#join")
        join.display = not join.display
        self.workshop_app.join_shown[self.workshop_id] = join.display
        if self.snapshot:
            self._draw_agenda(self.snapshot)

    def action_export(self) -> None:
        app = self.workshop_app
        choose_and_export(app, app.db, self.workshop_id, app.export_formats)
