"""Head to head: pairwise preferences, Schulze's strongest paths and Copeland, from ranked ballots.

A ballot ranks a few options (its top N) out of many. An option it ranks beats every option it leaves out,
and two options it leaves out tie on it. So ``d[x][y]``, the ballots preferring x to y, is every ballot that
ranks x less those that rank y above x. Everything follows from how many ballots rank each option and from
the pairs that ballots rank together: counting those costs ballots × (ballot length)², however many options
there are. The full options × options table is built only when asked for, and Schulze's paths (cubic in the
options) only over the ``SCHULZE_LIMIT`` options ranked most often.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic

from workshop.standings import K, Scored, Standing, check_ballots, standing_by

# Floyd–Warshall takes options³ steps: 60 options is about 0.2 million (tens of milliseconds), while the
# 314 options of a real workshop took 10 s and held a server thread. A room never discusses more than a few
# dozen options head to head; the rest of the order comes from the Borda count, which has no such limit.
SCHULZE_LIMIT = 60


@dataclass(frozen=True)
class Preferences(Generic[K]):
    """What a pairwise table is made of: how many ballots rank each option, and each pair they rank."""

    ranked: dict[K, int]
    # above[x][y]: ballots ranking both x and y, x higher. Only pairs some ballot ranks are present.
    above: dict[K, dict[K, int]]
    # Points k for the first of k ranked … 1 for the last: how high the ballots that rank an option put it.
    points: dict[K, int]

    def d(self, x: K, y: K) -> int:
        """Ballots preferring x to y: every ballot that ranks x, except those that rank y above it."""
        return self.ranked[x] - self.above.get(y, {}).get(x, 0)


def preferences(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> Preferences[K]:
    """Count the ballots once, in ballots × (ballot length)² steps."""
    check_ballots(options, ballots)
    ranked = dict.fromkeys(options, 0)
    points = dict.fromkeys(options, 0)
    above: dict[K, dict[K, int]] = {}
    for ballot in ballots:
        length = len(ballot)
        for index, x in enumerate(ballot):
            ranked[x] += 1
            points[x] += length - index
            if index + 1 < length:
                row = above.setdefault(x, {})
                for y in ballot[index + 1 :]:
                    row[y] = row.get(y, 0) + 1
    return Preferences(ranked, above, points)


def pairwise(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> dict[K, dict[K, int]]:
    """``d[x][y]``: ballots preferring x to y. A ranked option beats every unranked one; unranked tie.

    This is the whole table, options² entries, for showing a small count; the counts never build it.
    """
    return table(options, preferences(options, ballots))


def table(options: Sequence[K], prefs: Preferences[K]) -> dict[K, dict[K, int]]:
    """The pairwise table over ``options`` (a few of them, or all when there are few)."""
    return {x: {y: prefs.d(x, y) for y in options if y != x} for x in options}


def strongest_paths(options: Sequence[K], d: Mapping[K, Mapping[K, int]]) -> dict[K, dict[K, int]]:
    """Schulze's beatpath strengths (winning votes): a path is as strong as its weakest link.

    Floyd–Warshall, options³ steps: this is why :func:`schulze` compares at most ``SCHULZE_LIMIT``.
    """
    options = tuple(options)
    count = len(options)
    p = [[d[x][y] if y != x and d[x][y] > d[y][x] else 0 for y in options] for x in options]
    for i in range(count):
        through = p[i]
        for j in range(count):
            link = p[j][i]
            if j == i or link == 0:
                continue  # no path from j to i: nothing through i is stronger than what j has
            # p[j][k] = max(p[j][k], min(p[j][i], p[i][k])) for every k, a row at a time (much faster than
            # one item at a time in Python; the diagonal it also touches is never read).
            p[j] = [
                old if old >= link or old >= via else (via if via < link else link)
                for old, via in zip(p[j], through, strict=True)
            ]
    return {x: {y: p[a][b] for b, y in enumerate(options) if b != a} for a, x in enumerate(options)}


@dataclass(frozen=True)
class SchulzeResult(Generic[K]):
    """Pairwise preferences ``d[x][y]``, strongest beatpaths ``p[x][y]`` and the order they give.

    ``d`` and ``p`` cover the options compared: those some ballot ranks, at most ``SCHULZE_LIMIT`` of them
    (the ones most ballots rank). Every other option shares the last place, which ``standing`` ends with.
    """

    pairwise: dict[K, dict[K, int]]
    paths: dict[K, dict[K, int]]
    standing: Standing[K]
    compared: tuple[K, ...] = ()
    # Options some ballot ranked that the limit kept out of the comparison: they share last place.
    left_out: tuple[K, ...] = ()

    @property
    def limited(self) -> bool:
        """Whether the limit applied: then the order is Schulze's among ``compared`` only."""
        return bool(self.left_out)


