"""The participant pages: join a workshop, answer the current activity, see that it was saved."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from workshop import store, usecases
from workshop.activities import get_activity
from workshop.activities.base import AnswerRefused, FormError, StepRefused
from workshop.db import Database
from workshop.models import AgendaItem, ItemState, Seat, Workshop, row_id
from workshop.store.codes import normalise_code
from workshop.web.guards import SeatCodeGuard, StatusCache
from workshop.web.ids import RowId
from workshop.writer import BatchWriter

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

SEAT_COOKIE_DAYS = 7


# Starlette's app.state holds anything: these name what create_app put there.


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _writer(request: Request) -> BatchWriter:
    writer: BatchWriter = request.app.state.writer
    return writer


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def _cookie_name(workshop: Workshop) -> str:
    return f"seat_{workshop.join_code}"


def _workshop(session: Any, code: str) -> Workshop:
    try:
        return store.find_by_join_code(session, code)
    except store.WorkshopNotFound:
        raise HTTPException(404) from None


def _seat(request: Request, session: Any, workshop: Workshop) -> Seat | None:
    return store.seat_by_token(session, row_id(workshop), request.cookies.get(_cookie_name(workshop)))


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, code: str | None = None) -> Response:
    """The start page: type the workshop code shown on the screen."""
    error = None
    if code is not None:
        cleaned = normalise_code(code)
        if not cleaned:
            error = "Enter the workshop code shown on the screen"
        else:
            with _db(request).reading() as session:
                try:
                    workshop = store.find_by_join_code(session, cleaned)
                except store.WorkshopNotFound:
                    error = f"No workshop has the code {cleaned}. Check the code on the screen and try again"
                else:
                    return _to(f"/j/{workshop.join_code}")
    errors = [{"anchor": "code", "message": error}] if error else []
    return _render(
        request, "home.html", {"error": error, "errors": errors, "code": code or ""}, 422 if error else 200
    )


def _join_context(db: Database, code: str) -> dict[str, Any]:
    with db.reading() as session:
        workshop = _workshop(session, code)
        return {
            "workshop": workshop,
            "organisations": list(store.organisations(session, row_id(workshop))),
            "role_levels": list(store.role_levels(session, row_id(workshop))),
        }


@router.get("/j/{code}", response_class=HTMLResponse)
def join_page(request: Request, code: str) -> Response:
    """Join a workshop: pick an organisation and a role level, both optional."""
    with _db(request).reading() as session:
        workshop = _workshop(session, code)
        if _seat(request, session, workshop) is not None:
            return _to(f"/w/{workshop.join_code}")
    context = _join_context(_db(request), code)
    return _render(request, "join.html", {**context, "errors": [], "entered": {}})


def _choice(raw: str, options: list[Any]) -> tuple[int | None, bool]:
    """An optional choice from a list of rows by id: (the id or None, whether the input was valid)."""
    if raw in ("", "none"):
        return None, True
    ids = {str(option.id): option.id for option in options}
    return (ids[raw], True) if raw in ids else (None, False)


@router.post("/j/{code}", response_class=HTMLResponse)
async def join_submit(request: Request, code: str) -> Response:
    """Create the phone's seat and remember it in a cookie."""
    form = await request.form()
    db = _db(request)
    context = await run_in_threadpool(_join_context, db, code)
    workshop: Workshop = context["workshop"]
    token = request.cookies.get(_cookie_name(workshop))
    if token:
        existing = await run_in_threadpool(_existing_seat, db, row_id(workshop), token)
        if existing:  # a second tap on "Join" must not make a second seat
            return _to(f"/w/{workshop.join_code}")
    entered = {key: str(form.get(key) or "") for key in ("organisation", "role_level")}
    organisation_id, org_ok = _choice(entered["organisation"], context["organisations"])
    role_level_id, role_ok = _choice(entered["role_level"], context["role_levels"])
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
        return _render(request, "join.html", {**context, "errors": errors, "entered": entered}, 422)
    seat = await _writer(request).submit(
        partial(
            store.join,
            workshop_id=row_id(workshop),
            organisation_id=organisation_id,
            role_level_id=role_level_id,
        )
    )
    response = _to(f"/w/{workshop.join_code}")
    response.set_cookie(
        _cookie_name(workshop), seat.token, max_age=SEAT_COOKIE_DAYS * 86400, httponly=True, samesite="lax"
    )
    return response


