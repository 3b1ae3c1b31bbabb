"""Live editing of the run-sheet: change, move and add items, from the store and from the keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from textual.pilot import Pilot
from textual.widgets import Input

from screens.add_item_dialog import AddItemScreen
from screens.app import WorkshopApp
from screens.dialogs import EditItemScreen
from tests.helpers.tui import agenda, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import row_id
from workshop.store.agenda import AgendaError, ItemEdit, edit_item, move_item
from workshop.usecases.items import add_item, addable_kinds


def titles(db: Database, workshop_id: int) -> list[str]:
    with db.reading() as session:
        return [item.title for item in store.agenda(session, workshop_id)]


def test_store_edits_moves_and_adds(db: Database, workshop_id: int) -> None:
    first, second = titles(db, workshop_id)[:2]
    with db.writing() as session:
        items = store.agenda(session, workshop_id)
        edit_item(session, row_id(items[0]), ItemEdit(minutes=25, notes="Start on time"))
        move_item(session, row_id(items[0]), 1)
        added = add_item(session, workshop_id, "info", "Coffee break", 15, after=items[0].id)
    assert titles(db, workshop_id)[:3] == [second, first, "Coffee break"]
    with db.reading() as session:
        moved = store.get_item(session, row_id(items[0]))
        assert (moved.planned_minutes, moved.notes, moved.title) == (25, "Start on time", first)
        assert [i.position for i in store.agenda(session, workshop_id)] == list(
            range(len(titles(db, workshop_id)))
        )
        assert store.get_item(session, row_id(added)).kind == "info"
    with db.writing() as session:
        move_item(session, row_id(items[0]), -99)
    assert titles(db, workshop_id)[0] == first


def test_bad_edits_are_refused() -> None:
    with pytest.raises(ValidationError):
        ItemEdit(title="   ")
    with pytest.raises(ValidationError):
        ItemEdit(minutes=601)
    assert {"dots", "question", "info"} <= {kind.kind for kind in addable_kinds()}


def test_a_kind_without_the_settings_it_needs_is_refused(db: Database, workshop_id: int) -> None:
    with db.writing() as session, pytest.raises(AgendaError, match="nothing to vote on"):
        add_item(session, workshop_id, "dots", "Vote", 10, after=None)


async def press_save(app: WorkshopApp, pilot: Pilot[Any]) -> None:
    """Tab to the dialog's Save button and press Enter, as a facilitator without a mouse would."""
    app.screen.query_one("#save").focus()
    await pilot.press("enter")


@pytest.mark.tui
async def test_edit_move_and_add_from_the_keyboard(db: Database, workshop_id: int) -> None:
    first, second = titles(db, workshop_id)[:2]
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditItemScreen))
        await pilot.pause()  # let the dialog lay out before clicking its buttons
        app.screen.query_one("#minutes", Input).value = "abc"
        await press_save(app, pilot)
        await wait_for(pilot, lambda: "whole number" in str(app.screen.query_one("#edit-error").render()))
        await pilot.press("escape")  # cancel: nothing changes
        await wait_for(pilot, lambda: not isinstance(app.screen, EditItemScreen))
        assert titles(db, workshop_id)[0] == first
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditItemScreen))
        await pilot.pause()
        app.screen.query_one("#minutes", Input).value = "20"
        app.screen.query_one("#title", Input).value = "Welcome, [bold]purpose[/bold]"
        await press_save(app, pilot)
        await wait_for(pilot, lambda: titles(db, workshop_id)[0] == "Welcome, [bold]purpose[/bold]")
        await wait_for(
            pilot, lambda: "Welcome, [bold]purpose[/bold]" in screen_text(app)
        )  # shown, not styled
        await pilot.press("shift+down")
        await wait_for(
            pilot, lambda: titles(db, workshop_id)[:2] == [second, "Welcome, [bold]purpose[/bold]"]
        )
        await pilot.press("plus")
        await wait_for(pilot, lambda: isinstance(app.screen, AddItemScreen))
        await pilot.pause()
        await pilot.press(*"Coffee break")
        await press_save(app, pilot)
        await wait_for(pilot, lambda: "Coffee break" in titles(db, workshop_id))
        assert titles(db, workshop_id).index("Coffee break") == 2  # after the highlighted (moved) item
        assert first != "Welcome, [bold]purpose[/bold]"
