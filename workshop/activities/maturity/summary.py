"""A maturity item's live summary: counts per level for each factor and horizon, comments, agreed levels.

Read with grouped queries (the database counts), so a room of a thousand costs a handful of rows.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from workshop.activities.maturity.matrix import FactorSummary, MatrixSummary, matrix_structure
from workshop.analysis import Distribution
from workshop.models import (
    AgendaItem,
    AgreedLevel,
    MaturityComment,
    MaturityFocus,
    MaturityRating,
    Response,
    row_id,
)


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
    return MatrixSummary(
        responses=responses,
        structure=structure,
        factors=factors,
        comments=comments,
        agreed=agreed,
        focus=(chosen or first or [""])[0],
    )
