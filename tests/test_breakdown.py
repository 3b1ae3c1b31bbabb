"""The maturity matrix by organisation and by role level, with small groups suppressed (DOMAIN.md §8.1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from screens.app import WorkshopApp
from screens.views.maturity import MaturityView
from tests.helpers.tui import screen_text, wait_for
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.breakdown import NOT_SAID, maturity_breakdown
from workshop.db import Database
from workshop.models import AgendaItem, Organisation, RoleLevel

# A rating per (factor position, horizon position); None is don't know.
Rate = Callable[[int, int], int | None]


def ids(db: Database, workshop_id: int, table: type[Organisation] | type[RoleLevel]) -> dict[str, int]:
    with db.reading() as session:
        rows = session.exec(select(table).where(table.workshop_id == workshop_id)).all()
        return {row.name: row.id for row in rows}  # type: ignore[misc]


def vote(
    db: Database,
    workshop_id: int,
    item: AgendaItem,
    rate: Rate,
    *,
    organisation: str | None = None,
    role: str | None = None,
    times: int = 1,
) -> None:
    orgs = ids(db, workshop_id, Organisation)
    roles = ids(db, workshop_id, RoleLevel)
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        for _ in range(times):
            seat = store.join(session, workshop_id, orgs.get(organisation or ""), roles.get(role or ""))
            ratings = {
                (f.id, h.id): rate(fi, hi)
                for fi, f in enumerate(structure.factors)
                for hi, h in enumerate(structure.horizons)
            }
            usecases.save_response(session, item.id, seat.id, MatrixAnswers(ratings, {}))  # type: ignore[arg-type]


def level(value: int | None) -> Rate:
    return lambda factor, horizon: value


def test_groups_medians_and_counts_by_organisation(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # Council rates 2 now, 3 in one year; one council seat rates factor 0 a 4 everywhere.
    vote(db, workshop_id, maturity_item, lambda f, h: 2 + min(h, 1), organisation="Council", times=4)
    vote(db, workshop_id, maturity_item, lambda f, h: 4 if f == 0 else 2 + min(h, 1), organisation="Council")
    vote(db, workshop_id, maturity_item, level(5), organisation="NHS trust", times=6)
    vote(db, workshop_id, maturity_item, level(1), times=4)
    vote(db, workshop_id, maturity_item, level(None))
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
        structure = load_structure(session, workshop_id)
    first, second = structure.factors[0].key, structure.factors[1].key
    assert breakdown.by == "organisation" and breakdown.responses == 16
    assert [(g.name, g.seats) for g in breakdown.groups] == [("Council", 5), ("NHS trust", 6), (NOT_SAID, 5)]
    assert breakdown.suppressed == () and breakdown.withheld == ()
    council, nhs, not_said = breakdown.groups
    assert council.distribution(first, "now").counts == (0, 4, 0, 1, 0)
    assert council.distribution(second, "now").counts == (0, 5, 0, 0, 0)
    assert council.distribution(second, "1y").median() == 3
    assert council.distribution(first, "now").agreement().value == "strong"
    assert nhs.distribution(first, "2y").counts == (0, 0, 0, 0, 6)
    assert not_said.distribution(first, "now").counts == (4, 0, 0, 0, 0)
    assert not_said.distribution(first, "now").dont_know == 1
    # Every factor and horizon is there for every group.
    assert all(
        set(g.by_factor) == {f.key for f in structure.factors}
        and all(set(hs) == {h.key for h in structure.horizons} for hs in g.by_factor.values())
        for g in breakdown.groups
    )


def test_by_role_level_with_not_said(db: Database, workshop_id: int, maturity_item: AgendaItem) -> None:
    vote(db, workshop_id, maturity_item, level(3), organisation="Council", role="Manager", times=5)
    vote(db, workshop_id, maturity_item, level(4), organisation="Police", times=5)
    vote(db, workshop_id, maturity_item, level(2), role="Front line", times=5)
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "role")
    assert [(g.name, g.seats) for g in breakdown.groups] == [("Manager", 5), ("Front line", 5), (NOT_SAID, 5)]
    assert [g.distribution(g.by_factor.__iter__().__next__(), "now").median() for g in breakdown.groups] == [
        3,
        2,
        4,
    ]


def test_a_small_group_is_never_returned_with_numbers(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    vote(db, workshop_id, maturity_item, level(2), organisation="Council", times=6)
    vote(db, workshop_id, maturity_item, level(3), organisation="NHS trust", times=5)
    vote(db, workshop_id, maturity_item, level(5), organisation="Police", times=4)
    vote(db, workshop_id, maturity_item, level(1), organisation="Fire and rescue", times=2)
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
        lowered = maturity_breakdown(session, maturity_item, "organisation", min_group=2)
    assert [g.name for g in breakdown.groups] == ["Council", "NHS trust"]
    assert breakdown.suppressed == ("Police", "Fire and rescue")
    assert breakdown.withheld == ()
    assert breakdown.responses == 17
    # No distribution anywhere holds a 5 or a 1: the police and fire ratings were never counted.
    for group in breakdown.groups:
        for horizons in group.by_factor.values():
            for dist in horizons.values():
                assert dist.counts[0] == 0 and dist.counts[4] == 0
    assert [(g.name, g.seats) for g in lowered.groups] == [
        ("Council", 6),
        ("NHS trust", 5),
        ("Police", 4),
        ("Fire and rescue", 2),
    ]
    assert lowered.suppressed == () and lowered.withheld == ()
    police = lowered.groups[2]
    assert all(d.counts == (0, 0, 0, 0, 4) for hs in police.by_factor.values() for d in hs.values())


def test_groups_are_withheld_when_the_room_would_give_a_small_one_away(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # Room minus council minus NHS would be the one police officer: one more group must be held back.
    vote(db, workshop_id, maturity_item, level(2), organisation="Council", times=6)
    vote(db, workshop_id, maturity_item, level(3), organisation="NHS trust", times=5)
    vote(db, workshop_id, maturity_item, level(5), organisation="Police")
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
        alone = maturity_breakdown(session, maturity_item, "role")
    assert [g.name for g in breakdown.groups] == ["Council"]
    assert breakdown.suppressed == ("Police",) and breakdown.withheld == ("NHS trust",)
    # Everyone in one group is the whole room: nothing to hide.
    assert [(g.name, g.seats) for g in alone.groups] == [(NOT_SAID, 12)]
    assert alone.suppressed == () and alone.withheld == ()


def test_no_answers_yet(db: Database, workshop_id: int, maturity_item: AgendaItem) -> None:
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
    assert breakdown.groups == () and breakdown.suppressed == () and breakdown.responses == 0


@pytest.mark.tui
async def test_the_view_cycles_through_breakdowns(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    vote(db, workshop_id, maturity_item, level(2), organisation="Council", role="Manager", times=6)
    vote(db, workshop_id, maturity_item, level(4), organisation="NHS trust", role="Manager", times=5)
    vote(db, workshop_id, maturity_item, level(5), organisation="Police", role="Chief officer")
    vote(db, workshop_id, maturity_item, level(1), organisation="Fire and rescue", times=4)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(MaturityView)))
        await wait_for(pilot, lambda: "16 of 16 joined answered" in screen_text(app))
        view = app.screen.query_one(MaturityView)
        view.next_breakdown()
        await wait_for(pilot, lambda: "By organisation · Now" in screen_text(app))
        await wait_for(
            pilot, lambda: "Police, Fire and rescue: fewer than 5 answered, not shown" in screen_text(app)
        )
        text = screen_text(app)
        assert "Council" in text and "NHS trust" in text and "✔ strong" in text
        # The small groups are named once, in the suppression line, and nowhere with numbers.
        assert text.count("Police") == 1 and text.count("Fire and rescue") == 1
        # A fifth fire officer answers: the group is big enough now, and the breakdown follows live.
        vote(db, workshop_id, maturity_item, level(1), organisation="Fire and rescue")
        await wait_for(pilot, lambda: "Police: fewer than 5 answered, not shown" in screen_text(app))
        assert "Fire and rescue" in screen_text(app) and "17 of 17 joined answered" in screen_text(app)
        view.next_horizon()
        await wait_for(pilot, lambda: "By organisation · In one year" in screen_text(app))
        view.next_breakdown()
        await wait_for(pilot, lambda: "By role level · In one year" in screen_text(app))
        text = screen_text(app)
        assert "Manager" in text and "✖ split" in text
        # The five fire officers gave no role: they are the "Not said" group.
        assert "Chief officer: fewer than 5 answered, not shown" in text
        assert text.count("Chief officer") == 1 and NOT_SAID in text
        view.next_breakdown()
        await wait_for(pilot, lambda: "By role level" not in screen_text(app))
        assert "In one year · 17 of 17 joined answered" in screen_text(app)
        await pilot.press("q")
