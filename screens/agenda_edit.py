"""Changes the facilitator makes to the workshop itself: edit, move and add items, record agreed levels."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from textual.widgets import DataTable

from screens.dialogs import AddItemScreen, AgreedChoice, AgreedScreen, EditItemScreen, NewItem
from screens.moderation_dialogs import AgreedPrioritiesScreen
from screens.views.maturity import MaturityView
from workshop.activities import KINDS
from workshop.activities.maturity import MatrixSummary
from workshop.activities.maturity.agreed import set_agreed
from workshop.activities.ranking import RankingSummary
from workshop.models import row_id
from workshop.store.agenda import ItemEdit, edit_item, move_item
from workshop.store.moderation import set_agreed_order
from workshop.usecases.items import add_item, addable_kinds
from workshop.wording import ordinal

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

    def action_agree(self) -> None:
        snapshot = self.snapshot
        summary = snapshot.summary if snapshot else None
        if isinstance(summary, RankingSummary) and snapshot is not None and snapshot.focus is not None:
            self._agree_priorities(row_id(snapshot.focus), summary)
            return
        if not isinstance(summary, MatrixSummary) or snapshot is None or snapshot.focus is None:
            return
        item_id = row_id(snapshot.focus)
        structure = summary.structure
        factor_ids = {f.key: f.id for f in structure.factors}
        horizon_ids = {h.key: h.id for h in structure.horizons}
        current = {(factor_ids[f], horizon_ids[h]): value for (f, h), value in summary.agreed.items()}
        views = list(self.query(MaturityView))  # type: ignore[attr-defined]
        index = views[0].horizon_index if views else 0
        horizon_id = structure.horizons[index % len(structure.horizons)].id

        async def chosen(choice: AgreedChoice | None) -> None:
            if choice is not None:
                change = partial(
                    set_agreed,
                    item_id=item_id,
                    factor_id=choice.factor_id,
                    horizon_id=choice.horizon_id,
                    level=choice.level,
                    rationale=choice.rationale,
                )
                await self._change(change, "Agreed level recorded")

        self.app.push_screen(
            AgreedScreen(
                [(f.name, f.id) for f in structure.factors],  # type: ignore[misc]
                [(h.label, h.id) for h in structure.horizons],  # type: ignore[misc]
                [(f"{lv.value} {lv.name}", lv.value) for lv in structure.levels],
                current,  # type: ignore[arg-type]
                horizon_id,  # type: ignore[arg-type]
            ),
            chosen,
        )

    def _agree_priorities(self, item_id: int, summary: RankingSummary) -> None:
        async def chosen(agreed: list[int] | None) -> None:
            if agreed is not None:
                change = partial(set_agreed_order, item_id=item_id, entry_ids=agreed)
                await self._change(change, f"Agreed priorities recorded: {len(agreed)}")

        options = [
            (row.entry_id, row.text, f"{'=' if row.tied else ''}{ordinal(row.place)}")
            for row in summary.results
        ]
        agreed = [entry_id for entry_id, _ in summary.agreed]
        self.app.push_screen(AgreedPrioritiesScreen(options, agreed), chosen)
