"""The smallest group a breakdown shows, per workshop: set in the template, changed in the TUI, never below 3.

Whatever the size, the protection is the same: a smaller group is named and never counted, and bigger
ones are withheld while the room minus the shown groups would give the small ones away.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Static

from screens.app import WorkshopApp
from screens.group_size_dialog import GroupSizeScreen
from screens.views.maturity import MaturityView
from tests.helpers.data import get_row
from tests.helpers.tui import caught_up, screen_text, wait_for
from workshop import locations, store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.breakdown import maturity_breakdown
from workshop.db import Database, open_database
from workshop.exports.files import export_workshop
from workshop.migrations import alembic_config, current_revision, head_revision
from workshop.models import AgendaItem, Organisation, Workshop, row_id
from workshop.store.workshops import SettingError, set_min_group
from workshop.templates import TemplateError, TemplateSpec, load_template

SHIPPED = locations.shipped_templates_dir() / "cyp-integration.toml"
MIN_GROUP_LINE = re.compile(r"^min_group = 5$", re.MULTILINE)


def template_with(tmp_path: Path, line: str) -> Path:
    """The shipped template as ``mine.toml``, its ``min_group = 5`` line replaced by ``line``."""
    shipped = SHIPPED.read_text(encoding="utf-8").replace('name = "cyp-integration"', 'name = "mine"', 1)
    assert len(MIN_GROUP_LINE.findall(shipped)) == 1
    path = tmp_path / "mine.toml"
    path.write_text(MIN_GROUP_LINE.sub(line, shipped), encoding="utf-8")
    return path


# Templates ---------------------------------------------------------------------------------------------


def test_a_template_without_min_group_gives_five(tmp_path: Path) -> None:
    assert load_template(template_with(tmp_path, "")).min_group == 5


def test_a_template_may_set_three(tmp_path: Path) -> None:
    assert load_template(template_with(tmp_path, "min_group = 3")).min_group == 3


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("min_group = 2", "min_group: The smallest group must be at least 3, not 2: in a group of two"),
        ("min_group = 0", "min_group: The smallest group must be at least 3, not 0"),
        ("min_group = 1001", "min_group: The smallest group must be at most 1000, not 1001."),
        ('min_group = "5"', "min_group: Input should be a valid integer"),
        ("min_group = true", "min_group: Input should be a valid integer"),
        ("min_group = 5.0", "min_group: Input should be a valid integer"),
    ],
)
def test_a_template_below_three_is_refused_naming_file_and_field(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = template_with(tmp_path, line)
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert f"{path}: {problem}" in str(refused.value)


def spec_with(tmp_path: Path, size: int) -> TemplateSpec:
    return load_template(template_with(tmp_path, f"min_group = {size}"))


def test_new_workshops_store_the_template_size_and_follow_ups_inherit_it(
    db: Database, tmp_path: Path
) -> None:
    with db.writing() as session:
        made = usecases.create_workshop(session, spec_with(tmp_path, 3), "Small partnership")
        default = usecases.create_workshop(session, load_template(template_with(tmp_path, "")), "Default")
        made_id, default_id = row_id(made), row_id(default)
    with db.writing() as session:
        set_min_group(session, default_id, 8)  # a size changed after the workshop was made is inherited too
    with db.writing() as session:
        follow_ups = [row_id(usecases.create_follow_up(session, wid, "")) for wid in (made_id, default_id)]
    with db.reading() as session:
        sizes = [get_row(session, Workshop, wid).min_group for wid in (made_id, default_id, *follow_ups)]
    assert sizes == [3, 8, 3, 8]


# Changing it -----------------------------------------------------------------------------------------


def size_and_revision(db: Database, workshop_id: int) -> tuple[int, int]:
    with db.reading() as session:
        workshop = get_row(session, Workshop, workshop_id)
        return workshop.min_group, workshop.revision


@pytest.mark.parametrize(
    ("size", "problem"),
    [
        (2, "at least 3, not 2"),
        (-1, "at least 3, not -1"),
        (1001, "at most 1000, not 1001"),
        (True, "a whole number from 3 to 1000"),
    ],
)
def test_the_store_refuses_a_size_out_of_range(
    db: Database, workshop_id: int, size: int, problem: str
) -> None:
    before = size_and_revision(db, workshop_id)
    with pytest.raises(SettingError, match=problem), db.writing() as session:
        set_min_group(session, workshop_id, size)
    assert size_and_revision(db, workshop_id) == before == (5, before[1])


def test_the_store_sets_a_size_and_moves_the_revision(db: Database, workshop_id: int) -> None:
    _, revision = size_and_revision(db, workshop_id)
    with db.writing() as session:
        assert set_min_group(session, workshop_id, 3) == 3
    assert size_and_revision(db, workshop_id) == (3, revision + 1)
    with pytest.raises(store.WorkshopNotFound), db.writing() as session:
        set_min_group(session, workshop_id + 99, 4)


# Breakdowns at the workshop's size ---------------------------------------------------------------------


def vote(db: Database, workshop_id: int, item: AgendaItem, organisation: str, level: int, times: int) -> None:
    """``times`` new seats from ``organisation`` rate every factor and horizon ``level``."""
    with db.writing() as session:
        org = session.exec(
            select(Organisation.id).where(
                Organisation.workshop_id == workshop_id, Organisation.name == organisation
            )
        ).one()
        structure = load_structure(session, workshop_id)
        for _ in range(times):
            seat = store.join(session, workshop_id, org)
            ratings: dict[tuple[int, int], int | None] = {
                (row_id(f), row_id(h)): level for f in structure.factors for h in structure.horizons
            }
            usecases.save_response(session, row_id(item), row_id(seat), MatrixAnswers(ratings, {}))


@pytest.fixture
def room(db: Database, workshop_id: int, maturity_item: AgendaItem) -> None:
    """Council 6 (rate 2), NHS trust 3 (rate 3), Police 3 (rate 4), one fire officer (rates 1)."""
    for organisation, level, times in (
        ("Council", 2, 6),
        ("NHS trust", 3, 3),
        ("Police", 4, 3),
        ("Fire and rescue", 1, 1),
    ):
        vote(db, workshop_id, maturity_item, organisation, level, times)


@pytest.mark.usefixtures("room")
def test_a_size_of_three_shows_a_group_of_three_and_still_withholds_by_subtraction(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    with db.reading() as session:
        at_five = maturity_breakdown(session, maturity_item, "organisation")
    with db.writing() as session:
        set_min_group(session, workshop_id, 3)
    with db.reading() as session:
        at_three = maturity_breakdown(session, maturity_item, "organisation")
    assert at_five.min_group == 5 and [g.name for g in at_five.groups] == ["Council"]
    assert at_five.suppressed == ("NHS trust", "Police", "Fire and rescue") and at_five.withheld == ()
    # At three the NHS trust's three show. The fire officer alone is too few, and the room minus the shown
    # groups would be that one person's ratings with the police's, so one police group of three is held
    # back too (of two groups of three, the later one).
    assert at_three.min_group == 3
    assert [(g.name, g.seats) for g in at_three.groups] == [("Council", 6), ("NHS trust", 3)]
    assert at_three.suppressed == ("Fire and rescue",) and at_three.withheld == ("Police",)
    # The suppressed and withheld ratings were never counted: no 1 (fire) and no 4 (police) anywhere.
    for group in at_three.groups:
        for horizons in group.by_factor.values():
            for dist in horizons.values():
                assert (
                    dist is not None and dist.counts[0] == 0 and dist.counts[3] == 0 and dist.n == group.seats
                )


@pytest.mark.usefixtures("room")
def test_a_stored_size_below_the_floor_is_read_as_three(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    # Only a hand-edited database holds 1: the breakdown still hides groups under three.
    with db.writing() as session:
        session.execute(text("UPDATE workshop SET min_group = 1 WHERE id = :id"), {"id": workshop_id})
    with db.reading() as session:
        breakdown = maturity_breakdown(session, maturity_item, "organisation")
    assert breakdown.min_group == 3 and breakdown.suppressed == ("Fire and rescue",)


@pytest.mark.usefixtures("room")
def test_the_outcome_pack_prints_the_workshop_size(db: Database, workshop_id: int, tmp_path: Path) -> None:
    with db.writing() as session:
        set_min_group(session, workshop_id, 3)
    md = export_workshop(db, workshop_id, tmp_path, formats=("md",))[0].read_text(encoding="utf-8")
    by_org = md.split("#### Medians by organisation")[1].split("####")[0]
    # The report's layout is its own (tests/test_exports.py); here only the size it was made with.
    assert "NHS trust (3)" in by_org and "Police (" not in by_org and "Fire and rescue (" not in by_org
    assert "a group needs 3 or more people): Fire and rescue, Police." in by_org
    assert "needs 5 or more" not in md and "fewer than 5 people" not in md


# The TUI ---------------------------------------------------------------------------------------------


def shows(app: WorkshopApp, wanted: str) -> bool:
    return wanted in screen_text(app)


def says(dialog: GroupSizeScreen, problem: str) -> bool:
    """Whether the dialog's error line starts with ``problem``."""
    return str(dialog.query_one("#size-error", Static).content).startswith(problem)


