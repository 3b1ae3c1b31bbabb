"""A maturity item's live summary: counts per level for each factor and horizon, comments, agreed levels.

Read with grouped queries (the database counts), so a room of a thousand costs a handful of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from workshop.activities.base import settings_of
from workshop.activities.maturity.matrix import (
    FactorSummary,
    MatrixStructure,
    MatrixSummary,
    matrix_structure,
)
from workshop.activities.maturity.settings import MaturitySettings, asked_horizons
from workshop.analysis import Distribution
from workshop.models import (
    AgendaItem,
    AgreedLevel,
    Horizon,
    MaturityComment,
    MaturityFocus,
    MaturityRating,
    Response,
    row_id,
)


def _complete(session: Session, item: AgendaItem, structure: MatrixStructure, focus_id: int | None) -> int:
    """Responses that rate every factor at every horizon the phones ask."""
    asked = asked_horizons(structure, settings_of(MaturitySettings, item), focus_id)
    return rated_every_factor(session, item, structure, asked)


def rated_every_factor(
    session: Session, item: AgendaItem, structure: MatrixStructure, horizons: Sequence[Horizon]
) -> int:
    """Responses that rate every factor at each of ``horizons``."""
    asked = [row_id(h) for h in horizons]
    needed = len(asked) * len(structure.factors)
    if not needed:
        return 0
    # One rating row per response, factor and horizon (a unique constraint), so a count is a coverage.
    full = (
        select(MaturityRating.response_id)
        .where(MaturityRating.item_id == item.id, col(MaturityRating.horizon_id).in_(asked))
        .group_by(col(MaturityRating.response_id))
        .having(func.count() == needed)
        .subquery()
    )
    return session.exec(select(func.count()).select_from(full)).one()


def matrix_summary(session: Session, item: AgendaItem) -> MatrixSummary:
    """Count a maturity item's ratings per factor and horizon, with its comments and agreed levels."""
    structure = matrix_structure(session, item)
    level_count = len(structure.levels)
    responses = session.exec(
        select(func.count()).select_from(Response).where(Response.item_id == item.id)
    ).one()
    counts: dict[tuple[int, int], list[int]] = {}
    dont_know: dict[tuple[int, int], int] = {}
    rows = session.exec(
        select(MaturityRating.factor_id, MaturityRating.horizon_id, MaturityRating.level, func.count())
        .where(MaturityRating.item_id == item.id)
        .group_by(col(MaturityRating.factor_id), col(MaturityRating.horizon_id), col(MaturityRating.level))
    ).all()
    for factor_id, horizon_id, level, count in rows:
        key = (factor_id, horizon_id)
        if level is None:
            dont_know[key] = count
        elif 1 <= level <= level_count:
            counts.setdefault(key, [0] * level_count)[level - 1] = count
    factors = tuple(
        FactorSummary(
            factor=factor,
            by_horizon={
                h.key: Distribution(
                    tuple(counts.get((row_id(factor), row_id(h)), [0] * level_count)),
                    dont_know.get((row_id(factor), row_id(h)), 0),
                )
                for h in structure.horizons
            },
        )
        for factor in structure.factors
    )
    keys = {f.id: f.key for f in structure.factors}
    comments: dict[str, list[str]] = {}
    for factor_id, text in session.exec(
        select(MaturityComment.factor_id, MaturityComment.text)
        .where(MaturityComment.item_id == item.id)
        .order_by(col(MaturityComment.id))
    ).all():
        if factor_id in keys:
            comments.setdefault(keys[factor_id], []).append(text)
    horizon_keys = {h.id: h.key for h in structure.horizons}
    agreed = {
        (keys[row.factor_id], horizon_keys[row.horizon_id]): (row.level, row.rationale)
        for row in session.exec(select(AgreedLevel).where(AgreedLevel.item_id == item.id)).all()
        if row.factor_id in keys and row.horizon_id in horizon_keys
    }
    focus = session.get(MaturityFocus, row_id(item))
    chosen = [h.key for h in structure.horizons if focus is not None and h.id == focus.horizon_id]
    first = [h.key for h in structure.horizons[:1]]
    complete = _complete(session, item, structure, focus.horizon_id if focus is not None else None)
    return MatrixSummary(
        responses=responses,
        complete=complete,
        partial=responses - complete,
        structure=structure,
        factors=factors,
        comments=comments,
        agreed=agreed,
        focus=(chosen or first or [""])[0],
    )
