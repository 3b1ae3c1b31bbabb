"""Saving a participant's answers: storage checks the item is open, the item's kind stores the answers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from workshop.activities import get_activity
from workshop.store.responses import open_for_answers
from workshop.store.workshops import bump_revision


def save_response(session: Session, item_id: int, seat_id: int, answers: Any) -> None:
    """Store a seat's answers to an item, re-checking in this transaction that the item is open.

    Raises:
        workshop.store.ActivityClosed: The item is not open, or the seat is from another workshop.
        workshop.errors.AnswerRefused: The kind refuses the answers (over a limit, an option gone, …).
    """
    item, seat = open_for_answers(session, item_id, seat_id)
    get_activity(item.kind).save(session, item, seat, answers)
    bump_revision(session, item.workshop_id)
