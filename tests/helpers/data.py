"""Seeding a workshop straight through the core: start or add agenda items, join seats, save answers."""

from __future__ import annotations

from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import AgendaItem, row_id


def start_kind(db: Database, workshop_id: int, kind: str) -> AgendaItem:
    """Start the first agenda item of ``kind`` and return it."""
    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        return store.start_item(session, item.id)  # type: ignore[arg-type]


def first_of_each_kind(db: Database, workshop_id: int) -> dict[str, AgendaItem]:
    """The agenda's first item of each kind, by kind."""
    with db.reading() as session:
        return {item.kind: item for item in reversed(store.agenda(session, workshop_id))}


def start(db: Database, item: AgendaItem) -> None:
    """Open ``item`` (closing the one that ran)."""
    with db.writing() as session:
        store.start_item(session, row_id(item))


def add_item(
    db: Database,
    workshop_id: int,
    kind: str,
    title: str,
    settings: dict[str, object] | None = None,
    key: str | None = None,
    start: bool = True,
) -> AgendaItem:
    """Append an agenda item of ``kind`` (settings validated as a template would) and start it."""
    from workshop.activities import get_activity
    from workshop.templates import AgendaItemSpec

    spec = AgendaItemSpec(kind=kind, title=title, minutes=10, key=key, settings=settings or {})
    with db.writing() as session:
        position = len(store.agenda(session, workshop_id))
        item = AgendaItem(
            workshop_id=workshop_id,
            position=position,
            kind=kind,
            title=title,
            planned_minutes=10,
            config={"key": key, "settings": spec.settings},
        )
        session.add(item)
        session.flush()
        get_activity(kind).on_create(session, item)
        if start:
            store.start_item(session, item.id)  # type: ignore[arg-type]
        session.refresh(item)
        return item


def join_code(db: Database, workshop_id: int) -> str:
    """The workshop's join code."""
    with db.reading() as session:
        return store.get_workshop(session, workshop_id).join_code


def new_seat(db: Database, workshop_id: int) -> int:
    """Join the workshop as a new phone; returns the seat's id."""
    with db.writing() as session:
        return store.join(session, workshop_id).id  # type: ignore[return-value]


def save(db: Database, item: AgendaItem, seat_id: int, answers: object) -> None:
    """Save ``answers`` (the kind's parsed form) for ``seat_id``, as the phone's post would."""
    with db.writing() as session:
        usecases.save_response(session, item.id, seat_id, answers)  # type: ignore[arg-type]


def vote(db: Database, workshop_id: int, item_id: int, value: int | None) -> None:
    """A new seat rates every maturity factor and horizon ``value`` (None: don't know)."""
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        structure = load_structure(session, workshop_id)
        answers = MatrixAnswers(
            {(f.id, h.id): value for f in structure.factors for h in structure.horizons}, {}
        )
        usecases.save_response(session, item_id, seat.id, answers)  # type: ignore[arg-type]


def kinds(db: Database, workshop_id: int) -> list[str]:
    """The agenda's kinds, in order."""
    with db.reading() as session:
        return [item.kind for item in store.agenda(session, workshop_id)]


def states(db: Database, workshop_id: int) -> list[str]:
    """The agenda's states (pending, open, closed), in order."""
    with db.reading() as session:
        return [item.state for item in store.agenda(session, workshop_id)]
