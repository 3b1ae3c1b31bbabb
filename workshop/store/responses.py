"""Answers arriving from a seat: the checks that must happen inside the write transaction."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, text, update
from sqlmodel import Session

from workshop.models import AgendaItem, ItemState, Response, Seat, table_of, utcnow
from workshop.store.agenda import AgendaError


class ActivityClosed(Exception):
    """The activity is not open for answers (not started yet, or closed)."""


def open_for_answers(session: Session, item_id: int, seat_id: int) -> tuple[AgendaItem, Seat]:
    """The item and the seat, once checked in this transaction that the seat may answer the item now.

    The check sits in the same transaction as the write so a vote racing the facilitator's "close" is
    either saved before the close or refused, never half-applied. Both are read in one statement and
    returned as copies to read (as ``store.seat_by_token``'s): the session does not track them.

    Raises:
        ActivityClosed: The seat belongs to another workshop, or the item is not open.
        AgendaError: There is no item ``item_id``.
    """
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    found = session.connection().execute(_ITEM_AND_SEAT, {"item_id": item_id, "seat_id": seat_id}).first()
    if found is None:
        raise AgendaError(f"no agenda item with id {item_id}")
    values = found._mapping
    item = AgendaItem.model_construct(**{name: values[f"item_{name}"] for name in AgendaItem.model_fields})
    if values["seat_id"] is None or values["seat_workshop_id"] != item.workshop_id:
        raise ActivityClosed("this seat does not belong to the workshop")
    if item.state != ItemState.OPEN:
        raise ActivityClosed(f"“{item.title}” is not open for answers")
    seat = Seat.model_construct(**{name: values[f"seat_{name}"] for name in Seat.model_fields})
    return item, seat


_ITEMS = table_of(AgendaItem)
_SEATS = table_of(Seat)
# The item and the seat in one statement: the seat outer-joined, so a missing seat still finds the item.
_ITEM_AND_SEAT = (
    select(
        *(_ITEMS.c[name].label(f"item_{name}") for name in AgendaItem.model_fields),
        *(_SEATS.c[name].label(f"seat_{name}") for name in Seat.model_fields),
    )
    .select_from(_ITEMS.outerjoin(_SEATS, _SEATS.c.id == bindparam("seat_id")))
    .where(_ITEMS.c.id == bindparam("item_id"))
)


# Built once: Core statements on the session's connection skip the ORM's per-statement work (identity map,
# flush, synchronising the session), which cost more than the write itself on every vote.
_RESPONSES = table_of(Response)
_FIND = select(_RESPONSES.c.id).where(
    _RESPONSES.c.item_id == bindparam("item_id"), _RESPONSES.c.seat_id == bindparam("seat_id")
)
_TOUCH = (
    update(_RESPONSES).where(_RESPONSES.c.id == bindparam("response_id")).values(updated_at=bindparam("at"))
)
_ADD = insert(_RESPONSES).returning(_RESPONSES.c.id)
_UPSERT = text(
    "INSERT INTO response (item_id, seat_id, created_at, updated_at) VALUES (:item_id, :seat_id, :at, :at)"
    " ON CONFLICT (item_id, seat_id) DO UPDATE SET updated_at = EXCLUDED.updated_at"
    " RETURNING id, xmax = 0"
)


def response_id(session: Session, item_id: int, seat_id: int) -> int:
    """The id of the seat's response row for the item, made if missing and touched if present.

    The same row as ``activities.base.ensure_response``, without loading it as an object: for a kind's
    ``save`` that only needs the id to key its answer rows.
    """
    return response_row(session, item_id, seat_id)[0]


def response_row(session: Session, item_id: int, seat_id: int) -> tuple[int, bool]:
    """As :func:`response_id`, and whether the row was made just now: a new response has no answer rows
    yet, so a kind's ``save`` need not clear any (a room's first votes are nearly all new)."""
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    connection = session.connection()
    now = utcnow()
    if connection.dialect.name == "postgresql":
        # One round trip instead of two; xmax is 0 only on a row version this statement inserted.
        made = connection.execute(_UPSERT, {"item_id": item_id, "seat_id": seat_id, "at": now}).one()
        return int(made[0]), bool(made[1])
    found = connection.execute(_FIND, {"item_id": item_id, "seat_id": seat_id}).scalar()
    if found is not None:
        connection.execute(_TOUCH, {"response_id": found, "at": now})
        return int(found), False
    row = {"item_id": item_id, "seat_id": seat_id, "created_at": now, "updated_at": now}
    return int(connection.execute(_ADD, row).scalar_one()), True
