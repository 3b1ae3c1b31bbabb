"""The ranking maths against DOMAIN §6.3's worked cases B, C and D, and the edge cases around them."""

from __future__ import annotations

import pytest

from workshop.ranking import (
    RULE_NAMES,
    BordaRule,
    Standing,
    Tally,
    borda,
    copeland,
    describe,
    irv,
    pairwise,
    plurality,
    positions,
    schulze,
    strongest_paths,
    tally,
)

ABCDE = tuple("ABCDE")


def expand(groups: list[tuple[int, str]]) -> list[tuple[str, ...]]:
    """``[(5, "ACBED"), …]`` → 5 ballots A>C>B>E>D, …"""
    return [tuple(order) for count, order in groups for _ in range(count)]


# Case B: the Schulze example, 45 voters, 5 options.
SCHULZE_45 = expand(
    [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
)
# Case C: rank top 2 of 4, 9 voters, D ranked by nobody.
TOP_TWO = expand([(4, "AB"), (3, "BC"), (2, "CB")])
# Case D: a three-way cycle.
CYCLE = expand([(1, "ABC"), (1, "BCA"), (1, "CAB")])


def tiers(*groups: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for group in groups)


class TestCaseB:
    def test_pairwise_table(self) -> None:
        d = pairwise(ABCDE, SCHULZE_45)
        rows = {x: [d[x][y] for y in ABCDE if y != x] for x in ABCDE}
        assert rows == {
            "A": [20, 26, 30, 22],
            "B": [25, 16, 33, 18],
            "C": [19, 29, 17, 24],
            "D": [15, 12, 28, 14],
            "E": [23, 27, 21, 31],
        }

    def test_strongest_paths(self) -> None:
        p = strongest_paths(ABCDE, pairwise(ABCDE, SCHULZE_45))
        rows = {x: [p[x][y] for y in ABCDE if y != x] for x in ABCDE}
        assert rows == {
            "A": [28, 28, 30, 24],
            "B": [25, 28, 33, 24],
            "C": [25, 29, 29, 24],
            "D": [25, 28, 28, 24],
            "E": [25, 28, 28, 31],
        }

    def test_no_condorcet_winner_but_schulze_orders_everyone(self) -> None:
        d = pairwise(ABCDE, SCHULZE_45)
        assert not any(all(d[x][y] > d[y][x] for y in ABCDE if y != x) for x in ABCDE)
        assert schulze(ABCDE, SCHULZE_45).standing.tiers == tiers(*"EACBD")

    def test_borda(self) -> None:
        result = borda(ABCDE, SCHULZE_45)
        assert result.scores == {"E": 102, "A": 98, "B": 92, "C": 89, "D": 69}
        assert result.standing.order == tuple("EABCD")
        # Complete ballots: rules (a) and (c) agree; (b) adds one point per ballot to everyone.
        assert borda(ABCDE, SCHULZE_45, BordaRule.ZERO).scores == result.scores
        modified = borda(ABCDE, SCHULZE_45, BordaRule.MODIFIED).scores
        assert modified == {k: v + 45 for k, v in result.scores.items()}

    def test_plurality(self) -> None:
        result = plurality(ABCDE, SCHULZE_45)
        assert result.scores == {"A": 10, "B": 8, "C": 12, "D": 7, "E": 8}
        assert result.standing.tiers == tiers("C", "A", "BE", "D")

    def test_irv_with_the_b_e_elimination_tie(self) -> None:
        result = irv(ABCDE, SCHULZE_45)
        assert result.winners == ("C",) and not result.is_tie
        first, second, third, last = result.rounds
        assert first.eliminated == ("D",) and first.tied == ()
        assert second.counts == {"A": 10, "B": 8, "C": 19, "E": 8}
        assert second.tied == ("B", "E") and second.eliminated == ("B",)
        assert third.counts == {"A": 10, "C": 19, "E": 16} and third.eliminated == ("A",)
        assert last.counts == {"C": 24, "E": 21} and last.eliminated == ()

    def test_irv_either_elimination_order_ends_with_c(self) -> None:
        # Swapping B and E in the option order makes the shown path eliminate E first: C 29–B 16.
        result = irv(tuple("AECDB"), SCHULZE_45)
        assert result.winners == ("C",)
        assert result.rounds[1].eliminated == ("E",)
        assert result.rounds[-1].counts == {"C": 29, "B": 16}

    def test_copeland(self) -> None:
        result = copeland(ABCDE, pairwise(ABCDE, SCHULZE_45))
        assert result.scores == {"E": 2, "A": 0, "B": 0, "C": 0, "D": -2}
        assert result.standing.winners == ("E",)


class TestCaseC:
    OPTIONS = tuple("ABCD")

    def test_the_three_borda_rules(self) -> None:
        zero = borda(self.OPTIONS, TOP_TWO, BordaRule.ZERO)
        assert zero.scores == {"A": 12, "B": 21, "C": 12, "D": 0}
        assert zero.standing.tiers == tiers("B", "AC", "D")
        modified = borda(self.OPTIONS, TOP_TWO, BordaRule.MODIFIED)
        assert modified.scores == {"A": 8, "B": 12, "C": 7, "D": 0}
        assert modified.standing.order == tuple("BACD")
        shared = borda(self.OPTIONS, TOP_TWO, BordaRule.SHARED)
        assert shared.scores == {"A": 14.5, "B": 21, "C": 14, "D": 4.5}
        assert shared.standing.tiers == tiers(*"BACD")

    def test_pairwise_schulze_plurality_irv(self) -> None:
        d = pairwise(self.OPTIONS, TOP_TWO)
        assert (d["B"]["A"], d["A"]["B"]) == (5, 4)
        assert (d["B"]["C"], d["C"]["B"]) == (7, 2)
        assert (d["C"]["A"], d["A"]["C"]) == (5, 4)
        assert all(d[x]["D"] > d["D"][x] for x in "ABC")
        assert schulze(self.OPTIONS, TOP_TWO).standing.tiers == tiers(*"BCAD")
        assert plurality(self.OPTIONS, TOP_TWO).standing.winners == ("A",)
        result = irv(self.OPTIONS, TOP_TWO)
        assert result.winners == ("B",)
        assert [r.eliminated for r in result.rounds] == [("D",), ("C",), ()]
        assert result.rounds[-1].counts == {"A": 4, "B": 5}

    def test_tally_names_the_default_rule(self) -> None:
        result = tally(self.OPTIONS, TOP_TWO, depth=2)
        assert result.rule is BordaRule.SHARED and result.method == RULE_NAMES[BordaRule.SHARED]
        assert "rule (c)" in result.method and "share the leftover points" in result.method
        assert result.borda.scores["A"] == 14.5 and result.borda_rules[BordaRule.ZERO].scores["A"] == 12
        assert result.positions == {"A": (4, 0), "B": (3, 6), "C": (2, 3), "D": (0, 0)}
        assert result.ballots == 9


class TestCaseD:
    def test_every_method_reports_a_tie(self) -> None:
        result = tally("ABC", CYCLE)
        assert result.schulze.standing.tiers == tiers("ABC")
        assert {v for row in result.schulze.paths.values() for v in row.values()} == {2}
        assert result.borda.scores == {"A": 3, "B": 3, "C": 3}
        assert result.borda.standing.is_tie
        assert result.irv.rounds[0].counts == {"A": 1, "B": 1, "C": 1}
        assert result.irv.winners == ("A", "B", "C") and result.irv.is_tie
        assert result.copeland.standing.tiers == tiers("ABC")
        assert describe(result.borda.standing) == "No winner — tie between A, B and C"
        assert describe(result.schulze.standing).startswith("No winner — tie")


class TestEdges:
    def test_no_ballots(self) -> None:
        result = tally("ABC", [], depth=3)
        assert result.ballots == 0
        assert result.borda.scores == {"A": 0, "B": 0, "C": 0} and result.borda.standing.is_tie
        assert result.schulze.standing.tiers == tiers("ABC")
        assert result.irv.winners == ("A", "B", "C") and result.irv.rounds[0].eliminated == ()
        assert result.positions == {"A": (0, 0, 0), "B": (0, 0, 0), "C": (0, 0, 0)}

    def test_no_options(self) -> None:
        result: Tally[str] = tally([], [])
        assert result.borda.standing.tiers == () and result.irv.winners == ()
        assert describe(result.borda.standing) == "No options to rank"

    def test_one_option(self) -> None:
        result = tally("A", [("A",), ("A",)])
        assert result.borda.scores == {"A": 0} and result.borda.standing.winners == ("A",)
        assert result.schulze.standing.tiers == tiers("A")
        assert result.irv.winners == ("A",) and result.plurality.scores == {"A": 2}
        assert describe(result.borda.standing) == "Winner: A"

    def test_two_way_tie_in_irv_and_borda(self) -> None:
        result = tally("AB", [("A", "B"), ("B", "A")])
        assert result.irv.winners == ("A", "B")
        assert result.borda.standing.tiers == tiers("AB")
        assert result.borda.standing.place("B") == 1

    def test_exhausted_ballots_leave_the_majority_to_the_rest(self) -> None:
        ballots = [("A",), ("A",), ("B", "C"), ("C",), ("C",)]
        result = irv("ABC", ballots)
        # B goes out; its ballot moves to C, who then has 3 of 5.
        assert result.winners == ("C",)
        assert result.rounds[-1].counts == {"A": 2, "C": 3}
        exhaust = irv("ABC", [("A",), ("B",), ("B",), ("C",), ("C",)])
        assert exhaust.rounds[1].exhausted == 1 and exhaust.winners == ("B", "C")

    def test_zero_vote_options_go_out_together(self) -> None:
        result = irv("ABCDE", [("A",), ("A",), ("B",)])
        assert result.winners == ("A",) and [r.eliminated for r in result.rounds] == [()]
        split = irv("ABCDE", [("A",), ("B",), ("B",), ("A",), ("C",)])
        assert split.rounds[0].eliminated == ("D", "E") and split.rounds[0].tied == ()

    def test_irv_gives_up_on_too_many_ties_by_widening_the_tie(self) -> None:
        # 14 options, one first preference each, no second choices: 2^14 ways to eliminate.
        options = tuple(range(14))
        result = irv(options, [(option,) for option in options])
        assert not result.complete and result.winners == options
        assert irv("ABCDE", SCHULZE_45).complete

    def test_standing_places_share_ties(self) -> None:
        standing = Standing(tiers("A", "BC", "D"))
        assert [standing.place(x) for x in "ABCD"] == [1, 2, 2, 4]
        with pytest.raises(KeyError):
            standing.place("Z")

    @pytest.mark.parametrize(
        "ballots", [[("A", "A")], [("A", "Z")]], ids=["duplicate in a ballot", "unknown option"]
    )
    def test_bad_ballots_are_refused(self, ballots: list[tuple[str, ...]]) -> None:
        with pytest.raises(ValueError):
            tally("AB", ballots)

    def test_positions_grow_to_the_longest_ballot(self) -> None:
        assert positions("AB", [("B", "A")], depth=1) == {"A": (0, 1), "B": (1, 0)}
