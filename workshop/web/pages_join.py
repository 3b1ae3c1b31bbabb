"""The participant pages for joining: the start page, joining a workshop, getting a seat back by its code."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from workshop import store
from workshop.db import Database
from workshop.models import Seat, Workshop
from workshop.store.codes import normalise_code
from workshop.store.seats import add_seat
from workshop.web.guards import SeatCodeGuard
from workshop.web.page_tools import (
    SEAT_COOKIE_DAYS,
    Joinable,
    cookie_name,
    db_of,
    fresh_lookup,
    gone,
    joinable,
    lookup,
    over_tls,
    phone_cache_of,
    reads,
    render,
    run_read,
    to,
    writer_of,
)


def home(request: Request) -> Response:
    """The start page: type the workshop code shown on the screen (``?code=`` when it was typed)."""
    code = request.query_params.get("code")
    error = None
    if code is not None:
        cleaned = normalise_code(code)
        if not cleaned:
            error = "Enter the workshop code shown on the screen"
        else:
            found = lookup(request, cleaned)
            if found is None:
                error = f"No workshop has the code {cleaned}. Check the code on the screen and try again"
            else:
                return to(f"/j/{found.workshop.join_code}")
    errors = [{"anchor": "code", "message": error}] if error else []
    return render(
        request, "home.html", {"error": error, "errors": errors, "code": code or ""}, 422 if error else 200
    )


def _join_context(found: Joinable) -> dict[str, Any]:
    return {
        "workshop": found.workshop,
        "organisations": found.organisations,
        "role_levels": found.role_levels,
    }


def _existing_seat(db: Database, workshop_id: int, token: str) -> bool:
    with db.reading() as session:
        return store.seat_by_token(session, workshop_id, token) is not None


def join_page(request: Request) -> Response:
    """Join a workshop: pick an organisation and a role level, both optional."""
    code: str = request.path_params["code"]
    found = joinable(request, code)
    token = request.cookies.get(cookie_name(found.workshop))
    if token and _existing_seat(db_of(request), found.id, token):
        return to(f"/w/{found.workshop.join_code}")
    if found.join_page is None:
        # The same for every phone while the workshop exists: rendered once per lookup.
        page = render(request, "join.html", {**_join_context(found), "errors": [], "entered": {}})
        found.join_page = bytes(page.body)
    return HTMLResponse(found.join_page)


async def first_page(request: Request) -> Response:
    """:func:`join_page`; the page this worker already rendered, for a phone with no seat cookie, is sent
    from the event loop (every phone in a room asks for the same page within seconds)."""
    found = fresh_lookup(request, request.path_params["code"])
    if (
        found is not None
        and found.join_page is not None
        and not request.cookies.get(cookie_name(found.workshop))
    ):
        return HTMLResponse(found.join_page)
    return await run_read(request, join_page, request)


def _choice(raw: str, options: list[Any]) -> tuple[int | None, bool]:
    """An optional choice from a list of rows by id: (the id or None, whether the input was valid)."""
    if raw in ("", "none"):
        return None, True
    ids = {str(option.id): option.id for option in options}
    return (ids[raw], True) if raw in ids else (None, False)


async def join_submit(request: Request) -> Response:
    """Create the phone's seat and remember it in a cookie."""
    code: str = request.path_params["code"]
    form = await request.form()
    db = db_of(request)
    # A room joins within seconds: the workshop this worker has just looked up is used without a thread.
    found = fresh_lookup(request, code)
    if found is None:
        found = await run_read(request, joinable, request, code)
    workshop = found.workshop
    token = request.cookies.get(cookie_name(workshop))
    if token:
        existing = await run_read(request, _existing_seat, db, found.id, token)
        if existing:  # a second tap on "Join" must not make a second seat
            return to(f"/w/{workshop.join_code}")
    entered = {key: str(form.get(key) or "") for key in ("organisation", "role_level")}
    organisation_id, org_ok = _choice(entered["organisation"], found.organisations)
    role_level_id, role_ok = _choice(entered["role_level"], found.role_levels)
    errors = []
    if not org_ok:
        errors.append(
            {
                "anchor": "organisation-none",
                "message": "Choose an organisation from the list, or Prefer not to say",
            }
        )
    if not role_ok:
        errors.append(
            {
                "anchor": "role_level-none",
                "message": "Choose a role level from the list, or Prefer not to say",
            }
        )
    if errors:
        return render(
            request, "join.html", {**_join_context(found), "errors": errors, "entered": entered}, 422
        )
    cache = phone_cache_of(request)
    generation = cache.generation
    try:
        seat = await writer_of(request).submit(
            partial(
                add_seat, workshop_id=found.id, organisation_id=organisation_id, role_level_id=role_level_id
            )
        )
    except store.SeatError as exc:  # the lists changed since this page read them: the facilitator edited
        errors = [{"anchor": "organisation-none", "message": str(exc)}]
        return render(
            request, "join.html", {**_join_context(found), "errors": errors, "entered": entered}, 422
        )
    except IntegrityError:  # the workshop was deleted meanwhile: its seat has nothing to belong to
        raise gone(request, code) from None
    # The phone's next page most likely comes to this worker: it need not read the seat back.
    cache.keep(generation, found.id, seat.token, seat.row, None, None)
    return _seated(request, workshop, seat.token)


