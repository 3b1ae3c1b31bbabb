"""The maturity matrix in the outcome pack: the three horizons side by side with the ambition gap, charts,
each horizon in detail (counts per level, quartiles, what the room agreed), then breakdowns and comments.

Numbers stay numbers in the tables (a median of 2.5, a count of 12): each format prints them its own way.
Breakdowns come from :mod:`workshop.activities.maturity.breakdown`, so a group under the minimum size is
named, never shown, and every breakdown states the minimum it used.
"""

from __future__ import annotations

from sqlmodel import Session

from workshop.activities.maturity.breakdown import Breakdown, BreakdownBy, maturity_breakdown
from workshop.activities.maturity.charts import medians_radar, spread_now
from workshop.activities.maturity.compare import compare_with_baseline, comparison_blocks
from workshop.activities.maturity.matrix import MatrixStructure, MatrixSummary
from workshop.activities.maturity.summary import rated_every_factor
from workshop.analysis import Distribution
from workshop.blocks import Block, Bullets, Cell, Heading, Paragraph, Table
from workshop.models import AgendaItem, Horizon
from workshop.wording import people

BREAKDOWNS: tuple[tuple[BreakdownBy, str], ...] = (("organisation", "organisation"), ("role", "role level"))
NO_AGREEMENT = "no agreement"


def _gap(later: float | None, now: float | None) -> float | None:
    return None if later is None or now is None else later - now


def _levels(structure: MatrixStructure) -> str:
    """The scale in words: "1 Separate, 2 Connecting, … 5 Integrated"."""
    return ", ".join(f"{level.value} {level.name}" for level in structure.levels)


def side_by_side(summary: MatrixSummary) -> Table:
    """Per factor: the median at each horizon, the ambition gaps (each later horizon minus the first) and
    how far the room agreed at the first horizon."""
    horizons = summary.structure.horizons
    first, later = horizons[0], horizons[1:]
    rows: list[tuple[Cell, ...]] = []
    for row in summary.factors:
        medians = [row.by_horizon[h.key].median() for h in horizons]
        rows.append(
            (
                row.factor.name,
                *medians,
                *(_gap(median, medians[0]) for median in medians[1:]),
                row.by_horizon[first.key].agreement().value,
            )
        )
    headers = (
        "Factor",
        *(h.label for h in horizons),
        *(f"Gap: {h.label.lower()} − {first.label.lower()}" for h in later),
        f"Agreement {first.label.lower()}",
    )
    gaps = " and ".join(h.label.lower() for h in later)
    caption = (
        f"The room's median level per factor ({_levels(summary.structure)}; a half is the midpoint of "
        "two levels)"
        + (f", the ambition gap (the median {gaps} minus the median {first.label.lower()})" if later else "")
        + f", and how far the room agreed {first.label.lower()}. A blank median: no one rated it."
    )
    return Table(headers, tuple(rows), caption=caption)


def _agreed(value: tuple[int | None, str] | None) -> tuple[Cell, Cell]:
    if value is None:
        return None, None
    level, rationale = value
    return (NO_AGREEMENT if level is None else level), rationale


def horizon_detail(summary: MatrixSummary, horizon: Horizon) -> Table:
    """One horizon in full: the count at each level and don't know, n, median, quartiles, agreement and
    the level the room agreed in discussion, with why."""
    structure = summary.structure
    rows: list[tuple[Cell, ...]] = []
    for row in summary.factors:
        dist = row.by_horizon[horizon.key]
        quartiles = dist.quartiles()
        agreed, why = _agreed(summary.agreed.get((row.factor.key, horizon.key)))
        rows.append(
            (
                row.factor.name,
                *dist.counts,
                dist.dont_know,
                dist.n,
                dist.median(),
                *(quartiles if quartiles else (None, None)),
                dist.agreement().value,
                agreed,
                why,
            )
        )
    headers = (
        "Factor",
        *(str(level.value) for level in structure.levels),
        "Don't know",
        "n",
        "Median",
        "Lower quartile",
        "Upper quartile",
        "Agreement",
        "Agreed level",
        "Why",
    )
    caption = (
        f"Ratings {horizon.label.lower()}: how many people chose each level ({_levels(structure)}) or "
        "don't know; n counts the ratings that named a level, and the median and quartiles are theirs "
        "(the middle half of ratings lie between the quartiles). Agreed level: what the room settled on in "
        "discussion, and why."
    )
    return Table(headers, tuple(rows), caption=caption)


