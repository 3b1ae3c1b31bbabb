"""Seats: how a phone joins a workshop and is recognised again, without a name."""

from __future__ import annotations

from sqlmodel import Session, select

from workshop.models import Organisation, RoleLevel, Seat
from workshop.store.codes import secret_token, short_code
from workshop.store.workshops import bump_revision


class SeatError(ValueError):
    """A join request that names an organisation or role level the workshop does not have."""


def join(
    session: Session, workshop_id: int, organisation_id: int | None = None, role_level_id: int | None = None
) -> Seat:
    """Create a seat; organisation and role level are optional but must belong to the workshop."""
    if organisation_id is not None:
        org = session.get(Organisation, organisation_id)
        if org is None or org.workshop_id != workshop_id:
            raise SeatError("Choose an organisation from the list, or leave it blank")
    if role_level_id is not None:
        role = session.get(RoleLevel, role_level_id)
        if role is None or role.workshop_id != workshop_id:
            raise SeatError("Choose a role level from the list, or leave it blank")
    code = short_code()
    while session.exec(select(Seat.id).where(Seat.workshop_id == workshop_id, Seat.code == code)).first():
        code = short_code()
    seat = Seat(
        workshop_id=workshop_id,
        token=secret_token(),
        code=code,
        organisation_id=organisation_id,
        role_level_id=role_level_id,
    )
    session.add(seat)
    session.flush()
    bump_revision(session, workshop_id)
    return seat


def seat_by_code(session: Session, workshop_id: int, code: str) -> Seat | None:
    """The seat with this short code in this workshop, if any."""
    return session.exec(select(Seat).where(Seat.workshop_id == workshop_id, Seat.code == code)).first()


def seat_by_token(session: Session, workshop_id: int, token: str | None) -> Seat | None:
    """The seat this cookie token belongs to in this workshop, if any."""
    if not token or len(token) > 64:
        return None
    return session.exec(select(Seat).where(Seat.token == token, Seat.workshop_id == workshop_id)).first()


def add_proxy_seat(session: Session, workshop_id: int) -> Seat:
    """A seat the facilitator answers through for someone without a phone; marked as proxy in the data."""
    seat = join(session, workshop_id)
    seat.is_proxy = True
    session.add(seat)
    return seat
