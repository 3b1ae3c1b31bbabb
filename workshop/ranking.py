"""Counting ranked ballots: Borda (three truncation rules), Schulze, instant runoff, plurality, Copeland.

Every method's work is bounded by the ballots, not by the options people may add: Borda, first choices and
positions take ballots × ballot length steps (plus one per option), the head-to-head methods count the
pairs ballots rank together (:mod:`workshop.head_to_head`, where Schulze compares at most
``SCHULZE_LIMIT`` options) and instant runoff gives up within a fixed budget (:mod:`workshop.irv`).

Options added while ballots come in (a proposal approved after voting began): under Borda rule (c) the
options a ballot leaves unranked share its leftover points, and a ballot cast before an option existed used
to give that option a share too, so an option nobody had chosen could outrank options people chose. Now a
ballot shares its leftover only among the options it could have ranked (``late`` in :func:`borda`): an option
added after a ballot was cast gets nothing from that ballot. The positions keep their points (a first choice
is worth n−1 for every ballot), so every ballot's first choice weighs the same. The head-to-head methods need
no such rule: they read only what a ballot ranked, and a ranked option already beats an unranked one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Generic

from workshop.head_to_head import (
    SCHULZE_LIMIT,
    Preferences,
    SchulzeResult,
    copeland,
    most_ranked,
    pairwise,
    preferences,
    schulze,
    schulze_of,
    strongest_paths,
)
from workshop.irv import IRV_STATE_LIMIT, IRV_WORK_LIMIT, IrvResult, IrvRound, irv
from workshop.standings import K, Scored, Standing, check_ballots, describe, standing_by

__all__ = [
    "DEFAULT_RULE",
    "IRV_STATE_LIMIT",
    "IRV_WORK_LIMIT",
    "RULE_NAMES",
    "SCHULZE_LIMIT",
    "BordaRule",
    "IrvResult",
    "IrvRound",
    "Preferences",
    "SchulzeResult",
    "Scored",
    "Standing",
    "Tally",
    "borda",
    "check_ballots",
    "copeland",
    "describe",
    "irv",
    "most_ranked",
    "pairwise",
    "plurality",
    "positions",
    "preferences",
    "schulze",
    "standing_by",
    "strongest_paths",
    "tally",
]


class BordaRule(StrEnum):
    """How a Borda count scores ballots that rank only some options (DOMAIN §6.2)."""

    ZERO = "a"
    MODIFIED = "b"
    SHARED = "c"


RULE_NAMES = {
    BordaRule.ZERO: "Borda count, rule (a): unranked options score 0",
    BordaRule.MODIFIED: "modified Borda count, rule (b): k points for the first of k ranked, unranked 0",
    BordaRule.SHARED: "Borda count, rule (c): unranked options share the leftover points equally",
}
DEFAULT_RULE = BordaRule.SHARED


@dataclass(frozen=True)
class Tally(Generic[K]):
    """Every method's result for one set of ballots; ``borda`` uses ``rule``, the headline method."""

    options: tuple[K, ...]
    ballots: int
    rule: BordaRule
    borda: Scored[K]
    borda_rules: dict[BordaRule, Scored[K]]
    schulze: SchulzeResult[K]
    plurality: Scored[K]
    copeland: Scored[K]
    # How many ballots put each option 1st, 2nd, … (index 0 is first place).
    positions: dict[K, tuple[int, ...]] = field(default_factory=dict)
    # The ballots themselves, for instant runoff, which is counted only when asked for.
    cast: tuple[tuple[K, ...], ...] = field(default=(), repr=False)

    @property
    def method(self) -> str:
        """The headline method's name, to print next to every result."""
        return RULE_NAMES[self.rule]

    @cached_property
    def irv(self) -> IrvResult[K]:
        """Instant runoff, counted on first use: no live view shows it, and it costs the most."""
        return irv(self.options, self.cast)


def borda(
    options: Sequence[K],
    ballots: Sequence[Sequence[K]],
    rule: BordaRule = DEFAULT_RULE,
    late: Mapping[K, int] | None = None,
) -> Scored[K]:
    """Borda points with ``n`` options: n−1 for first … 0 for last; ``rule`` scores unranked options.

    ``late`` says, for an option added while ballots were coming in, how many of the first ``ballots`` (in
    the order given: the order they were cast) came before it: those ballots never saw it, so under rule (c)
    they give it no share of their leftover points. It still gets what any later ballot gives it. So from a
    ballot cast before it existed it gets nothing, never more than an option that ballot ranked or could
    have ranked, and it can outrank those options only through ballots that saw it.
    """
    check_ballots(options, ballots)
    n = len(options)
    late = late or {}
    scores = dict.fromkeys(options, 0.0)
    # Rule (c): every option a ballot leaves out gets its share. Rather than visit every option for every
    # ballot (ballots × options), give every option all the shares at the end and take back, as each
    # ballot is read, the share of each option it ranks. Shares are halves, so the sums stay exact.
    # ``before[i]`` is the shares of the first i ballots, taken back from an option added after them.
    shares = 0.0
    before = [0.0]
    for number, ballot in enumerate(ballots):
        k = len(ballot)
        share = (n - k - 1) / 2 if rule is BordaRule.SHARED and k < n else 0.0
        shares += share
        before.append(shares)
        for index, option in enumerate(ballot):
            points = (k - index) if rule is BordaRule.MODIFIED else (n - 1 - index)
            # A ballot that ranks an option saw it, whatever ``late`` says: its share is not taken back twice.
            scores[option] += points - (share if number >= late.get(option, 0) else 0.0)
    if shares:
        for option in options:
            scores[option] += shares - before[max(0, min(late.get(option, 0), len(ballots)))]
    return Scored(scores, standing_by(options, scores.__getitem__))


def plurality(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> Scored[K]:
    """First-choice counts."""
    check_ballots(options, ballots)
    counts = dict.fromkeys(options, 0.0)
    for ballot in ballots:
        if ballot:
            counts[ballot[0]] += 1
    return Scored(counts, standing_by(options, counts.__getitem__))


def positions(
    options: Sequence[K], ballots: Sequence[Sequence[K]], depth: int = 0
) -> dict[K, tuple[int, ...]]:
    """How many ballots put each option in each place, over at least ``depth`` places."""
    check_ballots(options, ballots)
    depth = max([depth, *(len(ballot) for ballot in ballots)])
    table = {option: [0] * depth for option in options}
    for ballot in ballots:
        for index, option in enumerate(ballot):
            table[option][index] += 1
    return {option: tuple(row) for option, row in table.items()}


def tally(
    options: Sequence[K],
    ballots: Sequence[Sequence[K]],
    rule: BordaRule = DEFAULT_RULE,
    depth: int = 0,
    schulze_limit: int = SCHULZE_LIMIT,
    late: Mapping[K, int] | None = None,
) -> Tally[K]:
    """Count ``ballots`` (each a partial ranking, best first) over ``options`` by every method.

    ``late`` is as for :func:`borda` (the ballots then in the order they were cast); only the Borda points
    use it: the other methods read only what each ballot ranked.
    """
    options = tuple(options)
    cast = tuple(tuple(ballot) for ballot in ballots)
    prefs = preferences(options, cast)  # checks the ballots
    rules = {r: borda(options, cast, r, late) for r in BordaRule}
    return Tally(
        options=options,
        ballots=len(cast),
        rule=rule,
        borda=rules[rule],
        borda_rules=rules,
        schulze=schulze_of(options, prefs, schulze_limit),
        plurality=plurality(options, cast),
        copeland=copeland(options, prefs),
        positions=positions(options, cast, depth),
        cast=cast,
    )
