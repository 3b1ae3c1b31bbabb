"""Change since the baseline in the TUI: y on a follow-up's maturity item, and the projector follows it."""

from __future__ import annotations

import pytest

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from screens.projector import ProjectorScreen
from tests.helpers.baseline import factor_keys, follow_up, rate
from tests.helpers.data import start_kind
from tests.helpers.tui import caught_up, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import row_id

pytestmark = pytest.mark.tui


async def test_y_shows_the_change_since_the_baseline_and_back(db: Database, workshop_id: int) -> None:
    first, second = factor_keys(db, workshop_id)[:2]
    base = start_kind(db, workshop_id, "maturity")
    for _ in range(3):
        rate(db, workshop_id, base, {first: (2, 4, 5), second: (2, 4, 5)})
    later, item = follow_up(db, workshop_id, "A year on", days_later=365)
    for _ in range(3):
        rate(db, later, item, {first: (4, 5, 5), second: (2, 3, 3)})
    with db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    app = WorkshopApp(db, later, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen) and "Agree" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: "Since Test workshop" in screen_text(app))
        text = screen_text(app)
        # In words beside the numbers: one factor met its one-year ambition, one is behind.
        assert "✔ met" in text and "✖ behind" in text and "+2" in text
        await pilot.press("p")  # the projector shows what the facilitator chose
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ProjectorScreen) and "Since Test workshop" in screen_text(app),
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await pilot.press("y")
        await wait_for(
            pilot, lambda: "Since Test workshop" not in screen_text(app) and "Agree" in screen_text(app)
        )


async def test_y_does_nothing_without_a_baseline(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, item, {factor_keys(db, workshop_id)[0]: (2, 3, 4)})
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen) and "Agree" in screen_text(app))
        assert app.screen.check_action("view", ("compare",)) is False
        await pilot.press("y")
        await caught_up(pilot)
        assert "Since" not in screen_text(app) and "Agree" in screen_text(app)
