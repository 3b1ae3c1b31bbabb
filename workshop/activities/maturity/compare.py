"""Change since the baseline: a follow-up's maturity ratings beside the workshop it re-assesses.

A follow-up names its baseline (``Workshop.baseline_id``); baselines can chain (a baseline, a follow-up a
year on, another a year after). For each factor, matched by key across the chain:

* the baseline's medians now, in one year and in two years (its ambition);
* each workshop's "now" median in order, oldest first (the series);
* the movement: the latest "now" minus the baseline's "now";
* the one-year ambition's status: **met** when the latest "now" has reached the baseline's one-year
  median; **on track** when not yet, but it has moved at least as far as the time since the baseline
  would ask (a follow-up six months on should be half-way, to the half-level at or below that point; one
  held 50 weeks or more on, as an annual re-assessment is, asks for the whole way); **behind** otherwise.
  With no ratings on either side there is no status.

When each workshop was held is when its maturity item was first run (else when the workshop was made).

The maturity item compared in each workshop is the one with the same title, else the first maturity item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from workshop.activities.maturity.summary import matrix_summary
from workshop.blocks import Block, Chart, Heading, Paragraph, Series, Table
from workshop.models import AgendaItem, Workshop, row_id

Status = Literal["met", "on track", "behind"]
# Baselines followed at most this far back: a chain is a few annual re-assessments, never a loop.
MAX_CHAIN = 10
DAYS_PER_YEAR = 365.25
# An annual re-assessment is often booked a little early: from 50 weeks on, the one-year ambition is due.
A_YEAR_ON = 50 * 7


@dataclass(frozen=True)
class Point:
    """One workshop in the series."""

    workshop_id: int
    title: str
    held_on: datetime


@dataclass(frozen=True)
class FactorChange:
    """One factor across the chain."""

    key: str
    name: str
    baseline: dict[str, float | None]  # the baseline's median per horizon key
    series: tuple[float | None, ...]  # "now" medians, oldest first, one per point
    movement: float | None
    status: Status | None


@dataclass(frozen=True)
class Comparison:
    """A follow-up's maturity item compared with its baseline chain."""

    points: tuple[Point, ...]  # oldest (the first baseline) first; the last is the follow-up itself
    horizons: tuple[tuple[str, str], ...]  # (key, label) of the baseline's horizons
    factors: tuple[FactorChange, ...]


def _chain(session: Session, workshop: Workshop) -> list[Workshop]:
    chain = [workshop]
    seen = {workshop.id}
    while chain[-1].baseline_id is not None and len(chain) < MAX_CHAIN:
        earlier = session.get(Workshop, chain[-1].baseline_id)
        if earlier is None or earlier.id in seen:
            break  # deleted, or a loop made by hand in the database: compare what there is
        seen.add(earlier.id)
        chain.append(earlier)
    return list(reversed(chain))


def _matching_item(session: Session, workshop_id: int, title: str) -> AgendaItem | None:
    items = session.exec(
        select(AgendaItem)
        .where(AgendaItem.workshop_id == workshop_id, AgendaItem.kind == "maturity")
        .order_by(col(AgendaItem.position))
    ).all()
    return next((i for i in items if i.title == title), items[0] if items else None)


def _status(
    now: float | None, base_now: float | None, base_year: float | None, years: float
) -> Status | None:
    if now is None or base_now is None or base_year is None:
        return None
    if now >= base_year:
        return "met"
    share = 1.0 if years * DAYS_PER_YEAR >= A_YEAR_ON else min(1.0, max(0.0, years))
    expected = base_now + (base_year - base_now) * share
    # A median moves in half-levels: the time asks for the half-level at or below the proportional point.
    return "on track" if now >= math.floor(expected * 2) / 2 else "behind"


