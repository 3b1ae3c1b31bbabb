"""The facilitator's JSON API: every agenda control, authorised by the workshop's facilitator token."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Entry, EntryStatus, Workshop, row_id
from workshop.store.entries import set_entry_status
from workshop.store.seats import add_proxy_seat
from workshop.usecases.control import ItemAction, apply_item_action
from workshop.web.ids import RowId
from workshop.web.state import WorkshopState, workshop_state


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


REPLIES = {
    401: "No facilitator token, or not this server's: send `Authorization: Bearer TOKEN`.",
    404: "No such agenda item or entry in this workshop (ids of other workshops' items too).",
    409: "Not possible now: nothing has started, there is no next (or previous) item, or the change does "
    "not apply.",
    503: "Not saved: the laptop cannot save just now (a full disk, a locked file); see `Retry-After`.",
}


def _replies(*codes: int) -> dict[int | str, dict[str, object]]:
    """The error replies an operation can give, for the OpenAPI schema."""
    return {code: {"model": Problem, "description": REPLIES[code]} for code in codes}


# Every operation needs the token; those that change the agenda can conflict with its state.
router = APIRouter(prefix="/api/v1", tags=["facilitator"], responses=_replies(401, 503))
bearer = HTTPBearer(
    auto_error=False,
    description="The facilitator token shown in the TUI (press f), or issued by `workshop token ID`.",
)


class ProxySeat(BaseModel):
    """A proxy seat: open ``url`` on the device the answers are typed on."""

    seat_code: str
    url: str


def workshop_for_token(db: Database, token: str) -> Workshop | None:
    """The workshop whose facilitator token this is (the database holds only its hash)."""
    with db.reading() as session:
        return store.workshop_by_facilitator_token(session, token)


async def facilitator(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Workshop:
    """The workshop the request is authorised for, or 401."""
    token = credentials.credentials if credentials else ""
    workshop = await run_in_threadpool(workshop_for_token, request.app.state.db, token) if token else None
    if workshop is None:
        raise HTTPException(
            401, "a valid facilitator token is needed", headers={"WWW-Authenticate": "Bearer"}
        )
    return workshop


Facilitator = Annotated[Workshop, Depends(facilitator)]


async def _write_then_state(
    request: Request, workshop: Workshop, change: Callable[[Session], object]
) -> WorkshopState:
    try:
        await request.app.state.writer.submit(change)
    except (store.AgendaError, ValueError) as exc:
        raise HTTPException(409, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    return await run_in_threadpool(_state, request.app.state.db, row_id(workshop))


def _state(db: Database, workshop_id: int) -> WorkshopState:
    with db.reading() as session:
        return workshop_state(session, workshop_id)


def _own_item(session: Session, workshop_id: int, item_id: int) -> None:
    # Another workshop's item is as unknown as a missing one: a 404 that says nothing about it.
    item = session.get(AgendaItem, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise LookupError(f"no agenda item with id {item_id} in this workshop")


def _item_action(session: Session, workshop_id: int, item_id: int, action: ItemAction) -> None:
    _own_item(session, workshop_id, item_id)
    apply_item_action(session, item_id, action)


@router.get("/workshop", response_model=WorkshopState, summary="The run-sheet with live counts")
async def get_state(request: Request, workshop: Facilitator) -> WorkshopState:
    return await run_in_threadpool(_state, request.app.state.db, row_id(workshop))


@router.post(
    "/items/{item_id:rowid}/{action}",
    response_model=WorkshopState,
    summary="Act on an agenda item",
    responses=_replies(404, 409),
)
async def item_action(
    request: Request, workshop: Facilitator, item_id: RowId, action: ItemAction
) -> WorkshopState:
    """open (make current and open for answers), close, reset (delete its answers), reveal / hide-results
    (results on phones), show-entries / hide-entries (participants' proposals to one another)."""
    return await _write_then_state(
        request, workshop, partial(_item_action, workshop_id=row_id(workshop), item_id=item_id, action=action)
    )


def _current_action(session: Session, workshop_id: int, action: ItemAction) -> None:
    current = store.current_item(session, workshop_id)
    if current is None:
        raise store.AgendaError("no agenda item has been started yet")
    apply_item_action(session, row_id(current), action)


@router.post(
    "/current/{action}",
    response_model=WorkshopState,
    summary="Act on the current agenda item",
    responses=_replies(409),
)
async def current_action(request: Request, workshop: Facilitator, action: ItemAction) -> WorkshopState:
    return await _write_then_state(
        request, workshop, partial(_current_action, workshop_id=row_id(workshop), action=action)
    )


@router.post(
    "/next",
    response_model=WorkshopState,
    summary="Close the current item and open the next",
    responses=_replies(409),
)
async def next_item(request: Request, workshop: Facilitator) -> WorkshopState:
    return await _write_then_state(request, workshop, partial(store.next_item, workshop_id=row_id(workshop)))


@router.post(
    "/previous",
    response_model=WorkshopState,
    summary="Close the current item and open the one before it",
    responses=_replies(409),
)
async def previous_item(request: Request, workshop: Facilitator) -> WorkshopState:
    """As `N` in the terminal: the item before the current one opens again, answers and all. At the first
    item, or before anything has started, a 409."""
    step_back = partial(store.next_item, workshop_id=row_id(workshop), step=-1)
    return await _write_then_state(request, workshop, step_back)


def _entry_action(session: Session, workshop_id: int, entry_id: int, status: EntryStatus) -> None:
    entry = session.get(Entry, entry_id)
    item = session.get(AgendaItem, entry.item_id) if entry is not None else None
    if item is None or item.workshop_id != workshop_id:
        raise LookupError(f"no entry with id {entry_id} in this workshop")
    set_entry_status(session, entry_id, status)


@router.post(
    "/entries/{entry_id:rowid}/{status}",
    response_model=WorkshopState,
    summary="Approve, hide or restore an entry",
    responses=_replies(404, 409),
)
async def entry_action(
    request: Request, workshop: Facilitator, entry_id: RowId, status: EntryStatus
) -> WorkshopState:
    return await _write_then_state(
        request,
        workshop,
        partial(_entry_action, workshop_id=row_id(workshop), entry_id=entry_id, status=status),
    )


@router.post("/proxy-seats", response_model=ProxySeat, status_code=201, summary="Add a proxy seat")
async def proxy_seat(request: Request, workshop: Facilitator) -> ProxySeat:
    """A seat for someone without a phone: open the URL on the device their answers are entered on."""
    seat = await request.app.state.writer.submit(partial(add_proxy_seat, workshop_id=row_id(workshop)))
    return ProxySeat(seat_code=seat.code, url=f"/j/{workshop.join_code}/seat?seat={seat.code}")
