"""The outcome pack: what a workshop produced, gathered from the database once for every format.

Each item's summary is read once and given to its kind twice: ``report`` makes the document blocks,
``results`` the data (:mod:`workshop.exports.data`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from workshop import store
from workshop.activities import get_activity
from workshop.activities.base import TextPurge
from workshop.activities.maturity.breakdown import NOT_SAID, min_group_of
from workshop.blocks import Block, Bullets, Chart, Heading, Paragraph, Table, block_dict
from workshop.exports.data import (
    Attendance,
    Baseline,
    GroupCount,
    ItemOutcome,
    Outcomes,
    Purged,
    WorkshopInfo,
)
from workshop.models import AgendaItem, ItemState, Organisation, RoleLevel, Seat, Workshop, row_id, utcnow
from workshop.store.purge import purged_pack
from workshop.timing import elapsed

Progress = Callable[[int, int, str], None]
# A frozen pack's blocks by their ``type`` (``blocks.block_dict``).
_BLOCKS: dict[str, type[Block]] = {
    kind.__name__.lower(): kind for kind in (Heading, Paragraph, Bullets, Table, Chart)
}


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
    # The same outcomes as data: what the spreadsheets and the JSON are made from.
    data: Outcomes


def _minutes(item: AgendaItem) -> int | None:
    spent = elapsed(item, utcnow())
    return None if spent is None else round(spent.total_seconds() / 60)


def _attendance(session: Session, workshop_id: int) -> Attendance:
    """Seats by organisation and by role level, in the template's order, then "Not said"."""

    def counted(table: type[Organisation] | type[RoleLevel], column: Mapped[int | None]) -> list[GroupCount]:
        names = session.exec(
            select(table.id, table.name).where(table.workshop_id == workshop_id).order_by(col(table.position))
        ).all()
        counts = dict(
            session.exec(
                select(column, func.count())
                .select_from(Seat)
                .where(Seat.workshop_id == workshop_id)
                .group_by(column)
            ).all()
        )
        groups = [GroupCount(name=name, seats=counts.pop(gid, 0)) for gid, name in names]
        unnamed = sum(counts.values())  # none chosen (or one from elsewhere, which store.join never lets in)
        return [*groups, GroupCount(name=NOT_SAID, seats=unnamed)] if unnamed else groups

    seats = session.exec(select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)).one()
    return Attendance(
        seats=seats,
        by_organisation=counted(Organisation, col(Seat.organisation_id)),
        by_role=counted(RoleLevel, col(Seat.role_level_id)),
    )


PURGED_NOTE = (
    "This workshop's answers were purged on {day}: the numbers are as the room left them, but participants' "
    "free text the room did not agree (answers, proposals, comments) was deleted and shows as a stand-in."
)


def build_pack(
    session: Session, workshop_id: int, progress: Progress | None = None, *, purge: TextPurge | None = None
) -> OutcomePack:
    """Gather the pack; ``progress(done, total, item title)`` is called as each item is read.

    A purged workshop's pack is the copy frozen before its answers were deleted, exported now. ``purge``
    builds that copy: each kind leaves out the free text the purge deletes (``Activity.without_free_text``)
    and the item's blocks end with the sentence saying what went.
    """
    workshop = store.get_workshop(session, workshop_id)
    frozen = purged_pack(session, workshop_id)
    if frozen is not None:
        return thaw_pack(frozen.pack)
    baseline = session.get(Workshop, workshop.baseline_id) if workshop.baseline_id else None
    attendance = _attendance(session, workshop_id)
    agenda = store.agenda(session, workshop_id)
    reports = []
    outcomes = []
    for done, item in enumerate(agenda):
        if progress:
            progress(done, len(agenda), item.title)
        activity = get_activity(item.kind)
        blocks: tuple[Block, ...] = ()
        results = None
        if item.state != ItemState.PENDING:
            summary = activity.summarise(session, item)
            note = ""
            if purge is not None:
                summary, note = activity.without_free_text(summary, purge)
            blocks = tuple(activity.report(session, item, summary))
            if note:
                blocks += (Paragraph(note),)
            results = activity.results(session, item, summary)
        minutes = _minutes(item)
        reports.append(
            ItemReport(
                title=item.title,
                kind=item.kind,
                state=item.state,
                planned_minutes=item.planned_minutes,
                actual_minutes=minutes,
                blocks=blocks,
            )
        )
        outcomes.append(
            ItemOutcome.model_validate(
                {
                    "title": item.title,
                    "kind": item.kind,
                    "state": item.state,
                    "planned_minutes": item.planned_minutes,
                    "actual_minutes": minutes,
                    "results": results,
                }
            )
        )
    if progress:
        progress(len(agenda), len(agenda), "")
    exported_at = utcnow()
    data = Outcomes(
        workshop=WorkshopInfo(
            id=workshop_id,
            title=workshop.title,
            template=workshop.template,
            created_at=workshop.created_at,
            baseline=Baseline(id=row_id(baseline), title=baseline.title) if baseline else None,
            min_group=min_group_of(workshop),
        ),
        exported_at=exported_at,
        attendance=attendance,
        items=outcomes,
        purged=None if purge is None else Purged(on=purge.on, note=PURGED_NOTE.format(day=_day(purge))),
    )
    return OutcomePack(
        workshop_id=workshop_id,
        title=workshop.title,
        template=workshop.template,
        created_at=workshop.created_at,
        exported_at=exported_at,
        baseline_title=baseline.title if baseline else None,
        seats=attendance.seats,
        items=tuple(reports),
        data=data,
    )


def _day(purge: TextPurge) -> str:
    return f"{purge.on.day} {purge.on:%B %Y}"


def freeze_pack(pack: OutcomePack) -> dict[str, object]:
    """The pack as JSON data, kept when a workshop's answers are purged (:func:`thaw_pack` reads it)."""
    items = [
        {
            "title": item.title,
            "kind": item.kind,
            "state": item.state,
            "planned_minutes": item.planned_minutes,
            "actual_minutes": item.actual_minutes,
            "blocks": [block_dict(block) for block in item.blocks],
        }
        for item in pack.items
    ]
    return {"items": items, "data": pack.data.model_dump(mode="json", by_alias=True)}


def _block(data: dict[str, Any]) -> Block:
    fields = dict(data)
    # Validated as its own dataclass, so lists become tuples and a chart's series become Series again.
    block: Block = TypeAdapter(_BLOCKS[fields.pop("type")]).validate_python(fields)
    return block


def thaw_pack(frozen: dict[str, Any]) -> OutcomePack:
    """A pack frozen by :func:`freeze_pack`, with the same blocks and data, exported now."""
    exported_at = utcnow()
    data = Outcomes.model_validate(frozen["data"]).model_copy(update={"exported_at": exported_at})
    items = tuple(
        ItemReport(
            title=item["title"],
            kind=item["kind"],
            state=item["state"],
            planned_minutes=item["planned_minutes"],
            actual_minutes=item["actual_minutes"],
            blocks=tuple(_block(block) for block in item["blocks"]),
        )
        for item in frozen["items"]
    )
    info = data.workshop
    return OutcomePack(
        workshop_id=info.id,
        title=info.title,
        template=info.template,
        created_at=info.created_at,
        exported_at=exported_at,
        baseline_title=info.baseline.title if info.baseline else None,
        seats=data.attendance.seats,
        items=items,
        data=data,
    )
