"""The horizon a maturity item is on is kept in the database, so every screen and the remote follow it."""

from __future__ import annotations

import pytest

from tests.helpers.data import add_item, get_row
from workshop.activities.maturity import MaturityActivity
from workshop.activities.maturity.focus import focused_horizon, set_focus, step_focus
from workshop.db import Database
from workshop.models import AgendaItem, row_id
from workshop.store.agenda import AgendaError


def _key(db: Database, item_id: int) -> str | None:
    with db.reading() as session:
        item = session.get(AgendaItem, item_id)
        assert item is not None
        horizon = focused_horizon(session, item)
        return horizon.key if horizon else None


def test_focus_starts_on_the_first_horizon_and_steps_round(db: Database, workshop_id: int) -> None:
    item = row_id(add_item(db, workshop_id, "maturity", "Matrix"))
    assert _key(db, item) == "now"
    seen = []
    for _ in range(3):
        with db.writing() as session:
            seen.append(step_focus(session, item).key)
    assert seen == ["1y", "2y", "now"]
    with db.writing() as session:
        assert step_focus(session, item, -1).key == "2y"
    assert _key(db, item) == "2y"


def test_focus_refuses_an_unknown_horizon_and_other_kinds(db: Database, workshop_id: int) -> None:
    item = row_id(add_item(db, workshop_id, "maturity", "Matrix"))
    question = row_id(add_item(db, workshop_id, "question", "Word", {"prompt": "One word?"}))
    refusal = r"no horizon “ten_years” \(it has now, 1y, 2y\)"
    with db.writing() as session, pytest.raises(AgendaError, match=refusal):
        set_focus(session, item, "ten_years")
    with db.writing() as session, pytest.raises(AgendaError, match="only a maturity matrix"):
        set_focus(session, question, "now")
    assert _key(db, item) == "now"


def test_the_summary_names_the_horizon_the_item_is_on(db: Database, workshop_id: int) -> None:
    item = add_item(db, workshop_id, "maturity", "Matrix")
    activity = MaturityActivity()
    with db.reading() as session:
        summary = activity.summarise(session, get_row(session, AgendaItem, row_id(item)))
    assert (summary.focus, summary.focus_index) == ("now", 0)
    with db.writing() as session:
        set_focus(session, row_id(item), "2y")
    with db.reading() as session:
        summary = activity.summarise(session, get_row(session, AgendaItem, row_id(item)))
    assert (summary.focus, summary.focus_index) == ("2y", 2)
