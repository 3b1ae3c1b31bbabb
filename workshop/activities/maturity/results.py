"""The maturity matrix's results as data: what the outcome pack's every format renders, and the JSON export.

Numbers stay numbers (a median of 2.5, not "2½"); words a person reads are made by the formats. Groups
under the workshop's minimum size carry their names only, exactly as the breakdown decided (see
:mod:`workshop.activities.maturity.breakdown`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from workshop.activities.maturity.breakdown import Breakdown, BreakdownBy, maturity_breakdown
from workshop.activities.maturity.compare import Comparison, compare_with_baseline
from workshop.activities.maturity.matrix import MatrixSummary
from workshop.analysis import Distribution
from workshop.models import AgendaItem


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Stats(_Data):
    """One distribution of ratings: the count per level, don't know, and what they add up to."""

    counts: list[int] = Field(description="Ratings per level, the first for level 1.")
    dont_know: int = Field(description="Answers of don't know, left out of n and the median.")
    n: int = Field(description="Ratings that named a level.")
    median: float | None = Field(
        description="The median level; a half-level between two; null with no ratings."
    )
    quartiles: tuple[float, float] | None = Field(
        description="Lower and upper quartiles (Tukey's hinges): the interquartile range is their difference."
    )
    agreement: Literal["strong", "some", "split", "too few"]

    @classmethod
    def of(cls, dist: Distribution) -> Stats:
        """The data of one distribution."""
        return cls(
            counts=list(dist.counts),
            dont_know=dist.dont_know,
            n=dist.n,
            median=dist.median(),
            quartiles=dist.quartiles(),
            agreement=dist.agreement().value,
        )


class Level(_Data):
    value: int
    name: str


class HorizonInfo(_Data):
    key: str
    label: str


class HorizonResult(_Data):
    """One factor at one horizon: the room's ratings and what the room agreed."""

    horizon: str = Field(description="The horizon's key.")
    stats: Stats
    agreed: bool = Field(description="Whether the facilitator recorded what the room agreed.")
    agreed_level: int | None = Field(description="The agreed level; null when none was agreed or recorded.")
    rationale: str = Field(description="Why the room agreed it, as the facilitator wrote it.")


class FactorResult(_Data):
    key: str
    name: str
    horizons: list[HorizonResult]
    ambition_gaps: dict[str, float | None] = Field(
        description="Per later horizon key: its median minus now's median (null when either has no ratings)."
    )


class GroupResult(_Data):
    """One shown group of a breakdown: each factor's stats per horizon; null where too few rated it."""

    name: str
    seats: int = Field(description="Seats of the group that answered.")
    factors: dict[str, dict[str, Stats | None]] = Field(
        description="Factor key → horizon key → stats; null when fewer than the minimum group rated it."
    )


class BreakdownResult(_Data):
    by: BreakdownBy
    min_group: int = Field(description="The smallest group shown; smaller groups are named, never shown.")
    groups: list[GroupResult]
    suppressed: list[str] = Field(description="Groups smaller than the minimum: names only.")
    withheld: list[str] = Field(description="Groups held back so the suppressed cannot be worked out.")


class FactorComments(_Data):
    factor: str = Field(description="The factor's key.")
    texts: list[str]


class BaselinePoint(_Data):
    workshop_id: int
    title: str
    held_on: datetime


class FactorChangeResult(_Data):
    key: str
    name: str
    baseline: dict[str, float | None] = Field(description="The baseline's median per horizon key.")
    series: list[float | None] = Field(description="The 'now' median at each point, oldest first.")
    movement: float | None = Field(description="The latest 'now' median minus the baseline's.")
    status: Literal["met", "on track", "behind"] | None = Field(
        description="The baseline's one-year ambition: met, on track for the time passed, or behind."
    )


class BaselineChange(_Data):
    """Change since the baseline, for a follow-up (see workshop.activities.maturity.compare)."""

    points: list[BaselinePoint] = Field(description="The baseline chain, oldest first; the last is this one.")
    factors: list[FactorChangeResult]


class MaturityResults(_Data):
    """A maturity item's results: the whole room per factor and horizon, breakdowns, comments."""

    kind: Literal["maturity"] = "maturity"
    responses: int
    levels: list[Level]
    horizons: list[HorizonInfo]
    factors: list[FactorResult]
    breakdowns: list[BreakdownResult]
    comments: list[FactorComments]
    baseline: BaselineChange | None = Field(description="Change since the baseline; null unless a follow-up.")


def _gap(later: float | None, now: float | None) -> float | None:
    return None if later is None or now is None else later - now


def _breakdown(breakdown: Breakdown) -> BreakdownResult:
    structure = breakdown.structure
    min_group = breakdown.min_group
    groups = [
        GroupResult(
            name=group.name,
            seats=group.seats,
            factors={
                f.key: {
                    # None: the breakdown hid the cell (too few rated it, or subtraction would expose it).
                    h.key: Stats.of(d) if (d := group.distribution(f.key, h.key)) is not None else None
                    for h in structure.horizons
                }
                for f in structure.factors
            },
        )
        for group in breakdown.groups
    ]
    return BreakdownResult(
        by=breakdown.by,
        min_group=min_group,
        groups=groups,
        suppressed=list(breakdown.suppressed),
        withheld=list(breakdown.withheld),
    )


def maturity_results(session: Session, item: AgendaItem, summary: MatrixSummary) -> MaturityResults:
    """The item's results as data, with breakdowns by organisation and by role level."""
    structure = summary.structure
    now = structure.horizons[0].key if structure.horizons else None
    factors = []
    for row in summary.factors:
        horizons = []
        for horizon in structure.horizons:
            agreed = summary.agreed.get((row.factor.key, horizon.key))
            horizons.append(
                HorizonResult(
                    horizon=horizon.key,
                    stats=Stats.of(row.by_horizon[horizon.key]),
                    agreed=agreed is not None,
                    agreed_level=agreed[0] if agreed else None,
                    rationale=agreed[1] if agreed else "",
                )
            )
        medians = {h.horizon: h.stats.median for h in horizons}
        gaps = {key: _gap(value, medians[now]) for key, value in medians.items() if now and key != now}
        factors.append(
            FactorResult(key=row.factor.key, name=row.factor.name, horizons=horizons, ambition_gaps=gaps)
        )
    by: tuple[BreakdownBy, ...] = ("organisation", "role")
    return MaturityResults(
        responses=summary.responses,
        levels=[Level(value=level.value, name=level.name) for level in structure.levels],
        horizons=[HorizonInfo(key=h.key, label=h.label) for h in structure.horizons],
        factors=factors,
        breakdowns=[_breakdown(maturity_breakdown(session, item, b)) for b in by],
        comments=[FactorComments(factor=key, texts=list(texts)) for key, texts in summary.comments.items()],
        baseline=_baseline(compare_with_baseline(session, item)),
    )


def _baseline(comparison: Comparison | None) -> BaselineChange | None:
    if comparison is None:
        return None
    return BaselineChange(
        points=[
            BaselinePoint(workshop_id=p.workshop_id, title=p.title, held_on=p.held_on)
            for p in comparison.points
        ],
        factors=[
            FactorChangeResult(
                key=f.key,
                name=f.name,
                baseline=f.baseline,
                series=list(f.series),
                movement=f.movement,
                status=f.status,
            )
            for f in comparison.factors
        ],
    )
