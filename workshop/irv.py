"""Instant runoff over ranked ballots: exact on a workshop's counts, and bounded on any count at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic

from workshop.standings import K, check_ballots

# Branching on every elimination tie is exact but could explode on pathological input (many options
# tied on one vote each); past this many distinct states the count reports a tie among what is left
# rather than guess, and says so.
IRV_STATE_LIMIT = 2_000
# The old count passed over every ballot and option for each state: with a thousand of each, 2,000 states
# held a server thread for seconds. Work is now counted (options looked at plus ballots moved, about a
# microsecond each) and past this much the count gives up the same way, within about a tenth of a second.
IRV_WORK_LIMIT = 100_000
# Each tie tried goes one call deeper: stay well inside Python's recursion limit (a limit of 1,000 frames
# that the old count could reach with a few hundred options tied on one vote each).
IRV_DEPTH_LIMIT = 200


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
    # False when elimination ties were too many to try every way round (``winners`` is then a wider tie), or
    # the rounds too many to list (``rounds`` then stops short).
    complete: bool = True

    @property
    def is_tie(self) -> bool:
        """Whether the count has no single winner."""
        return len(self.winners) != 1


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
    options = tuple(options)
    check_ballots(options, ballots)
    search = _Search(options, ballots)
    winners = search.outcome(frozenset(options), options, 0)
    ordered = tuple(option for option in options if option in winners)
    rounds, finished = _rounds(options, ballots)
    return IrvResult(ordered, rounds, complete=finished and not search.gave_up)


class _Search(Generic[K]):
    """Every way through the elimination ties, each state of the count met once.

    Each ballot sits on the pile of its highest continuing option. Going from one state to the next moves
    only the ballots of the options that went out (and moves them back afterwards), so a state costs its
    continuing options plus the ballots it moves, not a pass over every ballot.
    """

    def __init__(self, options: tuple[K, ...], ballots: Sequence[Sequence[K]]) -> None:
        self.ballots = ballots
        self.piles: dict[K, list[int]] = {option: [] for option in options}
        self.reached = [0] * len(ballots)
        for index, ballot in enumerate(ballots):
            if ballot:
                self.piles[ballot[0]].append(index)
        self.seen: dict[frozenset[K], frozenset[K]] = {}
        self.work = 0
        self.gave_up = False

    def outcome(self, continuing: frozenset[K], order: tuple[K, ...], depth: int) -> frozenset[K]:
        """The winners from this state; ``order`` is ``continuing`` in the given order."""
        passed: list[frozenset[K]] = []  # states left by a certain elimination: they share the result
        moves: list[list[tuple[int, int, K | None]]] = []
        keep = True
        try:
            while True:
                if continuing in self.seen:
                    result = self.seen[continuing]
                    break
                if len(self.seen) >= IRV_STATE_LIMIT or self.work > IRV_WORK_LIMIT or depth > IRV_DEPTH_LIMIT:
                    self.gave_up = True
                    result, keep = continuing, False  # not kept: another way here may still finish
                    break
                counts = {option: len(self.piles[option]) for option in order}
                self.work += len(order) + 1
                lowest = _to_eliminate(counts) if counts else ()
                if not counts or sum(counts.values()) == 0:
                    result = continuing
                    break
                if lowest is None:
                    result = frozenset([max(counts, key=counts.__getitem__)])
                    break
                if counts[lowest[0]] == 0 or len(lowest) == 1:
                    passed.append(continuing)
                    gone = frozenset(lowest)
                    continuing = continuing - gone
                    order = tuple(option for option in order if option not in gone)
                    moves.append(self._move(gone, continuing))
                    continue
                branches: list[frozenset[K]] = []
                for option in lowest:
                    if self.gave_up:
                        break  # the count is already a tie among what is left: stop at once
                    self.work += len(order)
                    after = continuing - {option}
                    undo = self._move(frozenset([option]), after)
                    branches.append(self.outcome(after, tuple(x for x in order if x != option), depth + 1))
                    self._undo(undo)
                result = continuing if self.gave_up else frozenset().union(*branches)
                keep = not self.gave_up
                break
            for state in passed + [continuing] * keep:
                self.seen[state] = result
            return result
        finally:
            for undo in reversed(moves):
                self._undo(undo)

    def _move(self, gone: frozenset[K], alive: frozenset[K]) -> list[tuple[int, int, K | None]]:
        """Move the ballots of the options in ``gone`` to their next choice in ``alive``; the moves made."""
        moved: list[tuple[int, int, K | None]] = []
        for option in gone:
            for index in self.piles[option]:
                ballot, place = self.ballots[index], self.reached[index] + 1
                while place < len(ballot) and ballot[place] not in alive:
                    place += 1
                target = ballot[place] if place < len(ballot) else None
                moved.append((index, self.reached[index], target))
                if target is not None:
                    self.reached[index] = place
                    self.piles[target].append(index)
        self.work += len(moved)
        return moved

    def _undo(self, moved: list[tuple[int, int, K | None]]) -> None:
        for index, place, target in reversed(moved):
            if target is not None:
                self.piles[target].pop()
            self.reached[index] = place


def _rounds(options: tuple[K, ...], ballots: Sequence[Sequence[K]]) -> tuple[tuple[IrvRound[K], ...], bool]:
    """One way through the count, ties broken by the given order; and whether it reached the end.

    Each ballot sits on the pile of its highest continuing option and moves only when that option goes
    out, so moving ballots costs ballots × ballot length in all. Each round lists the continuing options,
    which after the first round are at most one per ballot; past ``IRV_WORK_LIMIT`` of those the rounds
    stop there, unfinished, rather than list options² counts.
    """
    piles: dict[K, list[int]] = {option: [] for option in options}
    reached = [0] * len(ballots)
    exhausted = work = 0
    for index, ballot in enumerate(ballots):
        if ballot:
            piles[ballot[0]].append(index)
        else:
            exhausted += 1
    continuing = list(options)
    rounds: list[IrvRound[K]] = []
    while continuing:
        work += len(continuing)
        if work > IRV_WORK_LIMIT:
            return tuple(rounds), False
        counts = {option: len(piles[option]) for option in continuing}
        lowest = _to_eliminate(counts)
        if lowest is None or sum(counts.values()) == 0:
            rounds.append(IrvRound(counts, exhausted, ()))
            break
        tied = lowest if len(lowest) > 1 and counts[lowest[0]] > 0 else ()
        out = lowest[:1] if tied else lowest
        rounds.append(IrvRound(counts, exhausted, out, tied))
        gone = set(out)
        continuing = [option for option in continuing if option not in gone]
        alive = set(continuing)
        for option in out:
            for index in piles.pop(option):
                ballot, place = ballots[index], reached[index] + 1
                while place < len(ballot) and ballot[place] not in alive:
                    place += 1
                if place < len(ballot):
                    reached[index] = place
                    piles[ballot[place]].append(index)
                else:
                    exhausted += 1
    return tuple(rounds), True
