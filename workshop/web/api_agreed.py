"""The facilitator API's record of what the room agreed: a maturity level per factor and horizon, and the
ranking's agreed priorities in order.

Each is the call the terminal's `g` makes (screens/views/maturity.py, screens/views/ranking.py), with its
refusals. Factors and horizons are named by their keys, as the outcomes data names them.
"""

from __future__ import annotations

from functools import partial

from fastapi import Request
from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from workshop.activities import get_activity
from workshop.activities.maturity import MaturityActivity
from workshop.activities.maturity.agreed import RATIONALE_LIMIT, set_agreed
from workshop.activities.ranking import RankingActivity
from workshop.models import AgendaItem, Entry, EntryStatus, Horizon, MaturityFactor, MaturityLevel, row_id
from workshop.store import moderation
from workshop.web.api import Facilitator
from workshop.web.api_writes import (
    BadField,
    Body,
    BodyId,
    NotHere,
    outcome_router,
    own_item,
    read,
    replies,
    write,
)
from workshop.web.ids import RowId

router = outcome_router()


class AgreedLevelIn(Body):
    factor: str = Field(min_length=1, max_length=60, description="The factor's key, as in the outcomes data.")
    horizon: str = Field(
        min_length=1, max_length=20, description="The horizon's key, as in the outcomes data."
    )
    level: int | None = Field(
        description="A level of the workshop's scale, or null: discussed, and no agreement reached."
    )
    rationale: str = Field("", max_length=RATIONALE_LIMIT, description="Why the room agreed it.")


class AgreedLevel(BaseModel):
    """The agreed level as recorded."""

    item_id: int
    factor: str
    horizon: str
    level: int | None
    rationale: str


class AgreedPriorities(Body):
    # A room agrees a handful of priorities; the bound keeps one request's work small.
    entry_ids: list[BodyId] = Field(
        max_length=1000, description="The agreed options in the agreed order; an empty list agrees none."
    )

    @field_validator("entry_ids")
    @classmethod
    def _each_once(cls, ids: list[int]) -> list[int]:
        if len(set(ids)) != len(ids):
            raise ValueError("each option can be agreed once: an id is there twice")
        return ids


class Option(BaseModel):
    id: int
    text: str


class RankedOption(Option):
    place: int
    tied: bool = Field(description="Whether it shares its place.")
    points: float = Field(description="Its Borda points.")
    first_choices: int


class RankingBoard(BaseModel):
    """A ranking item as the terminal shows it: the room's order, proposals waiting, and what was agreed."""

    item_id: int
    title: str
    responses: int = Field(description="Seats that have sent a ranking.")
    options: list[RankedOption] = Field(description="The approved options in the room's order.")
    waiting: list[Option] = Field(description="Participants' proposals waiting for approval.")
    agreed: list[Option] = Field(description="The agreed priorities, in the agreed order.")


def _keys(session: Session, table: type[MaturityFactor] | type[Horizon], workshop_id: int) -> dict[str, int]:
    rows = session.exec(
        select(table.key, table.id).where(table.workshop_id == workshop_id).order_by(col(table.position))
    ).all()
    return {key: id_ for key, id_ in rows if id_ is not None}


def _record_level(session: Session, workshop_id: int, item_id: int, body: AgreedLevelIn) -> AgreedLevel:
    own_item(session, workshop_id, item_id, MaturityActivity.kind)
    factors, horizons = _keys(session, MaturityFactor, workshop_id), _keys(session, Horizon, workshop_id)
    for field, key, known in (("factor", body.factor, factors), ("horizon", body.horizon, horizons)):
        if key not in known:
            raise BadField(field, f"no {field} {key!r} in this workshop (known: {', '.join(known)})")
    levels = session.exec(
        select(MaturityLevel.value)
        .where(MaturityLevel.workshop_id == workshop_id)
        .order_by(col(MaturityLevel.value))
    ).all()
    if body.level is not None and body.level not in levels:
        scale = ", ".join(map(str, levels))
        raise BadField("level", f"level {body.level} is not on this workshop's scale ({scale}, or null)")
    set_agreed(session, item_id, factors[body.factor], horizons[body.horizon], body.level, body.rationale)
    return AgreedLevel(item_id=item_id, **body.model_dump())


