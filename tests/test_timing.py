"""Run-sheet timing: elapsed, minutes on the run-sheet, the countdown and the overrun warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from screens.app import WorkshopApp
from tests.helpers.data import start_kind
from tests.helpers.tui import screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, ItemState, row_id
from workshop.timing import countdown, elapsed, minutes_cell

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def item(state: ItemState, started: datetime | None = None, ended: datetime | None = None) -> AgendaItem:
    return AgendaItem(
        workshop_id=1,
        kind="info",
        title="x",
        planned_minutes=40,
        state=state.value,
        started_at=started,
        ended_at=ended,
    )


def test_not_started() -> None:
    pending = item(ItemState.PENDING)
    assert (
        elapsed(pending, T0) is None and minutes_cell(pending, T0) == "40" and countdown(pending, T0) is None
    )


def test_running_then_over() -> None:
    running = item(ItemState.OPEN, T0)
    assert minutes_cell(running, T0 + timedelta(minutes=12, seconds=59)) == "12/40"
    assert countdown(running, T0 + timedelta(minutes=12, seconds=30)) == "⏱ 27:30 left"
    assert countdown(running, T0 + timedelta(minutes=40)) == "⏱ 0:00 left"
    assert countdown(running, T0 + timedelta(minutes=40, seconds=1)) == "⚠ 1 min over"
    assert countdown(running, T0 + timedelta(minutes=43, seconds=5)) == "⚠ 4 min over"


def test_done_counts_to_its_end() -> None:
    done = item(ItemState.CLOSED, T0, T0 + timedelta(minutes=38))
    assert minutes_cell(done, T0 + timedelta(hours=3)) == "38/40" and countdown(done, T0) is None


@pytest.mark.tui
async def test_overrun_is_shown_in_words(db: Database, workshop_id: int) -> None:
    matrix = start_kind(db, workshop_id, "maturity")
    with db.writing() as session:
        row = store.get_item(session, row_id(matrix))
        row.started_at = T0
        session.add(row)
    now = [T0 + timedelta(minutes=39, seconds=58)]
    app = WorkshopApp(db, workshop_id, serve=False, clock=lambda: now[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "⏱ 0:02 left" in screen_text(app) and "39/40" in screen_text(app))
        now[0] = T0 + timedelta(minutes=42)
        await wait_for(pilot, lambda: "⚠ 3 min over" in screen_text(app) and "42/40" in screen_text(app))
