"""A keyboard flow that cannot lose the facilitator: Escape leaves a list before it leaves the workshop, and
the join panel stays as the facilitator left it for that workshop."""

from __future__ import annotations

import pytest

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from screens.home import HomeScreen
from screens.run_sheet import RunSheet
from tests.helpers.data import start_kind
from tests.helpers.tui import agenda, caught_up, screen_text, wait_for
from workshop import store, usecases
from workshop.activities.values import AddValue
from workshop.db import Database
from workshop.models import row_id

pytestmark = pytest.mark.tui

JOIN_URL = "http://192.168.1.10:8000/j/K7QX3M"


def _values_with_one_entry(db: Database, workshop_id: int) -> int:
    item = start_kind(db, workshop_id, "values")
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        usecases.save_response(session, row_id(item), row_id(seat), AddValue("Trust", "We trust each other"))
    return row_id(item)


async def test_escape_leaves_the_values_list_first_then_the_workshop(db: Database, workshop_id: int) -> None:
    _values_with_one_entry(db, workshop_id)
    app = WorkshopApp(db, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))  # the list is read
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AgendaScreen) and bool(app.screen.query("#values-list"))
        )
        screen = agenda(app)
        await wait_for(pilot, lambda: screen.query_one("#values-list").display)
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "values-list")
        await pilot.press("escape")  # out of the list, onto the agenda: still in the workshop
        await wait_for(pilot, lambda: isinstance(app.focused, RunSheet))
        await caught_up(pilot)
        assert app.screen is screen
        await pilot.press("escape")  # from the agenda itself: a deliberate second Escape leaves
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_the_join_panel_stays_as_the_facilitator_left_it(db: Database, workshop_id: int) -> None:
    _values_with_one_entry(db, workshop_id)
    app = WorkshopApp(db, serve=False, poll_seconds=0.05)

    def join_shown() -> bool:
        return bool(agenda(app).query_one("#join").display)

    async def back_in() -> None:
        await pilot.press("escape")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and "Test workshop" in screen_text(app)
        )
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AgendaScreen) and agenda(app).snapshot is not None
        )
        await caught_up(pilot)

    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AgendaScreen) and agenda(app).snapshot is not None
        )
        await pilot.press("j")  # shown by choice
        await wait_for(pilot, join_shown)
        await back_in()
        assert join_shown()  # kept across leaving and coming back
        await pilot.press("j")  # hidden by choice
        await wait_for(pilot, lambda: not join_shown())
        await back_in()
        assert not join_shown()
        app.join_url = JOIN_URL  # as if phones could join: a new item for them would bring the panel up
        start_kind(db, workshop_id, "maturity")
        await wait_for(
            pilot,
            lambda: (
                (s := agenda(app).snapshot) is not None
                and s.current is not None
                and s.current.kind == "maturity"
            ),
        )
        await caught_up(pilot)
        assert not join_shown()  # the facilitator's choice stands
        assert app.join_shown == {workshop_id: False}
