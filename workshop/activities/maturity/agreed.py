"""Agreed levels: what the room settled on for a maturity factor at a horizon, beside the raw spread."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from workshop.activities.maturity.activity import MaturityActivity
from workshop.analysis import Distribution
from workshop.models import AgendaItem, AgreedLevel, Horizon, MaturityFactor, MaturityLevel, utcnow
from workshop.store.agenda import AgendaError, get_item
from workshop.store.workshops import bump_revision

RATIONALE_LIMIT = 1000


@dataclass(frozen=True)
class AgreedRow:
    """One factor's agreed level (None: the room did not agree) and why, at one horizon."""

    factor_id: int
    level: int | None
    rationale: str


def starting_level(dist: Distribution) -> int | None:
    """The level a factor's agreement starts at when nothing is recorded: the room's median rounded down (a
    median of 2½ starts at 2, the more cautious level); None when nobody gave a level."""
    middle = dist.median()
    return None if middle is None else math.floor(middle)


def rationale_problem(rationale: str) -> str | None:
    """What is wrong with a rationale, worded to follow its name ("the reason … must be …"); None if fine."""
    if len(rationale) > RATIONALE_LIMIT:
        return f"must be {RATIONALE_LIMIT} characters or fewer (it has {len(rationale)})"
    return None


def set_agreed(
    session: Session, item_id: int, factor_id: int, horizon_id: int, level: int | None, rationale: str
) -> AgreedLevel:
    """Record (or replace) the agreed level; ``None`` records that the room did not agree."""
    item = get_item(session, item_id)
    _check(session, item, factor_id, horizon_id, level)
    _check_rationale(rationale)
    row = _store(session, item_id, factor_id, horizon_id, level, rationale)
    bump_revision(session, item.workshop_id)
    return row


def set_agreed_many(session: Session, item_id: int, horizon_id: int, rows: Sequence[AgreedRow]) -> int:
    """Record several factors' agreed levels at one horizon in one write, checked like :func:`set_agreed`.

    All or nothing: one refused row refuses them all (the writer rolls the write back), so a room's
    agreement is never half saved. The workshop's revision moves once. Returns how many rows were recorded.
    """
    item = get_item(session, item_id)
    seen: set[int] = set()
    for row in rows:
        _check(session, item, row.factor_id, horizon_id, row.level)
        _check_rationale(row.rationale)
        if row.factor_id in seen:
            raise AgendaError("each factor can be agreed once per save")
        seen.add(row.factor_id)
    for row in rows:
        _store(session, item_id, row.factor_id, horizon_id, row.level, row.rationale)
    if rows:
        bump_revision(session, item.workshop_id)
    return len(rows)


def _check_rationale(rationale: str) -> None:
    problem = rationale_problem(rationale)
    if problem is not None:
        raise AgendaError(f"the rationale {problem}")


def _store(
    session: Session, item_id: int, factor_id: int, horizon_id: int, level: int | None, rationale: str
) -> AgreedLevel:
    row = session.exec(
        select(AgreedLevel).where(
            AgreedLevel.item_id == item_id,
            AgreedLevel.factor_id == factor_id,
            AgreedLevel.horizon_id == horizon_id,
        )
    ).first()
    if row is None:
        row = AgreedLevel(item_id=item_id, factor_id=factor_id, horizon_id=horizon_id)
    row.level, row.rationale, row.updated_at = level, rationale, utcnow()
    session.add(row)
    return row


def _check(session: Session, item: AgendaItem, factor_id: int, horizon_id: int, level: int | None) -> None:
    if item.kind != MaturityActivity.kind:
        raise AgendaError("agreed levels belong to a maturity matrix item")
    factor, horizon = session.get(MaturityFactor, factor_id), session.get(Horizon, horizon_id)
    if factor is None or horizon is None or {factor.workshop_id, horizon.workshop_id} != {item.workshop_id}:
        raise AgendaError("that factor or horizon is not in this workshop")
    levels = session.exec(
        select(MaturityLevel.value).where(MaturityLevel.workshop_id == item.workshop_id)
    ).all()
    if level is not None and level not in levels:
        raise AgendaError(f"level {level} is not on this workshop's scale")
