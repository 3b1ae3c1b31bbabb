"""The terminal counts complete maturity answers, and people part-way through the steps beside them."""

from __future__ import annotations

import pytest

from screens.app import WorkshopApp
from tests.helpers.data import vote
from tests.helpers.tui import screen_text, wait_for
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import AgendaItem, row_id

pytestmark = pytest.mark.tui


def rate_first_factor(db: Database, workshop_id: int, item_id: int) -> None:
    """A new seat answers the first step only: the first factor at every horizon."""
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        structure = load_structure(session, workshop_id)
        first = structure.factors[0]
        ratings: dict[tuple[int, int], int | None] = {
            (row_id(first), row_id(h)): 3 for h in structure.horizons
        }
        answers = MatrixAnswers(ratings, {}, factor=row_id(first))
        usecases.save_response(session, item_id, row_id(seat), answers)


async def test_partial_answers_are_counted_beside_the_complete_ones(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    item_id = row_id(maturity_item)
    vote(db, workshop_id, item_id, 2)
    rate_first_factor(db, workshop_id, item_id)
    rate_first_factor(db, workshop_id, item_id)
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "1 of 3 joined answered · 2 part-way" in screen_text(app))
        vote(db, workshop_id, item_id, 4)  # a fourth seat answers everything: complete, none more part-way
        await wait_for(pilot, lambda: "2 of 4 joined answered · 2 part-way" in screen_text(app))