async def open_size_dialog(pilot: Pilot[Any], app: WorkshopApp) -> GroupSizeScreen:
    """Press B on the agenda and return the dialog it opens."""
    await pilot.press("B")
    await wait_for(pilot, lambda: isinstance(app.screen, GroupSizeScreen))
    dialog = app.screen
    assert isinstance(dialog, GroupSizeScreen)
    return dialog


@pytest.mark.tui
@pytest.mark.usefixtures("room")
async def test_the_facilitator_changes_the_size_and_the_breakdown_follows(
    db: Database, workshop_id: int
) -> None:
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(MaturityView)))
        await wait_for(pilot, lambda: "13 of 13 joined answered" in screen_text(app))
        # The palette offers it, in words, beside the breakdown's own key.
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.index("Group size (B)") == titles.index("Breakdown (b)") + 1
        await pilot.press("b")
        await wait_for(pilot, lambda: "By organisation · Now · groups of 5 or more" in screen_text(app))
        assert "NHS trust, Police, Fire and rescue: fewer than 5 answered, not shown" in screen_text(app)
        dialog = await open_size_dialog(pilot, app)
        await pilot.press("end", "backspace", "3", "enter")
        await wait_for(pilot, lambda: "By organisation · Now · groups of 3 or more" in screen_text(app))
        await wait_for(pilot, lambda: "Fire and rescue: fewer than 3 answered, not shown" in screen_text(app))
        assert not dialog.is_attached
        assert "Police: not shown either" in screen_text(app)
        assert size_and_revision(db, workshop_id)[0] == 3
        await pilot.press("q")


