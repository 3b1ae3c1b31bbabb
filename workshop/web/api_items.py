"""The facilitator API's hand on the agenda itself: add an item of any kind, and move a maturity item's
horizon.

Each is the call the terminal makes: `+` (screens/add_item_dialog.py, ``usecases.items.add_item``) with the
same checks of the kind's asked settings, and `h` on a maturity matrix (``activities.maturity.focus``).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, StringConstraints
from sqlmodel import Session

from workshop.activities import get_activity
from workshop.activities.maturity import MaturityActivity
from workshop.activities.maturity.focus import focused_horizon, set_focus, step_focus
from workshop.activities.maturity.matrix import matrix_structure
from workshop.models import AgendaItem, row_id
from workshop.store.agenda import AgendaError
from workshop.usecases.items import add_item, addable_kinds, settings_problems
from workshop.web.api import Facilitator
from workshop.web.api_writes import BadField, Body, BodyId, NotHere, read, replies, write
from workshop.web.ids import RowId
from workshop.web.state import ItemState, workshop_state

# The agenda's own: the same prefix, token and replies as the outcomes' operations.
router = APIRouter(prefix="/api/v1", tags=["facilitator"], responses=replies(401, 503))

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class NewItem(Body):
    kind: str = Field(
        min_length=1, max_length=40, description="The kind, as the run-sheet's `kind` names it."
    )
    title: Title = Field(description="The item's title, trimmed: 1 to 200 characters.")
    minutes: int = Field(10, ge=0, le=600, description="Planned minutes, 0 to 600.")
    after: BodyId | None = Field(None, description="The item it goes after; null or left out: at the end.")
    settings: dict[Annotated[str, Field(max_length=60)], Annotated[str, Field(max_length=20_000)]] = Field(
        default_factory=dict,
        max_length=20,
        description="What the terminal's `+` dialog asks for this kind, by setting name, as typed: `lines` "
        "settings one value per line, a `source` the id of an item whose kind shares entries.",
    )


class Settings422(Exception):
    """The asked settings' problems, each in the dialog's words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _add(session: Session, workshop_id: int, body: NewItem) -> int:
    if body.after is not None:
        after = session.get(AgendaItem, body.after)
        if after is None or after.workshop_id != workshop_id:
            raise BadField("after", f"no agenda item with id {body.after} in this workshop to add after")
    problems = settings_problems(body.kind, body.settings)
    if problems:
        raise Settings422(problems)
    try:
        item = add_item(
            session, workshop_id, body.kind, body.title, body.minutes, body.after, settings=body.settings
        )
    except AgendaError as exc:  # a source that is not one of this workshop's items with entries
        raise Settings422([str(exc)]) from exc
    return row_id(item)


def _item_state(session: Session, workshop_id: int, item_id: int) -> ItemState:
    return next(item for item in workshop_state(session, workshop_id).items if item.id == item_id)


@router.post(
    "/items",
    response_model=ItemState,
    status_code=201,
    summary="Add an agenda item of any kind",
    responses=replies(body=True),
)
async def new_item(request: Request, workshop: Facilitator, body: NewItem) -> ItemState:
    """As `+` in the terminal: the kind's asked settings are checked as the dialog checks them, and the rest
    keep their defaults. A kind that cannot be added, a setting it does not have or a wrong one is a 422 with
    one error per problem, in the dialog's words."""
    workshop_id = row_id(workshop)
    try:
        item_id = await write(request, partial(_add, workshop_id=workshop_id, body=body))
    except Settings422 as exc:
        # A kind that cannot be added is the kind's problem; anything else is about its settings.
        field = "settings" if any(k.kind == body.kind for k in addable_kinds()) else "kind"
        errors = [{"type": "value_error", "loc": ("body", field), "msg": problem} for problem in exc.problems]
        raise RequestValidationError(errors) from exc
    return await read(request, partial(_item_state, workshop_id=workshop_id, item_id=item_id))


