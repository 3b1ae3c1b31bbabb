"""Counting ranked ballots: Borda (three truncation rules), Schulze, instant runoff, plurality, Copeland."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

# Branching on every elimination tie is exact but could explode on pathological input (many options
# tied on one vote each); past this many distinct states the count reports a tie among what is left
# rather than guess, and says so.
IRV_STATE_LIMIT = 2_000


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
class Standing(Generic[K]):
    """An order that may contain ties: groups of equally placed options, best group first."""

    tiers: tuple[tuple[K, ...], ...]

    @property
    def winners(self) -> tuple[K, ...]:
        """The options placed first (several when they tie; none when there are no options)."""
        return self.tiers[0] if self.tiers else ()

    @property
    def is_tie(self) -> bool:
        """Whether more than one option shares first place."""
        return len(self.winners) > 1

    @property
    def order(self) -> tuple[K, ...]:
        """Every option, best first; tied options keep the order they were given in."""
        return tuple(option for tier in self.tiers for option in tier)

    def place(self, option: K) -> int:
        """The option's place, 1 for the first tier (options in the same tier share a place)."""
        place = 1
        for tier in self.tiers:
            if option in tier:
                return place
            place += len(tier)
        raise KeyError(option)


@dataclass(frozen=True)
class Scored(Generic[K]):
    """A points-based result: every option's score and the order the scores give."""

    scores: dict[K, float]
    standing: Standing[K]


@dataclass(frozen=True)
class SchulzeResult(Generic[K]):
    """Pairwise preferences ``d[x][y]``, strongest beatpaths ``p[x][y]`` and the order they give."""

    pairwise: dict[K, dict[K, int]]
    paths: dict[K, dict[K, int]]
    standing: Standing[K]


@dataclass(frozen=True)
class IrvRound(Generic[K]):
    """One round of instant runoff: first preferences among continuing options and who went out."""

    counts: dict[K, int]
    exhausted: int
    eliminated: tuple[K, ...]
    # Options that tied for fewest votes in this round (empty when the lowest was unique).
    tied: tuple[K, ...] = ()


@dataclass(frozen=True)
class IrvResult(Generic[K]):
    """The instant-runoff winner(s): several when elimination ties lead to different winners."""

    winners: tuple[K, ...]
    # One way through the count (ties broken by the given option order), for showing the rounds.
    rounds: tuple[IrvRound[K], ...]
    # False when elimination ties were too many to try every way round: ``winners`` is then a wider tie.
    complete: bool = True

    @property
    def is_tie(self) -> bool:
        """Whether the count has no single winner."""
        return len(self.winners) != 1


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
    irv: IrvResult[K]
    # How many ballots put each option 1st, 2nd, … (index 0 is first place).
    positions: dict[K, tuple[int, ...]] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The headline method's name, to print next to every result."""
        return RULE_NAMES[self.rule]


def check_ballots(options: Sequence[K], ballots: Iterable[Sequence[K]]) -> None:
    """Refuse ballots naming an unknown option or one option twice (ValueError)."""
    known = set(options)
    if len(known) != len(options):
        raise ValueError("the same option is listed twice")
    for ballot in ballots:
        if len(set(ballot)) != len(ballot):
            raise ValueError(f"a ballot ranks an option twice: {list(ballot)!r}")
        unknown = [option for option in ballot if option not in known]
        if unknown:
            raise ValueError(f"a ballot ranks unknown options: {unknown!r}")


def standing_by(options: Sequence[K], score: Callable[[K], float]) -> Standing[K]:
    """Group options by equal score, highest first; within a group the given order stays."""
    tiers: dict[float, list[K]] = {}
    for option in options:
        tiers.setdefault(score(option), []).append(option)
    return Standing(tuple(tuple(tiers[s]) for s in sorted(tiers, reverse=True)))


def borda(options: Sequence[K], ballots: Sequence[Sequence[K]], rule: BordaRule = DEFAULT_RULE) -> Scored[K]:
    """Borda points with ``n`` options: n−1 for first … 0 for last; ``rule`` scores unranked options."""
    check_ballots(options, ballots)
    n = len(options)
    scores = dict.fromkeys(options, 0.0)
    for ballot in ballots:
        k = len(ballot)
        for index, option in enumerate(ballot):
            scores[option] += (k - index) if rule is BordaRule.MODIFIED else (n - 1 - index)
        if rule is BordaRule.SHARED and k < n:
            # Places k+1 … n are worth n−k−1 … 0 points; the unranked options split them evenly.
            share = (n - k - 1) / 2
            ranked = set(ballot)
            for option in options:
                if option not in ranked:
                    scores[option] += share
    return Scored(scores, standing_by(options, scores.__getitem__))


