"""Agenda items that need their kind as well as storage: adding one, and resetting its answers."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import Session

from workshop.activities import KINDS, get_activity
from workshop.models import AgendaItem
from workshop.store.agenda import AgendaError, forget_outcome, get_item, insert_item


def addable_kinds() -> tuple[str, ...]:
    """Kinds whose settings all have defaults; the others (a dot vote's source, a question's prompt) need
    a template, which says what they are about."""
    addable = []
    for name, activity in KINDS.items():
        try:
            activity.settings_model.model_validate({})
        except ValidationError:
            continue
        addable.append(name)
    return tuple(addable)


def add_item(
    session: Session, workshop_id: int, kind: str, title: str, minutes: int, after: int | None
) -> AgendaItem:
    """Add an item of ``kind`` after the item ``after`` (at the end when None), with default settings.

    Raises:
        AgendaError: The kind needs a template's settings.
        pydantic.ValidationError: The title or minutes are not valid.
    """
    if kind not in addable_kinds():
        raise AgendaError(f"items of kind {kind!r} cannot be added here")
    item = insert_item(session, workshop_id, kind, title, minutes, after)
    get_activity(kind).on_create(session, item)
    return item


def reset_item(session: Session, item_id: int) -> AgendaItem:
    """Delete every participant answer to an item; entries from the template or facilitator stay.

    Raises:
        AgendaError: There is no such item.
    """
    item = get_item(session, item_id)
    get_activity(item.kind).reset(session, item)
    return forget_outcome(session, item)
