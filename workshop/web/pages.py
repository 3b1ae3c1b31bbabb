"""The participant pages once joined: follow the agenda, answer the current activity, see it was saved.

Joining is in :mod:`workshop.web.pages_join`; what both share in :mod:`workshop.web.page_tools`.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from workshop import store, usecases
from workshop.activities import get_activity
from workshop.activities.base import AnswerRefused, FormError, ParsedForm, StepRefused
from workshop.models import AgendaItem, ItemState, Seat, Workshop, row_id
from workshop.store.codes import normalise_code
from workshop.store.phone_reads import seat_and_item
from workshop.web import ids
from workshop.web.guards import StatusCache
from workshop.web.page_tools import (
    cookie_name,
    db_of,
    fresh_lookup,
    gone,
    joinable,
    phone_cache_of,
    reads,
    render,
    render_for_seat,
    run_read,
    to,
    writer_of,
)
from workshop.web.phone_cache import KeptItem, PhoneCache
from workshop.write_problems import for_phones, write_problem

log = logging.getLogger(__name__)


async def status(request: Request) -> JSONResponse:
    """What a phone polls to follow the agenda: cheap, cached for a second, no seat needed.

    A fresh cached answer is served on the event loop; only a miss reads, as :func:`run_read` runs it.
    """
    code: str = request.path_params["code"]
    cache: StatusCache = request.app.state.status_cache
    key = normalise_code(code)
    hit = cache.fresh(key)
    if hit is None:
        hit = await run_read(request, cache.get, key, lambda: _status(request, code))
    return JSONResponse(hit)


def _status(request: Request, code: str) -> dict[str, Any]:
    with db_of(request).reading() as session:
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


def _activity_context(
    request: Request,
    code: str,
    item_id: int | None,
    step: str | None = None,
    *,
    form: bool = True,
    page: bool = True,
) -> dict[str, Any]:
    """Everything a participant page needs, read in one short transaction (for a form in steps, at
    ``step``; a step the form does not have shows where the seat carries on, with ``step_error``).
    Without ``form`` (the saved page), only what the page around a form shows. Without ``page`` (a vote
    about to be saved), only the seat, the item, its kind and the form's structure: no page is drawn."""
    found = joinable(request, code)
    workshop = found.workshop
    token = request.cookies.get(cookie_name(workshop))
    # A page that finds both kept (on PostgreSQL) reads only what the item's kind shows.
    cache = phone_cache_of(request)
    generation = cache.generation
    seat, kept = _kept(cache, found.id, token, item_id)
    db = db_of(request)
    # One Core transaction, on SQLite on the kept connection (no pool checkout): the seat and the item in
    # one statement, then a session only for what the item's kind reads.
    with db.read_connection() as connection:
        if kept is not None:
            item: AgendaItem | None = kept.item
        else:
            try:
                seat, item = seat_and_item(connection, found.id, token, item_id)
            except store.WorkshopNotFound:
                raise gone(request, code) from None
        context: dict[str, Any] = {"workshop": workshop, "seat": seat, "item": None, "values": {}}
        if seat is None or item is None or item.workshop_id != workshop.id:
            return context
        # Results shown on the page are a summary of many statements, which must agree: on PostgreSQL,
        # whose page reads are each their own snapshot, they are read in one transaction, after this one.
        whole = page and item.revealed and not db.is_sqlite
        if not whole:
            context = _kind_context(context, Session(connection), found.id, item, step, form=form, page=page)
    if whole:
        with db.reading() as session:
            context = _kind_context(context, session, found.id, item, step, form=form, page=page)
    cache.keep(generation, found.id, token, seat, item_id, item, context.get("structure"))
    return context


def _kept(
    cache: PhoneCache, workshop_id: int, token: str | None, item_id: int | None
) -> tuple[Seat | None, KeptItem | None]:
    """The seat and the open item as this worker keeps them (workshop/web/phone_cache.py); the item only
    with the seat, since a page without one shows no item."""
    seat = cache.seat(workshop_id, token)
    return seat, cache.open_item(workshop_id, item_id) if seat is not None else None


