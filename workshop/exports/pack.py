"""The outcome pack: what a workshop produced, gathered from the database into export-ready blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from workshop import store
from workshop.activities import get_activity
from workshop.exports.blocks import Block
from workshop.models import AgendaItem, ItemState, Seat, utcnow
from workshop.timing import elapsed

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ItemReport:
    """One agenda item's part of the pack (facilitator notes stay out: they are the facilitator's own)."""

    title: str
    kind: str
    state: str
    planned_minutes: int
    actual_minutes: int | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class OutcomePack:
    """A workshop's results, item by item, ready for any export format."""

    workshop_id: int
    title: str
    template: str
    created_at: datetime
    exported_at: datetime
    baseline_title: str | None
    seats: int
    items: tuple[ItemReport, ...]


def _minutes(item: AgendaItem) -> int | None:
    spent = elapsed(item, utcnow())
    return None if spent is None else round(spent.total_seconds() / 60)


def build_pack(session: Session, workshop_id: int, progress: Progress | None = None) -> OutcomePack:
    """Gather the pack; ``progress(done, total, item title)`` is called as each item is read."""
    workshop = store.get_workshop(session, workshop_id)
    baseline = session.get(type(workshop), workshop.baseline_id) if workshop.baseline_id else None
    seats = session.exec(select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)).one()
    agenda = store.agenda(session, workshop_id)
    reports = []
    for done, item in enumerate(agenda):
        if progress:
            progress(done, len(agenda), item.title)
        activity = get_activity(item.kind)
        blocks: tuple[Block, ...] = ()
        if item.state != ItemState.PENDING:
            blocks = tuple(activity.report(session, item, activity.summarise(session, item)))
        reports.append(
            ItemReport(
                title=item.title,
                kind=item.kind,
                state=item.state,
                planned_minutes=item.planned_minutes,
                actual_minutes=_minutes(item),
                blocks=blocks,
            )
        )
    if progress:
        progress(len(agenda), len(agenda), "")
    return OutcomePack(
        workshop_id=workshop_id,
        title=workshop.title,
        template=workshop.template,
        created_at=workshop.created_at,
        exported_at=utcnow(),
        baseline_title=baseline.title if baseline else None,
        seats=seats,
        items=tuple(reports),
    )
