"""Saving a participant's answers: the checks that must happen inside the write transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from workshop.models import ItemState, Seat
from workshop.store.agenda import get_item
from workshop.store.workshops import bump_revision


class ActivityClosed(Exception):
    """The activity is not open for answers (not started yet, or closed)."""


def save_response(session: Session, item_id: int, seat_id: int, answers: Any) -> None:
    """Store a seat's answers to an item, re-checking in this transaction that the item is open.

    The check sits in the same transaction as the write so a vote racing the facilitator's "close" is
    either saved before the close or refused, never half-applied.
    """
    item = get_item(session, item_id)
    seat = session.get(Seat, seat_id)
    if seat is None or seat.workshop_id != item.workshop_id:
        raise ActivityClosed("this seat does not belong to the workshop")
    if item.state != ItemState.OPEN:
        raise ActivityClosed(f"“{item.title}” is not open for answers")
    from workshop.activities import get_activity  # the kinds use the store: load them when first needed

    get_activity(item.kind).save(session, item, seat, answers)
    bump_revision(session, item.workshop_id)