def _kept_context(request: Request, code: str, item_id: int, *, page: bool = False) -> dict[str, Any] | None:
    """What a vote needs (as :func:`_activity_context` without ``page``), when this worker keeps all of
    it: the workshop, the seat, the open item and its never-changing structure. None if not: then read.
    With ``page``, what the saved page shows instead (as with ``form=False``): the kind's phase in place
    of the structure, when the item alone tells it, and no results to show.

    Nothing is read, so the vote goes to the writer without a thread or a round trip; the writer checks
    the item and the seat again in its own transaction, as it does for every vote.
    """
    found = fresh_lookup(request, code)
    if found is None:
        return None
    seat, kept = _kept(
        phone_cache_of(request), found.id, request.cookies.get(cookie_name(found.workshop)), item_id
    )
    if kept is None:
        return None
    activity = get_activity(kept.item.kind)
    context: dict[str, Any] = {
        "workshop": found.workshop,
        "seat": seat,
        "item": kept.item,
        "values": {},
        "activity": activity,
        "finished": False,  # open, so not the agenda's last item done
    }
    if page:
        phase = activity.phase_unread(kept.item)
        shows_results = kept.item.revealed and activity.results_template
        return None if phase is None or shows_results else {**context, "phase": phase}
    return None if kept.structure is None else {**context, "structure": kept.structure}


def _kind_context(
    context: dict[str, Any],
    session: Session,
    workshop_id: int,
    item: AgendaItem,
    step: str | None,
    *,
    form: bool,
    page: bool,
) -> dict[str, Any]:
    """The rest of :func:`_activity_context`, read through ``session``: what the item's kind shows."""
    activity = get_activity(item.kind)
    # The last item, done: phones should say goodbye rather than wait for an activity that won't come.
    # Only a closed item can be that, so the agenda is read then, not on every vote.
    with session:
        finished = item.state == ItemState.CLOSED and store.agenda(session, workshop_id)[-1].id == item.id
        context.update(item=item, activity=activity, finished=finished)
        if not page:
            if activity.accepts_responses and form:
                context["structure"] = activity.structure(session, item)
            return context
        context["phase"] = activity.phase(session, item)
        if activity.accepts_responses:
            if form:
                structure = activity.structure(session, item)
                context["structure"] = structure
                context.update(activity.phone_context(session, item, context["seat"], structure))
                try:
                    context.update(activity.phone_step(context, step))
                except StepRefused as exc:
                    context.update(activity.phone_step(context, None))
                    context["step_error"] = FormError("step", "main", str(exc))
            if item.revealed and activity.results_template:
                context["results"] = activity.summarise(session, item)
        return context


def current_activity(request: Request) -> Response:
    """What the participant should do now: the current activity's form (at ``?step=`` for a form in
    steps), or a waiting page; ``?notice=`` names one of :data:`NOTICES`."""
    code: str = request.path_params["code"]
    notice = request.query_params.get("notice")
    step = request.query_params.get("step")
    context = _activity_context(request, code, None, step)
    workshop: Workshop = context["workshop"]
    if context["seat"] is None:
        return to(f"/j/{workshop.join_code}")
    item = context["item"]
    if item is None or not context["activity"].accepts_responses:
        return render(request, "waiting.html", context)
    if item.state != ItemState.OPEN:
        return render(request, "closed.html", context)
    # Only notices this app writes are shown: a link cannot make the page say anything else.
    shown = NOTICES.get(notice or "")
    if "step_error" in context:
        page = {**context, "errors": [context["step_error"]], "notice": None}
        return render(request, context["activity"].phone_template, page, 422)
    return render_for_seat(
        request, context["activity"].phone_template, {**context, "errors": [], "notice": shown}
    )


NOTICES = {
    "added": "Added. You can add more, or remove what you added, until this activity closes.",
    "removed": "Removed.",
    "saved": "Saved. You can change it until this activity closes.",
}


async def submit_answers(request: Request) -> Response:
    """Validate and save a participant's answers; the reply goes out only after the commit.

    A vote that will be saved needs the item and its form's structure, not the seat's saved answers or
    anything else a page shows: those are read (in a second transaction) only when the form is drawn
    again, for an error or a refusal.
    """
    code: str = request.path_params["code"]
    item_id: ids.RowId = request.path_params["item_id"]
    form = await request.form()
    data = {key: value for key, value in form.items() if isinstance(value, str)}
    quick = _kept_context(request, code, item_id)
    if quick is None:
        quick = await run_read(request, partial(_activity_context, request, code, item_id, page=False))
    item = quick["item"]
    if quick["seat"] is not None and item is not None and item.state == ItemState.OPEN:
        activity = quick["activity"]
        if activity.accepts_responses:
            parsed = activity.parse_form(quick["structure"], data)
            if not parsed.errors and not parsed.rerender:
                return await _save(request, code, quick, parsed, data)
    context = await run_read(request, _activity_context, request, code, item_id, data.get("step"))
    return await _answer_page(request, code, context, data)


