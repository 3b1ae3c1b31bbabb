"""The remote's values moderation: agree, hide or restore a value or behaviour, merge a duplicate value (its
dots preview first, in the terminal's words) and move a behaviour to another value.

Every change is the call the API's values operations make (workshop/web/api_values.py), with the same
ownership check and the same refusals; nothing here decides anything of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from workshop.models import Entry, Workshop, row_id
from workshop.store import moderation
from workshop.store.entries import VISIBLE
from workshop.usecases import merging
from workshop.web.api_values import ValuesBoard, _board, _value_entry
from workshop.web.api_writes import NotHere
from workshop.web.ids import RowId
from workshop.web.remote_base import denied, not_found, poster, read, render, signed_in

router = APIRouter(prefix="/f", include_in_schema=False)

# What each button does: the terminal's `a` and `x`, both ways.
ACTIONS: dict[str, Callable[[Session, int], object]] = {
    "agree": lambda s, i: moderation.set_agreed(s, i, True),
    "unagree": lambda s, i: moderation.set_agreed(s, i, False),
    "hide": lambda s, i: moderation.set_hidden(s, i, True),
    "restore": lambda s, i: moderation.set_hidden(s, i, False),
}
# Fixed texts only: a crafted link cannot make the page say anything else.
DONE = {
    "agree": "Marked as agreed.",
    "unagree": "No longer marked as agreed.",
    "hide": "Hidden from phones and results.",
    "restore": "Restored.",
    "merged": "Merged, with its dots; the duplicate stays on record.",
    "moved": "Behaviour moved.",
}
WHAT = "values item, value or behaviour"


def _context(board: ValuesBoard) -> dict[str, Any]:
    visible = [v for v in board.values if v.status in VISIBLE]
    return {"board": board, "visible": visible, "visible_statuses": VISIBLE}


def _read_board(session: Session, workshop_id: int, item_id: int) -> dict[str, Any] | None:
    try:
        return _context(_board(session, workshop_id, item_id))
    except NotHere:
        return None


async def _page(
    request: Request, workshop: Workshop, item_id: int, problem: str = "", done: str = "", status: int = 200
) -> Response:
    context = await read(request, partial(_read_board, workshop_id=row_id(workshop), item_id=item_id))
    if context is None:
        return not_found(request, WHAT)
    page = {**context, "workshop": workshop, "problem": problem, "done": DONE.get(done, "")}
    return render(request, "remote_values.html", page, status)


@router.get("/values/{item_id:rowid}", response_class=HTMLResponse)
async def values_page(request: Request, item_id: RowId, done: str = "") -> Response:
    """Every value and behaviour, hidden and merged ones too, with the moderation buttons."""
    workshop = await signed_in(request)
    if workshop is None:
        return denied(request)
    return await _page(request, workshop, item_id, done=done)


def _back(item_id: int, done: str, entry_id: int) -> RedirectResponse:
    return RedirectResponse(f"/f/values/{item_id}?done={done}#entry-{entry_id}", status_code=303)


async def _change(
    request: Request, workshop: Workshop, entry_id: int, change: Callable[[Session, Entry], object], done: str
) -> Response:
    """Apply ``change`` to this workshop's value or behaviour: back to its item, or the refusal in words."""
    workshop_id = row_id(workshop)

    def apply(session: Session) -> int:
        entry = _value_entry(session, workshop_id, entry_id)
        change(session, entry)
        return entry.item_id

    try:
        item_id = await request.app.state.writer.submit(apply)
    except NotHere:
        return not_found(request, WHAT)
    except ValueError as exc:  # ModerationError: the terminal's own words
        try:
            item_id = await read(request, lambda s: _value_entry(s, workshop_id, entry_id).item_id)
        except NotHere:
            return not_found(request, WHAT)
        return await _page(request, workshop, item_id, problem=f"Not changed: {exc}.", status=409)
    return _back(item_id, done, entry_id)


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


@router.post("/values/entries/{entry_id:rowid}", response_class=HTMLResponse)
async def moderate(request: Request, entry_id: RowId, action: str = Form("")) -> Response:
    """Agree, take the agreement off, hide or restore a value or behaviour."""
    workshop = await poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    chosen = ACTIONS.get(action)
    if chosen is None:
        return not_found(request, "action")
    return await _change(request, workshop, entry_id, lambda s, e: chosen(s, row_id(e)), action)


async def _other(request: Request, workshop: Workshop, entry_id: int, sent: str, what: str) -> int | Response:
    """The value chosen in a select, or the values page saying it must be chosen (422)."""
    other = _number(sent)
    if other is not None:
        return other
    try:
        item_id = await read(request, lambda s: _value_entry(s, row_id(workshop), entry_id).item_id)
    except NotHere:
        return not_found(request, WHAT)
    return await _page(request, workshop, item_id, problem=f"Choose the value to {what}.", status=422)


@router.post("/values/entries/{entry_id:rowid}/move", response_class=HTMLResponse)
async def move(request: Request, entry_id: RowId, value_id: str = Form("")) -> Response:
    """Move a behaviour under another value of the same activity."""
    workshop = await poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    target = await _other(request, workshop, entry_id, value_id, "move it to")
    if not isinstance(target, int):
        return target

    def change(session: Session, entry: Entry) -> None:
        _value_entry(session, row_id(workshop), target)  # this workshop's too, or a 404
        moderation.move_entry(session, row_id(entry), target)

    return await _change(request, workshop, entry_id, change, "moved")


def _preview(session: Session, workshop_id: int, entry_id: int, into: int) -> dict[str, Any]:
    entry = _value_entry(session, workshop_id, entry_id)
    _value_entry(session, workshop_id, into)
    return {"entry": entry, "into": into, "preview": merging.merge_preview(session, entry_id, into)}


@router.get("/values/entries/{entry_id:rowid}/merge", response_class=HTMLResponse)
async def merge_preview(request: Request, entry_id: RowId, into: str = "") -> Response:
    """What merging the value would do to the dots, in the terminal's words, and a button to do it."""
    workshop = await signed_in(request)
    if workshop is None:
        return denied(request)
    target = await _other(request, workshop, entry_id, into, "merge it into")
    if not isinstance(target, int):
        return target
    try:
        context = await read(
            request, partial(_preview, workshop_id=row_id(workshop), entry_id=entry_id, into=target)
        )
    except NotHere:
        return not_found(request, WHAT)
    return render(request, "remote_merge.html", {**context, "workshop": workshop})


@router.post("/values/entries/{entry_id:rowid}/merge", response_class=HTMLResponse)
async def merge(request: Request, entry_id: RowId, into: str = Form("")) -> Response:
    """Merge a duplicate value into another, with its dots (refused, in words, when votes cannot move)."""
    workshop = await poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    target = await _other(request, workshop, entry_id, into, "merge it into")
    if not isinstance(target, int):
        return target

    def change(session: Session, entry: Entry) -> None:
        _value_entry(session, row_id(workshop), target)
        merging.merge_value(session, row_id(entry), target)

    return await _change(request, workshop, entry_id, change, "merged")