@router.get("/j/{code}/seat", response_class=HTMLResponse)
def seat_page(request: Request, code: str, seat: str = "") -> Response:
    """Get back to a seat on a phone that lost its cookie, with the seat code shown on the old page."""
    with _db(request).reading() as session:
        workshop = _workshop(session, code)
    return _render(request, "seat.html", {"workshop": workshop, "entered": seat[:16], "errors": []})


def _find_seat(
    db: Database, guard: SeatCodeGuard, code: str, cleaned: str, client: str
) -> tuple[Workshop, Seat | None]:
    """The workshop, and the seat a typed code names when the guard lets it be looked up.

    Runs in a worker thread: a busy database must not hold up the event loop the terminal shares.
    """
    with db.reading() as session:
        workshop = _workshop(session, code)
        if not cleaned or not guard.reserve(row_id(workshop), client):
            return workshop, None
        try:
            seat = store.seat_by_code(session, row_id(workshop), cleaned)
        except BaseException:
            guard.release(row_id(workshop), client, wrong=False)  # nothing was learned
            raise
        guard.release(row_id(workshop), client, wrong=seat is None)
        return workshop, seat


@router.post("/j/{code}/seat", response_class=HTMLResponse)
async def seat_restore(request: Request, code: str) -> Response:
    """Set the seat cookie from a seat code; wrong codes are braked (SeatCodeGuard), a right one may wait."""
    form = await request.form()
    typed = str(form.get("seat_code") or "")
    cleaned = normalise_code(typed)
    client = request.client.host if request.client else "?"
    guard: SeatCodeGuard = request.app.state.seat_guard
    workshop, seat = await run_in_threadpool(_find_seat, _db(request), guard, code, cleaned, client)
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
        return _render(
            request, "seat.html", {"workshop": workshop, "entered": typed[:16], "errors": errors}, 422
        )
    response = _to(f"/w/{workshop.join_code}")
    response.set_cookie(
        _cookie_name(workshop), seat.token, max_age=SEAT_COOKIE_DAYS * 86400, httponly=True, samesite="lax"
    )
    return response


@router.get("/w/{code}/status")
async def status(request: Request, code: str) -> JSONResponse:
    """What a phone polls to follow the agenda: cheap, cached for a second, no seat needed.

    A fresh cached answer is served on the event loop; only a miss goes to the thread pool.
    """
    cache: StatusCache = request.app.state.status_cache
    key = normalise_code(code)
    hit = cache.fresh(key)
    if hit is None:
        hit = await run_in_threadpool(cache.get, key, lambda: _status(request, code))
    return JSONResponse(hit)


def _status(request: Request, code: str) -> dict[str, Any]:
    with _db(request).reading() as session:
        try:
            workshop = store.find_by_join_code(session, code)
        except store.WorkshopNotFound:
            return {"found": False}
        item = store.current_item(session, row_id(workshop))
        return {
            "found": True,
            "revision": workshop.revision,
            "item": item.id if item else None,
            "state": item.state if item else None,
            "revealed": bool(item and item.revealed),
            "shown": bool(item and item.entries_shown),
            # What else a phone's page shows that can change (an option to rank, a horizon): the kind's.
            "phase": get_activity(item.kind).phase(session, item) if item else "",
        }


def _existing_seat(db: Database, workshop_id: int, token: str) -> bool:
    with db.reading() as session:
        return store.seat_by_token(session, workshop_id, token) is not None


def _activity_context(
    request: Request, code: str, item_id: int | None, step: str | None = None
) -> dict[str, Any]:
    """Everything a participant page needs, read in one short transaction (for a form in steps, at
    ``step``; a step the form does not have shows where the seat carries on, with ``step_error``)."""
    with _db(request).reading() as session:
        workshop = _workshop(session, code)
        seat = _seat(request, session, workshop)
        context: dict[str, Any] = {"workshop": workshop, "seat": seat, "item": None, "values": {}}
        if seat is None:
            return context
        item = (
            store.current_item(session, row_id(workshop))
            if item_id is None
            else session.get(AgendaItem, item_id)
        )
        if item is None or item.workshop_id != workshop.id:
            return context
        activity = get_activity(item.kind)
        # The last item, done: phones should say goodbye rather than wait for an activity that won't come.
        # Only a closed item can be that, so the agenda is read then, not on every vote.
        finished = (
            item.state == ItemState.CLOSED and store.agenda(session, row_id(workshop))[-1].id == item.id
        )
        context.update(item=item, activity=activity, finished=finished, phase=activity.phase(session, item))
        if activity.accepts_responses:
            structure = activity.structure(session, item)
            context["structure"] = structure
            context.update(activity.phone_context(session, item, seat, structure))
            try:
                context.update(activity.phone_step(context, step))
            except StepRefused as exc:
                context.update(activity.phone_step(context, None))
                context["step_error"] = FormError("step", "main", str(exc))
            if item.revealed and activity.results_template:
                context["results"] = activity.summarise(session, item)
        return context


