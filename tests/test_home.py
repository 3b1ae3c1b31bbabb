"""The home screen: list, new from a template, open, follow-up, archive and delete, from the keyboard."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from textual.pilot import Pilot

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from screens.exporting import ExportFormatsScreen
from screens.home import HomeScreen
from tests.helpers.data import kinds
from tests.helpers.snapshots import fixed_home
from tests.helpers.tui import caught_up, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import Workshop
from workshop.store import lifecycle

pytestmark = pytest.mark.tui


def titles(db: Database, *, archived: bool = False) -> list[str]:
    with db.reading() as session:
        return [row.title for row in lifecycle.workshop_rows(session, archived=archived)]


def workshop_named(db: Database, title: str) -> Workshop:
    with db.reading() as session:
        return session.exec(select(Workshop).where(Workshop.title == title)).one()


async def test_the_template_folders_and_a_workshop_are_read_off_the_event_loop(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pressing n reads and parses every template; Enter reads the workshop: neither may freeze the TUI."""
    import screens.home
    from workshop import templates

    threads: list[str] = []

    def discover() -> object:
        threads.append(threading.current_thread().name)
        return templates.discover()

    monkeypatch.setattr(screens.home, "discover", discover)
    reads = store.get_workshop

    def get_workshop(session: Session, wanted: int) -> Workshop:
        threads.append(threading.current_thread().name)
        return reads(session, wanted)

    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        monkeypatch.setattr(store, "get_workshop", get_workshop)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("plus")
        await wait_for(pilot, lambda: "New workshop" in screen_text(app))
    assert threads and "MainThread" not in threads, threads


async def test_new_workshop_from_a_template(db: Database) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "No workshops yet" in screen_text(app))
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")  # the agenda's "next item" means nothing here: no dialog
        await caught_up(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("plus")
        await wait_for(pilot, lambda: "New workshop" in screen_text(app))
        await pilot.press("tab")  # from the template to the title
        await pilot.press("enter")  # no title yet
        await wait_for(pilot, lambda: "✖ Enter a title" in screen_text(app))
        assert titles(db) == []
        await pilot.press(*"Partnership [b]March[/b]", "enter")
        await wait_for(pilot, lambda: "Partnership [b]March[/b]" in screen_text(app))
        assert titles(db) == ["Partnership [b]March[/b]"]
        made = workshop_named(db, "Partnership [b]March[/b]")
        assert made.template == "cyp-integration"
        assert f"Join code {made.join_code}" in screen_text(app)


async def test_open_a_workshop_and_come_back(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen) and "Welcome" in screen_text(app))
        assert app.workshop_id == workshop_id
        await pilot.press("n")  # the agenda works as usual: the first item opens
        await wait_for(pilot, lambda: "▶ open" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.workshop_id is None
        # Phones are still answering the open item: the list says so.
        running = f"▶ running 0/{len(kinds(db, workshop_id))}"  # 0 of the agenda's items done
        await wait_for(pilot, lambda: running in screen_text(app))


async def test_follow_up_is_linked_to_its_baseline(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: "Follow-up workshop" in screen_text(app))
        await pilot.press("enter")  # the suggested title
        await wait_for(pilot, lambda: f"follows #{workshop_id}" in screen_text(app))
        follow_up = workshop_named(db, "Follow-up: Test workshop")
        assert follow_up.baseline_id == workshop_id
        # The new one is highlighted, and its detail names the baseline.
        assert "Follow-up of #" in screen_text(app)


async def test_archive_asks_hides_and_restores(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("a")
        await wait_for(pilot, lambda: "Archive “Test workshop”?" in screen_text(app))
        await pilot.press("escape")  # no: nothing changes
        # The dialog has gone and every write and reload its answer could have started is done.
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await caught_up(pilot)
        assert titles(db) == ["Test workshop"]
        await pilot.press("a")
        await wait_for(pilot, lambda: "Archive “Test workshop”?" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: "No workshops yet" in screen_text(app))
        assert titles(db) == [] and titles(db, archived=True) == ["Test workshop"]
        await pilot.press("t")
        await wait_for(pilot, lambda: "▣ archived" in screen_text(app))
        await pilot.press("a")  # restoring takes nothing away, so it does not ask
        await wait_for(pilot, lambda: titles(db) == ["Test workshop"])
        await wait_for(pilot, lambda: "▣ archived" not in screen_text(app))


async def test_delete_asks_first_and_keeps_on_no(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("x")
        await wait_for(pilot, lambda: "Delete “Test workshop”?" in screen_text(app))
        await pilot.press("enter")  # the focused button is "No, keep it"
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await caught_up(pilot)  # a delete the answer started would be committed by now
        with db.reading() as session:
            assert session.get(Workshop, workshop_id) is not None
        await pilot.press("x")
        await wait_for(pilot, lambda: "Delete “Test workshop”?" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: "No workshops yet" in screen_text(app))
        with db.reading() as session:
            assert session.get(Workshop, workshop_id) is None


async def test_actions_on_a_row_are_offered_only_with_a_row(db: Database) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "No workshops yet" in screen_text(app))
        for action in ("open", "follow_up", "archive", "delete"):
            assert not app.screen.check_action(action, ())
        assert app.screen.check_action("new", ())
        assert "Follow-up" not in screen_text(app) and "Delete" not in screen_text(app)


# Snapshots ---------------------------------------------------------------------------------------


async def _home_settled(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: "Join code P4RT2N" in screen_text(app))
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_home(
    snap_compare: Callable[..., bool], db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    assert snap_compare(fixed_home(db, workshop_id), terminal_size=size, run_before=_home_settled)


async def test_home_actions_are_in_the_command_palette(db: Database, workshop_id: int) -> None:
    from screens.home_dialogs import FollowUpScreen

    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Open (enter)", "New (+)", "Follow-up (d)", "Archive (a)", "Delete (x)"):
            assert wanted in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Follow-up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpScreen))


async def test_outcome_pack_from_home_in_a_worker(
    db: Database, workshop_id: int, workshop_home: Path
) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportFormatsScreen))
        await pilot.press("enter")  # the formats offered first: Markdown and JSON
        exports = workshop_home / "exports"
        await wait_for(pilot, lambda: len(list(exports.glob("*-test-workshop-*-outcomes.*"))) == 2)
        await wait_for(pilot, lambda: any("Outcome pack written" in n.message for n in app._notifications))
        assert isinstance(app.screen, HomeScreen)  # the progress dialog closed itself
        markdown = next(exports.glob("*.md")).read_text(encoding="utf-8")
        assert markdown.startswith("# Test workshop\n")


