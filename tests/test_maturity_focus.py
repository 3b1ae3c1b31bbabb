"""The horizon a maturity item is on is kept in the database, so every screen and the remote follow it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.helpers.data import add_item, get_row, vote
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, MaturityActivity, load_structure
from workshop.activities.maturity.focus import focused_horizon, set_focus, step_focus
from workshop.blocks import Paragraph
from workshop.db import Database
from workshop.models import AgendaItem, MaturityFocus, row_id
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


def test_resetting_the_answers_keeps_the_horizon_and_deleting_the_workshop_removes_it(
    db: Database, workshop_id: int
) -> None:
    item = add_item(db, workshop_id, "maturity", "Matrix")
    with db.writing() as session:
        set_focus(session, row_id(item), "2y")
        usecases.reset_item(session, row_id(item))
    assert _key(db, row_id(item)) == "2y"  # phones rating one horizon at a time stay on it
    with db.writing() as session:
        usecases.delete_workshop(session, workshop_id)
    with db.reading() as session:
        assert session.exec(select(MaturityFocus)).all() == []


def test_the_pack_counts_part_answers_over_the_whole_matrix(db: Database, workshop_id: int) -> None:
    """Rating one horizon at a time, a seat done with "now" is complete for the room but not for the pack."""
    item = add_item(db, workshop_id, "maturity", "Matrix", {"horizons": "one_at_a_time"})
    vote(db, workshop_id, row_id(item), 3)  # every factor at every horizon
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        structure = load_structure(session, workshop_id)
        now = structure.horizons[0]
        ratings: dict[tuple[int, int], int | None] = {(row_id(f), row_id(now)): 2 for f in structure.factors}
        usecases.save_response(session, row_id(item), row_id(seat), MatrixAnswers(ratings, {}))
    activity = MaturityActivity()
    with db.reading() as session:
        row = get_row(session, AgendaItem, row_id(item))
        summary = activity.summarise(session, row)
        opening = activity.report(session, row, summary)[0]
    assert (summary.complete, summary.partial) == (2, 0)  # both rated the horizon the room is on
    assert isinstance(opening, Paragraph)
    assert opening.text == "2 people rated the matrix (1 of them rated only part of it)."
