"""Agreed levels: recorded beside the raw spread (never replacing it), checked, and shown in the TUI."""

from __future__ import annotations

import pytest

from screens.app import WorkshopApp
from screens.views.maturity_agreed import AgreedLevelsScreen
from tests.helpers.data import get_row, start_kind, vote
from tests.helpers.tui import screen_text, wait_for
from workshop import store
from workshop.activities import KINDS
from workshop.activities.maturity import load_structure
from workshop.activities.maturity.agreed import set_agreed
from workshop.db import Database
from workshop.models import AgendaItem, row_id
from workshop.store.agenda import AgendaError


def test_agreed_levels_sit_beside_the_ratings(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    vote(db, workshop_id, row_id(item), 2)
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        goals, risk = structure.factors[0], structure.factors[4]
        now, later = structure.horizons[0], structure.horizons[2]
        set_agreed(session, row_id(item), row_id(goals), row_id(now), 3, "Boards endorsed the vision in May")
        set_agreed(
            session, row_id(item), row_id(goals), row_id(now), 2, "On reflection, mostly senior leaders"
        )
        set_agreed(
            session, row_id(item), row_id(risk), row_id(later), None, "Split between police and council"
        )
    with db.reading() as session:
        summary = KINDS["maturity"].summarise(session, get_row(session, AgendaItem, row_id(item)))
    assert summary.agreed == {
        (goals.key, "now"): (2, "On reflection, mostly senior leaders"),
        (risk.key, "2y"): (None, "Split between police and council"),
    }
    assert summary.factors[0].by_horizon["now"].counts == (0, 1, 0, 0, 0)  # the raw spread is untouched


def test_agreed_levels_are_checked(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        factor, horizon = row_id(structure.factors[0]), row_id(structure.horizons[0])
        info = store.agenda(session, workshop_id)[0]
        with pytest.raises(AgendaError, match="not on this workshop's scale"):
            set_agreed(session, row_id(item), factor, horizon, 9, "")
        with pytest.raises(AgendaError, match="maturity matrix item"):
            set_agreed(session, row_id(info), factor, horizon, 3, "")
        with pytest.raises(AgendaError, match="1000 characters"):
            set_agreed(session, row_id(item), factor, horizon, 3, "x" * 1001)
        with pytest.raises(AgendaError, match="not in this workshop"):
            set_agreed(session, row_id(item), 99_999, horizon, 3, "")


@pytest.mark.tui
async def test_record_an_agreed_level_from_the_keyboard(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    for value in (2, 3, 3):
        vote(db, workshop_id, row_id(item), value)
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for(pilot, lambda: "3 of 3 joined answered" in screen_text(app))
        assert "Agreed" not in screen_text(app)  # no column until something is agreed
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreedLevelsScreen))
        await pilot.pause()
        # The first factor starts at the room's median, 3: agree it as shown, with the reason.
        await pilot.press("space", "r", *"Most partners recognised the vision", "enter", "ctrl+s")
        await wait_for(pilot, lambda: "→ 3" in screen_text(app) and "Agreed" in screen_text(app))
        with db.reading() as session:
            summary = KINDS["maturity"].summarise(session, get_row(session, AgendaItem, row_id(item)))
        first = summary.structure.factors[0].key
        assert summary.agreed[(first, "now")] == (3, "Most partners recognised the vision")
