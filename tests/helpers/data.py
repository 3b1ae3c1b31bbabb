"""Seeding a workshop straight through the core: start or add agenda items, join seats, save answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlmodel import Session, SQLModel

from workshop import store, usecases
from workshop.activities import AnyActivity, get_activity
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import AgendaItem, row_id

# The tokens token_for issued, per database (only a hash is stored, so they are remembered here).
_TOKENS: WeakKeyDictionary[Database, dict[int, str]] = WeakKeyDictionary()

Row = TypeVar("Row", bound=SQLModel)
Kind = TypeVar("Kind", bound=AnyActivity)


def get_row(session: Session, model: type[Row], id_: int) -> Row:
    """The ``model`` row with this id, which the test knows is there (``session.get``, never None)."""
    row = session.get(model, id_)
    assert row is not None, f"no {model.__name__} with id {id_}"
    return row


def activity(kind: str, cls: type[Kind]) -> Kind:
    """The registry's activity for ``kind``, typed as its own class (the registry's is any kind's)."""
    found = get_activity(kind)
    assert isinstance(found, cls), f"{kind} is a {type(found).__name__}, not a {cls.__name__}"
    return found


def start_kind(db: Database, workshop_id: int, kind: str) -> AgendaItem:
    """Start the first agenda item of ``kind`` and return it."""
    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        return store.start_item(session, row_id(item))


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
    settings: Mapping[str, object] | None = None,
    key: str | None = None,
    start: bool = True,
) -> AgendaItem:
    """Append an agenda item of ``kind`` (settings validated as a template would) and start it."""
    from workshop.activities import get_activity
    from workshop.templates import AgendaItemSpec

    spec = AgendaItemSpec(kind=kind, title=title, minutes=10, key=key, settings=dict(settings or {}))
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
            store.start_item(session, row_id(item))
        session.refresh(item)
        return item


def join_code(db: Database, workshop_id: int) -> str:
    """The workshop's join code."""
    with db.reading() as session:
        return store.get_workshop(session, workshop_id).join_code


def issue_token(db: Database, workshop_id: int) -> str:
    """A new facilitator token for the workshop, as the TUI or ``workshop token`` issues it (the database
    keeps only its hash, so this is the only way a test gets one); the one before stops working."""
    with db.writing() as session:
        return store.issue_facilitator_token(session, store.get_workshop(session, workshop_id))


def token_for(db: Database, workshop_id: int) -> str:
    """The workshop's facilitator token for a test: issued on first use, then the same one on every call
    while it still works, so a fixture's client and the test's own requests can share it."""
    known = _TOKENS.setdefault(db, {}).get(workshop_id)
    with db.writing() as session:
        _, token = store.facilitator_codes(session, workshop_id, known)
    _TOKENS[db][workshop_id] = token
    return token


def new_seat(db: Database, workshop_id: int) -> int:
    """Join the workshop as a new phone; returns the seat's id."""
    with db.writing() as session:
        return row_id(store.join(session, workshop_id))


def save(db: Database, item: AgendaItem, seat_id: int, answers: object) -> None:
    """Save ``answers`` (the kind's parsed form) for ``seat_id``, as the phone's post would."""
    with db.writing() as session:
        usecases.save_response(session, row_id(item), seat_id, answers)


def vote(db: Database, workshop_id: int, item_id: int, value: int | None) -> None:
    """A new seat rates every maturity factor and horizon ``value`` (None: don't know)."""
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        structure = load_structure(session, workshop_id)
        answers = MatrixAnswers(
            {(row_id(f), row_id(h)): value for f in structure.factors for h in structure.horizons}, {}
        )
        usecases.save_response(session, item_id, row_id(seat), answers)


def kinds(db: Database, workshop_id: int) -> list[str]:
    """The agenda's kinds, in order."""
    with db.reading() as session:
        return [item.kind for item in store.agenda(session, workshop_id)]


def states(db: Database, workshop_id: int) -> list[str]:
    """The agenda's states (pending, open, closed), in order."""
    with db.reading() as session:
        return [item.state for item in store.agenda(session, workshop_id)]
