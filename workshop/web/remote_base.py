"""What every page of the facilitator's remote shares: the cookie, the form token, the refusals, and a
maturity item's horizons (the run-sheet and the agreed-levels page both offer them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from workshop.activities.maturity.focus import focused_horizon
from workshop.activities.maturity.matrix import matrix_structure
from workshop.models import AgendaItem, Workshop, row_id
from workshop.web import csrf
from workshop.web.api import workshop_for_token
from workshop.web.api_writes import NotHere, read_as_is
from workshop.web.api_writes import own_item as api_own_item

COOKIE = "facilitator"
T = TypeVar("T")


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A remote page: every one carries the form token, and sends its origin with the forms on it."""
    token = csrf.form_token(request.app.state.form_secret, request.cookies.get(COOKIE, ""))
    page = {**context, "csrf": token, "referrer_policy": csrf.REFERRER_POLICY}
    headers = {"Referrer-Policy": csrf.REFERRER_POLICY}
    templates: Jinja2Templates = request.app.state.templates  # app.state holds anything: create_app put this
    return templates.TemplateResponse(request, name, page, status_code=status, headers=headers)


async def signed_in(request: Request) -> Workshop | None:
    """The workshop whose remote cookie the request carries, if it is a valid one."""
    token = request.cookies.get(COOKIE, "")
    return await run_in_threadpool(workshop_for_token, request.app.state.db, token) if token else None


async def poster(request: Request) -> Workshop | Response:
    """The workshop a form post to the remote acts on, or the page refusing it (401, or 403 if forged)."""
    workshop = await signed_in(request)
    if workshop is None:
        return denied(request)
    form = await request.form()  # parsed once: the handler's Form parameters read the same copy
    sent = form.get(csrf.FIELD)
    problem = csrf.refusal(
        request,
        sent if isinstance(sent, str) else "",
        request.app.state.form_secret,
        request.cookies.get(COOKIE, ""),
        request.app.state.public_url,
    )
    if problem is None:
        return workshop
    context = {"title": "Nothing was changed", "message": problem, "back_url": "/f/"}
    return render(request, "problem.html", {**context, "back_label": "Back to the remote"}, 403)


def denied(request: Request) -> HTMLResponse:
    """The page for a browser without the remote's cookie: where to find the link."""
    context = {
        "title": "Facilitator remote",
        "message": "Open the remote from the link or QR code in the facilitator's terminal (press f there).",
    }
    return render(request, "problem.html", context, 401)


def not_found(request: Request, what: str) -> HTMLResponse:
    """A 404 page for an item that is not this workshop's (or not of the kind the page is for)."""
    context = {
        "title": "Not found",
        "message": f"There is no such {what} in this workshop.",
        "back_url": "/f/",
    }
    return render(request, "problem.html", {**context, "back_label": "Back to the remote"}, 404)


async def read(request: Request, query: Callable[[Session], T]) -> T:
    """Run ``query(session)`` in a worker thread, as the API reads; a :class:`NotHere` it raises reaches the
    caller, which shows the remote's own page rather than the API's JSON 404."""
    return await read_as_is(request, query)


def own_item(session: Session, workshop_id: int, item_id: int, kind: str) -> AgendaItem | None:
    """This workshop's item ``item_id`` if it is of ``kind`` (the API's rule); None where the API refuses."""
    try:
        return api_own_item(session, workshop_id, item_id, kind)
    except NotHere:
        return None


@dataclass(frozen=True)
class HorizonButton:
    """One of a maturity item's horizons as the remote offers it: a button, marked if the item is on it."""

    key: str
    label: str
    current: bool


def horizon_choices(session: Session, item_id: int) -> list[HorizonButton]:
    """A maturity item's horizons in order, the one it is on marked."""
    item = session.get(AgendaItem, item_id)
    assert item is not None  # the caller read it from this workshop's agenda
    current = focused_horizon(session, item)
    return [
        HorizonButton(h.key, h.label, current is not None and row_id(h) == row_id(current))
        for h in matrix_structure(session, item).horizons
    ]