@router.get("/w/{code}", response_class=HTMLResponse)
def current_activity(
    request: Request, code: str, notice: str | None = None, step: str | None = None
) -> Response:
    """What the participant should do now: the current activity's form (at ``step`` for a form in
    steps), or a waiting page."""
    context = _activity_context(request, code, None, step)
    workshop: Workshop = context["workshop"]
    if context["seat"] is None:
        return _to(f"/j/{workshop.join_code}")
    item = context["item"]
    if item is None or not context["activity"].accepts_responses:
        return _render(request, "waiting.html", context)
    if item.state != ItemState.OPEN:
        return _render(request, "closed.html", context)
    # Only notices this app writes are shown: a link cannot make the page say anything else.
    shown = NOTICES.get(notice or "")
    if "step_error" in context:
        page = {**context, "errors": [context["step_error"]], "notice": None}
        return _render(request, context["activity"].phone_template, page, 422)
    return _render(request, context["activity"].phone_template, {**context, "errors": [], "notice": shown})


NOTICES = {
    "added": "Added. You can add more, or remove what you added, until this activity closes.",
    "removed": "Removed.",
    "saved": "Saved. You can change it until this activity closes.",
}


@router.post("/w/{code}/items/{item_id:rowid}", response_class=HTMLResponse)
async def submit_answers(request: Request, code: str, item_id: RowId) -> Response:
    """Validate and save a participant's answers; the reply goes out only after the commit."""
    form = await request.form()
    data = {key: value for key, value in form.items() if isinstance(value, str)}
    context = await run_in_threadpool(_activity_context, request, code, item_id, data.get("step"))
    workshop: Workshop = context["workshop"]
    if context["seat"] is None:
        return _to(f"/j/{workshop.join_code}")
    item = context["item"]
    if item is None or not context["activity"].accepts_responses:
        raise HTTPException(404)
    if item.state != ItemState.OPEN:
        return _render(request, "closed.html", {**context, "unsaved": True}, 409)
    activity = context["activity"]
    if "step_error" in context:
        return _render(request, activity.phone_template, {**context, "errors": [context["step_error"]]}, 422)
    parsed = activity.parse_form(context["structure"], data)
    if parsed.rerender and not parsed.errors:
        return _render(request, activity.phone_template, {**context, "errors": [], "values": parsed.entered})
    if parsed.errors:
        values = {**context["values"], **parsed.entered}
        page = {**context, "errors": parsed.errors, "summary": parsed.summary, "values": values}
        return _render(request, activity.phone_template, page, 422)
    try:
        await _writer(request).submit(
            partial(
                usecases.save_response, item_id=item.id, seat_id=context["seat"].id, answers=parsed.answers
            )
        )
    except store.ActivityClosed:
        return _render(request, "closed.html", {**context, "unsaved": True}, 409)
    except AnswerRefused as exc:
        error = FormError("form", "main", str(exc))
        page = {**context, "errors": [error], "values": {**context["values"], **parsed.entered}}
        return _render(request, activity.phone_template, page, 409)
    except Exception:  # the commit failed: say so, so the participant tries again rather than trusting it
        log.exception("saving answers to item %s failed", item.id)
        page = {**context, "errors": [], "values": parsed.entered, "not_saved": True}
        return _render(request, activity.phone_template, page, 503)
    if parsed.step is not None:
        return _to(f"/w/{workshop.join_code}?step={quote(parsed.step)}")
    if activity.after_save == "form":
        return _to(f"/w/{workshop.join_code}?notice={parsed.notice or 'saved'}")
    return _to(f"/w/{workshop.join_code}/items/{item.id}/saved")


@router.get("/w/{code}/items/{item_id:rowid}/saved", response_class=HTMLResponse)
def saved(request: Request, code: str, item_id: RowId) -> Response:
    """The confirmation a participant sees after saving."""
    context = _activity_context(request, code, item_id)
    if context["seat"] is None or context["item"] is None:
        return _to(f"/j/{quote(code)}")
    return _render(request, "saved.html", context)
