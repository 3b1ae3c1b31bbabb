"""The template's ranking and actions items, agreed priorities and leads, for the actions kind's tests."""

from __future__ import annotations

from sqlmodel import select

from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Organisation, row_id
from workshop.store.moderation import set_agreed_order


def items(db: Database, workshop_id: int) -> tuple[AgendaItem, AgendaItem]:
    """The template's ranking and actions items."""
    with db.reading() as session:
        agenda = store.agenda(session, workshop_id)
    return next(i for i in agenda if i.kind == "ranking"), next(i for i in agenda if i.kind == "actions")


def agree(db: Database, ranking: AgendaItem, count: int) -> list[tuple[int, str]]:
    """Agree the ranking's first ``count`` options (in reverse), as the facilitator's g key does."""
    with db.writing() as session:
        rows = store.entries.entries(session, row_id(ranking))[:count]
        set_agreed_order(session, row_id(ranking), [row_id(e) for e in reversed(rows)])
        return [(row_id(e), e.text) for e in reversed(rows)]


def lead(db: Database, workshop_id: int, name: str) -> str:
    """The organisation's key as an action's lead: its id."""
    with db.reading() as session:
        where = Organisation.workshop_id == workshop_id, Organisation.name == name
        return str(session.exec(select(Organisation.id).where(*where)).one())
