"""Changes the facilitator makes to the workshop itself: edit, move and add items."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from textual.widgets import DataTable

from screens.dialogs import AddItemScreen, EditItemScreen, NewItem
from workshop.activities import KINDS
from workshop.models import row_id
from workshop.store.agenda import ItemEdit, edit_item, move_item
from workshop.usecases.items import add_item, addable_kinds

if TYPE_CHECKING:
    from screens.app import WorkshopApp
    from workshop.live import Snapshot
    from workshop.models import AgendaItem


class AgendaEditing:
    """Actions that change the agenda itself; the screen supplies the selection and ``_change``."""

    snapshot: Snapshot | None
    app: Any

    if TYPE_CHECKING:

        @property
        def workshop_app(self) -> WorkshopApp: ...

        workshop_id: int

        def _selected(self) -> AgendaItem | None: ...
        async def _change(self, change: Callable[[Session], object], done: str | None = None) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

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
        if selected is not None and self.snapshot:
            await self._change(partial(move_item, item_id=row_id(selected), offset=offset))
            row = [item.id for item in self.snapshot.items].index(selected.id) + offset
            self.query_one("#agenda", DataTable).move_cursor(row=max(0, row), animate=False)

    def action_add(self) -> None:
        selected = self._selected()
        kinds = [(KINDS[kind].label, kind) for kind in addable_kinds()]

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
                )
                await self._change(change, "Item added")

        self.app.push_screen(AddItemScreen(kinds), added)
