"""The remote's maturity pages: move an item's horizon, and record what the room agreed for every factor at
a horizon in one form (the terminal's `h` and `g`).

The agreed-levels form offers, per factor, the levels of the workshop's scale, "No agreement reached", and,
while nothing is recorded for that factor, "Not recorded yet". As in the terminal's dialog, a row starts at
the recorded level, else at the room's median rounded down (``agreed.starting_level``), else blank; and
nothing is agreed until the facilitator says so: a row is saved only if they changed it from what the page
showed or ticked "Agree this level" (or pressed the button that agrees every factor with strong agreement
and nothing recorded, the terminal's `a`). Each row carries what the page showed, so a page opened before a
change made elsewhere cannot silently undo it: that save is refused and the page shows the row as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from workshop.activities.maturity import MaturityActivity
from workshop.activities.maturity.agreed import (
    RATIONALE_LIMIT,
    AgreedRow,
    rationale_problem,
    set_agreed_many,
    starting_level,
)
from workshop.activities.maturity.focus import set_focus
from workshop.activities.maturity.summary import matrix_summary
from workshop.analysis import Agreement, Distribution, format_median
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
STRONG_ACTION = "strong"
KIND = MaturityActivity.kind


@dataclass
class FactorRow:
    """One factor of the form: the room's ratings at the horizon, what the page showed, and the choice now.

    ``recorded`` is whether a level is recorded now; ``shown_*`` are what the page showed when it was opened
    (carried in hidden fields), which a save compares with both the choice and the database.
    """

    id: int
    name: str
    median: str
    spread: str
    strong: bool
    recorded: bool
    level: str
    rationale: str
    shown_level: str = NOT_RECORDED
    shown_rationale: str = ""
    shown_recorded: bool = False
    agree: bool = False
    error: str = ""
    error_field: str = "level"  # the field the error is about: "level" (the select) or "why" (the reason)

    @property
    def to_save(self) -> bool:
        """Whether Save records this row: a level chosen, and changed from what was shown or agreed."""
        changed = (self.level, self.rationale) != (self.shown_level, self.shown_rationale)
        return self.level != NOT_RECORDED and (changed or self.agree)

    def records(self, level: str, rationale: str) -> bool:
        """Whether this row, as it stands in the database, has ``level`` and ``rationale`` recorded."""
        return self.recorded and (self.level, self.rationale) == (level, rationale)

    def as_shown(self, now: FactorRow) -> bool:
        """Whether the database (``now``, this factor as it stands) still holds what the page showed."""
        if now.recorded != self.shown_recorded:
            return False
        return not now.recorded or now.records(self.shown_level, self.shown_rationale)


class ChangedElsewhere(Exception):
    """Rows the facilitator changed that were also changed elsewhere since the page was shown."""

    def __init__(self, factor_ids: set[int]) -> None:
        super().__init__("changed elsewhere since the page was opened")
        self.factor_ids = factor_ids


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
    """The form's content at ``horizon`` (the item's own when None), every row as it starts now; None if not
    this workshop's item or horizon."""
    item = own_item(session, workshop_id, item_id, KIND)
    if item is None:
        return None
    summary = matrix_summary(session, item)
    keys = [h.key for h in summary.structure.horizons]
    chosen = horizon if horizon is not None else summary.focus  # the summary read the item's horizon
    if chosen not in keys:
        return None
    levels = [str(level.value) for level in summary.structure.levels]
    rows = []
    for factor in summary.factors:
        dist = factor.by_horizon[chosen]
        agreed = summary.agreed.get((factor.factor.key, chosen))
        if agreed is not None:
            level = NO_AGREEMENT if agreed[0] is None else str(agreed[0])
        else:
            start = starting_level(dist)
            level = str(start) if start is not None and str(start) in levels else NOT_RECORDED
        rationale = agreed[1] if agreed is not None else ""
        rows.append(
            FactorRow(
                id=row_id(factor.factor),
                name=factor.factor.name,
                median=format_median(dist.median()),
                spread=_spread(dist.counts, dist.dont_know),
                strong=dist.agreement() is Agreement.STRONG,
                recorded=agreed is not None,
                level=level,
                rationale=rationale,
                shown_level=level,
                shown_rationale=rationale,
                shown_recorded=agreed is not None,
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
    count = int(saved) if saved.isdigit() and len(saved) < 6 else None
    return render(request, "remote_maturity.html", {**context, "workshop": workshop, "saved": count})


def _chosen(form: dict[str, str], rows: list[FactorRow], levels: list[str], strong: bool) -> list[FactorRow]:
    """The rows as posted (with what the page showed), each with its problem in words; nothing is lost when
    one is wrong. ``strong``: the button that agrees every factor with strong agreement and nothing recorded.
    """
    for row in rows:
        # A form without the shown fields (not this page's) is taken as showing the factor as it is now.
        row.shown_level = form.get(f"shown-level-{row.id}", row.level)
        row.shown_rationale = form.get(f"shown-why-{row.id}", row.rationale)
        row.shown_recorded = form.get(f"shown-recorded-{row.id}", "1" if row.recorded else "") == "1"
        ticked = form.get(f"agree-{row.id}") == "1"
        level = form.get(f"level-{row.id}", NOT_RECORDED)
        row.rationale = form.get(f"why-{row.id}", "")
        allowed = [*levels, NO_AGREEMENT] + ([] if row.shown_recorded else [NOT_RECORDED])
        problem = rationale_problem(row.rationale)
        if level not in allowed:
            row.error = f"Choose a level for {row.name}, or “No agreement reached”."
        elif problem is not None:
            row.error, row.error_field = f"The reason for {row.name} {problem}.", "why"
        elif level == NOT_RECORDED and row.rationale.strip():
            row.error = f"Choose a level for {row.name} (or “No agreement reached”) to keep its reason."
        elif level == NOT_RECORDED and ticked:
            row.error = f"Choose a level for {row.name} (or “No agreement reached”) to agree it."
        unrecorded = not (row.recorded or row.shown_recorded)
        row.agree = ticked or (strong and row.strong and unrecorded and level != NOT_RECORDED)
        row.level = level
    return rows


def _save(session: Session, workshop_id: int, item_id: int, horizon: str, rows: list[FactorRow]) -> int:
    """Record the rows the facilitator changed or agreed, in one write; how many were recorded.

    Refuses (:class:`ChangedElsewhere`, nothing written) if any of them is no longer as the page showed it.
    """
    page = _page(session, workshop_id, item_id, horizon)
    if page is None:
        raise LookupError("not this workshop's maturity item or horizon")
    now = {row.id: row for row in page["rows"]}
    chosen = [row for row in rows if row.to_save]
    stale = {row.id for row in chosen if not row.as_shown(now[row.id])}
    if stale:
        raise ChangedElsewhere(stale)
    horizon_id = next(row_id(h) for h in page["item_horizons"] if h.key == horizon)
    agreed = [
        AgreedRow(row.id, None if row.level == NO_AGREEMENT else int(row.level), row.rationale)
        for row in chosen
        # Agreeing what is already recorded changes nothing: no write, no revision.
        if not now[row.id].records(row.level, row.rationale)
    ]
    return set_agreed_many(session, item_id, horizon_id, agreed)


def _as_it_stands(posted: list[FactorRow], now: list[FactorRow], stale: set[int]) -> list[FactorRow]:
    """The rows after a refused save: a row changed elsewhere as it stands now, with why; the facilitator's
    other changes as they typed them; every row they did not touch as it stands now."""
    mine = {row.id: row for row in posted if row.to_save and row.id not in stale}
    message = "{} was changed elsewhere since this page was opened: here it is as it stands now."
    return [
        replace(row, error=message.format(row.name)) if row.id in stale else mine.get(row.id, row)
        for row in now
    ]


@router.post("/maturity/{item_id:rowid}", response_class=HTMLResponse)
async def save_agreed(
    request: Request, item_id: RowId, horizon: str = Form(""), action: str = Form("")
) -> Response:
    """Record the agreed levels the facilitator changed or agreed at the horizon; the form again, with its
    problems, if any (422), or with the rows changed elsewhere as they stand now (409)."""
    workshop = await poster(request)
    if not isinstance(workshop, Workshop):
        return workshop
    workshop_id = row_id(workshop)
    page = partial(_page, workshop_id=workshop_id, item_id=item_id, horizon=horizon)
    context = await read(request, page)
    if context is None:
        return not_found(request, "maturity matrix item or horizon")
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    levels = [key for key, _label in context["levels"]]
    rows = _chosen(form, context["rows"], levels, action == STRONG_ACTION)
    errors = [{"anchor": f"{row.error_field}-{row.id}", "message": row.error} for row in rows if row.error]
    if errors:
        again = {**context, "rows": rows, "errors": errors, "workshop": workshop, "saved": None}
        return render(request, "remote_maturity.html", again, 422)
    save = partial(_save, workshop_id=workshop_id, item_id=item_id, horizon=horizon, rows=rows)
    try:
        count = await request.app.state.writer.submit(save)
    except ChangedElsewhere as exc:
        fresh = await read(request, page)
        if fresh is None:
            return not_found(request, "maturity matrix item or horizon")
        rows = _as_it_stands(rows, fresh["rows"], exc.factor_ids)
        errors = [{"anchor": f"level-{row.id}", "message": row.error} for row in rows if row.error]
        again = {**fresh, "rows": rows, "errors": errors, "workshop": workshop, "saved": None}
        return render(request, "remote_maturity.html", again, 409)
    except (AgendaError, LookupError):
        return not_found(request, "maturity matrix item or horizon")
    query = urlencode({"horizon": horizon, "saved": str(count)})
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
