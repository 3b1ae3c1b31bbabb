"""How long a workshop's answers are kept, and the reminder once a purge is due (docs/data-protection.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from workshop.models import PurgedPack, Workshop, row_id


def purge_due(created_at: datetime, retention_days: int) -> date:
    """The day a workshop's seats, ballots and free text are due to be purged.

    Counted from the day the workshop was made, which for most is the day it ran: the reminder may come a
    little early for one made weeks ahead, never late.
    """
    return created_at.date() + timedelta(days=retention_days)


def retention_reminder(
    workshop_id: int, created_at: datetime, retention_days: int, *, purged: bool, today: date
) -> str | None:
    """The reminder the workshop list and the home screen show once a purge is due; None before then or
    once the answers have been purged."""
    due = purge_due(created_at, retention_days)
    if purged or today < due:
        return None
    return (
        f"answers kept {retention_days} days after the workshop: purge due on {due.day} {due:%B %Y} "
        f"(workshop purge {workshop_id})"
    )


def retention_notes(session: Session, today: date | None = None) -> dict[int, str]:
    """By workshop id, what ``workshop list`` says under a workshop about its answers: when they were
    purged, or that a purge is due (:func:`retention_reminder`); none for a workshop whose purge is not due.

    ``today`` is the local date unless given: the reminder is about the facilitator's calendar.
    """
    today = today or datetime.now().astimezone().date()
    # The dates only: each row also holds a whole frozen pack, which a list has no use for.
    rows = session.exec(select(PurgedPack.workshop_id, PurgedPack.purged_at)).all()
    purged = dict(rows)
    notes = {wid: f"answers purged on {when:%Y-%m-%d}" for wid, when in purged.items()}
    for workshop in session.exec(select(Workshop)).all():
        wid = row_id(workshop)
        due = retention_reminder(
            wid, workshop.created_at, workshop.retention_days, purged=wid in purged, today=today
        )
        if due:
            notes[wid] = due
    return notes
