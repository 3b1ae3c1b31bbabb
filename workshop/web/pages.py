"""The participant pages once joined: follow the agenda, answer the current activity, see it was saved.

Joining is in :mod:`workshop.web.pages_join`; what both share in :mod:`workshop.web.page_tools`.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from workshop import store, usecases
from workshop.activities import get_activity
from workshop.activities.base import AnswerRefused, FormError, StepRefused
from workshop.models import AgendaItem, ItemState, Workshop, row_id
from workshop.store.codes import normalise_code
from workshop.web.guards import StatusCache
from workshop.web.ids import RowId
from workshop.web.page_tools import (
    cookie_name,
    db_of,
    gone,
    joinable,
    render,
    render_for_seat,
    to,
    writer_of,
)
from workshop.write_problems import for_phones, write_problem

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


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
    request: Request, code: str, item_id: int | None, step: str | None = None, *, form: bool = True
) -> dict[str, Any]:
    """Everything a participant page needs, read in one short transaction (for a form in steps, at
    ``step``; a step the form does not have shows where the seat carries on, with ``step_error``).
    Without ``form`` (the saved page), only what the page around a form shows."""
    found = joinable(request, code)
    workshop = found.workshop
    with db_of(request).reading() as session:
        seat = store.seat_by_token(session, found.id, request.cookies.get(cookie_name(workshop)))
        context: dict[str, Any] = {"workshop": workshop, "seat": seat, "item": None, "values": {}}
        if seat is None:
            return context
        if item_id is None:
            try:
                item = store.current_item(session, found.id)
            except store.WorkshopNotFound:
                raise gone(request, code) from None
        else:
            item = session.get(AgendaItem, item_id)
        if item is None or item.workshop_id != workshop.id:
            return context
        activity = get_activity(item.kind)
        # The last item, done: phones should say goodbye rather than wait for an activity that won't come.
        # Only a closed item can be that, so the agenda is read then, not on every vote.
        finished = item.state == ItemState.CLOSED and store.agenda(session, found.id)[-1].id == item.id
        context.update(item=item, activity=activity, finished=finished, phase=activity.phase(session, item))
        if activity.accepts_responses:
            if form:
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


@router.post("/w/{code}/items/{item_id:rowid}", response_class=HTMLResponse)
async def submit_answers(request: Request, code: str, item_id: RowId) -> Response:
    """Validate and save a participant's answers; the reply goes out only after the commit."""
    form = await request.form()
    data = {key: value for key, value in form.items() if isinstance(value, str)}
    context = await run_in_threadpool(_activity_context, request, code, item_id, data.get("step"))
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
    try:
        await writer_of(request).submit(
            partial(
                usecases.save_response, item_id=item.id, seat_id=context["seat"].id, answers=parsed.answers
            )
        )
    except store.ActivityClosed:
        return render(request, "closed.html", {**context, "unsaved": True}, 409)
    except AnswerRefused as exc:
        error = FormError("form", "main", str(exc))
        page = {**context, "errors": [error], "values": {**context["values"], **parsed.entered}}
        return render(request, activity.phone_template, page, 409)
    except Exception as exc:  # the commit failed: say so, so the participant tries again, not trusting it
        log.exception("saving answers to item %s failed", item.id)
        # Why, when the machine is the cause (a full disk, a locked file): the same words as every other page.
        reason = write_problem(exc)
        page = {**context, "errors": [], "values": parsed.entered, "not_saved": True}
        page["not_saved_reason"] = for_phones(reason) if reason else ""
        return render(request, activity.phone_template, page, 503)
    if parsed.step is not None:
        return to(f"/w/{workshop.join_code}?step={quote(parsed.step)}")
    if activity.after_save == "form":
        return to(f"/w/{workshop.join_code}?notice={parsed.notice or 'saved'}")
    return to(f"/w/{workshop.join_code}/items/{item.id}/saved")


@router.get("/w/{code}/items/{item_id:rowid}/saved", response_class=HTMLResponse)
def saved(request: Request, code: str, item_id: RowId) -> Response:
    """The confirmation a participant sees after saving."""
    context = _activity_context(request, code, item_id, form=False)
    if context["seat"] is None or context["item"] is None:
        return to(f"/j/{quote(code)}")
    return render(request, "saved.html", context)