async def _answer_page(
    request: Request, code: str, context: dict[str, Any], data: dict[str, str]
) -> Response:
    """The reply to a posted form, with the full page context: drawn again, refused, or saved."""
    workshop: Workshop = context["workshop"]
    if context["seat"] is None:
        return to(f"/j/{workshop.join_code}")
    item = context["item"]
    if item is None or not context["activity"].accepts_responses:
        raise HTTPException(404)
    if item.state != ItemState.OPEN:
        return render(request, "closed.html", {**context, "unsaved": True}, 409)
    activity = context["activity"]
    if "step_error" in context:
        return render(request, activity.phone_template, {**context, "errors": [context["step_error"]]}, 422)
    parsed = activity.parse_form(context["structure"], data)
    if parsed.rerender and not parsed.errors:
        return render(request, activity.phone_template, {**context, "errors": [], "values": parsed.entered})
    if parsed.errors:
        values = {**context["values"], **parsed.entered}
        page = {**context, "errors": parsed.errors, "summary": parsed.summary, "values": values}
        return render(request, activity.phone_template, page, 422)
    # Valid now, though the first read found it not (the item or its form changed in between).
    return await _save(request, code, context, parsed, data)


async def _save(
    request: Request, code: str, context: dict[str, Any], parsed: ParsedForm[Any], data: dict[str, str]
) -> Response:
    """Save ``parsed`` for the context's seat and item, and answer once it is committed."""
    workshop: Workshop = context["workshop"]
    item = context["item"]
    activity = context["activity"]
    try:
        await writer_of(request).submit(
            partial(
                usecases.save_response, item_id=item.id, seat_id=context["seat"].id, answers=parsed.answers
            )
        )
    except store.ActivityClosed:
        page = await _page_of(request, code, item.id, data)
        return render(request, "closed.html", {**page, "unsaved": True}, 409)
    except AnswerRefused as exc:
        error = FormError("form", "main", str(exc))
        page = await _page_of(request, code, item.id, data)
        page = {**page, "errors": [error], "values": {**page.get("values", {}), **parsed.entered}}
        return render(request, activity.phone_template, page, 409)
    except Exception as exc:  # the commit failed: say so, so the participant tries again, not trusting it
        log.exception("saving answers to item %s failed", item.id)
        # Why, when the machine is the cause (a full disk, a locked file): the same words as every other page.
        reason = write_problem(exc)
        page = await _page_of(request, code, item.id, data)
        page = {**page, "errors": [], "values": parsed.entered, "not_saved": True}
        page["not_saved_reason"] = for_phones(reason) if reason else ""
        return render(request, activity.phone_template, page, 503)
    if parsed.step is not None:
        return to(f"/w/{workshop.join_code}?step={quote(parsed.step)}")
    if activity.after_save == "form":
        return to(f"/w/{workshop.join_code}?notice={parsed.notice or 'saved'}")
    return to(f"/w/{workshop.join_code}/items/{item.id}/saved")


async def _page_of(request: Request, code: str, item_id: int, data: dict[str, str]) -> dict[str, Any]:
    """The full page context, to draw the form again after a write was refused or failed."""
    page: dict[str, Any] = await run_read(
        request, _activity_context, request, code, item_id, data.get("step")
    )
    return page


async def saved_page(request: Request) -> Response:
    """:func:`saved`; from the event loop, reading nothing, when this worker keeps all the page shows."""
    context = _kept_context(request, request.path_params["code"], request.path_params["item_id"], page=True)
    if context is not None:
        return render_for_seat(request, "saved.html", context)
    return await run_read(request, saved, request)


def saved(request: Request) -> Response:
    """The confirmation a participant sees after saving."""
    code: str = request.path_params["code"]
    item_id: ids.RowId = request.path_params["item_id"]
    context = _activity_context(request, code, item_id, form=False)
    if context["seat"] is None or context["item"] is None:
        return to(f"/j/{quote(code)}")
    # The same for a whole room that has just voted, but for the seat's code: rendered once per content.
    return render_for_seat(request, "saved.html", context)


# Plain Starlette routes, which app.create_app puts before FastAPI's: FastAPI's dependency solving and its
# way past every included router cost a phone more than the page's own work (benchmarks/README.md). The
# paths' parameters are read from the request; ``{item_id:rowid}`` only matches a possible row id.
routes: list[BaseRoute] = [
    Route("/w/{code}/status", status, methods=["GET"]),
    Route("/w/{code}", reads(current_activity), methods=["GET"]),
    Route("/w/{code}/items/{item_id:rowid}", submit_answers, methods=["POST"]),
    Route("/w/{code}/items/{item_id:rowid}/saved", saved_page, methods=["GET"]),
]
