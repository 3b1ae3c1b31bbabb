"""The remote's maturity pages: move an item's horizon, and record what the room agreed for every factor at
a horizon in one form (the terminal's `h` and `g`).

The agreed-levels form offers, per factor, the levels of the workshop's scale, "No agreement reached", and,
while nothing is recorded for that factor, "Not recorded yet" (so a factor the room has not discussed is not
saved by accident). It starts at the recorded level, else at the room's median when that is a level.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from workshop.activities.maturity import MaturityActivity
from workshop.activities.maturity.agreed import RATIONALE_LIMIT, set_agreed
from workshop.activities.maturity.focus import focused_horizon, set_focus
from workshop.activities.maturity.summary import matrix_summary
from workshop.analysis import Distribution, format_median
from workshop.models import Workshop, row_id
from workshop.store.agenda import AgendaError
from workshop.web.ids import RowId
from workshop.web.remote_base import (
    denied,
    horizon_choices,
    not_found,
    own_item,
    poster,
    read,
    render,
    signed_in,
)

router = APIRouter(prefix="/f", include_in_schema=False)

NOT_RECORDED = ""
NO_AGREEMENT = "none"
KIND = MaturityActivity.kind


@dataclass
class FactorRow:
    """One factor of the form: the room's ratings at the horizon, and the choice shown."""

    id: int
    name: str
    median: str
    spread: str
    recorded: bool
    level: str
    rationale: str
    error: str = ""


def _spread(counts: tuple[int, ...], dont_know: int) -> str:
    dist = Distribution(counts, dont_know)
    quartiles = dist.quartiles()
    words = [f"{dist.n} rated"] + ([f"{dist.dont_know} don't know"] if dist.dont_know else [])
    if quartiles is not None:
        low, high = (format_median(q) for q in quartiles)
        words.insert(0, f"middle half {low}" if low == high else f"middle half {low} to {high}")
        words.append(f"agreement: {dist.agreement().value}")
    return " · ".join(words)


def _page(session: Session, workshop_id: int, item_id: int, horizon: str | None) -> dict[str, Any] | None:
    """The form's content at ``horizon`` (the item's own when None); None if not this workshop's item or
    horizon."""
    item = own_item(session, workshop_id, item_id, KIND)
    if item is None:
        return None
    summary = matrix_summary(session, item)
    keys = [h.key for h in summary.structure.horizons]
    focused = focused_horizon(session, item)
    chosen = horizon if horizon is not None else (focused.key if focused is not None else None)
    if chosen not in keys:
        return None
    levels = [str(level.value) for level in summary.structure.levels]
    rows = []
    for factor in summary.factors:
        dist = factor.by_horizon[chosen]
        agreed = summary.agreed.get((factor.factor.key, chosen))
        median = dist.median()
        if agreed is not None:
            level = NO_AGREEMENT if agreed[0] is None else str(agreed[0])
        else:
            # A half-level median (2½) is no level: the facilitator chooses.
            whole = median is not None and median % 1 == 0 and str(int(median)) in levels
            level = str(int(median)) if whole and median is not None else NOT_RECORDED
        rows.append(
            FactorRow(
                id=row_id(factor.factor),
                name=factor.factor.name,
                median=format_median(median),
                spread=_spread(dist.counts, dist.dont_know),
                recorded=agreed is not None,
                level=level,
                rationale=agreed[1] if agreed is not None else "",
            )
        )
    horizon_label = next(h.label for h in summary.structure.horizons if h.key == chosen)
    return {
        "item": item,
        "horizon": chosen,
        "horizon_label": horizon_label,
        "horizons": horizon_choices(session, item_id),
        "item_horizons": summary.structure.horizons,
        "levels": [(str(lv.value), f"{lv.value} {lv.name}") for lv in summary.structure.levels],
        "rows": rows,
        "responses": summary.responses,
        "limit": RATIONALE_LIMIT,
    }


@router.get("/maturity/{item_id:rowid}", response_class=HTMLResponse)
async def agreed_form(
    request: Request, item_id: RowId, horizon: str | None = None, saved: str = ""
) -> Response:
    """Every factor at one horizon: the room's median and spread, and what the room agreed."""
    workshop = await signed_in(request)
    if workshop is None:
        return denied(request)
    context = await read(
        request, partial(_page, workshop_id=row_id(workshop), item_id=item_id, horizon=horizon)
    )
    if context is None:
        return not_found(request, "maturity matrix item or horizon")
    return render(request, "remote_maturity.html", {**context, "workshop": workshop, "saved": saved == "1"})


