"""What every way of counting ranked ballots shares: orders with ties, scores, ballot checks, the words."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


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


def describe(standing: Standing[K], name: Callable[[K], str] = str) -> str:
    """The result in words: "Winner: X", or "No winner — tie between X and Y"."""
    winners = [name(option) for option in standing.winners]
    if not winners:
        return "No options to rank"
    if len(winners) == 1:
        return f"Winner: {winners[0]}"
    listed = ", ".join(winners[:-1]) + " and " + winners[-1]
    return f"No winner — tie between {listed}"
