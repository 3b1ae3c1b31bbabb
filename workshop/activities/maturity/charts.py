"""The maturity matrix's charts in the outcome pack, each with a text alternative that says what it shows.

The radar draws the room's median per factor, one line per horizon; the stacked bars show how the room's
answers now spread over the levels. Labels are the factors' short names, made for narrow spaces.
"""

from __future__ import annotations

from collections.abc import Sequence

from workshop.activities.maturity.matrix import MatrixSummary
from workshop.analysis import format_median
from workshop.blocks import Chart, Series
from workshop.models import MaturityFactor
from workshop.wording import people


def label(factor: MaturityFactor) -> str:
    """The factor's name as a chart prints it: the short name when the template gives one."""
    return factor.short.strip() or factor.name


def _named(names: Sequence[str], of: int) -> str:
    """``A``, ``A and B``, ``A, B and C``; "every factor" when the names are all ``of`` factors."""
    if len(names) == of > 2:
        return "every factor"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _extremes(labels: Sequence[str], values: Sequence[float | None]) -> str:
    """Which factors the room put highest and lowest, in words ("" when nothing was rated)."""
    rated = [(name, value) for name, value in zip(labels, values, strict=True) if value is not None]
    if not rated:
        return ""
    top = max(value for _, value in rated)
    bottom = min(value for _, value in rated)
    if top == bottom:
        return f"every factor rated has a median of {format_median(top)}"
    highest = _named([name for name, value in rated if value == top], len(labels))
    lowest = _named([name for name, value in rated if value == bottom], len(labels))
    return f"highest {highest} ({format_median(top)}), lowest {lowest} ({format_median(bottom)})"


def medians_radar(summary: MatrixSummary) -> Chart:
    """The median level per factor, one series per horizon (None where no one rated the factor)."""
    structure = summary.structure
    labels = tuple(label(row.factor) for row in summary.factors)
    series = tuple(
        Series(h.label, tuple(row.by_horizon[h.key].median() for row in summary.factors))
        for h in structure.horizons
    )
    top = float(max((level.value for level in structure.levels), default=5))
    sentences = [f"The room's median level per factor, from 1 to {top:g}, one line per horizon."]
    for line in series:
        said = _extremes(labels, line.values)
        sentences.append(f"{line.name}: {said}." if said else f"{line.name}: no ratings yet.")
    if len(series) > 1:
        gaps = [
            (name, later - now)
            for name, now, later in zip(labels, series[0].values, series[-1].values, strict=True)
            if now is not None and later is not None
        ]
        widest = max((gap for _, gap in gaps), default=0.0)
        if widest > 0:
            names = _named([name for name, gap in gaps if gap == widest], len(labels))
            sentences.append(
                f"Biggest ambition gap ({series[-1].name.lower()} minus {series[0].name.lower()}): "
                f"{names} ({widest:+g})."
            )
        elif gaps:
            sentences.append(
                f"No factor's median is higher {series[-1].name.lower()} than {series[0].name.lower()}."
            )
    return Chart(
        kind="radar",
        title="Median level per factor, by horizon",
        labels=labels,
        series=series,
        description=" ".join(sentences),
        scale=(0, top),
    )


def spread_now(summary: MatrixSummary) -> Chart | None:
    """The first horizon's answers per factor: a segment per level, then don't know (values are counts)."""
    structure = summary.structure
    if not structure.horizons:
        return None
    horizon = structure.horizons[0]
    labels = tuple(label(row.factor) for row in summary.factors)
    dists = [row.by_horizon[horizon.key] for row in summary.factors]
    series = [
        Series(f"{level.value} {level.name}", tuple(float(d.counts[index]) for d in dists))
        for index, level in enumerate(structure.levels)
    ]
    series.append(Series("Don't know", tuple(float(d.dont_know) for d in dists)))
    most = max((d.responses for d in dists), default=0)
    when = horizon.label.lower()
    sentences = [
        f"How many people chose each level {when}, one bar per factor, with don't know at the end "
        f"({people(summary.responses)} answered)."
    ]
    spreads = [(name, q) for name, d in zip(labels, dists, strict=True) if (q := d.quartiles()) is not None]
    if spreads:
        widest = max(upper - lower for _, (lower, upper) in spreads)
        if widest:
            names = _named([n for n, (lower, upper) in spreads if upper - lower == widest], len(labels))
            sentences.append(
                f"Widest spread: {names}, where the middle half of ratings spans {widest:g} "
                f"{'level' if widest == 1 else 'levels'}."
            )
        else:
            sentences.append("For every factor rated, the middle half of ratings share one level.")
    unsure = max((d.dont_know for d in dists), default=0)
    if unsure:
        most_unsure = [n for n, d in zip(labels, dists, strict=True) if d.dont_know == unsure]
        each = " each" if len(most_unsure) > 1 else ""
        sentences.append(f"Most don't know: {_named(most_unsure, len(labels))} ({people(unsure)}{each}).")
    return Chart(
        kind="stacked",
        title=f"Answers {when} per factor, by level",
        labels=labels,
        series=tuple(series),
        description=" ".join(sentences),
        scale=(0, float(max(most, 1))),
    )
