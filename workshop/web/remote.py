"""The facilitator's phone remote: the agenda controls as plain HTML forms, behind the facilitator token."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from workshop import store
from workshop.models import EntryStatus, Workshop
from workshop.store.control import ItemAction, add_proxy_seat
from workshop.store.entries import entries
from workshop.web.api import _entry_action, _item_action, workshop_for_token
from workshop.web.state import workshop_state

router = APIRouter(prefix="/f", include_in_schema=False)
COOKIE = "facilitator"


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)  # type: ignore[no-any-return]


async def _workshop(request: Request) -> Workshop | None:
    token = request.cookies.get(COOKIE, "")
    return await run_in_threadpool(workshop_for_token, request.app.state.db, token) if token else None


def _denied(request: Request) -> HTMLResponse:
    context = {
        "title": "Facilitator remote",
        "message": "Open the remote from the link or QR code in the facilitator's terminal (press f there).",
    }
    return _render(request, "problem.html", context, 401)


@router.get("/{token}", response_class=HTMLResponse)
async def sign_in(request: Request, token: str) -> Response:
    """Swap the token in the link for a cookie, so it does not stay in the address bar or history."""
    workshop = await run_in_threadpool(workshop_for_token, request.app.state.db, token)
    if workshop is None:
        return _denied(request)
    response = RedirectResponse("/f/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=12 * 3600)
    return response


def _remote_context(request: Request, workshop_id: int) -> dict[str, Any]:
    with request.app.state.db.reading() as session:
        state = workshop_state(session, workshop_id)
        pending = {
            item.id: list(entries(session, item.id, statuses=[EntryStatus.PENDING.value]))
            for item in state.items
            if item.pending_entries
        }
        return {"state": state, "pending": pending, "workshop": store.get_workshop(session, workshop_id)}


# Fixed texts only: a crafted link cannot make the remote say anything else.
PROBLEMS = {
    "last": "That is the last agenda item, so there is no next one.",
    "stale": "That did not apply: the run-sheet had changed. Here is how it stands now.",
}


def _back(problem: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"/f/?problem={problem}" if problem else "/f/", status_code=303)


@router.get("/", response_class=HTMLResponse)
async def remote(request: Request, problem: str | None = None) -> Response:
    """The run-sheet with a button for every action that makes sense now."""
    workshop = await _workshop(request)
    if workshop is None:
        return _denied(request)
    context = await run_in_threadpool(_remote_context, request, workshop.id)
    return _render(request, "remote.html", {**context, "problem": PROBLEMS.get(problem or "")})


@router.post("/items/{item_id}", response_class=HTMLResponse)
async def act(request: Request, item_id: int, action: str = Form(...), confirm: str = Form("")) -> Response:
    """Carry out one action; a reset asks for confirmation first, since it deletes answers."""
    workshop = await _workshop(request)
    if workshop is None:
        return _denied(request)
    try:
        chosen = ItemAction(action)
    except ValueError:
        return _back("stale")
    if chosen is ItemAction.RESET and confirm != "yes":
        with request.app.state.db.reading() as session:
            item = store.get_item(session, item_id)
        return _render(request, "remote_confirm.html", {"item": item, "workshop": workshop})
    try:
        await request.app.state.writer.submit(
            partial(_item_action, workshop_id=workshop.id, item_id=item_id, action=chosen)
        )
    except store.AgendaError:
        return _back("stale")
    return _back()


@router.post("/next", response_class=HTMLResponse)
async def next_item(request: Request) -> Response:
    """Close the current item and open the next."""
    workshop = await _workshop(request)
    if workshop is None:
        return _denied(request)
    try:
        await request.app.state.writer.submit(partial(store.next_item, workshop_id=workshop.id))
    except store.AgendaError:
        return _back("last")
    return _back()


@router.post("/entries/{entry_id}", response_class=HTMLResponse)
async def moderate(request: Request, entry_id: int, status: str = Form(...)) -> Response:
    """Approve or hide a participant's proposal."""
    workshop = await _workshop(request)
    if workshop is None:
        return _denied(request)
    try:
        chosen = EntryStatus(status)
        await request.app.state.writer.submit(
            partial(_entry_action, workshop_id=workshop.id, entry_id=entry_id, status=chosen)
        )
    except (ValueError, LookupError, store.AgendaError):
        return _back("stale")
    return _back()


@router.post("/proxy", response_class=HTMLResponse)
async def proxy(request: Request) -> Response:
    """Start answering on this device for someone without a phone: a new proxy seat, then their form."""
    workshop = await _workshop(request)
    if workshop is None:
        return _denied(request)
    seat = await request.app.state.writer.submit(partial(add_proxy_seat, workshop_id=workshop.id))
    response = RedirectResponse(f"/w/{workshop.join_code}", status_code=303)
    response.set_cookie(
        f"seat_{workshop.join_code}", seat.token, httponly=True, samesite="lax", max_age=86400
    )
    return response
