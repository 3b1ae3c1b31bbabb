"""The ranking item the ranking and moderation tests share: its options, and reading it back."""

from __future__ import annotations

from sqlmodel import select

from workshop.activities import get_activity
from workshop.activities.ranking import RankingSummary
from workshop.db import Database
from workshop.models import AgendaItem, Entry

CANDIDATES = ["Integrated front door", "Shared outcomes framework", "Joint workforce plan", "Family voice"]
TITLE = "Our priorities for the next two years"
RANKING = get_activity("ranking")


def ids(db: Database, item: AgendaItem) -> dict[str, int]:
    """The item's options (and proposals) by text: their entry ids."""
    with db.reading() as session:
        return {e.text: e.id for e in session.exec(select(Entry).where(Entry.item_id == item.id)).all()}  # type: ignore[misc]


def summary(db: Database, item: AgendaItem) -> RankingSummary:
    """The ranking's summary as the live view and the pack read it."""
    with db.reading() as session:
        return RANKING.summarise(session, session.get(AgendaItem, item.id))  # type: ignore[arg-type]