def seat_page(request: Request) -> Response:
    """Get back to a seat on a phone that lost its cookie, with the seat code shown on the old page
    (``?seat=``)."""
    code: str = request.path_params["code"]
    seat = request.query_params.get("seat", "")
    workshop = joinable(request, code).workshop
    return render(request, "seat.html", {"workshop": workshop, "entered": seat[:16], "errors": []})


def _find_seat(
    request: Request, guard: SeatCodeGuard, code: str, cleaned: str, client: str
) -> tuple[Joinable, Seat | None]:
    """The workshop, and the seat a typed code names when the guard lets it be looked up.

    Runs in a worker thread: a rare page, not worth moving onto the loop (see page_tools.run_read).
    """
    found = joinable(request, code)
    if not cleaned or not guard.reserve(found.id, client):
        return found, None
    try:
        with db_of(request).reading() as session:
            seat = store.seat_by_code(session, found.id, cleaned)
    except BaseException:
        guard.release(found.id, client, wrong=False)  # nothing was learned
        raise
    guard.release(found.id, client, wrong=seat is None)
    return found, seat


async def seat_restore(request: Request) -> Response:
    """Set the seat cookie from a seat code; wrong codes are braked (SeatCodeGuard), a right one may wait."""
    code: str = request.path_params["code"]
    form = await request.form()
    typed = str(form.get("seat_code") or "")
    cleaned = normalise_code(typed)
    client = request.client.host if request.client else "?"
    guard: SeatCodeGuard = request.app.state.seat_guard
    found, seat = await run_in_threadpool(_find_seat, request, guard, code, cleaned, client)
    workshop = found.workshop
    if seat is None:
        if not cleaned:
            message = "Enter the seat code shown on your old page"
        elif guard.braked(client):
            message = (
                "Too many wrong codes from this network. Check the code on your old page and try again "
                "in a minute, or ask the facilitator"
            )
        else:
            message = f"No seat in this workshop has the code {cleaned}. Check it and try again"
        errors = [{"anchor": "seat_code", "message": message}]
        return render(
            request, "seat.html", {"workshop": workshop, "entered": typed[:16], "errors": errors}, 422
        )
    return _seated(request, workshop, seat.token)


def _seated(request: Request, workshop: Workshop, token: str) -> Response:
    """To the workshop's page, the phone now holding its seat's cookie."""
    response = to(f"/w/{workshop.join_code}")
    response.set_cookie(
        cookie_name(workshop),
        token,
        max_age=SEAT_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=over_tls(request),  # behind a TLS proxy, never sent in clear text again
    )
    return response


# Plain Starlette routes, put before FastAPI's by app.create_app (see pages.routes for why).
routes: list[BaseRoute] = [
    Route("/", reads(home), methods=["GET"]),
    Route("/j/{code}", first_page, methods=["GET"]),
    Route("/j/{code}", join_submit, methods=["POST"]),
    Route("/j/{code}/seat", reads(seat_page), methods=["GET"]),
    Route("/j/{code}/seat", seat_restore, methods=["POST"]),
]
