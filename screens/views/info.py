"""Live view for a facilitated item: its notes, since phones have nothing to answer."""

from __future__ import annotations

from rich.text import Text

from screens.views.base import LiveView
from workshop.live import Snapshot


class InfoView(LiveView[None]):
    """Shows the item's title and facilitator notes."""

    SUMMARY = type(None)  # a facilitated item has no results
    SHOWS_NOTES = True

    def draw(self, snapshot: Snapshot, summary: None) -> None:
        item = snapshot.focus
        if item is None:
            self.update("Choose an agenda item.")
            return
        # The title is on the line above (the screen's item line): not again here.
        text = Text(f"{item.planned_minutes} min planned · no phone input\n\n")
        text.append(item.notes or "No notes for this item.")
        # Text objects are never parsed as markup, so wording typed by anyone cannot restyle the screen.
        self.update(text)
