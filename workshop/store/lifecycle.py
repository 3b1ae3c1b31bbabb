"""A workshop's life outside the room: the home list, follow-ups a year on, archiving and deleting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, update
from sqlmodel import Session, SQLModel, col, select

from workshop.models import (
    AgendaItem,
    Entry,
    Horizon,
    ItemState,
    MaturityFactor,
    MaturityLevel,
    Organisation,
    PurgedPack,
    Response,
    RoleLevel,
    Seat,
    Workshop,
    row_id,
    table_of,
    utcnow,
)
from workshop.store.workshops import get_workshop, unused_join_code

# A workshop's own copy of its template's content: what a follow-up must share to be comparable.
CONTENT = (Organisation, RoleLevel, MaturityLevel, Horizon, MaturityFactor)


@dataclass(frozen=True)
class WorkshopRow:
    """One line of the home screen's list."""

    id: int
    title: str
    template: str
    join_code: str
    created_at: datetime
    is_demo: bool
    archived: bool
    baseline_id: int | None
    baseline_title: str | None
    items: int
    items_done: int
    running: bool  # an item is open: phones may be answering right now
    seats: int
    retention_days: int  # days its answers are kept after it (Workshop.retention_days)
    purged: bool  # its seats, ballots and free text have been purged (workshop.store.purge)


def workshop_rows(session: Session, *, archived: bool = False) -> list[WorkshopRow]:
    """Workshops newest first with their progress and seats; archived ones only when asked for."""
    done = func.sum(case((col(AgendaItem.state) == ItemState.CLOSED.value, 1), else_=0))
    running = func.sum(case((col(AgendaItem.state) == ItemState.OPEN.value, 1), else_=0))
    progress = {
        wid: (total, finished or 0, bool(is_open))
        for wid, total, finished, is_open in session.exec(
            select(AgendaItem.workshop_id, func.count(), done, running).group_by(col(AgendaItem.workshop_id))
        ).all()
    }
    seats = dict(session.exec(select(Seat.workshop_id, func.count()).group_by(col(Seat.workshop_id))).all())
    query = select(Workshop).order_by(col(Workshop.created_at).desc(), col(Workshop.id).desc())
    if not archived:
        query = query.where(col(Workshop.archived_at).is_(None))
    workshops = session.exec(query).all()
    titles = dict(session.exec(select(Workshop.id, Workshop.title)).all())
    purged = set(session.exec(select(PurgedPack.workshop_id)).all())
    rows = []
    for w in workshops:
        assert w.id is not None
        total, finished, is_open = progress.get(w.id, (0, 0, False))
        rows.append(
            WorkshopRow(
                id=w.id,
                title=w.title,
                template=w.template,
                join_code=w.join_code,
                created_at=w.created_at,
                is_demo=w.is_demo,
                archived=w.archived_at is not None,
                baseline_id=w.baseline_id,
                baseline_title=titles.get(w.baseline_id) if w.baseline_id is not None else None,
                items=total,
                items_done=finished,
                running=is_open,
                seats=seats.get(w.id, 0),
                retention_days=w.retention_days,
                purged=w.id in purged,
            )
        )
    return rows


def _copy(row: SQLModel, **changes: object) -> SQLModel:
    data = row.model_dump(exclude={"id"})
    data.update(changes)
    return type(row)(**data)


def insert_follow_up(session: Session, baseline_id: int, title: str) -> tuple[Workshop, list[AgendaItem]]:
    """Store a new workshop re-running ``baseline_id`` and its agenda items: the same factors, scales,
    groups and agenda, no answers. Setting each item up is its kind's job (see workshop.usecases).

    Copied from the baseline itself rather than its template, so the two compare factor by factor even if
    the template was edited in between; the agenda keeps the facilitator's edits, notes and timings.
    """
    baseline = get_workshop(session, baseline_id)
    follow_up = Workshop(
        title=title.strip()[:200] or baseline.title,
        template=baseline.template,
        join_code=unused_join_code(session),
        baseline_id=baseline_id,
        # Compared with the baseline, so its breakdowns hide groups by the same rule.
        min_group=baseline.min_group,
    )
    session.add(follow_up)
    session.flush()
    for model in CONTENT:
        rows = session.exec(select(model).where(model.workshop_id == baseline_id)).all()
        session.add_all(_copy(row, workshop_id=follow_up.id) for row in rows)
    items = [
        AgendaItem(
            workshop_id=row_id(follow_up),
            position=item.position,
            kind=item.kind,
            title=item.title,
            planned_minutes=item.planned_minutes,
            notes=item.notes,
            config=dict(item.config),
        )
        for item in session.exec(
            select(AgendaItem).where(AgendaItem.workshop_id == baseline_id).order_by(col(AgendaItem.position))
        ).all()
    ]
    session.add_all(items)
    session.flush()
    return follow_up, items


def set_archived(session: Session, workshop_id: int, archived: bool) -> Workshop:
    """Archive a workshop (it leaves the home list, keeping everything) or bring it back."""
    workshop = get_workshop(session, workshop_id)
    workshop.archived_at = utcnow() if archived else None
    workshop.revision += 1
    session.add(workshop)
    return workshop


def follow_ups(session: Session, workshop_id: int) -> Sequence[Workshop]:
    """Workshops that re-assess this one."""
    return session.exec(select(Workshop).where(Workshop.baseline_id == workshop_id)).all()


def delete_workshop(session: Session, workshop_id: int, item_tables: Sequence[type[SQLModel]]) -> None:
    """Delete a workshop and everything in it; follow-ups keep their own answers and lose only the link.

    Args:
        session: The caller's write session.
        workshop_id: The workshop to delete.
        item_tables: The activity kinds' own tables (each row keyed by ``item_id``), emptied of the
            workshop's rows before the rows every workshop has.
    """
    get_workshop(session, workshop_id)
    items = select(AgendaItem.id).where(AgendaItem.workshop_id == workshop_id)
    for model in item_tables:
        # Typed only as SQLModel here: the Core table's columns are where ``item_id`` is known.
        session.execute(delete(model).where(table_of(model).c.item_id.in_(items)))
    # Entries point at each other (behaviours under values, merged duplicates): cut those links first.
    session.execute(
        update(Entry).where(col(Entry.item_id).in_(items)).values(parent_id=None, merged_into=None)
    )
    session.execute(delete(Entry).where(col(Entry.item_id).in_(items)))
    session.execute(delete(Response).where(col(Response.item_id).in_(items)))
    session.execute(delete(Seat).where(col(Seat.workshop_id) == workshop_id))
    session.execute(delete(AgendaItem).where(col(AgendaItem.workshop_id) == workshop_id))
    for model in CONTENT:
        session.execute(delete(model).where(col(model.workshop_id) == workshop_id))
    session.execute(update(Workshop).where(col(Workshop.baseline_id) == workshop_id).values(baseline_id=None))
    session.execute(delete(PurgedPack).where(col(PurgedPack.workshop_id) == workshop_id))
    session.execute(delete(Workshop).where(col(Workshop.id) == workshop_id))
