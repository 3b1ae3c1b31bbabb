"""The maturity matrix by organisation and by role level, with small groups suppressed (DOMAIN.md §8.1)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlmodel import select

from screens.app import WorkshopApp
from screens.views.maturity import MaturityView
from tests.helpers.tui import screen_text, wait_for
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.breakdown import NOT_SAID, GroupRatings, maturity_breakdown
from workshop.analysis import Distribution
from workshop.db import Database
from workshop.models import AgendaItem, Organisation, RoleLevel, row_id

# A rating per (factor position, horizon position); None is don't know.
Rate = Callable[[int, int], int | None]
Named = TypeVar("Named", Organisation, RoleLevel)


def ids(db: Database, workshop_id: int, table: type[Named]) -> dict[str, int]:
    with db.reading() as session:
        rows = session.exec(select(table).where(table.workshop_id == workshop_id)).all()
        return {row.name: row_id(row) for row in rows}


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
                (row_id(f), row_id(h)): rate(fi, hi)
                for fi, f in enumerate(structure.factors)
                for hi, h in enumerate(structure.horizons)
            }
            usecases.save_response(session, row_id(item), row_id(seat), MatrixAnswers(ratings, {}))


def level(value: int | None) -> Rate:
    return lambda factor, horizon: value


def test_groups_medians_and_counts_by_organisation(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # Council rates 2 now, 3 in one year; one council seat rates factor 0 a 4 everywhere.
    vote(db, workshop_id, maturity_item, lambda f, h: 2 + min(h, 1), organisation="Council", times=4)
    vote(db, workshop_id, maturity_item, lambda f, h: 4 if f == 0 else 2 + min(h, 1), organisation="Council")
    vote(db, workshop_id, maturity_item, level(5), organisation="NHS trust", times=6)
    vote(db, workshop_id, maturity_item, level(1), times=5)
    vote(db, workshop_id, maturity_item, level(None))
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
        structure = load_structure(session, workshop_id)
    first, second = structure.factors[0].key, structure.factors[1].key
    assert breakdown.by == "organisation" and breakdown.responses == 17
    assert [(g.name, g.seats) for g in breakdown.groups] == [("Council", 5), ("NHS trust", 6), (NOT_SAID, 6)]
    assert breakdown.suppressed == () and breakdown.withheld == ()
    council, nhs, not_said = breakdown.groups

    def cell(group: GroupRatings, factor: str, horizon: str) -> Distribution:
        found = group.distribution(factor, horizon)
        assert found is not None, f"{group.name}: {factor} {horizon} is hidden"
        return found

    assert cell(council, first, "now").counts == (0, 4, 0, 1, 0)
    assert cell(council, second, "now").counts == (0, 5, 0, 0, 0)
    assert cell(council, second, "1y").median() == 3
    assert cell(council, first, "now").agreement().value == "strong"
    assert cell(nhs, first, "2y").counts == (0, 0, 0, 0, 6)
    assert cell(not_said, first, "now").counts == (5, 0, 0, 0, 0)
    assert cell(not_said, first, "now").dont_know == 1
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
    medians = [g.distribution(next(iter(g.by_factor)), "now") for g in breakdown.groups]
    assert [d.median() if d is not None else None for d in medians] == [
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
                assert dist is not None and dist.counts[0] == 0 and dist.counts[4] == 0
    assert [(g.name, g.seats) for g in lowered.groups] == [
        ("Council", 6),
        ("NHS trust", 5),
        ("Police", 4),
        ("Fire and rescue", 2),
    ]
    assert lowered.suppressed == () and lowered.withheld == ()
    police = lowered.groups[2]
    cells = [d for hs in police.by_factor.values() for d in hs.values()]
    assert all(d is not None and d.counts == (0, 0, 0, 0, 4) for d in cells)


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


def _pack_cells(db: Database, workshop_id: int) -> tuple[dict[str, Any], bytes]:
    """The maturity item's organisation breakdown as the JSON export has it, and the CSV zip's bytes."""
    from workshop.exports import csvzip, jsonfile
    from workshop.exports.pack import build_pack

    with db.reading() as session:
        pack = build_pack(session, workshop_id)
    data = json.loads(jsonfile.render(pack))
    maturity = next(i for i in data["items"] if i["kind"] == "maturity")
    by_organisation = next(b for b in maturity["results"]["breakdowns"] if b["by"] == "organisation")
    return by_organisation, csvzip.render(pack)


def test_a_cell_too_few_rated_cannot_be_worked_out_from_the_room(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # Two big groups. In the NHS trust four say don't know everywhere and two rate 5: its cells hold two
    # ratings, so they are hidden; the room (every rating) minus the council's would give those two away,
    # so the council's cells are hidden as well.
    vote(db, workshop_id, maturity_item, level(2), organisation="Council", times=6)
    vote(db, workshop_id, maturity_item, level(None), organisation="NHS trust", times=4)
    vote(db, workshop_id, maturity_item, level(5), organisation="NHS trust", times=2)
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
    assert [(g.name, g.seats) for g in breakdown.groups] == [("Council", 6), ("NHS trust", 6)]
    for group in breakdown.groups:
        assert all(d is None for hs in group.by_factor.values() for d in hs.values()), group.name
    by_organisation, csv_zip = _pack_cells(db, workshop_id)
    for group in by_organisation["groups"]:
        assert all(stats is None for hs in group["factors"].values() for stats in hs.values())
    with zipfile.ZipFile(io.BytesIO(csv_zip)) as bundle:
        tidy = bundle.read("maturity.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(tidy)))
    assert rows and not [r for r in rows if r["by"] == "organisation" and r["median"]]


def test_a_withheld_group_that_said_dont_know_keeps_the_small_one_hidden(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # One police officer rates 5 (suppressed). The NHS trust is withheld so the room minus the shown groups
    # holds five seats, but all five said don't know: the room's ratings minus the council's would still be
    # the officer's 5. So the council's cells are hidden too, and no file holds them.
    vote(db, workshop_id, maturity_item, level(2), organisation="Council", times=6)
    vote(db, workshop_id, maturity_item, level(None), organisation="NHS trust", times=5)
    vote(db, workshop_id, maturity_item, level(5), organisation="Police")
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
    assert breakdown.suppressed == ("Police",) and breakdown.withheld == ("NHS trust",)
    (council,) = breakdown.groups
    assert all(d is None for hs in council.by_factor.values() for d in hs.values())
    by_organisation, _ = _pack_cells(db, workshop_id)
    assert [g["name"] for g in by_organisation["groups"]] == ["Council"]
    assert all(s is None for hs in by_organisation["groups"][0]["factors"].values() for s in hs.values())


def test_cells_show_when_what_is_held_back_is_big_enough(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # The same room with five police officers: the held-back ratings number five, so the council shows.
    vote(db, workshop_id, maturity_item, level(2), organisation="Council", times=6)
    vote(db, workshop_id, maturity_item, level(None), organisation="NHS trust", times=5)
    vote(db, workshop_id, maturity_item, level(5), organisation="Police", times=5)
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
    shown = {g.name: g for g in breakdown.groups}
    assert list(shown) == ["Council", "NHS trust", "Police"]
    first = next(iter(shown["Council"].by_factor))
    council, nhs, police = (shown[name].distribution(first, "now") for name in shown)
    assert council is not None and council.median() == 2 and police is not None and police.median() == 5
    assert nhs is None  # nobody in it rated: nothing to show
