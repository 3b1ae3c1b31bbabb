"""Seats: how a phone joins a workshop and is recognised again, without a name."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, insert
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from workshop.models import Organisation, RoleLevel, Seat, table_of, utcnow
from workshop.store.codes import secret_token, short_code
from workshop.store.workshops import bump_revision


class SeatError(ValueError):
    """A join request that names an organisation or role level the workshop does not have."""


class NewSeat(NamedTuple):
    """A seat just made: what the phone is given (the cookie's token) and shown (the code)."""

    id: int
    token: str
    code: str
    # The row as stored, to keep (workshop/web/phone_cache.py) without reading it back.
    row: Seat


# Built once and run on the session's connection: a seat is made on every join and read on every page, and
# the ORM's query, flush and identity map cost several times the statement itself (benchmarks/README.md).
_SEATS = table_of(Seat)
_COLUMNS = [_SEATS.c[name] for name in Seat.model_fields]
_BY_TOKEN = core_select(*_COLUMNS).where(
    _SEATS.c.token == bindparam("token"), _SEATS.c.workshop_id == bindparam("workshop_id")
)
_NEW_SEAT = ("workshop_id", "token", "code", "organisation_id", "role_level_id", "is_proxy", "created_at")
_CODE_TAKEN = core_select(_SEATS.c.id).where(
    _SEATS.c.workshop_id == bindparam("workshop_id"), _SEATS.c.code == bindparam("code")
)
_ADD_IF_FREE = (
    insert(_SEATS)
    .from_select(
        list(_NEW_SEAT),
        core_select(*(bindparam(name, type_=_SEATS.c[name].type) for name in _NEW_SEAT)).where(
            ~exists(_CODE_TAKEN)
        ),
    )
    .returning(_SEATS.c.id)
)


def add_seat(
    session: Session, workshop_id: int, organisation_id: int | None = None, role_level_id: int | None = None
) -> NewSeat:
    """Create a seat without loading it as an object (the phones' join); checks as :func:`join`."""
    if organisation_id is not None:
        org = session.get(Organisation, organisation_id)
        if org is None or org.workshop_id != workshop_id:
            raise SeatError("Choose an organisation from the list, or leave it blank")
    if role_level_id is not None:
        role = session.get(RoleLevel, role_level_id)
        if role is None or role.workshop_id != workshop_id:
            raise SeatError("Choose a role level from the list, or leave it blank")
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    connection = session.connection()
    token = secret_token()
    row: dict[str, Any] = {
        "workshop_id": workshop_id,
        "token": token,
        "organisation_id": organisation_id,
        "role_level_id": role_level_id,
        "is_proxy": False,
        "created_at": utcnow(),
    }
    # One statement: the seat goes in only if its code is free in the workshop (no row comes back if
    # not, and another code is drawn). Writes are serialised (BEGIN IMMEDIATE, or the advisory lock).
    while True:
        code = short_code()
        seat_id = connection.execute(_ADD_IF_FREE, {**row, "code": code}).scalar()
        if seat_id is not None:
            break
    bump_revision(session, workshop_id)
    return NewSeat(int(seat_id), token, code, Seat.model_construct(**row, id=int(seat_id), code=code))


def join(
    session: Session, workshop_id: int, organisation_id: int | None = None, role_level_id: int | None = None
) -> Seat:
    """Create a seat; organisation and role level are optional but must belong to the workshop."""
    made = add_seat(session, workshop_id, organisation_id, role_level_id)
    seat = session.get(Seat, made.id)
    if seat is None:  # just inserted in this transaction: cannot happen
        raise SeatError(f"seat {made.id} vanished")
    return seat


def seat_by_code(session: Session, workshop_id: int, code: str) -> Seat | None:
    """The seat with this short code in this workshop, if any."""
    return session.exec(select(Seat).where(Seat.workshop_id == workshop_id, Seat.code == code)).first()


def seat_by_token(session: Session, workshop_id: int, token: str | None) -> Seat | None:
    """The seat this cookie token belongs to in this workshop, if any.

    A copy to read, not a row the session tracks (every page reads the seat, and building it costs a tenth
    of the ORM's query): changing it changes nothing; :func:`join` and ``session.get`` give tracked ones.
    """
    if not token or len(token) > 64:
        return None
    found = session.connection().execute(_BY_TOKEN, {"token": token, "workshop_id": workshop_id}).first()
    return None if found is None else Seat.model_construct(**found._mapping)


def add_proxy_seat(session: Session, workshop_id: int) -> Seat:
    """A seat the facilitator answers through for someone without a phone; marked as proxy in the data."""
    seat = join(session, workshop_id)
    seat.is_proxy = True
    session.add(seat)
    return seat
