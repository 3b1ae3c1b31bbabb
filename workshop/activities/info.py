"""A facilitated agenda item with nothing to answer on the phone (welcome, discussion, close)."""

from __future__ import annotations

from sqlmodel import Session

from workshop.activities.base import Activity, NoSettings
from workshop.models import AgendaItem


class InfoActivity(Activity[NoSettings, None, None, None]):
    """Phones show what is happening and wait for the next activity."""

    kind = "info"
    label = "Facilitated item"

    def structure(self, session: Session, item: AgendaItem) -> None:
        return None

    def summarise(self, session: Session, item: AgendaItem) -> None:
        return None
