"""The store: workshops from templates, the run-sheet, seats and saving answers."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.helpers.data import get_row, new_seat, start_kind
from workshop import store, usecases
from workshop.activities import KINDS
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import (
    AgendaItem,
    Entry,
    EntryStatus,
    ItemState,
    MaturityFactor,
    MaturityRating,
    Response,
    Seat,
    row_id,
)
from workshop.store.entries import add_entry, remove_own_entry
from workshop.templates import get_template

MATURITY = KINDS["maturity"]


def _all_answers(db: Database, workshop_id: int, value: int | None) -> MatrixAnswers:
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    ratings = {(row_id(f), row_id(h)): value for f in structure.factors for h in structure.horizons}
    return MatrixAnswers(ratings, {})


def test_workshop_copies_template_content(db: Database, workshop_id: int) -> None:
    with db.reading() as session:
        workshop = store.get_workshop(session, workshop_id)
        assert workshop.title == "Test workshop"
        assert len(workshop.join_code) == 6 and workshop.join_code.isalnum()
        assert (
            store.find_by_join_code(
                session, f" {workshop.join_code.lower()[:3]}-{workshop.join_code[3:]} "
            ).id
            == workshop_id
        )
        assert len(store.agenda(session, workshop_id)) == len(get_template("cyp-integration").agenda)
        assert session.exec(select(func.count()).select_from(MaturityFactor)).one() == 9
        assert store.role_levels(session, workshop_id)[0].name == "Chief officer"
        with pytest.raises(store.WorkshopNotFound):
            store.find_by_join_code(session, "ZZZZZZ")


def test_run_sheet_moves_and_closes(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        first = store.next_item(session, workshop_id)
        assert first.position == 0 and first.state == ItemState.OPEN
        second = store.next_item(session, workshop_id)
    with db.reading() as session:
        items = store.agenda(session, workshop_id)
        assert [i.state for i in items[:3]] == [ItemState.CLOSED, ItemState.OPEN, ItemState.PENDING]
        running = store.current_item(session, workshop_id)
        assert running is not None and running.id == second.id
        assert items[0].started_at is not None and items[0].ended_at is not None
    with db.writing() as session:
        store.close_item(session, row_id(second))
        last = store.start_item(session, row_id(items[-1]))
        assert last.state == ItemState.OPEN
        with pytest.raises(store.AgendaError, match="last agenda item"):
            store.next_item(session, workshop_id)


def test_revision_moves_with_every_change(db: Database, workshop_id: int, maturity_item: AgendaItem) -> None:
    with db.reading() as session:
        before = store.revision(session, workshop_id)
    with db.writing() as session:
        seat = store.join(session, workshop_id)
    with db.writing() as session:
        usecases.save_response(session, row_id(maturity_item), row_id(seat), _all_answers(db, workshop_id, 2))
    with db.reading() as session:
        assert store.revision(session, workshop_id) == before + 2


def test_saving_replaces_previous_answers(db: Database, workshop_id: int, maturity_item: AgendaItem) -> None:
    with db.writing() as session:
        seat = store.join(session, workshop_id)
    for value in (2, None, 4):
        with db.writing() as session:
            usecases.save_response(
                session, row_id(maturity_item), row_id(seat), _all_answers(db, workshop_id, value)
            )
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(Response)).one() == 1
        assert session.exec(select(func.count()).select_from(MaturityRating)).one() == 27
        summary = MATURITY.summarise(session, maturity_item)
    assert summary.responses == 1
    assert all(
        row.by_horizon[h].counts == (0, 0, 0, 1, 0) for row in summary.factors for h in ("now", "1y", "2y")
    )


def test_closed_activity_refuses_answers(db: Database, workshop_id: int, maturity_item: AgendaItem) -> None:
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        store.close_item(session, row_id(maturity_item))
    with db.writing() as session, pytest.raises(store.ActivityClosed):
        usecases.save_response(session, row_id(maturity_item), row_id(seat), _all_answers(db, workshop_id, 3))
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(Response)).one() == 0


def test_seat_from_another_workshop_is_refused(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    with db.writing() as session:
        other = usecases.create_workshop(
            session, __import__("workshop.templates").templates.get_template("cyp-integration")
        )
        stranger = store.join(session, row_id(other))
    with db.writing() as session, pytest.raises(store.ActivityClosed):
        usecases.save_response(
            session, row_id(maturity_item), row_id(stranger), _all_answers(db, workshop_id, 3)
        )


def test_join_checks_organisation_and_role(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        org = store.organisations(session, workshop_id)[1]
        role = store.role_levels(session, workshop_id)[3]
        seat = store.join(session, workshop_id, org.id, role.id)
        assert (seat.organisation_id, seat.role_level_id) == (org.id, role.id)
        assert len(seat.token) >= 32 and len(seat.code) == 6
        with pytest.raises(store.SeatError, match="organisation"):
            store.join(session, workshop_id, 99_999, None)
        with pytest.raises(store.SeatError, match="role level"):
            store.join(session, workshop_id, None, 99_999)
        found = store.seat_by_token(session, workshop_id, seat.token)
        assert found is not None and found.id == seat.id
        assert store.seat_by_token(session, workshop_id, "x" * 500) is None
        assert store.seat_by_token(session, workshop_id + 1, seat.token) is None


def test_maturity_form_parsing(db: Database, workshop_id: int) -> None:
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    form = {structure.field_name(f, h): "dk" for f in structure.factors for h in structure.horizons}
    first = structure.field_name(structure.factors[0], structure.horizons[0])
    form[first] = "9"
    del form[structure.field_name(structure.factors[8], structure.horizons[2])]
    parsed = MATURITY.parse_form(structure, form)
    assert [e.message for e in parsed.errors] == [
        "Choose one of the levels shown for Goals and values, now",
        "Choose a level for Staff motivation and satisfaction, in two years, or choose Don't know",
    ]
    assert parsed.errors[0].anchor == f"{first}-1"
    assert first not in parsed.entered and len(parsed.entered) == 25
    assert parsed.answers is not None  # what could be read comes back with the errors, never saved
    assert all(value is None for value in parsed.answers.ratings.values())


def test_start_kind_helper_starts_the_matrix(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    assert item.kind == "maturity" and item.state == ItemState.OPEN


@pytest.mark.parametrize("same_seat", [True, False], ids=["own-action", "facilitators-action"])
def test_removing_a_proposal_unlinks_another_items_entry_rather_than_touching_it(
    db: Database, workshop_id: int, same_seat: bool
) -> None:
    seat_id = new_seat(db, workshop_id)
    with db.writing() as session:
        agenda = store.agenda(session, workshop_id)
        ranking = next(i for i in agenda if i.kind == "ranking")
        actions = next(i for i in agenda if i.kind == "actions")
        seat = get_row(session, Seat, seat_id)
        proposal = add_entry(session, ranking, seat, "Earlier help for families")
        # An action serving the proposal: it links across items (the actions kind sets parent_id itself).
        action = add_entry(
            session, actions, seat if same_seat else None, "Open two hubs", status=EntryStatus.APPROVED
        )
        action.parent_id = row_id(proposal)
        session.add(action)
    with db.writing() as session:
        item, seat = get_row(session, AgendaItem, row_id(ranking)), get_row(session, Seat, seat_id)
        remove_own_entry(session, item, seat, row_id(proposal))
    with db.reading() as session:
        assert session.get(Entry, row_id(proposal)) is None
        kept = get_row(session, Entry, row_id(action))
        assert (kept.text, kept.status, kept.parent_id) == ("Open two hubs", "approved", None)
