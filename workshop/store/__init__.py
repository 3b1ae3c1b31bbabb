"""Reading and changing workshops in the database; every function takes the caller's session."""

from workshop.store.agenda import (
    AgendaError,
    agenda,
    close_item,
    current_item,
    get_item,
    next_item,
    reset_item,
    set_entries_shown,
    set_revealed,
    start_item,
)
from workshop.store.responses import ActivityClosed, save_response
from workshop.store.seats import SeatError, join, seat_by_code, seat_by_token
from workshop.store.workshops import (
    WorkshopNotFound,
    bump_revision,
    create_workshop,
    find_by_join_code,
    get_workshop,
    latest_demo,
    list_workshops,
    organisations,
    revision,
    role_levels,
)

__all__ = [
    "ActivityClosed",
    "AgendaError",
    "SeatError",
    "WorkshopNotFound",
    "agenda",
    "bump_revision",
    "close_item",
    "create_workshop",
    "current_item",
    "find_by_join_code",
    "get_item",
    "get_workshop",
    "join",
    "latest_demo",
    "list_workshops",
    "next_item",
    "organisations",
    "reset_item",
    "revision",
    "role_levels",
    "save_response",
    "seat_by_code",
    "seat_by_token",
    "set_entries_shown",
    "set_revealed",
    "start_item",
]
