"""Workshops: made from a template, found by id or join code, their change counter and their settings."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from workshop.models import (
    MIN_GROUP_FLOOR,
    MIN_GROUP_MAX,
    AgendaItem,
    Horizon,
    MaturityFactor,
    MaturityLevel,
    Organisation,
    RoleLevel,
    Workshop,
    row_id,
    table_of,
)
from workshop.store.codes import normalise_code, secret_token, short_code

if TYPE_CHECKING:
    from workshop.templates import TemplateSpec


class WorkshopNotFound(LookupError):
    """No workshop with that id or join code."""


class SettingError(ValueError):
    """A workshop setting refused; the message says why, in words for the facilitator."""


def insert_workshop(
    session: Session, spec: TemplateSpec, title: str | None = None, *, demo: bool = False
) -> tuple[Workshop, list[AgendaItem]]:
    """Store a workshop made from a template and its agenda items, copying the template's content so later
    template edits don't change it. Setting each item up is its kind's job (see workshop.usecases)."""
    workshop = Workshop(
        title=(title or spec.title).strip()[:200] or spec.title,
        template=spec.name,
        join_code=unused_join_code(session),
        is_demo=demo,
        min_group=spec.min_group,
    )
    session.add(workshop)
    session.flush()
    assert workshop.id is not None
    wid = workshop.id
    session.add_all(
        Organisation(workshop_id=wid, name=name, position=i) for i, name in enumerate(spec.organisations)
    )
    session.add_all(
        RoleLevel(workshop_id=wid, name=name, position=i) for i, name in enumerate(spec.role_levels)
    )
    session.add_all(
        MaturityLevel(workshop_id=wid, value=lv.value, name=lv.name, meaning=lv.meaning) for lv in spec.levels
    )
    session.add_all(
        Horizon(workshop_id=wid, key=h.key, label=h.label, position=i) for i, h in enumerate(spec.horizons)
    )
    session.add_all(
        MaturityFactor(
            workshop_id=wid,
            key=f.key,
            name=f.name,
            short=f.short or f.name[:16],
            position=i,
            descriptors=list(f.descriptors),
        )
        for i, f in enumerate(spec.factors)
    )
    items = [
        AgendaItem(
            workshop_id=wid,
            position=i,
            kind=a.kind,
            title=a.title,
            planned_minutes=a.minutes,
            notes=a.notes,
            config={"key": a.key, "settings": a.settings},
        )
        for i, a in enumerate(spec.agenda)
    ]
    session.add_all(items)
    session.flush()
    return workshop, items


def unused_join_code(session: Session) -> str:
    """A join code no other workshop has."""
    code = short_code()
    while session.exec(select(Workshop.id).where(Workshop.join_code == code)).first() is not None:
        code = short_code()
    return code


def get_workshop(session: Session, workshop_id: int) -> Workshop:
    """The workshop with this id, or :class:`WorkshopNotFound`."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise WorkshopNotFound(f"no workshop with id {workshop_id}")
    return workshop


def find_by_join_code(session: Session, code: str) -> Workshop:
    """The workshop phones join with ``code`` (as typed), or :class:`WorkshopNotFound`."""
    workshop = session.exec(select(Workshop).where(Workshop.join_code == normalise_code(code))).first()
    if workshop is None:
        raise WorkshopNotFound(f"no workshop with join code {code!r}")
    return workshop


def facilitator_token_hash(token: str) -> str:
    """What the database keeps of a facilitator token: its SHA-256, in hex."""
    # A fast hash is enough, and a slow password hash would add nothing: a token is 192 random bits from
    # `secrets` (codes.secret_token), so nobody finds one from its hash by trying candidates.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_facilitator_token(session: Session, workshop: Workshop) -> str:
    """Give ``workshop`` a new facilitator token, for its remote (``/f/TOKEN``) and its JSON API.

    Only the token's hash is stored; the token itself is returned, and exists only in the memory of the
    caller, which shows it (the TUI's remote dialog, ``workshop new``, ``workshop token``). The token
    issued before it stops working: remotes signed in with it and API clients sending it are refused.
    Call it in a write session; the token works once that commits.
    """
    token = secret_token()
    workshop.facilitator_token_hash = facilitator_token_hash(token)
    session.add(workshop)
    # A change others must see: a facilitator's screen showing the token before learns it no longer works.
    bump_revision(session, row_id(workshop))
    return token


def facilitator_codes(session: Session, workshop_id: int, known: str | None = None) -> tuple[str, str]:
    """The workshop's join code and facilitator token, for a facilitator's screen that shows both.

    The token is ``known`` while it still is the workshop's (a screen opening the workshop again keeps the
    remote it paired), else a newly issued one (see :func:`issue_facilitator_token`). Raises
    :class:`WorkshopNotFound` if there is no such workshop.
    """
    workshop = get_workshop(session, workshop_id)
    stored = workshop.facilitator_token_hash
    if known and stored and hmac.compare_digest(stored, facilitator_token_hash(known)):
        return workshop.join_code, known
    return workshop.join_code, issue_facilitator_token(session, workshop)


