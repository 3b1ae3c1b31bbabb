"""What the facilitator API's outcome endpoints share: one writer, one way to refuse, one rule on ownership.

Every change runs in the single writer (workshop/writer.py) and is answered once it is committed. A row of
another workshop, or of another kind than the route names, is a 404 that says nothing about it. What the
core refuses for the state of the workshop is a 409 in its own words; what it refuses about what was sent is
a 422, shaped like FastAPI's own so a client reads every 422 the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from workshop.db import Database
from workshop.models import AgendaItem
from workshop.row_ids import MAX_ID
from workshop.web.api import REPLIES, Problem
from workshop.writer import BatchWriter

T = TypeVar("T")

WHY = {
    **REPLIES,
    400: "An export format this server does not know; `detail` lists the ones it does.",
    404: "No such item or entry of this kind in this workshop (ids of other workshops' rows too).",
    409: "Refused as the terminal refuses it (merging a value people ranked, agreeing a hidden entry); "
    "`detail` says why.",
}

# An id sent in a body: the bounds a row id has, so a bigger number is a 422, never SQLite's overflow.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]


# Replies to a body the handler never sees, so every operation that reads one declares them: FastAPI itself
# answers 400 to bytes that are not text (JSON text that does not parse is a 422), and the server's guard
# (workshop/web/middleware.py) 413 to a body over its limit.
BODY_REFUSED = {
    400: "The body is not UTF-8 text, so it cannot be read as JSON; nothing was changed.",
    413: "The body is larger than this server accepts; nothing was changed.",
}


def replies(*codes: int, body: bool = False) -> dict[int | str, dict[str, Any]]:
    """The error replies an operation can give, for the OpenAPI schema; ``body``: it reads a JSON body."""
    found: dict[int | str, dict[str, Any]] = {
        code: {"model": Problem, "description": WHY[code]} for code in codes
    }
    if body:
        found |= {code: {"model": Problem, "description": why} for code, why in BODY_REFUSED.items()}
    return found


def outcome_router() -> APIRouter:
    """A router under the API's prefix whose every operation needs the token and can meet a failed save."""
    return APIRouter(prefix="/api/v1", tags=["outcomes"], responses=replies(401, 503))


class Body(BaseModel):
    """A request body: a field the API does not know is a 422, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class NotHere(LookupError):
    """A row that is not this workshop's, or not of the kind asked for: a 404 that says nothing about it."""


class BadField(Exception):
    """A field the request's model let through but this workshop's rows refuse (an unknown factor key)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _unprocessable(message: str, *where: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("body", *where), "msg": message}])


async def write(request: Request, change: Callable[[Session], T], *, about_input: bool = False) -> T:
    """Run ``change`` in the single writer and return its result once committed, or refuse in words.

    ``about_input``: the core's refusals are about what was sent (a rewording too long), so a 422.
    """
    writer: BatchWriter = request.app.state.writer
    try:
        return await writer.submit(change)
    except NotHere as exc:
        raise HTTPException(404, str(exc)) from exc
    except BadField as exc:
        raise _unprocessable(str(exc), exc.field) from exc
    except ValueError as exc:  # ModerationError, AgendaError: the terminal's own words
        if about_input:
            raise _unprocessable(str(exc)) from exc
        raise HTTPException(409, str(exc)) from exc


def _read(db: Database, query: Callable[[Session], T]) -> T:
    with db.reading() as session:
        return query(session)


async def read_as_is(request: Request, query: Callable[[Session], T]) -> T:
    """Run ``query(session)`` in a worker thread (the event loop is the TUI's too); what it raises, the
    caller meets (the remote's pages answer a :class:`NotHere` with a page of their own)."""
    return await run_in_threadpool(_read, request.app.state.db, query)


async def read(request: Request, query: Callable[[Session], T]) -> T:
    """As :func:`read_as_is`, for the API: not here is a 404."""
    try:
        return await read_as_is(request, query)
    except NotHere as exc:
        raise HTTPException(404, str(exc)) from exc


def own_item(session: Session, workshop_id: int, item_id: int, kind: str) -> AgendaItem:
    """This workshop's agenda item ``item_id`` if it is of ``kind``; else :class:`NotHere`."""
    item = session.get(AgendaItem, item_id)
    if item is None or item.workshop_id != workshop_id or item.kind != kind:
        raise NotHere(f"no {kind} item with id {item_id} in this workshop")
    return item
