"""The TUI under trouble and plain terminals: a locked database is a notice, NO_COLOR is honoured."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest
from textual.filter import Monochrome, NoColor

from screens.app import WorkshopApp
from tests.helpers.data import states, vote
from tests.helpers.tui import agenda, caught_up, screen_text, wait_for
from workshop import db as db_module
from workshop import store, usecases
from workshop.db import Database, open_database
from workshop.models import row_id
from workshop.templates import get_template

pytestmark = pytest.mark.tui


async def test_a_locked_database_is_a_notice_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)  # give up on the lock quickly
    path = tmp_path / "locked.sqlite3"
    db = open_database(f"sqlite:///{path}")
    with db.writing() as session:
        workshop_id = row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Locked"))
    app = WorkshopApp(db, workshop_id, serve=False)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: agenda(app).snapshot is not None)
            other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
            await pilot.press("n")
            await wait_for(pilot, lambda: any("locked" in str(n.message) for n in app._notifications))
            assert app.is_running and states(db, workshop_id)[0] == "pending"
            other.execute("ROLLBACK")
            await pilot.press("n")  # once the lock is gone the same key works
            await wait_for(pilot, lambda: states(db, workshop_id)[0] == "open")
            await wait_for(pilot, lambda: "▶ open" in screen_text(app))
    finally:
        other.close()
        db.dispose()


@pytest.mark.parametrize("no_color", [True, False])
async def test_no_color_is_honoured_and_words_still_carry_meaning(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "maturity")
        store.start_item(session, row_id(item))
    for level in (3, 3, 3):
        vote(db, workshop_id, row_id(item), level)
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "✔ strong" in screen_text(app))
        assert app.no_color is no_color
        assert any(isinstance(f, Monochrome | NoColor) for f in app._filters) is no_color
        assert "▶ open" in screen_text(app)  # state in symbols and words, not colour


async def test_leaving_a_workshop_while_news_of_it_arrives(db: Database, workshop_id: int) -> None:
    from screens.home import HomeScreen
    from screens.messages import WorkshopChanged

    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "snapshot", None) is not None)
        agenda = app.screen
        agenda.post_message(WorkshopChanged(10**9, workshop_id))  # queued by the poll just before Escape
        await pilot.press("escape", "escape")  # a second, late Escape must not leave the home screen
        await caught_up(pilot)  # the news, both keys and the reads they started are all handled
        assert app.is_running and isinstance(app.screen, HomeScreen)


async def test_a_workshop_deleted_elsewhere_goes_home_with_a_notice(db: Database, workshop_id: int) -> None:
    from screens.home import HomeScreen

    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "snapshot", None) is not None)
        with db.writing() as session:
            usecases.delete_workshop(session, workshop_id)  # another terminal on the same database
        await wait_for(pilot, lambda: any("deleted elsewhere" in str(n.message) for n in app._notifications))
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.is_running


async def test_database_errors_with_brackets_are_shown_as_text(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = WorkshopApp(db, workshop_id, serve=False)

    async def broken(_change: object) -> None:
        raise RuntimeError("(sqlite3.OperationalError) locked [SQL: UPDATE agendaitem SET state=?]")

    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "snapshot", None) is not None)
        monkeypatch.setattr(app.writer, "submit", broken)
        await pilot.press("n")
        await wait_for(pilot, lambda: "[SQL:" in screen_text(app))  # drawn as typed, not read as markup
        assert app.is_running


async def test_a_workshop_deleted_while_the_projector_shows_it_goes_home(
    db: Database, workshop_id: int
) -> None:
    from screens.home import HomeScreen
    from screens.projector import ProjectorScreen

    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "snapshot", None) is not None)
        await pilot.press("p")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ProjectorScreen) and app.screen.snapshot is not None
        )
        with db.writing() as session:
            usecases.delete_workshop(session, workshop_id)  # another terminal on the same database
        await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen)
        )  # the projector's read found it gone
        assert app.is_running


def _has_read(app: WorkshopApp) -> bool:
    return getattr(app.screen, "snapshot", None) is not None


async def test_a_read_that_lands_while_the_app_quits_is_dropped(db: Database, workshop_id: int) -> None:
    """A snapshot worker can finish after q: its news must not try to mount a view into a closing screen."""
    from screens.agenda import AgendaScreen
    from workshop.live import load_snapshot

    with db.reading() as session:
        other = next(i for i in store.agenda(session, workshop_id) if i.kind == "question")
    late = load_snapshot(db, workshop_id, other.id)
    for _ in range(10):  # the race is narrow: a few runs, so a regression shows as a failure
        app = WorkshopApp(db, workshop_id, serve=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, partial(_has_read, app))
            screen = app.screen
            assert isinstance(screen, AgendaScreen)
            for _ in range(3):
                screen.post_message(AgendaScreen.SnapshotRead(late, 10**9))  # the newest read
            await pilot.press("q")
