"""Run-sheet timing: how long an item has run, how long is left, and the words for an overrun."""

from __future__ import annotations

from datetime import datetime, timedelta

from workshop.models import AgendaItem, ItemState


def elapsed(item: AgendaItem, now: datetime) -> timedelta | None:
    """Time the item has run: to its end when done, to ``now`` while open; None before it starts."""
    if item.started_at is None:
        return None
    end = item.ended_at if item.state == ItemState.CLOSED and item.ended_at else now
    return max(end - item.started_at, timedelta(0))


def minutes_cell(item: AgendaItem, now: datetime) -> str:
    """The run-sheet's minutes: planned before it starts, "actual/planned" once it has."""
    spent = elapsed(item, now)
    if spent is None:
        return str(item.planned_minutes)
    return f"{int(spent.total_seconds() // 60)}/{item.planned_minutes}"


def countdown(item: AgendaItem, now: datetime) -> str | None:
    """ "⏱ 12:34 left" while an open item has time, "⚠ 3 min over" after it; None when not running.

    Words and symbols, not colour, carry the warning: the screen may be mirrored in black and white.
    """
    spent = elapsed(item, now)
    if spent is None or item.state != ItemState.OPEN or item.planned_minutes <= 0:
        return None
    left = timedelta(minutes=item.planned_minutes) - spent
    if left >= timedelta(0):
        seconds = int(left.total_seconds())
        return f"⏱ {seconds // 60}:{seconds % 60:02d} left"
    over = int(-left.total_seconds() // 60) + 1
    return f"⚠ {over} min over"
