"""Agreed levels: what the room settled on for a maturity factor at a horizon, beside the raw spread."""

from __future__ import annotations

from sqlmodel import Session, select

from workshop.activities.maturity.activity import MaturityActivity
from workshop.models import AgendaItem, AgreedLevel, Horizon, MaturityFactor, MaturityLevel, utcnow
from workshop.store.agenda import AgendaError, get_item
from workshop.store.workshops import bump_revision

RATIONALE_LIMIT = 1000


def set_agreed(
    session: Session, item_id: int, factor_id: int, horizon_id: int, level: int | None, rationale: str
) -> AgreedLevel:
    """Record (or replace) the agreed level; ``None`` records that the room did not agree."""
    item = get_item(session, item_id)
    _check(session, item, factor_id, horizon_id, level)
    if len(rationale) > RATIONALE_LIMIT:
        raise AgendaError(
            f"the rationale must be {RATIONALE_LIMIT} characters or fewer (it has {len(rationale)})"
        )
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
    bump_revision(session, item.workshop_id)
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