@pytest.fixture
def blocked_exports(workshop_home: Path) -> Path:
    """A file where the exports folder should be: every export into it fails."""
    workshop_home.mkdir(parents=True, exist_ok=True)
    (workshop_home / "exports").write_text("a file where the folder should be")
    return workshop_home / "exports"


async def test_a_failed_export_is_a_notice(db: Database, workshop_id: int, blocked_exports: Path) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportFormatsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("The export failed" in n.message for n in app._notifications))
        failed = next(n.message for n in app._notifications if "The export failed" in n.message)
        assert "could not write to" in failed and str(blocked_exports) in failed
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("plus")  # the app carries on
        await wait_for(pilot, lambda: "New workshop" in screen_text(app))


async def test_the_formats_chosen_are_written_and_offered_again(
    db: Database, workshop_id: int, workshop_home: Path
) -> None:
    from textual.widgets import SelectionList

    app = WorkshopApp(db, serve=False)
    exports = workshop_home / "exports"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportFormatsScreen))
        formats = app.screen.query_one("#formats", SelectionList)
        assert set(formats.selected) == {"md", "json"}
        assert "Will write: Markdown, JSON data" in screen_text(app)  # in words, not by colour alone
        formats.deselect_all()
        await pilot.press("enter")  # nothing ticked: said in words, nothing written
        await wait_for(pilot, lambda: "Tick at least one format" in screen_text(app))
        assert isinstance(app.screen, ExportFormatsScreen) and not exports.exists()
        formats.select("json")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Outcome pack written" in n.message for n in app._notifications))
        assert [p.suffix for p in exports.iterdir()] == [".json"]
        await pilot.press("o")  # the last choice is offered again
        await wait_for(pilot, lambda: isinstance(app.screen, ExportFormatsScreen))
        assert app.screen.query_one("#formats", SelectionList).selected == ["json"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