@pytest.mark.tui
@pytest.mark.usefixtures("room")
async def test_a_bad_size_is_explained_in_the_dialog_and_changes_nothing(
    db: Database, workshop_id: int
) -> None:
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(MaturityView)))
        # Read once the app has started: opening a workshop issues the remote's token, itself a change.
        before = size_and_revision(db, workshop_id)
        await pilot.press("b")
        await wait_for(pilot, lambda: "By organisation · Now · groups of 5 or more" in screen_text(app))
        for typed, problem in (
            ("2", "✖ The smallest group must be at least 3, not 2"),
            ("", "✖ The smallest group must be a whole number from 3 to 1000."),
            ("3a", "✖ The smallest group must be a whole number from 3 to 1000."),
            ("9999", "✖ The smallest group must be at most 1000, not 9999."),
        ):
            dialog = await open_size_dialog(pilot, app)
            await pilot.press("end", *["backspace"] * 4, *typed, "enter")
            await wait_for(pilot, partial(says, dialog, problem))
            # On screen, in words (the dialog wraps the rest of the sentence).
            assert shows(app, problem[:30])
            assert app.screen is dialog  # still asking
            await caught_up(pilot)
            assert size_and_revision(db, workshop_id) == before
            await pilot.press("escape")  # cancels: nothing is saved
            await wait_for(pilot, lambda: not isinstance(app.screen, GroupSizeScreen))
        await caught_up(pilot)
        assert size_and_revision(db, workshop_id) == before
        assert "groups of 5 or more" in screen_text(app)
        await pilot.press("q")


# The migration -----------------------------------------------------------------------------------------


def test_a_database_at_0004_upgrades_and_its_workshops_keep_groups_of_five(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'at-0004.sqlite3'}"
    old = Database(url)
    command.upgrade(alembic_config(old.write_engine), "0004")
    with old.write_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workshop"
                " (title, template, join_code, facilitator_token, is_demo, revision, created_at) "
                "VALUES ('Baseline 2025', 'cyp-integration', 'OLDONE', 'secret', 0, 7, '2025-11-01 10:00:00')"
            )
        )
    old.dispose()
    db = open_database(url)
    assert current_revision(db.write_engine) == head_revision()
    with db.reading() as session:
        workshop = store.find_by_join_code(session, "OLDONE")
        assert (workshop.title, workshop.revision, workshop.min_group) == ("Baseline 2025", 7, 5)
    db.dispose()
