"""A read that finishes late never puts old rows back on screen.

``exclusive=True`` cancels an older thread worker but cannot stop it: it still posts what it read. On a busy
machine that older read can land after a newer one. These tests post such a late read by hand (the race
itself is too narrow to hit on demand) and check the screen keeps the newer one.
"""

from __future__ import annotations

import pytest

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from screens.home import HomeScreen
from screens.latest import Latest
from tests.helpers.data import add_item, get_row
from tests.helpers.tui import agenda, caught_up, is_current, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.live import load_snapshot
from workshop.models import AgendaItem, row_id
from workshop.store.entries import add_entry

pytestmark = pytest.mark.tui


def test_latest_draws_newer_reads_and_drops_older_ones() -> None:
    reads = Latest()
    first, second, third = reads.ask(), reads.ask(), reads.ask()
    assert reads.fresh(second)
    assert not reads.fresh(first)  # finished after the second: dropped
    assert reads.fresh(third)
    assert not reads.fresh(second)


async def test_the_agenda_keeps_the_newer_read(db: Database, workshop_id: int) -> None:
    item = add_item(db, workshop_id, "question", "Word", {"prompt": "One word?"})
    before = load_snapshot(db, workshop_id, row_id(item))  # read before the answer below came in
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: is_current(app, row_id(item)))
        with db.writing() as session:
            add_entry(session, get_row(session, AgendaItem, row_id(item)), None, "Fresh words")
            store.bump_revision(session, workshop_id)
        await wait_for(pilot, lambda: "Fresh words" in screen_text(app))
        agenda(app).post_message(AgendaScreen.SnapshotRead(before, 0))  # older than anything asked for
        await caught_up(pilot)
        assert "Fresh words" in screen_text(app), "a late, older read put the stale answers back"


async def test_the_home_list_keeps_the_newer_read(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Test workshop" in screen_text(app))
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.post_message(HomeScreen.WorkshopsRead([], None, None, 0))  # an empty list, read long ago
        await caught_up(pilot)
        assert "Test workshop" in screen_text(app)
        assert "No workshops yet" not in screen_text(app)
