"""The home screen: every workshop, and making, following up, archiving and deleting them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.widgets.data_table import ColumnKey

from screens.bindings import refresh_bindings
from screens.dialogs import ConfirmScreen
from screens.exporting import choose_and_export
from screens.failures import failure_notice
from screens.home_dialogs import FollowUpScreen, NewWorkshop, NewWorkshopScreen
from screens.latest import Latest
from workshop import usecases
from workshop.models import row_id
from workshop.retention import retention_reminder
from workshop.store import lifecycle
from workshop.store.lifecycle import WorkshopRow
from workshop.templates import discover
from workshop.wording import plural

if TYPE_CHECKING:
    from screens.app import WorkshopApp


# Width of every column but the title, with cell padding and the scrollbar's gutter.
TABLE_FIXED = 3 + 11 + 14 + 5 + 5 * 2 + 3


class HomeScreen(Screen[None]):
    """The workshops in this database, newest first; Enter runs the highlighted one."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=True, tooltip="Run the highlighted workshop"),
        # "+" adds, as on the agenda ("+" adds an item); n there is the next item, so it means nothing here.
        Binding("plus", "new", "New", tooltip="Make a workshop from a template"),
        Binding(
            "d",
            "follow_up",
            "Follow-up",
            tooltip="Make a follow-up of the highlighted workshop, to re-assess it and compare",
        ),
        Binding("a", "archive", "Archive", tooltip="Archive the highlighted workshop, or restore it"),
        Binding("x", "delete", "Delete", tooltip="Delete the highlighted workshop and its answers (asks)"),
        Binding(
            "o",
            "export",
            "Outcomes",
            tooltip="Write the highlighted workshop's outcome pack: Word, Excel, HTML, CSV and more",
        ),
        Binding("t", "toggle_archived", "Archived", show=False, tooltip="Show or hide archived workshops"),
        Binding("q", "quit", "Quit", tooltip="Stop the participant server and quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[WorkshopRow] = []
        self.show_archived = False
        self._reads = Latest()

    @property
    def workshop_app(self) -> WorkshopApp:
        return cast("WorkshopApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="workshops", cursor_type="row")
        yield Static("", id="workshop-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Workshops"
        table = self.query_one("#workshops", DataTable)
        table.add_column("#", key="id")
        table.add_column("Workshop", key="title")
        table.add_column("Made", key="made")
        table.add_column("Progress", key="progress")
        table.add_column("Seats", key="seats")
        table.loading = True
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def on_resize(self) -> None:
        if not self.query_one("#workshops", DataTable).loading:  # never "no workshops" before they are read
            self._draw(self.rows, None)

    class WorkshopsRead(Message):
        """A worker's read of the list, or why it failed, for the screen to draw on the event loop."""

        def __init__(
            self, rows: list[WorkshopRow], select: int | None, error: Exception | None, number: int
        ) -> None:
            super().__init__()
            self.rows, self.select, self.error, self.number = rows, select, error, number

    def load(self, select: int | None = None) -> None:
        """Read the list off the event loop: a database with years of workshops must not freeze the screen."""
        self._read(select, self._reads.ask())

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def _read(self, select: int | None, number: int) -> None:
        try:
            with self.workshop_app.db.reading() as session:
                rows = lifecycle.workshop_rows(session, archived=self.show_archived)
        except Exception as exc:  # a locked or lost database: say so and keep what is shown
            self.post_message(self.WorkshopsRead([], select, exc, number))
            return
        self.post_message(self.WorkshopsRead(rows, select, None, number))

    def on_home_screen_workshops_read(self, message: WorkshopsRead) -> None:
        if not self._reads.fresh(message.number):
            return  # an older read that finished late: the newer list is already drawn
        if message.error is None:
            self._draw(message.rows, message.select)
            return
        self.query_one("#workshops", DataTable).loading = False
        notice = failure_notice("Could not read the workshops", message.error)
        self.notify(notice, severity="error", markup=False)

    def _draw(self, rows: list[WorkshopRow], select: int | None) -> None:
        table = self.query_one("#workshops", DataTable)
        keep = select if select is not None else self._highlighted_id()
        self.rows = rows
        table.loading = False
        table.clear()
        # Titles give way on a narrow screen (the detail below shows them whole); the other columns don't.
        title_width = max(12, self.size.width - TABLE_FIXED)
        # The progress column is as wide as its widest cell, set here: left to itself, a table cleared and
        # refilled kept "not started"'s width now and then, and cut "▶ running 0/9" short.
        progress_column = table.columns[ColumnKey("progress")]
        progress_column.auto_width = False
        progress_column.width = max(cell_len(text) for text in ["Progress", *map(_progress, rows)])
        for row in rows:
            title = Text(row.title)
            if row.is_demo:
                title.append(" (demo)", style="italic")
            if row.archived:
                title.append(" ▣ archived", style="italic")
            if row.baseline_id is not None:
                title.append(f" ↳ follows #{row.baseline_id}", style="italic")
            progress = _progress(row)
            title.truncate(title_width, overflow="ellipsis")
            table.add_row(
                str(row.id), title, f"{row.created_at:%d %b %Y}", progress, str(row.seats), key=str(row.id)
            )
        ids = [row.id for row in rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        self.sub_title = "archived shown" if self.show_archived else ""
        self._draw_detail()
        refresh_bindings(self)

    def _highlighted_id(self) -> int | None:
        row = self._highlighted()
        return row.id if row else None

    def _highlighted(self) -> WorkshopRow | None:
        table = self.query_one("#workshops", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    @on(DataTable.RowHighlighted, "#workshops")
    def _moved(self, _event: DataTable.RowHighlighted) -> None:
        self._draw_detail()
        refresh_bindings(self)

    def _draw_detail(self) -> None:
        row = self._highlighted()
        detail = Text()
        if row is None:
            detail.append("No workshops yet. ", style="bold")
            detail.append("Press n to make one from a template.")
            if not self.show_archived:
                detail.append(" (t shows archived ones.)")
        else:
            # Text.append, never markup: titles are whatever facilitators typed.
            detail.append(row.title, style="bold")
            detail.append(f"\nJoin code {row.join_code} · template {row.template} · ")
            detail.append(f"{plural(row.items, 'agenda item')} · {plural(row.seats, 'seat')} joined")
            if row.baseline_title is not None:
                detail.append(f"\nFollow-up of #{row.baseline_id}: ")
                detail.append(row.baseline_title)
            today = self.workshop_app.clock().astimezone().date()  # the facilitator's calendar day
            due = retention_reminder(
                row.id, row.created_at, row.retention_days, purged=row.purged, today=today
            )
            if due:
                detail.append(f"\n{due[0].upper()}{due[1:]}")
        self.query_one("#workshop-detail", Static).update(detail)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "follow_up", "archive", "delete", "export"):
            return self._highlighted() is not None
        return True

    # Actions -----------------------------------------------------------------------------------

    async def action_open(self) -> None:
        row = self._highlighted()
        if row is not None:
            await self.workshop_app.open_workshop(row.id)

    async def _write(self, change: Callable[[Any], Any], done: str) -> Any:
        """Run one change through the app's one way to change things; None if it did not happen."""
        changed = await self.workshop_app.changes.apply(change, done=done)
        return changed.value if changed else None

    async def action_new(self) -> None:
        found = await asyncio.to_thread(discover)  # reads and parses the template folders: not on the loop
        specs = {name: entry.spec for name, entry in found.items() if entry.spec is not None}
        templates = sorted((spec.title, name) for name, spec in specs.items())
        if not templates:
            self.notify("No templates found: see 'workshop templates'.", severity="error")
            return

        async def chosen(new: NewWorkshop | None) -> None:
            if new is None:
                return
            spec = specs[new.template]  # as listed: the folder is not read a second time

            def make(session: Any) -> int:
                return row_id(usecases.create_workshop(session, spec, new.title))

            made = await self._write(make, f"Made “{new.title}”")
            if made is not None:
                self.load(select=made)

        self.app.push_screen(NewWorkshopScreen(templates), chosen)

    def action_follow_up(self) -> None:
        row = self._highlighted()
        if row is None:
            return

        async def chosen(title: str | None) -> None:
            if title is None:
                return
            made = await self._write(
                lambda session: usecases.create_follow_up(session, row.id, title).id,
                f"Made the follow-up “{title}”, linked to #{row.id}",
            )
            if made is not None:
                self.load(select=made)

        self.app.push_screen(FollowUpScreen(row.title), chosen)

    def action_archive(self) -> None:
        row = self._highlighted()
        if row is None:
            return
        change = partial(lifecycle.set_archived, workshop_id=row.id, archived=not row.archived)

        async def answered(yes: bool | None) -> None:
            if yes:
                await self._write(change, f"Archived “{row.title}”" if not row.archived else "Restored")
                self.load()

        if row.archived:  # restoring takes nothing away: no need to ask
            self.run_worker(answered(True))
            return
        detail = "It leaves this list (t shows archived ones) and keeps every answer for follow-ups."
        self.app.push_screen(ConfirmScreen(f"Archive “{row.title}”?", detail, "Yes, archive", "No"), answered)

    def action_delete(self) -> None:
        row = self._highlighted()
        if row is None:
            return

        async def answered(yes: bool | None) -> None:
            if yes:
                await self._write(
                    partial(usecases.delete_workshop, workshop_id=row.id), f"Deleted “{row.title}”"
                )
                self.load()

        detail = (
            f"{plural(row.seats, 'seat')} and every answer, proposal and agreed result in it go for good."
            " Archive keeps them instead. Follow-ups of it keep their own answers."
        )
        question = f"Delete “{row.title}”?"
        self.app.push_screen(ConfirmScreen(question, detail, "Yes, delete it", "No, keep it"), answered)

    def action_export(self) -> None:
        row = self._highlighted()
        if row is not None:
            app = self.workshop_app
            choose_and_export(app, app.db, row.id, app.export_formats)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.load()

    def action_quit(self) -> None:
        self.run_worker(self.workshop_app.action_quit())


def _progress(row: WorkshopRow) -> str:
    if row.running:
        return f"▶ running {row.items_done}/{row.items}"
    return "not started" if row.items_done == 0 else f"{row.items_done}/{row.items} done"
