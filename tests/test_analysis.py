"""Agreement measures, checked against the worked values in shared/DOMAIN.md §7."""

from __future__ import annotations

import pytest

from workshop.analysis import Agreement, Distribution, agreement, format_median, median, tastle_wierman


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([30, 40, 210, 130, 530, 50, 10], 0.7257),
        ([0, 0, 9, 0, 0], 1.0),
        ([5, 0, 0, 0, 5], 0.0),
        ([1, 1, 1, 1, 1], 0.434),
        ([0, 1, 3, 2, 0], 0.774),  # ratings 2,3,3,3,4,4
        ([2, 1, 0, 1, 2], 0.195),  # ratings 1,1,2,4,5,5
    ],
)
def test_tastle_wierman(counts: list[int], expected: float) -> None:
    assert tastle_wierman(counts) == pytest.approx(expected, abs=0.0006)


def test_tastle_wierman_empty() -> None:
    assert tastle_wierman([0, 0, 0]) is None


def test_agreement_labels() -> None:
    assert agreement([2, 3, 3, 3, 4, 4]) is Agreement.STRONG
    assert agreement([1, 1, 2, 4, 5, 5]) is Agreement.SPLIT
    assert agreement([2, 3, 3, 4, 5]) is Agreement.SOME  # 4 of 5 within ±1 but range 3
    assert agreement([3, 3]) is Agreement.TOO_FEW


def test_median_and_format() -> None:
    assert median([]) is None
    assert median([4, 1, 3]) == 3
    assert median([2, 3, 3, 4]) == 3
    assert median([2, 3]) == 2.5
    assert format_median(2.5) == "2½"
    assert format_median(3.0) == "3"
    assert format_median(None) == "–"


def test_distribution() -> None:
    dist = Distribution((0, 1, 3, 2, 0), dont_know=2)
    assert dist.values() == [2, 3, 3, 3, 4, 4]
    assert (dist.n, dist.responses) == (6, 8)
    assert dist.median() == 3
    assert dist.agreement() is Agreement.STRONG
