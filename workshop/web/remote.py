"""The facilitator's phone remote: the agenda controls as plain HTML forms, behind the facilitator token."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from workshop import store
from workshop.activities.maturity import MaturityActivity
from workshop.models import AgendaItem, Entry, EntryStatus, Workshop, row_id
from workshop.store.entries import entries
from workshop.store.seats import add_proxy_seat
from workshop.usecases.control import ItemAction
from workshop.web.api import _entry_action, _item_action, workshop_for_token
from workshop.web.ids import RowId
from workshop.web.page_tools import over_tls
from workshop.web.remote_base import COOKIE, horizon_choices
from workshop.web.remote_base import denied as _denied
from workshop.web.remote_base import poster as _poster
from workshop.web.remote_base import render as _render
from workshop.web.remote_base import signed_in as _workshop
from workshop.web.state import workshop_state

router = APIRouter(prefix="/f", include_in_schema=False)


@router.get("/{token}", response_class=HTMLResponse)
async def sign_in(request: Request, token: str) -> Response:
    """Swap the token in the link for a cookie, so it does not stay in the address bar or history."""
    workshop = await run_in_threadpool(workshop_for_token, request.app.state.db, token)
    if workshop is None:
        return _denied(request)
    response = RedirectResponse("/f/", status_code=303)
    # Secure behind HTTPS (a hosted server's proxy says so with X-Forwarded-Proto): the cookie is the
    # facilitator's token, and must never travel in clear text once the page came over TLS.
    secure = over_tls(request)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=12 * 3600, secure=secure)
    return response


def _remote_context(request: Request, workshop_id: int) -> dict[str, Any]:
    with request.app.state.db.reading() as session:
        state = workshop_state(session, workshop_id)
        # Only kinds whose proposals wait for approval (ranking) count any; template entries never do.
        pending = {
            item.id: [
                entry
                for entry in entries(session, item.id, statuses=[EntryStatus.PENDING.value])
                if entry.seat_id is not None
            ]
            for item in state.items
            if item.approves_entries and item.pending_entries
        }
        horizons = {
            item.id: horizon_choices(session, item.id)
            for item in state.items
            if item.kind == MaturityActivity.kind
        }
        return {
            "state": state,
            "pending": pending,
            "horizons": horizons,
            "workshop": store.get_workshop(session, workshop_id),
        }


# Fixed texts only: a crafted link cannot make the remote say anything else.
PROBLEMS = {
    "last": "That is the last agenda item, so there is no next one.",
    "first": "That is the first agenda item (or nothing has started), so there is no previous one.",
    "stale": "That did not apply: the run-sheet had changed. Here is how it stands now.",
}


def _back(item_id: int | None = None, problem: str | None = None) -> RedirectResponse:
    """Back to the run-sheet: at the item acted on (``#item-{id}``), or at the top when ``item_id`` is None.

    The item also goes in the query (``at``): the page needs it to keep its 20-second refresh working, since
    a browser treats a refresh to the address it is on plus a ``#fragment`` as a jump within the page.
    """
    query = {key: value for key, value in (("problem", problem), ("at", item_id)) if value is not None}
    url = "/f/" + (f"?{urlencode(query)}" if query else "")
    if item_id is not None:
        url += f"#item-{item_id}"
    return RedirectResponse(url, status_code=303)


def _refresh_url(at: int | None, flip: bool) -> str | None:
    """Where the page's meta refresh goes: None (reload in place) unless the page was opened at an item.

    Opened at ``#item-N``, a plain reload would only jump to the fragment, so the refresh goes to the same
    item with ``r`` toggled: the address differs each time and the browser loads the page again.
    """
    if at is None:
        return None
    return f"/f/?at={at}" + ("" if flip else "&r=1") + f"#item-{at}"


@router.get("/", response_class=HTMLResponse)
async def remote(
    request: Request, problem: str | None = None, at: str | None = None, r: str | None = None
) -> Response:
    """The run-sheet with a button for every action that makes sense now; the current item on top."""
    workshop = await _workshop(request)
    if workshop is None:
        return _denied(request)
    context = await run_in_threadpool(_remote_context, request, row_id(workshop))
    state = context["state"]
    # ``at`` is only ever used as one of this workshop's item ids, never echoed as given.
    at_item = next((item.id for item in state.items if at is not None and str(item.id) == at), None)
    current = next((item for item in state.items if item.is_current), None)
    return _render(
        request,
        "remote.html",
        {
            **context,
            "problem": PROBLEMS.get(problem or ""),
            "at": at_item,
            "current": current,
            "is_last": bool(state.items) and current is state.items[-1],
            "is_first": bool(state.items) and current is state.items[0],
            "refresh_url": _refresh_url(at_item, flip=r is not None),
        },
    )


def _own_item(request: Request, workshop_id: int, item_id: int) -> AgendaItem | None:
    with request.app.state.db.reading() as session:
        item = session.get(AgendaItem, item_id)
    return item if item is not None and item.workshop_id == workshop_id else None


@router.post("/items/{item_id:rowid}", response_class=HTMLResponse)
async def act(
    request: Request, item_id: RowId, action: str = Form(...), confirm: str = Form(""), back: str = Form("")
) -> Response:
    """Carry out one action; a reset asks for confirmation first, since it deletes answers.

    Back to the item acted on, or to the top when the button was in the "Now" summary (``back=top``).
    """
    workshop = await _poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    item = await run_in_threadpool(_own_item, request, row_id(workshop), item_id)
    if item is None:
        return _back(problem="stale")
    to = None if back == "top" else item_id
    try:
        chosen = ItemAction(action)
    except ValueError:
        return _back(to, "stale")
    if chosen is ItemAction.RESET and confirm != "yes":
        return _render(request, "remote_confirm.html", {"item": item, "workshop": workshop, "back": back})
    try:
        await request.app.state.writer.submit(
            partial(_item_action, workshop_id=row_id(workshop), item_id=item_id, action=chosen)
        )
    except (store.AgendaError, LookupError):
        return _back(to, "stale")
    return _back(to)


@router.post("/next", response_class=HTMLResponse)
async def next_item(request: Request, back: str = Form("")) -> Response:
    """Close the current item and open the next; back at the top (``back=top``) or at the new item."""
    workshop = await _poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    try:
        item = await request.app.state.writer.submit(partial(store.next_item, workshop_id=row_id(workshop)))
    except store.AgendaError:
        return _back(problem="last")
    return _back(None if back == "top" else item.id)


@router.post("/previous", response_class=HTMLResponse)
async def previous_item(request: Request, back: str = Form("")) -> Response:
    """Close the current item and open the one before it, as `N` in the terminal."""
    workshop = await _poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    step_back = partial(store.next_item, workshop_id=row_id(workshop), step=-1)
    try:
        item = await request.app.state.writer.submit(step_back)
    except store.AgendaError:
        return _back(problem="first")
    return _back(None if back == "top" else item.id)


def _moderate(session: Session, workshop_id: int, entry_id: int, status: EntryStatus) -> int:
    """Set the entry's status; the id of its agenda item, to go back to."""
    _entry_action(session, workshop_id=workshop_id, entry_id=entry_id, status=status)
    entry = session.get(Entry, entry_id)
    assert entry is not None
    return entry.item_id


@router.post("/entries/{entry_id:rowid}", response_class=HTMLResponse)
async def moderate(request: Request, entry_id: RowId, status: str = Form(...)) -> Response:
    """Approve or hide a participant's proposal."""
    workshop = await _poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    try:
        chosen = EntryStatus(status)
        item_id = await request.app.state.writer.submit(
            partial(_moderate, workshop_id=row_id(workshop), entry_id=entry_id, status=chosen)
        )
    except (ValueError, LookupError, store.AgendaError):
        return _back(problem="stale")
    return _back(item_id)


@router.post("/proxy", response_class=HTMLResponse)
async def proxy(request: Request) -> Response:
    """Start answering on this device for someone without a phone: a new proxy seat, then their form."""
    workshop = await _poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    seat = await request.app.state.writer.submit(partial(add_proxy_seat, workshop_id=row_id(workshop)))
    response = RedirectResponse(f"/w/{workshop.join_code}", status_code=303)
    response.set_cookie(
        f"seat_{workshop.join_code}",
        seat.token,
        httponly=True,
        samesite="lax",
        max_age=86400,
        secure=over_tls(request),
    )
    return response
