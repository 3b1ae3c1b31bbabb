"""What the live screens read from any kind's summary: how many seats answered, how many entries wait."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest
from pydantic import BaseModel
from sqlmodel import col, select

from tests.helpers.data import first_of_each_kind, new_seat, save, start
from workshop.activities import KINDS, get_activity
from workshop.activities.actions import AddAction
from workshop.activities.base import Activity
from workshop.activities.dots import DotsAnswers
from workshop.activities.entry_forms import Remove
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.question import AddAnswer
from workshop.activities.ranking import Ballot, Proposal
from workshop.activities.triangle import AddIdea
from workshop.activities.values import AddValue
from workshop.db import Database
from workshop.models import AgendaItem, Entry, EntryStatus, Organisation
from workshop.store.entries import set_entry_status


def counts(db: Database, item: AgendaItem) -> tuple[int | None, int]:
    """The item's answered and waiting counts, from a fresh summary as the live screens read them."""
    activity = get_activity(item.kind)
    with db.reading() as session:
        fresh = session.get(AgendaItem, item.id)
        assert fresh is not None
        summary = activity.summarise(session, fresh)
        return activity.answered(summary), activity.waiting(summary)


def entry_ids(db: Database, item: AgendaItem, status: EntryStatus | None = None) -> list[int]:
    """The item's entries, oldest first, optionally only those with ``status``."""
    query = select(Entry.id).where(Entry.item_id == item.id).order_by(col(Entry.id))
    if status is not None:
        query = query.where(Entry.status == status.value)
    with db.reading() as session:
        return [entry_id for entry_id in session.exec(query).all() if entry_id is not None]


def _values_item(db: Database, workshop_id: int) -> AgendaItem:
    """The values item the dot vote votes on, with one value proposed by a participant."""
    values = first_of_each_kind(db, workshop_id)["values"]
    start(db, values)
    save(db, values, new_seat(db, workshop_id), AddValue("Trust", "We trust each other"))
    return values


def _matrix(db: Database, workshop_id: int) -> MatrixAnswers:
    with db.reading() as session:
        shape = load_structure(session, workshop_id)
    return MatrixAnswers(
        {(f.id, h.id): 3 for f in shape.factors for h in shape.horizons if f.id and h.id}, {}
    )


def _ballot(db: Database, item: AgendaItem) -> Ballot:
    with db.reading() as session:
        shape = get_activity("ranking").structure(session, item)
    return Ballot(tuple(option.id for option in shape.options[: shape.needed]))


def _first_lead(db: Database, workshop_id: int) -> str:
    """The workshop's first organisation, as an action's lead (its id)."""
    with db.reading() as session:
        return str(
            min(o.id or 0 for o in session.exec(select(Organisation)).all() if o.workshop_id == workshop_id)
        )


# The answers one seat sends to the first item of each kind, made once the workshop exists.
ANSWERS: dict[str, Callable[[Database, int, AgendaItem], object]] = {
    "question": lambda db, workshop_id, item: AddAnswer("Trust"),
    "values": lambda db, workshop_id, item: AddValue("Care", "We look after each other"),
    "dots": lambda db, workshop_id, item: DotsAnswers({entry_ids(db, _values_item(db, workshop_id))[0]: 1}),
    "maturity": lambda db, workshop_id, item: _matrix(db, workshop_id),
    "ranking": lambda db, workshop_id, item: _ballot(db, item),
    "triangle": lambda db, workshop_id, item: AddIdea("Walk to school together", "community", "a"),
    "actions": lambda db, workshop_id, item: AddAction("Joint plan", _first_lead(db, workshop_id), "2027-03"),
}


# The kinds whose answers above are proposals the facilitator confirms (a ranking's ballot is not one).
PROPOSES = {"actions"}


def test_every_answering_kind_is_covered() -> None:
    assert set(ANSWERS) == {kind for kind, activity in KINDS.items() if activity.accepts_responses}


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_answered_counts_the_seats_that_answered(db: Database, workshop_id: int, kind: str) -> None:
    item = first_of_each_kind(db, workshop_id)[kind]
    answers = ANSWERS[kind](db, workshop_id, item)
    start(db, item)
    new_seat(db, workshop_id)  # a seat that joins but never answers is not counted
    assert counts(db, item) == (0, 0)
    first = new_seat(db, workshop_id)
    save(db, item, first, answers)
    # Each of these answers is a proposal that waits for the facilitator to confirm it.
    waits = kind in PROPOSES
    assert counts(db, item) == (1, 1 if waits else 0)
    save(db, item, first, answers)  # answering again, or adding more, is still one seat
    save(db, item, new_seat(db, workshop_id), answers)
    assert counts(db, item) == (2, 3 if waits else 0)


def test_a_facilitated_item_takes_no_answers(db: Database, workshop_id: int) -> None:
    item = first_of_each_kind(db, workshop_id)["info"]
    start(db, item)
    with pytest.raises(NotImplementedError):
        save(db, item, new_seat(db, workshop_id), None)
    assert counts(db, item) == (None, 0)


def test_removing_the_last_answer_stops_the_seat_counting(db: Database, workshop_id: int) -> None:
    item = first_of_each_kind(db, workshop_id)["question"]
    start(db, item)
    seat = new_seat(db, workshop_id)
    save(db, item, seat, AddAnswer("Trust"))
    save(db, item, seat, AddAnswer("Care"))
    first, second = entry_ids(db, item)
    save(db, item, seat, Remove(first))
    assert counts(db, item) == (1, 0)
    save(db, item, seat, Remove(second))
    assert counts(db, item) == (0, 0)


def test_waiting_counts_proposals_until_the_facilitator_decides(db: Database, workshop_id: int) -> None:
    item = first_of_each_kind(db, workshop_id)["ranking"]
    start(db, item)
    seat = new_seat(db, workshop_id)
    save(db, item, seat, Proposal("Parent carers on the board"))
    save(db, item, new_seat(db, workshop_id), Proposal("A shared budget"))
    # A proposal is not a ranking: the seats wait to be counted as answered until they send one.
    assert counts(db, item) == (0, 2)
    approve, hide = entry_ids(db, item, EntryStatus.PENDING)
    with db.writing() as session:
        set_entry_status(session, approve, EntryStatus.APPROVED)
    assert counts(db, item) == (0, 1)
    with db.writing() as session:
        set_entry_status(session, hide, EntryStatus.HIDDEN)
    save(db, item, seat, _ballot(db, item))
    assert counts(db, item) == (1, 0)


def test_values_entries_never_wait_for_approval(db: Database, workshop_id: int) -> None:
    # Stored as pending like a ranking's proposal, but the facilitator shows or hides them: none waits.
    item = _values_item(db, workshop_id)
    assert entry_ids(db, item, EntryStatus.PENDING)
    assert counts(db, item) == (1, 0)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kinds_settings_model_is_its_settings_type(kind: str) -> None:
    # Activity.settings casts what settings_model reads to the kind's SettingsT: this keeps the cast true.
    activity = KINDS[kind]
    declared = next(
        base
        for base in getattr(type(activity), "__orig_bases__", ())
        if getattr(base, "__origin__", None) is Activity
    )
    settings_type = get_args(declared)[0]
    assert isinstance(settings_type, type) and issubclass(settings_type, BaseModel)
    assert activity.settings_model is settings_type