def _chosen(form: dict[str, str], rows: list[FactorRow], levels: list[str]) -> list[FactorRow]:
    """The rows as posted, each with its problem in words; nothing is lost when one is wrong."""
    for row in rows:
        level = form.get(f"level-{row.id}", NOT_RECORDED)
        row.rationale = form.get(f"why-{row.id}", "")
        allowed = [*levels, NO_AGREEMENT] + ([] if row.recorded else [NOT_RECORDED])
        if level not in allowed:
            row.error = f"Choose a level for {row.name}, or “No agreement reached”."
        elif len(row.rationale) > RATIONALE_LIMIT:
            row.error = (
                f"The reason for {row.name} must be {RATIONALE_LIMIT} characters or fewer "
                f"(it has {len(row.rationale)})."
            )
        elif level == NOT_RECORDED and row.rationale.strip():
            row.error = f"Choose a level for {row.name} (or “No agreement reached”) to keep its reason."
        row.level = level
    return rows


def _save(session: Session, workshop_id: int, item_id: int, horizon: str, rows: list[FactorRow]) -> int:
    """Record every factor whose choice differs from what is recorded, in one transaction; how many."""
    page = _page(session, workshop_id, item_id, horizon)
    if page is None:
        raise LookupError("not this workshop's maturity item or horizon")
    before = {row.id: row for row in page["rows"]}
    horizon_id = next(row_id(h) for h in page["item_horizons"] if h.key == horizon)
    saved = 0
    for row in rows:
        old = before[row.id]
        if row.level == NOT_RECORDED or (
            old.recorded and (old.level, old.rationale) == (row.level, row.rationale)
        ):
            continue
        level = None if row.level == NO_AGREEMENT else int(row.level)
        set_agreed(session, item_id, row.id, horizon_id, level, row.rationale)
        saved += 1
    return saved


@router.post("/maturity/{item_id:rowid}", response_class=HTMLResponse)
async def save_agreed(request: Request, item_id: RowId, horizon: str = Form("")) -> Response:
    """Record the agreed levels of every factor at the horizon; the form again, with its problems, if any."""
    workshop = await poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    workshop_id = row_id(workshop)
    context = await read(request, partial(_page, workshop_id=workshop_id, item_id=item_id, horizon=horizon))
    if context is None:
        return not_found(request, "maturity matrix item or horizon")
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    rows = _chosen(form, context["rows"], [key for key, _label in context["levels"]])
    errors = [{"anchor": f"level-{row.id}", "message": row.error} for row in rows if row.error]
    if errors:
        page = {**context, "rows": rows, "errors": errors, "workshop": workshop, "saved": False}
        return render(request, "remote_maturity.html", page, 422)
    save = partial(_save, workshop_id=workshop_id, item_id=item_id, horizon=horizon, rows=rows)
    try:
        await request.app.state.writer.submit(save)
    except (AgendaError, LookupError):
        return not_found(request, "maturity matrix item or horizon")
    query = urlencode({"horizon": horizon, "saved": "1"})
    return RedirectResponse(f"/f/maturity/{item_id}?{query}", status_code=303)


@router.post("/maturity/{item_id:rowid}/horizon", response_class=HTMLResponse)
async def move_horizon(
    request: Request, item_id: RowId, horizon: str = Form(""), back: str = Form("")
) -> Response:
    """Put the room on another horizon (phones and the projector follow); back where the button was."""
    workshop = await poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    workshop_id = row_id(workshop)

    def move(session: Session) -> None:
        if own_item(session, workshop_id, item_id, KIND) is None:
            raise LookupError("not this workshop's maturity item")
        set_focus(session, item_id, horizon)

    try:
        await request.app.state.writer.submit(move)
    except (AgendaError, LookupError):
        return not_found(request, "maturity matrix item or horizon")
    if back == "top":
        return RedirectResponse("/f/", status_code=303)
    if back == "agreed":
        return RedirectResponse(f"/f/maturity/{item_id}?{urlencode({'horizon': horizon})}", status_code=303)
    return RedirectResponse(f"/f/?at={item_id}#item-{item_id}", status_code=303)
