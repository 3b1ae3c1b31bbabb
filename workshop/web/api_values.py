"""The facilitator API's hand on values and behaviours: agree, hide, reword, merge and move.

Each is the call the terminal's values view makes for the same key (screens/views/values.py), with its
limits and its refusals; each answers with the item as the terminal then shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, Field, StringConstraints
from sqlmodel import Session

from workshop.activities import get_activity
from workshop.activities.values import BEHAVIOUR_LIMIT, NAME_LIMIT, STATEMENT_LIMIT, ValuesActivity
from workshop.models import AgendaItem, Entry, Workshop, row_id
from workshop.store import moderation
from workshop.usecases import merging
from workshop.usecases.merging import MergePreview
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

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

router = outcome_router()

# Trimmed as the terminal trims, then measured, so the limits mean what the dialogs' limits mean.
Wording = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BEHAVIOUR_LIMIT)]
Statement = Annotated[str, StringConstraints(strip_whitespace=True, max_length=STATEMENT_LIMIT)]
STATUS = "pending, approved, hidden or merged."
AGREED = "Its place among the agreed entries; null when not agreed."
ORIGINAL = "The participant's words, when the facilitator reworded them."


class Behaviour(BaseModel):
    """A behaviour under a value."""

    id: int
    text: str
    stance: str = Field(description='"will" or "wont".')
    status: str = Field(description=STATUS)
    agreed: int | None = Field(description=AGREED)
    original: str | None = Field(description=ORIGINAL)


class Value(BaseModel):
    """A proposed value, with its behaviours."""

    id: int
    name: str
    statement: str
    status: str = Field(description=STATUS)
    agreed: int | None = Field(description=AGREED)
    original: str | None = Field(description=ORIGINAL)
    merged_into: int | None = Field(description="The value it was merged into, if it was.")
    behaviours: list[Behaviour]


class ValuesBoard(BaseModel):
    """A values item as the terminal shows it: every value and behaviour, hidden and merged ones too."""

    item_id: int
    title: str
    values: list[Value]


class Agreement(Body):
    agreed: bool = Field(strict=True, description="true: agreed by the room; false: take the mark off.")


class Hiding(Body):
    hidden: bool = Field(strict=True, description="true: hide from phones and results; false: restore.")


class Rewording(Body):
    text: Wording = Field(
        description=f"The new wording, trimmed: up to {NAME_LIMIT} characters for a value, "
        f"{BEHAVIOUR_LIMIT} for a behaviour."
    )
    statement: Statement | None = Field(
        None,
        description="A value's new statement (trimmed); null or left out keeps it. Behaviours have none.",
    )


class Merge(Body):
    into_id: BodyId = Field(description="The value the duplicate is merged into.")


class Move(Body):
    value_id: BodyId = Field(description="The value the behaviour moves to.")


def _value_entry(session: Session, workshop_id: int, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    item = session.get(AgendaItem, entry.item_id) if entry is not None else None
    if entry is None or item is None or item.workshop_id != workshop_id or item.kind != ValuesActivity.kind:
        raise NotHere(f"no value or behaviour with id {entry_id} in this workshop")
    return entry


def _board(session: Session, workshop_id: int, item_id: int) -> ValuesBoard:
    item = own_item(session, workshop_id, item_id, ValuesActivity.kind)
    values = get_activity(item.kind)
    assert isinstance(values, ValuesActivity)  # the registry's activity for the values kind
    summary = values.summarise(session, item)
    return ValuesBoard(
        item_id=item_id,
        title=item.title,
        values=[
            Value(
                id=v.id,
                name=v.name,
                statement=v.statement,
                status=v.status,
                agreed=v.agreed,
                original=v.original,
                merged_into=v.merged_into,
                behaviours=[
                    Behaviour(
                        id=b.id,
                        text=b.text,
                        stance=b.stance,
                        status=b.status,
                        agreed=b.agreed,
                        original=b.original,
                    )
                    for b in v.behaviours
                ],
            )
            for v in summary.values
        ],
    )


@router.get(
    "/values/{item_id:rowid}",
    response_model=ValuesBoard,
    summary="A values item's values and behaviours",
    responses=replies(404),
)
async def values_board(request: Request, workshop: Facilitator, item_id: RowId) -> ValuesBoard:
    """Every value and behaviour with its id, status, agreed place and the participant's original words:
    the ids the other values operations take."""
    return await read(request, partial(_board, workshop_id=row_id(workshop), item_id=item_id))


async def _moderate(
    request: Request,
    workshop: Workshop,
    entry_id: int,
    change: Callable[[Session, Entry], object],
    *,
    others: tuple[int, ...] = (),
    about_input: bool = False,
) -> ValuesBoard:
    """Apply ``change`` to one of this workshop's values or behaviours, then read its item."""
    workshop_id = row_id(workshop)

    def moderate(session: Session) -> int:
        entry = _value_entry(session, workshop_id, entry_id)
        for other in others:  # the value it is merged into or moved to: this workshop's too, or a 404
            _value_entry(session, workshop_id, other)
        change(session, entry)
        return entry.item_id

    item_id = await write(request, moderate, about_input=about_input)
    return await read(request, partial(_board, workshop_id=workshop_id, item_id=item_id))


