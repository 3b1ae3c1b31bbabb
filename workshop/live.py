"""What a live view shows, read from the database in one go (so it works whoever wrote the votes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from workshop import store
from workshop.activities import get_activity
from workshop.activities.base import Tally
from workshop.db import Database
from workshop.models import AgendaItem, Seat, Workshop


@dataclass(frozen=True)
class Snapshot:
    """The workshop, its agenda, and the summary of the item being looked at."""

    revision: int
    workshop: Workshop
    items: tuple[AgendaItem, ...]
    seats: int
    focus: AgendaItem | None
    # The focus item's kind's summary (None with no focus). Its type follows a runtime string, the kind, so
    # readers narrow it: a live view by its SUMMARY, anything else through the kind (Activity.answered).
    summary: object
    # Votes other items count on the focus item's entries (a dot vote on these values); None when none do.
    tally: Tally | None = None

    @property
    def current(self) -> AgendaItem | None:
        """The item the facilitator is running."""
        return next((i for i in self.items if i.id == self.workshop.current_item_id), None)


def read_revision(db: Database, workshop_id: int) -> int:
    """The cheap read a live view polls: has anything changed?"""
    with db.reading() as session:
        return store.revision(session, workshop_id)


def load_snapshot(db: Database, workshop_id: int, focus_item_id: int | None = None) -> Snapshot:
    """Read everything a live view needs; ``focus_item_id`` defaults to the current item."""
    with db.reading() as session:
        workshop = store.get_workshop(session, workshop_id)
        items = tuple(store.agenda(session, workshop_id))
        seats = session.exec(
            select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)
        ).one()
        wanted = focus_item_id or workshop.current_item_id
        focus = next((item for item in items if item.id == wanted), None)
        summary = get_activity(focus.kind).summarise(session, focus) if focus else None
        tally = entry_tally(session, items, focus) if focus else None
        return Snapshot(workshop.revision, workshop, items, seats, focus, summary, tally)


def entry_tally(session: Session, items: Sequence[AgendaItem], source: AgendaItem) -> Tally | None:
    """The votes ``items`` count on ``source``'s entries, added up by entry; None when none vote on them."""
    tallies = [t for i in items if (t := get_activity(i.kind).tally_on(session, i, source)) is not None]
    if not tallies:
        return None
    by_entry: dict[int, int] = {}
    for tally in tallies:
        for entry_id, votes in tally.by_entry.items():
            by_entry[entry_id] = by_entry.get(entry_id, 0) + votes
    return Tally(tallies[0].unit, by_entry)
