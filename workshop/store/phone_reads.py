"""What every phone page reads first: its seat and its item, in one statement.

A page, a vote and the saved page each need the seat a cookie names and an agenda item (the current one,
or the one in the path). Read apart, those were two statements and the ORM session around them; together,
on the page's Core connection, they are one statement and no session: on PostgreSQL a round trip fewer
on every page (benchmarks/README.md, fifth round).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, bindparam
from sqlalchemy import select as core_select

from workshop.models import AgendaItem, Seat, Workshop, table_of
from workshop.store.workshops import WorkshopNotFound

_WORKSHOPS = table_of(Workshop)
_SEATS = table_of(Seat)
_ITEMS = table_of(AgendaItem)
_COLUMNS = (
    _WORKSHOPS.c.id.label("workshop_row"),
    *(_SEATS.c[name].label(f"seat_{name}") for name in Seat.model_fields),
    *(_ITEMS.c[name].label(f"item_{name}") for name in AgendaItem.model_fields),
)
# The workshop is the statement's one row, so "no such workshop" differs from "no seat" and "no item".
_WITH_SEAT = _WORKSHOPS.outerjoin(
    _SEATS, and_(_SEATS.c.token == bindparam("token"), _SEATS.c.workshop_id == _WORKSHOPS.c.id)
)
_CURRENT = (
    core_select(*_COLUMNS)
    .select_from(_WITH_SEAT.outerjoin(_ITEMS, _ITEMS.c.id == _WORKSHOPS.c.current_item_id))
    .where(_WORKSHOPS.c.id == bindparam("workshop_id"))
)
_NAMED = (
    core_select(*_COLUMNS)
    .select_from(_WITH_SEAT.outerjoin(_ITEMS, _ITEMS.c.id == bindparam("item_id")))
    .where(_WORKSHOPS.c.id == bindparam("workshop_id"))
)


def seat_and_item(
    connection: Connection, workshop_id: int, token: str | None, item_id: int | None = None
) -> tuple[Seat | None, AgendaItem | None]:
    """The seat whose cookie token is ``token`` in this workshop, and the item ``item_id`` (the current
    item when None), each None when there is none; :class:`WorkshopNotFound` if there is no workshop.

    Both are copies to read, as ``store.seat_by_token``'s and ``store.item_copy``'s: the item may belong to
    another workshop, which the caller checks. A token no cookie could hold finds no seat.
    """
    if not token or len(token) > 64:
        token = None  # no seat has a null token, so the outer join finds none
    params: dict[str, Any] = {"workshop_id": workshop_id, "token": token}
    if item_id is not None:
        params["item_id"] = item_id
    found = connection.execute(_CURRENT if item_id is None else _NAMED, params).first()
    if found is None:
        raise WorkshopNotFound(f"no workshop with id {workshop_id}")
    values = found._mapping
    seat = None
    if values["seat_id"] is not None:
        seat = Seat.model_construct(**{name: values[f"seat_{name}"] for name in Seat.model_fields})
    item = None
    if values["item_id"] is not None:
        fields = AgendaItem.model_fields
        item = AgendaItem.model_construct(**{name: values[f"item_{name}"] for name in fields})
    return seat, item
