"""Answers arriving from a seat: the checks that must happen inside the write transaction."""

from __future__ import annotations

from sqlmodel import Session

from workshop.models import AgendaItem, ItemState, Seat
from workshop.store.agenda import get_item


class ActivityClosed(Exception):
    """The activity is not open for answers (not started yet, or closed)."""


def open_for_answers(session: Session, item_id: int, seat_id: int) -> tuple[AgendaItem, Seat]:
    """The item and the seat, once checked in this transaction that the seat may answer the item now.

    The check sits in the same transaction as the write so a vote racing the facilitator's "close" is
    either saved before the close or refused, never half-applied.

    Raises:
        ActivityClosed: The seat belongs to another workshop, or the item is not open.
    """
    item = get_item(session, item_id)
    seat = session.get(Seat, seat_id)
    if seat is None or seat.workshop_id != item.workshop_id:
        raise ActivityClosed("this seat does not belong to the workshop")
    if item.state != ItemState.OPEN:
        raise ActivityClosed(f"“{item.title}” is not open for answers")
    return item, seat