class HorizonState(BaseModel):
    """The horizon a maturity item is on, and the ones it could be on."""

    item_id: int
    horizon: str = Field(description="The key of the horizon the item is on, as the outcomes data names it.")
    label: str
    horizons: list[str] = Field(description="Every horizon's key, in order.")


class HorizonChoice(Body):
    horizon: str = Field(min_length=1, max_length=20, description="A horizon's key, as in `horizons`.")


class NotMaturity(Exception):
    """An item of this workshop that has no horizons: a 409 naming its kind."""


def _maturity(session: Session, workshop_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise NotHere(f"no agenda item with id {item_id} in this workshop")
    if item.kind != MaturityActivity.kind:
        label = get_activity(item.kind).label
        raise NotMaturity(
            f"item {item_id} is a {label}, not a maturity matrix: only a maturity matrix has horizons"
        )
    return item


def _horizon_state(session: Session, workshop_id: int, item_id: int) -> HorizonState:
    item = _maturity(session, workshop_id, item_id)
    horizons = matrix_structure(session, item).horizons
    current = focused_horizon(session, item)
    if current is None:
        raise NotMaturity("this workshop's matrix has no horizons")
    return HorizonState(
        item_id=item_id, horizon=current.key, label=current.label, horizons=[h.key for h in horizons]
    )


def _set_horizon(session: Session, workshop_id: int, item_id: int, key: str) -> None:
    item = _maturity(session, workshop_id, item_id)
    keys = [h.key for h in matrix_structure(session, item).horizons]
    if key not in keys:
        raise BadField("horizon", f"no horizon {key!r} in this workshop (known: {', '.join(keys)})")
    set_focus(session, item_id, key)


def _step_horizon(session: Session, workshop_id: int, item_id: int, step: int) -> None:
    _maturity(session, workshop_id, item_id)
    step_focus(session, item_id, step)


async def _answer(
    request: Request, workshop_id: int, item_id: int, change: partial[None] | None
) -> HorizonState:
    try:
        if change is not None:
            await write(request, change)
        return await read(request, partial(_horizon_state, workshop_id=workshop_id, item_id=item_id))
    except NotMaturity as exc:
        raise HTTPException(409, str(exc)) from exc


HORIZON = "/maturity/{item_id:rowid}/horizon"


@router.get(
    HORIZON,
    response_model=HorizonState,
    summary="The horizon a maturity item is on",
    responses=replies(404, 409),
)
async def get_horizon(request: Request, workshop: Facilitator, item_id: RowId) -> HorizonState:
    """The horizon the room is on (the one phones rate when the item runs its horizons one at a time)."""
    return await _answer(request, row_id(workshop), item_id, None)


@router.put(
    HORIZON,
    response_model=HorizonState,
    summary="Put a maturity item on a horizon",
    responses=replies(404, 409, body=True),
)
async def put_horizon(
    request: Request, workshop: Facilitator, item_id: RowId, body: HorizonChoice
) -> HorizonState:
    """As `h` in the terminal, to a named horizon: every screen follows. A horizon the workshop does not have
    is a 422; an item that is not a maturity matrix, a 409."""
    workshop_id = row_id(workshop)
    change = partial(_set_horizon, workshop_id=workshop_id, item_id=item_id, key=body.horizon)
    return await _answer(request, workshop_id, item_id, change)


@router.post(
    HORIZON + "/{direction}",
    response_model=HorizonState,
    summary="Move a maturity item to the next or previous horizon",
    responses=replies(404, 409),
)
async def step_horizon(
    request: Request, workshop: Facilitator, item_id: RowId, direction: Literal["next", "previous"]
) -> HorizonState:
    """As `h` in the terminal: on to the next horizon (or back), wrapping round after the last."""
    workshop_id = row_id(workshop)
    step = 1 if direction == "next" else -1
    change = partial(_step_horizon, workshop_id=workshop_id, item_id=item_id, step=step)
    return await _answer(request, workshop_id, item_id, change)