def workshop_by_facilitator_token(session: Session, token: str) -> Workshop | None:
    """The workshop whose facilitator token ``token`` is, or None: found by the token's hash."""
    if not token:
        return None
    digest = facilitator_token_hash(token)
    workshop = session.exec(select(Workshop).where(Workshop.facilitator_token_hash == digest)).first()
    # The query already matched; compared again in constant time in case a database compares loosely.
    if workshop is None or not hmac.compare_digest(workshop.facilitator_token_hash or "", digest):
        return None
    return workshop


def list_workshops(session: Session) -> Sequence[Workshop]:
    """Every workshop, newest first."""
    return session.exec(
        select(Workshop).order_by(col(Workshop.created_at).desc(), col(Workshop.id).desc())
    ).all()


def latest_demo(session: Session) -> Workshop | None:
    """The most recent demo workshop, so ``workshop demo`` returns to it with its votes."""
    return session.exec(
        select(Workshop).where(col(Workshop.is_demo)).order_by(col(Workshop.id).desc())
    ).first()


def organisations(session: Session, workshop_id: int) -> Sequence[Organisation]:
    """The organisation types participants can pick from."""
    return session.exec(
        select(Organisation)
        .where(Organisation.workshop_id == workshop_id)
        .order_by(col(Organisation.position))
    ).all()


def role_levels(session: Session, workshop_id: int) -> Sequence[RoleLevel]:
    """The role levels participants can pick from."""
    return session.exec(
        select(RoleLevel).where(RoleLevel.workshop_id == workshop_id).order_by(col(RoleLevel.position))
    ).all()


_WORKSHOPS = table_of(Workshop)
# Built once and run on the connection: an ORM-enabled update synchronises the session, and building the
# statement again each time costs as much as running it; both were paid on every vote.
_BUMP = (
    update(_WORKSHOPS)
    .where(_WORKSHOPS.c.id == bindparam("workshop_id"))
    .values(revision=_WORKSHOPS.c.revision + 1)
)


# Where bump_revision marks workshops instead of bumping them, inside marking_revisions.
_MARKS = "workshop.revisions_marked"


def bump_revision(session: Session, workshop_id: int) -> None:
    """Record that something in the workshop changed; call inside the transaction that changed it.

    Inside :func:`marking_revisions` the workshop is only marked: whoever opened it bumps it later in the
    same transaction, with :func:`bump_revisions`.
    """
    marks: set[int] | None = session.info.get(_MARKS)
    if marks is not None:
        marks.add(workshop_id)
        return
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    session.connection().execute(_BUMP, {"workshop_id": workshop_id})


@contextmanager
def marking_revisions(session: Session) -> Iterator[set[int]]:
    """A block in which :func:`bump_revision` adds the workshop's id to the set yielded and runs nothing.

    The writer runs each write of a batch in one and bumps each workshop marked by a write that was kept
    once, before the batch commits: a burst of votes moves the revision once, not once a vote.
    """
    previous = session.info.get(_MARKS)
    marks: set[int] = set()
    session.info[_MARKS] = marks
    try:
        yield marks
    finally:
        if previous is None:
            del session.info[_MARKS]
        else:
            session.info[_MARKS] = previous


def bump_revisions(session: Session, workshop_ids: Iterable[int]) -> None:
    """:func:`bump_revision` for each of ``workshop_ids``, once each."""
    for workshop_id in sorted(set(workshop_ids)):
        bump_revision(session, workshop_id)


def revision(session: Session, workshop_id: int) -> int:
    """The workshop's change counter: a live view redraws when it moves."""
    value = session.exec(select(Workshop.revision).where(Workshop.id == workshop_id)).first()
    if value is None:
        raise WorkshopNotFound(f"no workshop with id {workshop_id}")
    return value


def min_group_problem(size: object) -> str | None:
    """Why ``size`` cannot be a breakdown's smallest group, or None if it can (the TUI's dialog asks too)."""
    if isinstance(size, bool) or not isinstance(size, int):
        return f"The smallest group must be a whole number from {MIN_GROUP_FLOOR} to {MIN_GROUP_MAX}."
    if size < MIN_GROUP_FLOOR:
        return (
            f"The smallest group must be at least {MIN_GROUP_FLOOR}, not {size}: in a group of two, one "
            "person's ratings are the pair's minus the other's."
        )
    if size > MIN_GROUP_MAX:
        return f"The smallest group must be at most {MIN_GROUP_MAX}, not {size}."
    return None


def set_min_group(session: Session, workshop_id: int, size: int) -> int:
    """Set the smallest group a breakdown shows, from :data:`MIN_GROUP_FLOOR` to :data:`MIN_GROUP_MAX`.

    Raises :class:`SettingError` (saying why) for any other size, :class:`WorkshopNotFound` for no
    workshop. Returns the size set. Breakdowns already on screen are read again: the revision moves.
    """
    problem = min_group_problem(size)
    if problem is not None:
        raise SettingError(problem)
    workshop = get_workshop(session, workshop_id)
    workshop.min_group = size
    session.add(workshop)
    bump_revision(session, workshop_id)
    return size