def most_ranked(
    options: Sequence[K], prefs: Preferences[K], limit: int = SCHULZE_LIMIT
) -> tuple[tuple[K, ...], tuple[K, ...]]:
    """The options some ballot ranks, split into those compared (at most ``limit``) and those left out.

    Options no ballot ranks lose to every ranked option and tie with each other, so leaving them out
    changes nothing. Past the limit the options most ballots rank are kept; among equals, the ones ranked
    higher, then the ones given first. Both parts keep the given order.
    """
    ranked = [x for x in options if prefs.ranked[x]]
    if len(ranked) <= limit:
        return tuple(ranked), ()
    kept = set(sorted(ranked, key=lambda x: (-prefs.ranked[x], -prefs.points[x]))[:limit])
    return tuple(x for x in ranked if x in kept), tuple(x for x in ranked if x not in kept)


def schulze(
    options: Sequence[K], ballots: Sequence[Sequence[K]], limit: int = SCHULZE_LIMIT
) -> SchulzeResult[K]:
    """The Schulze order: x above y when the strongest path x→y beats the one y→x; ties stay ties."""
    return schulze_of(options, preferences(options, ballots), limit)


def schulze_of(options: Sequence[K], prefs: Preferences[K], limit: int = SCHULZE_LIMIT) -> SchulzeResult[K]:
    """:func:`schulze` from ballots already counted."""
    compared, left_out = most_ranked(options, prefs, limit)
    d = table(compared, prefs)
    p = strongest_paths(compared, d)
    remaining = list(compared)
    tiers: list[tuple[K, ...]] = []
    while remaining:
        # The "beats" relation is transitive (Schulze 2011), so some remaining option is always unbeaten.
        tier = tuple(x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining if y != x))
        tiers.append(tier)
        remaining = [x for x in remaining if x not in tier]
    chosen = set(compared)
    rest = tuple(x for x in options if x not in chosen)
    if rest:
        tiers.append(rest)
    return SchulzeResult(d, p, Standing(tuple(tiers)), compared, left_out)


def copeland(options: Sequence[K], d: Mapping[K, Mapping[K, int]] | Preferences[K]) -> Scored[K]:
    """Head-to-head wins minus losses, from a pairwise table or (faster) from counted ballots."""
    if isinstance(d, Preferences):
        scores = _copeland_counts(options, d)
    else:
        scores = {
            x: float(sum((d[x][y] > d[y][x]) - (d[x][y] < d[y][x]) for y in options if y != x))
            for x in options
        }
    return Scored(scores, standing_by(options, scores.__getitem__))


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _copeland_counts(options: Sequence[K], prefs: Preferences[K]) -> dict[K, float]:
    """Copeland in options × log(options) + ranked pairs steps, not options².

    Two options no ballot ranks together: ``d[x][y]`` is the ballots ranking x, so the one more ballots rank
    wins. Count that for every pair by sorting, then correct the pairs some ballot ranks together.
    """
    counts = sorted(prefs.ranked[x] for x in options)
    scores = {
        x: bisect_left(counts, prefs.ranked[x]) - (len(counts) - bisect_right(counts, prefs.ranked[x]))
        for x in options
    }
    position = {x: index for index, x in enumerate(options)}
    for x, row in prefs.above.items():
        for y in row:
            if position[y] < position[x] and x in prefs.above.get(y, {}):
                continue  # this pair is corrected from y's row
            guess = _sign(prefs.ranked[x] - prefs.ranked[y])
            change = _sign(prefs.d(x, y) - prefs.d(y, x)) - guess
            scores[x] += change
            scores[y] -= change
    return {x: float(score) for x, score in scores.items()}