@router.post(
    "/maturity/{item_id:rowid}/agreed-levels",
    response_model=AgreedLevel,
    summary="Record the level the room agreed for a factor and horizon",
    responses=replies(404, 409, body=True),
)
async def agreed_level(
    request: Request, workshop: Facilitator, item_id: RowId, body: AgreedLevelIn
) -> AgreedLevel:
    """As `g` on a maturity matrix in the terminal: kept beside the ratings, replacing what was recorded for
    the same factor and horizon. A factor, horizon or level the workshop does not have is a 422."""
    change = partial(_record_level, workshop_id=row_id(workshop), item_id=item_id, body=body)
    return await write(request, change)


def _board(session: Session, workshop_id: int, item_id: int) -> RankingBoard:
    item = own_item(session, workshop_id, item_id, RankingActivity.kind)
    ranking = get_activity(item.kind)
    assert isinstance(ranking, RankingActivity)  # the registry's activity for the ranking kind
    summary = ranking.summarise(session, item)
    return RankingBoard(
        item_id=item_id,
        title=item.title,
        responses=summary.responses,
        options=[
            RankedOption(
                id=r.entry_id,
                text=r.text,
                place=r.place,
                tied=r.tied,
                points=r.score,
                first_choices=r.first_choices,
            )
            for r in summary.results
        ],
        waiting=[Option(id=p.entry_id, text=p.text) for p in summary.pending],
        agreed=[Option(id=entry_id, text=text) for entry_id, text in summary.agreed],
    )


@router.get(
    "/ranking/{item_id:rowid}",
    response_model=RankingBoard,
    summary="A ranking item's options in the room's order",
    responses=replies(404),
)
async def ranking_board(request: Request, workshop: Facilitator, item_id: RowId) -> RankingBoard:
    """The options with their ids, places and points, the proposals waiting, and the agreed priorities."""
    return await read(request, partial(_board, workshop_id=row_id(workshop), item_id=item_id))


def _agree_priorities(session: Session, workshop_id: int, item_id: int, entry_ids: list[int]) -> None:
    own_item(session, workshop_id, item_id, RankingActivity.kind)
    found = {
        row_id(entry): (entry, owner)
        for entry, owner in session.exec(
            select(Entry, AgendaItem.workshop_id)
            .join(AgendaItem, col(Entry.item_id) == col(AgendaItem.id))
            .where(col(Entry.id).in_(entry_ids))
        ).all()
    }
    for entry_id in entry_ids:
        entry, owner = found.get(entry_id, (None, None))
        if entry is None or owner != workshop_id:
            raise NotHere(f"no entry with id {entry_id} in this workshop")
        if entry.item_id == item_id and entry.status == EntryStatus.PENDING.value:
            # The terminal offers only the ranked options: a proposal is one once it is approved.
            raise moderation.ModerationError(f"“{entry.text}” is waiting for approval: approve it first")
    moderation.set_agreed_order(session, item_id, entry_ids)


@router.put(
    "/ranking/{item_id:rowid}/agreed",
    response_model=RankingBoard,
    summary="Record the room's agreed priorities, in order",
    responses=replies(404, 409, body=True),
)
async def agreed_priorities(
    request: Request, workshop: Facilitator, item_id: RowId, body: AgreedPriorities
) -> RankingBoard:
    """As `g` on a ranking in the terminal: the options listed are agreed in that order, and no other is. A
    hidden option, or a proposal still waiting for approval, is a 409."""
    workshop_id = row_id(workshop)
    change = partial(_agree_priorities, workshop_id=workshop_id, item_id=item_id, entry_ids=body.entry_ids)
    await write(request, change)
    return await read(request, partial(_board, workshop_id=workshop_id, item_id=item_id))
