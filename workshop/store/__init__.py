"""Reading and changing workshops' rows in the database; every function takes the caller's session.

Storage knows no activity kind: what needs a kind as well (creating a workshop, saving answers, resetting
an item) is in :mod:`workshop.usecases`.
"""

from workshop.store.agenda import (
    AgendaError,
    agenda,
    close_item,
    current_item,
    get_item,
    item_copy,
    next_item,
    set_entries_shown,
    set_revealed,
    start_item,
)
from workshop.store.responses import ActivityClosed
from workshop.store.seats import SeatError, join, seat_by_code, seat_by_token
from workshop.store.workshops import (
    WorkshopNotFound,
    bump_revision,
    facilitator_codes,
    facilitator_token_hash,
    find_by_join_code,
    get_workshop,
    issue_facilitator_token,
    latest_demo,
    list_workshops,
    organisations,
    revision,
    role_levels,
    workshop_by_facilitator_token,
)

__all__ = [
    "ActivityClosed",
    "AgendaError",
    "SeatError",
    "WorkshopNotFound",
    "agenda",
    "bump_revision",
    "close_item",
    "current_item",
    "facilitator_codes",
    "facilitator_token_hash",
    "find_by_join_code",
    "get_item",
    "get_workshop",
    "issue_facilitator_token",
    "item_copy",
    "join",
    "latest_demo",
    "list_workshops",
    "next_item",
    "organisations",
    "revision",
    "role_levels",
    "seat_by_code",
    "seat_by_token",
    "set_entries_shown",
    "set_revealed",
    "start_item",
    "workshop_by_facilitator_token",
]
