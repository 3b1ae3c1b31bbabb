"""The facilitator's JSON API: every agenda control, authorised by the workshop's facilitator token."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from workshop import store
from workshop.db import Database
from workshop.models import EntryStatus, Workshop
from workshop.store.control import ItemAction, add_proxy_seat, apply_item_action
from workshop.store.entries import set_entry_status
from workshop.web.state import WorkshopState, workshop_state

router = APIRouter(prefix="/api/v1", tags=["facilitator"])
bearer = HTTPBearer(auto_error=False, description="The facilitator token shown in the TUI (press f).")


class ProxySeat(BaseModel):
    """A proxy seat: open ``url`` on the device the answers are typed on."""

    seat_code: str
    url: str


def workshop_for_token(db: Database, token: str) -> Workshop | None:
    """The workshop whose facilitator token this is, compared in constant time."""
    with db.reading() as session:
        workshop = session.exec(select(Workshop).where(Workshop.facilitator_token == token)).first()
    if workshop is None or not secrets.compare_digest(workshop.facilitator_token, token):
        return None
    return workshop


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


async def _write_then_state(request: Request, workshop: Workshop, change: partial[object]) -> WorkshopState:
    try:
        await request.app.state.writer.submit(change)
    except (store.AgendaError, ValueError) as exc:
        raise HTTPException(409, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    return await run_in_threadpool(_state, request.app.state.db, workshop.id)


def _state(db: Database, workshop_id: int) -> WorkshopState:
    with db.reading() as session:
        return workshop_state(session, workshop_id)


def _own_item(session: Session, workshop_id: int, item_id: int) -> None:
    item = store.get_item(session, item_id)
    if item.workshop_id != workshop_id:
        raise store.AgendaError(f"no agenda item with id {item_id}")


def _item_action(session: Session, workshop_id: int, item_id: int, action: ItemAction) -> None:
    _own_item(session, workshop_id, item_id)
    apply_item_action(session, item_id, action)


@router.get("/workshop", response_model=WorkshopState, summary="The run-sheet with live counts")
async def get_state(request: Request, workshop: Facilitator) -> WorkshopState:
    return await run_in_threadpool(_state, request.app.state.db, workshop.id)


@router.post("/items/{item_id}/{action}", response_model=WorkshopState, summary="Act on an agenda item")
async def item_action(
    request: Request, workshop: Facilitator, item_id: int, action: ItemAction
) -> WorkshopState:
    """open (make current and open for answers), close, reset (delete its answers), reveal / hide-results
    (results on phones), show-entries / hide-entries (participants' proposals to one another)."""
    return await _write_then_state(
        request, workshop, partial(_item_action, workshop_id=workshop.id, item_id=item_id, action=action)
    )


def _current_action(session: Session, workshop_id: int, action: ItemAction) -> None:
    current = store.current_item(session, workshop_id)
    if current is None:
        raise store.AgendaError("no agenda item has been started yet")
    apply_item_action(session, current.id, action)  # type: ignore[arg-type]


@router.post("/current/{action}", response_model=WorkshopState, summary="Act on the current agenda item")
async def current_action(request: Request, workshop: Facilitator, action: ItemAction) -> WorkshopState:
    return await _write_then_state(
        request, workshop, partial(_current_action, workshop_id=workshop.id, action=action)
    )


@router.post("/next", response_model=WorkshopState, summary="Close the current item and open the next")
async def next_item(request: Request, workshop: Facilitator) -> WorkshopState:
    return await _write_then_state(request, workshop, partial(store.next_item, workshop_id=workshop.id))


def _entry_action(session: Session, workshop_id: int, entry_id: int, status: EntryStatus) -> None:
    from workshop.models import Entry

    entry = session.get(Entry, entry_id)
    if entry is None:
        raise LookupError(f"no entry with id {entry_id}")
    _own_item(session, workshop_id, entry.item_id)
    set_entry_status(session, entry_id, status)


@router.post(
    "/entries/{entry_id}/{status}", response_model=WorkshopState, summary="Approve, hide or restore an entry"
)
async def entry_action(
    request: Request, workshop: Facilitator, entry_id: int, status: EntryStatus
) -> WorkshopState:
    return await _write_then_state(
        request, workshop, partial(_entry_action, workshop_id=workshop.id, entry_id=entry_id, status=status)
    )


@router.post("/proxy-seats", response_model=ProxySeat, status_code=201, summary="Add a proxy seat")
async def proxy_seat(request: Request, workshop: Facilitator) -> ProxySeat:
    """A seat for someone without a phone: open the URL on the device their answers are entered on."""
    seat = await request.app.state.writer.submit(partial(add_proxy_seat, workshop_id=workshop.id))
    return ProxySeat(seat_code=seat.code, url=f"/j/{workshop.join_code}/seat?seat={seat.code}")
