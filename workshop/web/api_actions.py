"""The facilitator API for an actions item: read its actions with their ids, and add one confirmed at once.

As `t` in the terminal's actions view (screens/views/action_dialog.py): the same checks and words
(``activities.actions.parse_action``), and the action is confirmed because the facilitator added it.
Confirming or hiding a participant's action is the agenda's `POST /entries/{id}/{status}`.
"""

from __future__ import annotations

from functools import partial
from typing import cast

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlmodel import Session

from workshop.activities import get_activity
from workshop.activities.actions import Action, ActionsActivity, AddAction, parse_action
from workshop.models import row_id
from workshop.web.api import Facilitator
from workshop.web.api_writes import Body, BodyId, outcome_router, own_item, read, replies, write
from workshop.web.ids import RowId

router = outcome_router()


class ActionOut(BaseModel):
    """An action: its entry id (to confirm or hide it), words, lead, date and the priority it serves."""

    id: int
    text: str
    lead: str = Field(description="The lead organisation's name.")
    by_when: str = Field(description="The day (2027-03-31) or month (2027-03) it is due by.")
    priority: str | None = Field(description="The agreed priority it serves; null when none.")


class ActionsBoard(BaseModel):
    """An actions item's confirmed actions, those waiting, and what a new action can name."""

    item_id: int
    confirmed: list[ActionOut]
    waiting: list[ActionOut]
    leads: dict[str, str] = Field(description="Lead key (send it as `lead`) → organisation name.")
    priorities: dict[int, str] = Field(description="Priority id (send it as `priority_id`) → its text.")


class NewAction(Body):
    text: str = Field(max_length=2000, description="What will be done (the kind's own limit applies).")
    lead: str = Field(max_length=20, description="A key from the board's `leads`.")
    by_when: str = Field(max_length=20, description="A day like 2027-03-31 or a month like 2027-03.")
    priority_id: BodyId | None = Field(None, description="An id from the board's `priorities`, or null.")


def _kind() -> ActionsActivity:
    return cast(ActionsActivity, get_activity(ActionsActivity.kind))  # the registry's, typed as itself


def _out(action: Action) -> ActionOut:
    return ActionOut(
        id=action.id, text=action.text, lead=action.lead, by_when=action.by_when_iso, priority=action.priority
    )


def _board(session: Session, workshop_id: int, item_id: int) -> ActionsBoard:
    item = own_item(session, workshop_id, item_id, ActionsActivity.kind)
    summary = _kind().summarise(session, item)
    return ActionsBoard(
        item_id=item_id,
        confirmed=[_out(a) for a in summary.confirmed],
        waiting=[_out(a) for a in summary.pending],
        leads={lead.key: lead.name for lead in summary.structure.leads},
        priorities={p.id: p.text for p in summary.structure.priorities},
    )


@router.get(
    "/actions/{item_id:rowid}",
    response_model=ActionsBoard,
    summary="An actions item's actions, with their ids",
    responses=replies(404),
)
async def actions_board(request: Request, workshop: Facilitator, item_id: RowId) -> ActionsBoard:
    return await read(request, partial(_board, workshop_id=row_id(workshop), item_id=item_id))


class _Refused(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def _add(session: Session, workshop_id: int, item_id: int, body: NewAction) -> None:
    kind = _kind()
    item = own_item(session, workshop_id, item_id, ActionsActivity.kind)
    form = {"text": body.text, "lead": body.lead, "by_when": body.by_when}
    if body.priority_id is not None:
        form["priority"] = str(body.priority_id)
    parsed = parse_action(kind.structure(session, item), form)
    if parsed.answers is None or not isinstance(parsed.answers, AddAction):
        raise _Refused([(error.field, error.message) for error in parsed.errors])
    kind.add_confirmed(session, item_id, parsed.answers)


@router.post(
    "/actions/{item_id:rowid}",
    response_model=ActionsBoard,
    status_code=201,
    summary="Add an action, confirmed at once",
    responses=replies(404, body=True),
)
async def add_action(
    request: Request, workshop: Facilitator, item_id: RowId, body: NewAction
) -> ActionsBoard:
    """As `t` in the terminal's actions view. A field the phone form would refuse is a 422 naming the field,
    in the same words (an unknown lead, a date that is not a day or a month, a priority not agreed)."""
    workshop_id = row_id(workshop)
    try:
        await write(
            request, partial(_add, workshop_id=workshop_id, item_id=item_id, body=body), about_input=True
        )
    except _Refused as exc:
        errors = [{"type": "value_error", "loc": ("body", field), "msg": msg} for field, msg in exc.errors]
        raise RequestValidationError(errors) from exc
    return await read(request, partial(_board, workshop_id=workshop_id, item_id=item_id))
