"""A redraw for the room's votes stays cheap: no footer rebuilt, no screen laid out again.

Textual's footer remounts all its key widgets on every publication of a screen's bindings, and a Static's
update lays out and repaints the whole screen. During a burst the agenda redrew for every new count, and
those two were most of the TUI's work (screens/bindings.py, screens/views/base.py LiveView.update,
screens/widgets/room_header.py).
"""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Footer

from screens.app import WorkshopApp
from tests.helpers.data import vote
from tests.helpers.tui import agenda, caught_up, count_calls, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, row_id

pytestmark = pytest.mark.tui


async def test_votes_arriving_do_not_rebuild_the_footer(
    db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await caught_up(pilot)
        rebuilt = count_calls(agenda(app).query_one(Footer), "recompose")

        def seats() -> int:
            snapshot = agenda(app).snapshot
            return snapshot.seats if snapshot is not None else -1

        for n in range(6):
            vote(db, workshop_id, row_id(maturity_item), 1 + n % 5)
            await wait_for(pilot, lambda: seats() == n + 1)  # noqa: B023 - awaited within the loop
        await caught_up(pilot)
        assert rebuilt.count == 0
        # A change of what the keys can do still reaches the footer: closing the item offers other keys.
        before = screen_text(app)
        with db.writing() as session:
            store.close_item(session, row_id(maturity_item))
        await wait_for(pilot, lambda: rebuilt.count > 0)
        await caught_up(pilot)
        assert screen_text(app) != before


async def test_votes_arriving_do_not_lay_the_screen_out_again(
    db: Database, workshop_id: int, maturity_item: AgendaItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05, live_pace=0)
    layouts: list[str] = []
    original = Widget.refresh

    def refresh(self: Widget, *regions: Region, layout: bool = False, **kwargs: bool) -> Widget:
        if layout:
            layouts.append(type(self).__name__)
        return original(self, *regions, layout=layout, **kwargs)

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await caught_up(pilot)
        monkeypatch.setattr(Widget, "refresh", refresh)
        for n in range(4):
            vote(db, workshop_id, row_id(maturity_item), 1 + n % 5)
            await wait_for(pilot, lambda: f"{n + 1} joined" in screen_text(app))  # noqa: B023
        await caught_up(pilot)
        assert layouts == []