def _shown(dist: Distribution | None) -> float | None:
    # None: the breakdown hid the cell (too few rated it, or the room minus the rest would give it away).
    return dist.median() if dist is not None else None


def breakdown_blocks(summary: MatrixSummary, breakdown: Breakdown, label: str) -> list[Block]:
    """One breakdown: the minimum group size, then per horizon the whole room beside each shown group."""
    structure = summary.structure
    min_group = breakdown.min_group
    blocks: list[Block] = [
        Heading(f"Medians by {label}", level=4),
        Paragraph(
            f"Smallest group shown: {people(min_group)} who answered. Smaller groups are not shown, so that "
            "no one can be singled out."
        ),
    ]
    held_back = room_blank = False
    for horizon in structure.horizons if breakdown.groups else ():
        rows: list[tuple[Cell, ...]] = []
        for row in summary.factors:
            room = row.by_horizon[horizon.key].median()
            cells = [_shown(g.distribution(row.factor.key, horizon.key)) for g in breakdown.groups]
            held_back = held_back or None in cells
            room_blank = room_blank or room is None
            rows.append((row.factor.name, room, *cells))
        headers = (
            "Factor",
            f"Whole room ({summary.responses})",
            *(f"{g.name} ({g.seats})" for g in breakdown.groups),
        )
        caption = (
            f"Median level {horizon.label.lower()}: the whole room, then each {label} shown (in brackets, "
            "how many people answered)."
        )
        blocks.append(Table(headers, tuple(rows), caption=caption))
    if held_back:
        blocks.append(
            Paragraph(
                f"A blank group cell: fewer than {min_group} people in the group rated this factor (the "
                "rest said don't know), or showing it would let the room's own figure give a few people's "
                "ratings away, so it is not shown."
            )
        )
    if room_blank:
        blocks.append(Paragraph("A blank whole-room cell: no one rated this factor."))
    hidden = [*breakdown.suppressed, *breakdown.withheld]
    if hidden:
        blocks.append(
            Paragraph(
                f"Not shown, so that no one can be singled out (a group needs {min_group} or more people): "
                f"{', '.join(hidden)}."
            )
        )
    elif not breakdown.groups:
        blocks.append(Paragraph("Nobody answered yet."))
    return blocks


def maturity_report(session: Session, item: AgendaItem, summary: MatrixSummary) -> list[Block]:
    """The horizons side by side with the gaps and charts, the change since the baseline (for a follow-up),
    each horizon in detail, breakdowns, comments."""
    structure = summary.structure
    # Partial responses count where they rated: each distribution has its own n. Part of it means part of
    # the whole matrix, not of the horizon the item was left on (phones may have rated one at a time).
    partial = summary.responses - rated_every_factor(session, item, structure, structure.horizons)
    only_some = f" ({partial} of them rated only part of it)" if partial else ""
    blocks: list[Block] = [Paragraph(f"{people(summary.responses)} rated the matrix{only_some}.")]
    if structure.horizons:
        blocks += [Heading("Medians by horizon", level=4), side_by_side(summary)]
        if summary.responses:  # a chart of no answers says nothing the sentence above does not
            spread = spread_now(summary)
            blocks += [medians_radar(summary), *([spread] if spread is not None else [])]
    comparison = compare_with_baseline(session, item)
    if comparison is not None:  # a follow-up: where the room stands against the baseline's ambitions
        blocks += comparison_blocks(comparison)
    for horizon in structure.horizons:
        blocks.append(Heading(f"Ratings {horizon.label.lower()}", level=4))
        blocks.append(horizon_detail(summary, horizon))
    for by, label in BREAKDOWNS:
        blocks += breakdown_blocks(summary, maturity_breakdown(session, item, by), label)
    if summary.comments:
        blocks.append(Heading("Comments", level=4))
        names = {f.key: f.name for f in structure.factors}
        for key, texts in summary.comments.items():
            blocks.append(Paragraph(names.get(key, key), strong=True))
            blocks.append(Bullets(tuple(texts)))
    return blocks
