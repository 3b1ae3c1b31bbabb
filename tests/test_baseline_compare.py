"""Change since the baseline: a follow-up's maturity medians beside its baseline's, and the ambitions met."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers.baseline import factor_keys, follow_up, rate
from tests.helpers.data import start_kind
from workshop.activities.maturity.compare import (
    Comparison,
    FactorChange,
    Point,
    compare_with_baseline,
    comparison_blocks,
)
from workshop.activities.maturity.results import MaturityResults
from workshop.blocks import Chart, Heading, Paragraph, Table
from workshop.db import Database
from workshop.exports.pack import build_pack


def test_a_workshop_without_a_baseline_has_nothing_to_compare(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    with db.reading() as session:
        assert compare_with_baseline(session, item) is None


def test_a_year_on_each_factor_is_met_on_track_or_behind(db: Database, workshop_id: int) -> None:
    first, second, third = factor_keys(db, workshop_id)[:3]
    base_item = start_kind(db, workshop_id, "maturity")
    # The baseline: now 2, a one-year ambition of 4 for every rated factor.
    for _ in range(3):
        rate(db, workshop_id, base_item, {first: (2, 4, 5), second: (2, 4, 5), third: (2, 4, 5)})
    later, item = follow_up(db, workshop_id, "A year on", days_later=365)
    for _ in range(3):
        rate(db, later, item, {first: (4, 5, 5), second: (3, 4, 5), third: (2, 3, 4)})
    with db.reading() as session:
        comparison = compare_with_baseline(session, item)
    assert comparison is not None
    assert [p.title for p in comparison.points] == ["Test workshop", "A year on"]
    by_key = {f.key: f for f in comparison.factors}
    assert by_key[first].baseline == {"now": 2.0, "1y": 4.0, "2y": 5.0}
    assert (by_key[first].series, by_key[first].movement, by_key[first].status) == ((2.0, 4.0), 2.0, "met")
    # A whole year asks for the whole way to 4: at 3 it is behind, as is a factor that did not move.
    assert (by_key[second].movement, by_key[second].status) == (1.0, "behind")
    assert (by_key[third].movement, by_key[third].status) == (0.0, "behind")
    unrated = [f for f in comparison.factors if f.key not in (first, second, third)]
    assert unrated and all(f.status is None and f.movement is None for f in unrated)


def test_half_a_year_on_half_the_way_is_on_track(db: Database, workshop_id: int) -> None:
    first = factor_keys(db, workshop_id)[0]
    base_item = start_kind(db, workshop_id, "maturity")
    for _ in range(3):
        rate(db, workshop_id, base_item, {first: (2, 4, 5)})
    later, item = follow_up(db, workshop_id, "Six months on", days_later=183)
    for _ in range(3):
        rate(db, later, item, {first: (3, 4, 5)})
    with db.reading() as session:
        comparison = compare_with_baseline(session, item)
    assert comparison is not None
    assert comparison.factors[0].status == "on track"


def test_a_chain_of_follow_ups_gives_the_whole_series(db: Database, workshop_id: int) -> None:
    first = factor_keys(db, workshop_id)[0]
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, item, {first: (1, 3, 4)})
    previous = workshop_id
    for year, now in ((1, 2), (2, 3)):
        previous, item = follow_up(db, previous, f"Year {year}", days_later=365)
        rate(db, previous, item, {first: (now, 4, 5)})
    with db.reading() as session:
        comparison = compare_with_baseline(session, item)
        pack = build_pack(session, previous)
    assert comparison is not None
    assert [p.title for p in comparison.points] == ["Test workshop", "Year 1", "Year 2"]
    assert comparison.factors[0].series == (1.0, 2.0, 3.0)
    assert comparison.factors[0].movement == 2.0
    # The pack carries it as data and as blocks: a table with the series and a movement chart.
    maturity = next(i for i in pack.data.items if i.kind == "maturity")
    assert isinstance(maturity.results, MaturityResults) and maturity.results.baseline is not None
    assert [p.title for p in maturity.results.baseline.points] == ["Test workshop", "Year 1", "Year 2"]
    assert maturity.results.baseline.factors[0].series == [1.0, 2.0, 3.0]
    report = next(i for i in pack.items if i.kind == "maturity")
    assert any(isinstance(b, Heading) and b.text == "Change since the baseline" for b in report.blocks)
    blocks = comparison_blocks(comparison)
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[0][0] == comparison.factors[0].name and table.rows[0][-2] == 2.0
    chart = next(b for b in blocks if isinstance(b, Chart))
    assert chart.kind == "movement" and [s.name for s in chart.series] == [
        "Test workshop",
        "Year 1",
        "Year 2",
    ]


def test_an_annual_follow_up_held_a_little_early_asks_for_the_whole_way(
    db: Database, workshop_id: int
) -> None:
    first, second = factor_keys(db, workshop_id)[:2]
    base_item = start_kind(db, workshop_id, "maturity")
    for _ in range(2):
        rate(db, workshop_id, base_item, {first: (2, 4, 5), second: (3, 3, 4)})
    rate(db, workshop_id, base_item, {first: (2, 3, 5), second: (3, 3, 4)})
    later, item = follow_up(db, workshop_id, "Fifty-one weeks on", days_later=357)
    for _ in range(3):
        rate(db, later, item, {first: (3, 4, 5), second: (2, 3, 4)})
    with db.reading() as session:
        comparison = compare_with_baseline(session, item)
    assert comparison is not None
    by_key = {f.key: f for f in comparison.factors}
    # Half a level short of the one-year ambition of 4, a year on (less a week): behind, not "on track".
    assert (by_key[first].series, by_key[first].status) == ((2.0, 3.0), "behind")
    assert by_key[second].movement == -1.0
    summary = next(b for b in comparison_blocks(comparison) if isinstance(b, Paragraph))
    assert f"{by_key[first].name} moved most (+1)" in summary.text


def test_when_everything_fell_nothing_is_said_to_have_moved_most() -> None:
    held = datetime(2026, 1, 1, tzinfo=UTC)
    points = (Point(1, "Then", held), Point(2, "Now", held + timedelta(days=365)))
    factors = (
        FactorChange("a", "Goals", {"now": 3.0, "1y": 4.0}, (3.0, 2.5), -0.5, "behind"),
        FactorChange("b", "Risk", {"now": 3.0, "1y": 4.0}, (3.0, 2.0), -1.0, "behind"),
    )
    blocks = comparison_blocks(Comparison(points, (("now", "Now"), ("1y", "In one year")), factors))
    summary = next(b for b in blocks if isinstance(b, Paragraph))
    assert "behind for 2" in summary.text and "moved most" not in summary.text
