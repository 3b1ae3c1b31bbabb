"""A workshop with fixed codes, times and answers for every kind: what every golden-file test exports.

Thirteen seats in organisations and role levels big and small, answers for every kind, the triangle left
open; :func:`golden_run` also fixes every time and stops the export's clock at :data:`EXPORTED`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytest import MonkeyPatch
from sqlmodel import col, select

from tests.helpers.data import first_of_each_kind, save, start
from workshop import store
from workshop.activities.dots import DotsAnswers
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.agreed import set_agreed
from workshop.activities.question import AddAnswer
from workshop.activities.ranking import Ballot
from workshop.activities.triangle import AddIdea
from workshop.activities.values import AddBehaviour, AddValue
from workshop.db import Database
from workshop.models import AgendaItem, Entry, ItemState, Organisation, RoleLevel, Workshop, row_id
from workshop.store import moderation

MADE = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
EXPORTED = datetime(2026, 11, 23, 12, 51, tzinfo=UTC)  # the open triangle has run 23 minutes


def _seats(db: Database, workshop_id: int) -> list[int]:
    """Thirteen seats. By organisation: council 6 and NHS 5 (shown), police 2 (too few); by role level:
    managers 6 and front line 5 (shown), chief officers 2 (too few)."""
    with db.writing() as session:
        orgs = {
            o.name: o.id
            for o in session.exec(select(Organisation).where(Organisation.workshop_id == workshop_id))
        }
        roles = {
            r.name: r.id for r in session.exec(select(RoleLevel).where(RoleLevel.workshop_id == workshop_id))
        }
        council = next(name for name in orgs if "ouncil" in name)
        nhs = next(name for name in orgs if "NHS" in name)
        police = next(name for name in orgs if "olice" in name)
        plan = [(council, "Manager")] * 3 + [(council, "Front line")] * 3
        plan += [(nhs, "Manager")] * 3 + [(nhs, "Front line")] * 2 + [(police, "Chief officer")] * 2
        return [row_id(store.join(session, workshop_id, orgs[org], roles[role])) for org, role in plan]


def run_every_kind(db: Database, workshop_id: int) -> None:
    """Answers for every kind, as phones and the facilitator give them."""
    items = first_of_each_kind(db, workshop_id)
    seats = _seats(db, workshop_id)
    start(db, items["info"])
    start(db, items["question"])
    for n, seat in enumerate(seats):
        save(db, items["question"], seat, AddAnswer(["Trust", "Slow", "Trust growing", "Siloed"][n % 4]))
    save(db, items["question"], seats[0], AddAnswer("# not a heading | nor a cell"))  # stays literal

    start(db, items["values"])
    for seat, name, statement in (
        (seats[0], "Trust", "We trust each other's judgement"),
        (seats[1], "Openness", "We share early, even when it is unfinished"),
        (seats[2], "Courage", "We name the hard things"),
    ):
        save(db, items["values"], seat, AddValue(name, statement))
    value_ids = _entry_ids(db, items["values"])
    with db.writing() as session:  # the facilitator shows the proposals, so others can add behaviours
        store.set_entries_shown(session, row_id(items["values"]), True)
    save(db, items["values"], seats[3], AddBehaviour(value_ids[0], "will", "keep our promises"))
    save(db, items["values"], seats[4], AddBehaviour(value_ids[0], "wont", "blame another agency"))
    save(db, items["values"], seats[5], AddBehaviour(value_ids[1], "will", "share data by default"))
    with db.writing() as session:
        moderation.set_agreed(session, value_ids[0], True)

    start(db, items["dots"])
    for n, seat in enumerate(seats):
        picks = {value_ids[0]: 1} if n < 8 else {value_ids[1]: 1, value_ids[2]: 1}
        save(db, items["dots"], seat, DotsAnswers(picks))

    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    for n, seat in enumerate(seats):
        ratings = {
            (row_id(f), row_id(h)): None if (n == 12 and i == 0) else 1 + (n + i + j) % 4
            for i, f in enumerate(structure.factors)
            for j, h in enumerate(structure.horizons)
        }
        comments = {row_id(structure.factors[0]): "Goals | unclear"} if n == 0 else {}
        save(db, items["maturity"], seat, MatrixAnswers(ratings, comments))
    with db.writing() as session:
        first, now = structure.factors[0], structure.horizons[0]
        set_agreed(
            session,
            row_id(items["maturity"]),
            row_id(first),
            row_id(now),
            2,
            "Plans exist but are not shared",
        )

    start(db, items["ranking"])
    options = _entry_ids(db, items["ranking"])
    for n, seat in enumerate(seats[:12]):  # six and six: the first two options tie for the lead
        order = (options[0], options[1], options[2]) if n % 2 else (options[1], options[0], options[3])
        save(db, items["ranking"], seat, Ballot(order))

    start(db, items["triangle"])  # left open: the pack says so, with the minutes to the export
    # Family Hubs principles on some ideas, none on connection: the pack names the principle with no idea.
    for seat, text, segment, question, principle in (
        (seats[0], "Parent champions in every hub", "community", "a", "relationships"),
        (seats[1], "One front door for early help", "service", "b", "access"),
        (seats[2], "Family-friendly licensing", "civic", "c", ""),
        (seats[3], "Peer support after diagnosis", "community", "b", "relationships"),
    ):
        save(db, items["triangle"], seat, AddIdea(text, segment, question, principle))


def _entry_ids(db: Database, item: AgendaItem) -> list[int]:
    """The item's top-level entries (values, options), oldest first."""
    with db.reading() as session:
        query = select(Entry).where(Entry.item_id == item.id, Entry.parent_id == None)  # noqa: E711
        return [row_id(entry) for entry in session.exec(query.order_by(col(Entry.id)))]


def fix_times(db: Database, workshop_id: int) -> None:
    """The times the pack shows, as a clock that started at 10:00 would have left them."""
    with db.writing() as session:
        workshop = session.get(Workshop, workshop_id)
        assert workshop is not None
        workshop.created_at, workshop.join_code = MADE, "K7QX3M"
        session.add(workshop)
        at = STARTED
        for item in store.agenda(session, workshop_id):
            if item.state == ItemState.PENDING:
                continue
            item.started_at = at
            at += timedelta(minutes=item.planned_minutes + 3)  # every item runs three minutes over
            item.ended_at = at if item.state == ItemState.CLOSED else None
            session.add(item)


def golden_run(db: Database, workshop_id: int, monkeypatch: MonkeyPatch) -> int:
    """Run every kind, fix every time, and stop the export's clock at :data:`EXPORTED`: the workshop each
    golden-file test exports (``tests/conftest.py`` offers it as the ``golden_workshop`` fixture)."""
    from workshop.exports import pack

    run_every_kind(db, workshop_id)
    fix_times(db, workshop_id)
    monkeypatch.setattr(pack, "utcnow", lambda: EXPORTED)
    return workshop_id