def pairwise(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> dict[K, dict[K, int]]:
    """``d[x][y]``: ballots preferring x to y. A ranked option beats every unranked one; unranked tie."""
    check_ballots(options, ballots)
    d = {x: dict.fromkeys((y for y in options if y != x), 0) for x in options}
    for ballot in ballots:
        ranked = set(ballot)
        unranked = [option for option in options if option not in ranked]
        for index, x in enumerate(ballot):
            for y in ballot[index + 1 :]:
                d[x][y] += 1
            for y in unranked:
                d[x][y] += 1
    return d


def strongest_paths(options: Sequence[K], d: Mapping[K, Mapping[K, int]]) -> dict[K, dict[K, int]]:
    """Schulze's beatpath strengths (winning votes): a path is as strong as its weakest link."""
    p = {x: {y: (d[x][y] if d[x][y] > d[y][x] else 0) for y in options if y != x} for x in options}
    for i in options:
        for j in options:
            if j == i:
                continue
            for k in options:
                if k in (i, j):
                    continue
                p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    return p


def schulze(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> SchulzeResult[K]:
    """The Schulze order: x above y when the strongest path x→y beats the one y→x; ties stay ties."""
    d = pairwise(options, ballots)
    p = strongest_paths(options, d)
    remaining = list(options)
    tiers: list[tuple[K, ...]] = []
    while remaining:
        # The "beats" relation is transitive (Schulze 2011), so some remaining option is always unbeaten.
        tier = tuple(x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining if y != x))
        tiers.append(tier)
        remaining = [x for x in remaining if x not in tier]
    return SchulzeResult(d, p, Standing(tuple(tiers)))


def plurality(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> Scored[K]:
    """First-choice counts."""
    check_ballots(options, ballots)
    counts = dict.fromkeys(options, 0.0)
    for ballot in ballots:
        if ballot:
            counts[ballot[0]] += 1
    return Scored(counts, standing_by(options, counts.__getitem__))


def copeland(options: Sequence[K], d: Mapping[K, Mapping[K, int]]) -> Scored[K]:
    """Head-to-head wins minus losses."""
    scores = {
        x: float(sum((d[x][y] > d[y][x]) - (d[x][y] < d[y][x]) for y in options if y != x)) for x in options
    }
    return Scored(scores, standing_by(options, scores.__getitem__))


def _first_choices(
    continuing: frozenset[K], options: Sequence[K], ballots: Sequence[Sequence[K]]
) -> tuple[dict[K, int], int]:
    counts = {option: 0 for option in options if option in continuing}
    exhausted = 0
    for ballot in ballots:
        top = next((option for option in ballot if option in continuing), None)
        if top is None:
            exhausted += 1
        else:
            counts[top] += 1
    return counts, exhausted


def _to_eliminate(counts: dict[K, int]) -> tuple[K, ...] | None:
    """None when someone has a majority of continuing ballots, else the options tied for fewest votes."""
    active = sum(counts.values())
    if active and max(counts.values()) * 2 > active:
        return None
    low = min(counts.values())
    return tuple(option for option, count in counts.items() if count == low)


def irv(options: Sequence[K], ballots: Sequence[Sequence[K]]) -> IrvResult[K]:
    """Instant runoff: drop the fewest first preferences until one option has a majority of live ballots.

    A ballot with no continuing option is exhausted. Options with no votes go out together (the order
    cannot matter). Any other tie for fewest is tried every way round: if all ways give the same winner
    it stands, otherwise the winners of the different ways tie.
    """
    check_ballots(options, ballots)
    seen: dict[frozenset[K], frozenset[K]] = {}

    def outcome(continuing: frozenset[K]) -> frozenset[K]:
        if continuing in seen:
            return seen[continuing]
        if len(seen) >= IRV_STATE_LIMIT:
            return continuing
        counts, _ = _first_choices(continuing, options, ballots)
        lowest = _to_eliminate(counts) if counts else ()
        if not counts or sum(counts.values()) == 0:
            result = continuing
        elif lowest is None:
            result = frozenset([max(counts, key=counts.__getitem__)])
        elif counts[lowest[0]] == 0 or len(lowest) == 1:
            result = outcome(continuing - set(lowest))
        else:
            result = frozenset().union(*(outcome(continuing - {option}) for option in lowest))
        seen[continuing] = result
        return result

    everyone = frozenset(options)
    winners = outcome(everyone)
    rounds: list[IrvRound[K]] = []
    continuing = everyone
    while continuing:
        counts, exhausted = _first_choices(continuing, options, ballots)
        lowest = _to_eliminate(counts)
        if lowest is None or sum(counts.values()) == 0:
            rounds.append(IrvRound(counts, exhausted, ()))
            break
        tied = lowest if len(lowest) > 1 and counts[lowest[0]] > 0 else ()
        out = lowest[:1] if tied else lowest
        rounds.append(IrvRound(counts, exhausted, out, tied))
        continuing = continuing - set(out)
    ordered = tuple(option for option in options if option in winners)
    return IrvResult(ordered, tuple(rounds), complete=len(seen) < IRV_STATE_LIMIT)


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
    options: Sequence[K], ballots: Sequence[Sequence[K]], rule: BordaRule = DEFAULT_RULE, depth: int = 0
) -> Tally[K]:
    """Count ``ballots`` (each a partial ranking, best first) over ``options`` by every method."""
    options = tuple(options)
    ballots = [tuple(ballot) for ballot in ballots]
    check_ballots(options, ballots)
    rules = {r: borda(options, ballots, r) for r in BordaRule}
    result = schulze(options, ballots)
    return Tally(
        options=options,
        ballots=len(ballots),
        rule=rule,
        borda=rules[rule],
        borda_rules=rules,
        schulze=result,
        plurality=plurality(options, ballots),
        copeland=copeland(options, result.pairwise),
        irv=irv(options, ballots),
        positions=positions(options, ballots, depth),
    )


def describe(standing: Standing[K], name: Callable[[K], str] = str) -> str:
    """The result in words: "Winner: X", or "No winner — tie between X and Y"."""
    winners = [name(option) for option in standing.winners]
    if not winners:
        return "No options to rank"
    if len(winners) == 1:
        return f"Winner: {winners[0]}"
    listed = ", ".join(winners[:-1]) + " and " + winners[-1]
    return f"No winner — tie between {listed}"