def _route(path: str, summary: str, method: str = "PUT") -> Callable[[Endpoint], Endpoint]:
    """A values action's route, documented with the board it answers with and the replies it can give."""
    return router.api_route(
        f"/values/entries/{{entry_id:rowid}}/{path}",
        methods=[method],
        response_model=ValuesBoard,
        summary=summary,
        responses=replies(404, 409, body=True),
    )


@_route("agreed", "Mark a value or behaviour agreed, or not")
async def agree_entry(
    request: Request, workshop: Facilitator, entry_id: RowId, body: Agreement
) -> ValuesBoard:
    """As `a` in the terminal: an agreed entry goes last among those agreed. Agreeing a hidden or merged
    entry is a 409."""
    return await _moderate(request, workshop, entry_id, partial(_agree, agreed=body.agreed))


def _agree(session: Session, entry: Entry, agreed: bool) -> None:
    moderation.set_agreed(session, row_id(entry), agreed)


@_route("hidden", "Hide a value or behaviour, or restore it")
async def hide_entry(request: Request, workshop: Facilitator, entry_id: RowId, body: Hiding) -> ValuesBoard:
    """As `x` in the terminal: hidden from phones and results (and no longer agreed). Restoring also undoes
    a merge."""
    return await _moderate(request, workshop, entry_id, partial(_hide, hidden=body.hidden))


def _hide(session: Session, entry: Entry, hidden: bool) -> None:
    moderation.set_hidden(session, row_id(entry), hidden)


@_route("wording", "Reword a value or behaviour")
async def reword_entry(
    request: Request, workshop: Facilitator, entry_id: RowId, body: Rewording
) -> ValuesBoard:
    """As `t` in the terminal: the participant's first words are kept, shown as `original`. Empty or too
    long (60 characters for a value's name, 200 for a behaviour or a statement) is a 422."""
    change = partial(_reword, text=body.text, statement=body.statement)
    return await _moderate(request, workshop, entry_id, change, about_input=True)


def _reword(session: Session, entry: Entry, text: str, statement: str | None) -> None:
    is_value = entry.parent_id is None
    if statement is not None and not is_value:
        raise BadField("statement", "a behaviour has no statement: send only its text")
    limits = (NAME_LIMIT, STATEMENT_LIMIT) if is_value else (BEHAVIOUR_LIMIT, 0)
    moderation.reword_entry(
        session, row_id(entry), text, statement, text_limit=limits[0], detail_limit=limits[1]
    )


class MergeReport(BaseModel):
    """What a merge did to the votes on the duplicate: the terminal's preview, in figures and in words."""

    dots_moved: int = Field(description="Dots that moved from the duplicate to the value kept.")
    dots_returned: int = Field(
        description="Dots given back to people who would have had more than the per-option limit on the "
        "value kept, so they can place them again."
    )
    people_returned: int = Field(description="How many people got dots back.")
    message: str = Field(description="The same, in the words the terminal's merge dialog uses.")


class MergedBoard(ValuesBoard):
    """The values item after a merge, and what the merge did to the votes."""

    merge: MergeReport


@router.post(
    "/values/entries/{entry_id:rowid}/merge",
    response_model=MergedBoard,
    summary="Merge a duplicate value into another",
    responses=replies(404, 409, body=True),
)
async def merge_value(request: Request, workshop: Facilitator, entry_id: RowId, body: Merge) -> MergedBoard:
    """As `m` on a value in the terminal: its behaviours move across and it stays on record as merged. Its
    dots move to the value kept; a person with dots on both keeps at most the per-option limit there and
    gets the rest back to place again. A value with votes that cannot move (a place in a ranking) is not
    merged (409): hide it instead."""
    workshop_id = row_id(workshop)

    def merge(session: Session) -> tuple[int, MergePreview]:
        entry = _value_entry(session, workshop_id, entry_id)
        _value_entry(session, workshop_id, body.into_id)  # this workshop's too, or a 404
        return entry.item_id, merging.merge_value(session, row_id(entry), body.into_id)

    item_id, done = await write(request, merge)
    board = await read(request, partial(_board, workshop_id=workshop_id, item_id=item_id))
    report = MergeReport(
        dots_moved=done.votes.moved,
        dots_returned=done.votes.returned,
        people_returned=done.votes.seats_returned,
        message=done.sentence,
    )
    return MergedBoard(**board.model_dump(), merge=report)


@_route("move", "Move a behaviour to another value", "POST")
async def move_behaviour(request: Request, workshop: Facilitator, entry_id: RowId, body: Move) -> ValuesBoard:
    """As `m` on a behaviour in the terminal: it goes under another value of the same activity."""
    change = partial(_move, value_id=body.value_id)
    return await _moderate(request, workshop, entry_id, change, others=(body.value_id,))


def _move(session: Session, entry: Entry, value_id: int) -> None:
    moderation.move_entry(session, row_id(entry), value_id)
