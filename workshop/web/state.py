"""The workshop state the facilitator's API and remote show: the agenda with counts, as pydantic models."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from workshop import store
from workshop.activities import get_activity
from workshop.models import Entry, EntryStatus, Response, Seat, row_id


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
    # Whether the kind has results to reveal on phones ("reveal" / "hide-results" make sense).
    has_results: bool
    # Whether participants' entries can be shown to the room ("show-entries" / "hide-entries" make sense).
    shares_entries: bool
    # Whether participants' entries wait for approval; ``pending_entries`` counts only for these kinds.
    approves_entries: bool
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
    # Only kinds whose entries wait for approval have any "pending": a one-word answer or a value is
    # stored as pending too, but nobody has to approve it.
    activities = {item.kind: get_activity(item.kind) for item in items}
    approving = [item.id for item in items if activities[item.kind].approves_entries]
    responses = dict(
        session.exec(
            select(Response.item_id, func.count())
            .where(col(Response.item_id).in_(ids))
            .group_by(col(Response.item_id))
        ).all()
    )
    pending = dict(
        session.exec(
            select(Entry.item_id, func.count())
            .where(
                col(Entry.item_id).in_(approving),
                Entry.status == EntryStatus.PENDING.value,
                col(Entry.seat_id).is_not(None),
            )
            .group_by(col(Entry.item_id))
        ).all()
    )
    seats = session.exec(select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)).one()
    return WorkshopState(
        id=row_id(workshop),
        title=workshop.title,
        join_code=workshop.join_code,
        revision=workshop.revision,
        seats=seats,
        current_item_id=workshop.current_item_id,
        items=[
            ItemState(
                id=row_id(item),
                position=item.position,
                kind=item.kind,
                kind_label=activities[item.kind].label,
                title=item.title,
                planned_minutes=item.planned_minutes,
                state=item.state,
                is_current=item.id == workshop.current_item_id,
                takes_answers=activities[item.kind].accepts_responses,
                has_results=activities[item.kind].results_template is not None,
                shares_entries=activities[item.kind].shares_entries,
                approves_entries=activities[item.kind].approves_entries,
                revealed=item.revealed,
                entries_shown=item.entries_shown,
                responses=responses.get(row_id(item), 0),
                pending_entries=pending.get(row_id(item), 0),
            )
            for item in items
        ],
    )
