"""The ranking item the ranking and moderation tests share: its options, and reading it back."""

from __future__ import annotations

from sqlmodel import select

from tests.helpers.data import activity, get_row
from workshop.activities.ranking import RankingActivity, RankingSummary
from workshop.db import Database
from workshop.models import AgendaItem, Entry, row_id

CANDIDATES = ["Integrated front door", "Shared outcomes framework", "Joint workforce plan", "Family voice"]
TITLE = "Our priorities for the next two years"
RANKING = activity("ranking", RankingActivity)


def ids(db: Database, item: AgendaItem) -> dict[str, int]:
    """The item's options (and proposals) by text: their entry ids."""
    with db.reading() as session:
        return {e.text: row_id(e) for e in session.exec(select(Entry).where(Entry.item_id == item.id)).all()}


def summary(db: Database, item: AgendaItem) -> RankingSummary:
    """The ranking's summary as the live view and the pack read it."""
    with db.reading() as session:
        return RANKING.summarise(session, get_row(session, AgendaItem, row_id(item)))