def compare_with_baseline(session: Session, item: AgendaItem) -> Comparison | None:
    """The comparison for a maturity item of a follow-up; None for a workshop with no baseline to read."""
    workshop = session.get(Workshop, item.workshop_id)
    if workshop is None or workshop.baseline_id is None:
        return None
    chain = _chain(session, workshop)
    if len(chain) < 2:
        return None
    summaries = []
    points = []
    for member in chain:
        found = item if member.id == workshop.id else _matching_item(session, row_id(member), item.title)
        if found is None:
            continue  # a baseline without a maturity item has nothing to compare
        summaries.append(matrix_summary(session, found))
        points.append(Point(row_id(member), member.title, found.started_at or member.created_at))
    if len(summaries) < 2:
        return None
    baseline, latest = summaries[0], summaries[-1]
    years = (points[-1].held_on - points[0].held_on).total_seconds() / 86400 / DAYS_PER_YEAR
    horizons = tuple((h.key, h.label) for h in baseline.structure.horizons)
    now_key = horizons[0][0] if horizons else ""
    year_key = horizons[1][0] if len(horizons) > 1 else ""
    factors = []
    for row in latest.factors:
        key = row.factor.key

        def medians(summary_index: int, key: str = key) -> dict[str, float | None]:
            summary = summaries[summary_index]
            found = next((f for f in summary.factors if f.factor.key == key), None)
            if found is None:
                return {}
            return {h: d.median() for h, d in found.by_horizon.items()}

        base = medians(0)
        series = tuple(medians(i).get(now_key) for i in range(len(summaries)))
        latest_now, base_now = series[-1], base.get(now_key)
        movement = None if latest_now is None or base_now is None else latest_now - base_now
        status = _status(latest_now, base_now, base.get(year_key), years)
        factors.append(FactorChange(key, row.factor.name, base, series, movement, status))
    return Comparison(tuple(points), horizons, tuple(factors))


def comparison_blocks(comparison: Comparison) -> list[Block]:
    """The comparison for the outcome pack: a table per factor and a movement chart, said in words."""
    points = comparison.points
    base_title, latest_title = points[0].title, points[-1].title
    labels = dict(comparison.horizons)
    later = [key for key, _ in comparison.horizons[1:]]
    headers = (
        "Factor",
        *(f"Baseline {labels[key].lower()}" for key, _ in comparison.horizons),
        *(f"Now at {p.title}" for p in points[1:]),
        "Movement",
        "One-year ambition",
    )
    rows = tuple(
        (
            f.name,
            *(f.baseline.get(key) for key, _ in comparison.horizons),
            *f.series[1:],
            f.movement,
            f.status or "not known",
        )
        for f in comparison.factors
    )
    moved = [f for f in comparison.factors if f.movement is not None]
    best = max(moved, key=lambda f: f.movement or 0.0, default=None)
    counts = {s: sum(1 for f in comparison.factors if f.status == s) for s in ("met", "on track", "behind")}
    summary = (
        f"Since {base_title}: the one-year ambition is met for {counts['met']} factors, on track for "
        f"{counts['on track']} and behind for {counts['behind']}."
    )
    if best is not None and best.movement and best.movement > 0:  # "moved most" of a fall would mislead
        summary += f" {best.name} moved most ({best.movement:+g})."
    blocks: list[Block] = [
        Heading("Change since the baseline", level=4),
        Paragraph(summary),
        Table(headers, rows, caption=f"Medians at {base_title} beside {latest_title}'s, factor by factor"),
        Chart(
            "movement",
            f"Movement since {base_title}",
            tuple(f.name for f in comparison.factors),
            tuple(
                Series(p.title, tuple(f.series[i] for f in comparison.factors)) for i, p in enumerate(points)
            ),
            description=summary,
        ),
    ]
    if later:
        blocks.append(
            Paragraph(
                "Met: now at or above the baseline's one-year median. On track: not yet, but moved as far as "
                "the time since the baseline asks. Behind: moved less than that."
            )
        )
    return blocks
