"""The facilitator's actions on an agenda item, by name: one list for the TUI, the remote and the API."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlmodel import Session

from workshop.models import AgendaItem
from workshop.store.agenda import close_item, set_entries_shown, set_revealed, start_item
from workshop.usecases.items import reset_item


class ItemAction(StrEnum):
    """What a facilitator can do to an agenda item."""

    OPEN = "open"
    CLOSE = "close"
    RESET = "reset"
    REVEAL = "reveal"
    HIDE_RESULTS = "hide-results"
    SHOW_ENTRIES = "show-entries"
    HIDE_ENTRIES = "hide-entries"


_ACTIONS: dict[ItemAction, Callable[[Session, int], AgendaItem]] = {
    ItemAction.OPEN: start_item,
    ItemAction.CLOSE: close_item,
    ItemAction.RESET: reset_item,
    ItemAction.REVEAL: lambda s, i: set_revealed(s, i, True),
    ItemAction.HIDE_RESULTS: lambda s, i: set_revealed(s, i, False),
    ItemAction.SHOW_ENTRIES: lambda s, i: set_entries_shown(s, i, True),
    ItemAction.HIDE_ENTRIES: lambda s, i: set_entries_shown(s, i, False),
}


def apply_item_action(session: Session, item_id: int, action: ItemAction) -> AgendaItem:
    """Carry out ``action`` on the item; "open" also makes it the current item."""
    return _ACTIONS[action](session, item_id)
