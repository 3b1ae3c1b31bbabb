"""The maturity phone form in steps: one factor a page with its horizons, then a page reviewing them all.

Every step is saved as it is taken (Next and Back both save), so a seat may hold a partial response; a
phone that comes back without a step carries on at the first factor it has not finished. The step is in
the address (``?step=3``, ``?step=review``) and in the form's hidden ``step`` field, so the form works
without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.activities.base import FormError, ParsedForm, StepRefused
from workshop.activities.maturity.matrix import MatrixAnswers, MatrixStructure
from workshop.models import row_id

DONT_KNOW = "dk"
COMMENT_LIMIT = 500
REVIEW = "review"
# The buttons of a step: ``go`` names the one pressed (Enter presses the first, Next).
MOVES = ("next", "back", REVIEW)


def _number(structure: MatrixStructure, step: str) -> int:
    """The 1-based factor number a step names, or StepRefused with the steps there are."""
    count = len(structure.factors)
    if step.isascii() and step.isdigit() and 1 <= int(step) <= count:
        return int(step)
    shown = step if len(step) <= 20 else step[:20] + "…"
    raise StepRefused(f"This form has no step “{shown}”: its steps are factors 1 to {count}, then the review")


def step_view(context: Mapping[str, Any], step: str | None) -> dict[str, Any]:
    """What the maturity page shows: the factor at ``step`` (1-based), the review, or (None) the first
    factor with a horizon left to rate, else the review.

    Reads the seat's saved ``values`` and the ``asked`` horizons from the page's context.
    """
    structure: MatrixStructure = context["structure"]
    values: Mapping[str, str] = context["values"]
    asked = context["asked"]
    done = [all(values.get(structure.field_name(f, h)) for h in asked) for f in structure.factors]
    if step is None:
        step = next((str(i + 1) for i, finished in enumerate(done) if not finished), REVIEW)
    view: dict[str, Any] = {"done": done, "complete": all(done), "total": len(structure.factors)}
    if step == REVIEW:
        return {**view, "step": REVIEW, "number": None, "factor": None}
    number = _number(structure, step)
    return {**view, "step": str(number), "number": number, "factor": structure.factors[number - 1]}


def parse_step(structure: MatrixStructure, form: Mapping[str, str]) -> ParsedForm[MatrixAnswers]:
    """One step's answers: the factor's horizons that were chosen and its comment, and where to go next.

    A horizon left unchosen (or not on the page, when the item asks one horizon at a time) keeps what was
    saved; the comment replaces the saved one. A level not on the scale or an unknown step is an error.
    """
    raw_step = (form.get("step") or "").strip()
    try:
        number = _number(structure, raw_step)
    except StepRefused as exc:
        error = FormError("step", "main", str(exc))
        return ParsedForm(answers=None, errors=[error])
    factor = structure.factors[number - 1]
    allowed = {str(level.value): level.value for level in structure.levels}
    ratings: dict[tuple[int, int], int | None] = {}
    errors: list[FormError] = []
    entered: dict[str, str] = {}
    for horizon in structure.horizons:
        name = structure.field_name(factor, horizon)
        raw = (form.get(name) or "").strip()
        if not raw:
            continue
        if raw == DONT_KNOW or raw in allowed:
            ratings[(row_id(factor), row_id(horizon))] = None if raw == DONT_KNOW else allowed[raw]
            entered[name] = raw
        else:
            anchor = f"{name}-{structure.levels[0].value}" if structure.levels else name
            where = f"{factor.name}, {horizon.label.lower()}"
            errors.append(FormError(name, anchor, f"Choose one of the levels shown for {where}"))
    comments: dict[int, str] = {}
    cname = f"c-{factor.key}"
    if cname in form:
        comment = form[cname]
        entered[cname] = comment
        if len(comment) > COMMENT_LIMIT:
            message = f"Comment on {factor.name} must be {COMMENT_LIMIT} characters or fewer"
            message += f" (it has {len(comment)})"
            errors.append(FormError(cname, cname, message))
        else:
            comments[row_id(factor)] = comment  # empty: the saved comment is removed
    move = form.get("go") or "next"
    if move not in MOVES:
        errors.append(FormError("go", "main", "Use the Next or Back button to move between factors"))
    if errors:
        return ParsedForm(answers=None, errors=errors, entered=entered)
    if move == "back":
        goes = str(max(number - 1, 1))
    elif move == REVIEW or number == len(structure.factors):
        goes = REVIEW
    else:
        goes = str(number + 1)
    answers = MatrixAnswers(ratings, comments, factor=row_id(factor))
    return ParsedForm(answers=answers, entered=entered, step=goes)
