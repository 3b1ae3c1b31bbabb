"""Aggregates for ordinal ratings: distributions, medians and an agreement label a room can read.

The label follows shared/DOMAIN.md §7: *strong* when at least 80% of ratings lie within one level of the
median and the range is at most 2; *some* when at least 60% lie within one level; *split* otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Agreement(StrEnum):
    """How far a group agrees on one rating."""

    STRONG = "strong"
    SOME = "some"
    SPLIT = "split"
    TOO_FEW = "too few"


MIN_FOR_AGREEMENT = 3


@dataclass(frozen=True)
class Distribution:
    """Counts per level (index 0 is level 1) plus the "don't know" answers."""

    counts: tuple[int, ...]
    dont_know: int = 0

    @property
    def n(self) -> int:
        """Ratings that named a level (don't know excluded)."""
        return sum(self.counts)

    @property
    def responses(self) -> int:
        """Every answer, don't know included."""
        return self.n + self.dont_know

    def values(self) -> list[int]:
        """The ratings as a sorted list of levels."""
        return [level for level, count in enumerate(self.counts, start=1) for _ in range(count)]

    def median(self) -> float | None:
        """The median level (a half-level when the middle falls between two levels), or None."""
        return median(self.values())

    def agreement(self) -> Agreement:
        """The word label for this distribution."""
        return agreement(self.values())

    def quartiles(self) -> tuple[float, float] | None:
        """The lower and upper quartiles (see :func:`quartiles`), or None with no ratings."""
        return quartiles(self.values())


def median(values: Sequence[int]) -> float | None:
    """Median of sorted or unsorted ordinal values; ``None`` when empty."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def quartiles(values: Sequence[int]) -> tuple[float, float] | None:
    """The lower and upper quartiles as Tukey's hinges: the medians of the lower and upper halves, the
    middle value in both halves when the count is odd. On a five-point scale every quartile is a level or a
    half-level, like the median, so a room reads "between 2 and 3½" without decimals; ``None`` when empty.
    """
    if not values:
        return None
    ordered = sorted(values)
    half = (len(ordered) + 1) // 2
    lower, upper = median(ordered[:half]), median(ordered[-half:])
    assert lower is not None and upper is not None
    return lower, upper


def agreement(values: Sequence[int]) -> Agreement:
    """The agreement label for a list of ratings (see module docstring)."""
    if len(values) < MIN_FOR_AGREEMENT:
        return Agreement.TOO_FEW
    mid = median(values)
    assert mid is not None
    within = sum(1 for v in values if abs(v - mid) <= 1) / len(values)
    spread = max(values) - min(values)
    if within >= 0.8 and spread <= 2:
        return Agreement.STRONG
    if within >= 0.6:
        return Agreement.SOME
    return Agreement.SPLIT


def tastle_wierman(counts: Sequence[int]) -> float | None:
    """Tastle & Wierman's consensus (1 = all identical, 0 = split between the extremes) from counts."""
    total = sum(counts)
    if total == 0 or len(counts) < 2:
        return None
    width = len(counts) - 1
    mean = sum(i * c for i, c in enumerate(counts)) / total
    result = 1.0
    for i, count in enumerate(counts):
        if count:
            result += (count / total) * math.log2(1 - abs(i - mean) / width)
    return result


def format_median(value: float | None) -> str:
    """A median as the room should read it: ``3`` or ``3½``, never ``3.0``."""
    if value is None:
        return "–"
    whole = int(value)
    return f"{whole}½" if value - whole else str(whole)
