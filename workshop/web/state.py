"""The workshop state the facilitator's API and remote show: the agenda with counts, as pydantic models."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from workshop import store
from workshop.activities import get_activity
from workshop.models import Entry, EntryStatus, Response, Seat


class ItemState(BaseModel):
    """One agenda item as the facilitator sees it."""

    id: int
    position: int
    kind: str
    kind_label: str
    title: str
    planned_minutes: int
    state: str
    is_current: bool
    takes_answers: bool
    revealed: bool
    entries_shown: bool
    responses: int
    pending_entries: int


class WorkshopState(BaseModel):
    """The whole run-sheet with live counts."""

    id: int
    title: str
    join_code: str
    revision: int
    seats: int
    current_item_id: int | None
    items: list[ItemState]


def workshop_state(session: Session, workshop_id: int) -> WorkshopState:
    """Read the run-sheet and its counts in one transaction."""
    workshop = store.get_workshop(session, workshop_id)
    items = store.agenda(session, workshop_id)
    ids = [item.id for item in items]
    responses = dict(
        session.exec(
            select(Response.item_id, func.count())
            .where(col(Response.item_id).in_(ids))
            .group_by(Response.item_id)
        ).all()
    )
    pending = dict(
        session.exec(
            select(Entry.item_id, func.count())
            .where(
                col(Entry.item_id).in_(ids),
                Entry.status == EntryStatus.PENDING.value,
                col(Entry.seat_id).is_not(None),
            )
            .group_by(Entry.item_id)
        ).all()
    )
    seats = session.exec(select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)).one()
    return WorkshopState(
        id=workshop.id,  # type: ignore[arg-type]
        title=workshop.title,
        join_code=workshop.join_code,
        revision=workshop.revision,
        seats=seats,
        current_item_id=workshop.current_item_id,
        items=[
            ItemState(
                id=item.id,  # type: ignore[arg-type]
                position=item.position,
                kind=item.kind,
                kind_label=get_activity(item.kind).label,
                title=item.title,
                planned_minutes=item.planned_minutes,
                state=item.state,
                is_current=item.id == workshop.current_item_id,
                takes_answers=get_activity(item.kind).accepts_responses,
                revealed=item.revealed,
                entries_shown=item.entries_shown,
                responses=responses.get(item.id, 0),
                pending_entries=pending.get(item.id, 0),
            )
            for item in items
        ],
    )
