"""The maturity matrix in the outcome pack: the whole room per horizon, then by organisation and role.

Breakdowns come from :mod:`workshop.activities.maturity.breakdown`, so a group under the minimum size is
named, never shown.
"""

from __future__ import annotations

from sqlmodel import Session

from workshop.activities.maturity.breakdown import BreakdownBy, maturity_breakdown
from workshop.activities.maturity.matrix import MatrixSummary
from workshop.analysis import Distribution, format_median
from workshop.exports.blocks import Block, Bullets, Heading, Paragraph, Table
from workshop.models import AgendaItem
from workshop.wording import people

FEW = "—"
MATRIX_HEADERS = ("Factor", "Median", "Agreement", "Ratings", "Agreed level", "Why")
BREAKDOWNS: tuple[tuple[BreakdownBy, str], ...] = (("organisation", "organisation"), ("role", "role level"))


def _cell(dist: Distribution, min_group: int) -> str:
    # A big group can still have one rating in a cell when the others said "don't know": that one
    # rating would be a person's, so the cell is held back like a small group.
    return format_median(dist.median()) if dist.n >= min_group else FEW


def _agreed(value: tuple[int | None, str] | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    level, rationale = value
    return ("no agreement" if level is None else str(level)), rationale


def maturity_report(session: Session, item: AgendaItem, summary: MatrixSummary) -> list[Block]:
    """Per horizon: median, agreement and the agreed level beside it; then breakdowns and comments."""
    structure = summary.structure
    blocks: list[Block] = [Paragraph(f"{people(summary.responses)} rated the matrix.")]
    for horizon in structure.horizons:
        rows: list[tuple[str, ...]] = []
        for factor in summary.factors:
            dist = factor.by_horizon[horizon.key]
            agreed, why = _agreed(summary.agreed.get((factor.factor.key, horizon.key)))
            rows.append(
                (
                    factor.factor.name,
                    format_median(dist.median()),
                    dist.agreement().value,
                    f"{dist.n} + {dist.dont_know} don't know" if dist.dont_know else str(dist.n),
                    agreed,
                    why,
                )
            )
        blocks.append(Heading(f"Maturity {horizon.label.lower()}", level=4))
        blocks.append(Table(MATRIX_HEADERS, tuple(rows)))
    for by, label in BREAKDOWNS:
        breakdown = maturity_breakdown(session, item, by)
        blocks.append(Heading(f"Medians by {label}", level=4))
        if breakdown.groups:
            for horizon in structure.horizons:
                headers = (horizon.label, *(f"{g.name} ({g.seats})" for g in breakdown.groups))
                rows = [
                    (
                        f.name,
                        *(
                            _cell(g.distribution(f.key, horizon.key), breakdown.min_group)
                            for g in breakdown.groups
                        ),
                    )
                    for f in structure.factors
                ]
                blocks.append(Table(headers, tuple(rows)))
            blocks.append(
                Paragraph(
                    f"{FEW}: fewer than {breakdown.min_group} people in the group rated this factor (the "
                    "rest said don't know), so it is not shown."
                )
            )
        hidden = [*breakdown.suppressed, *breakdown.withheld]
        if hidden:
            blocks.append(
                Paragraph(
                    f"Not shown, so that no one can be singled out (a group needs {breakdown.min_group} or "
                    f"more people): {', '.join(hidden)}."
                )
            )
        elif not breakdown.groups:
            blocks.append(Paragraph("Nobody answered yet."))
    if summary.comments:
        blocks.append(Heading("Comments", level=4))
        names = {f.key: f.name for f in structure.factors}
        for key, texts in summary.comments.items():
            blocks.append(Paragraph(names.get(key, key), strong=True))
            blocks.append(Bullets(tuple(texts)))
    return blocks
