"""Shared pieces of the snapshot tests: fixed codes and clock, and a run_before that waits until settled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from unittest.mock import patch

import pytest
from sqlmodel import select
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from screens.app import WorkshopApp
from tests.helpers.tui import screen_text, wait_for
from workshop import store, usecases
from workshop.db import Database
from workshop.models import Workshop, row_id
from workshop.store import workshops

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MADE = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
JOIN_CODE = "K7QX3M"
TOKEN = "fixed-test-token-0000"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 36)])
Snap = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def settled(
    *wanted: str, tab_to: str | None = None, keys: Sequence[str] = (), then: Sequence[str] = ()
) -> RunBefore:
    """A run_before: wait for ``wanted`` on screen, Tab to the widget with id ``tab_to`` (the live view's
    list), press ``keys``, wait for ``then``, let workers finish."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        for step, (step_keys, texts) in enumerate((((), wanted), (keys, then))):
            if step and tab_to:
                await pilot.press("tab")
                await wait_for(pilot, lambda: app.focused is not None and app.focused.id == tab_to)
            if step_keys:
                await pilot.press(*step_keys)
            await wait_for(pilot, partial(_all_shown, app, texts))
            await app.workers.wait_for_complete()
            await pilot.pause()
        # A blinking cursor would make a dialog's snapshot depend on timing: keep it steadily on.
        for field in [*app.screen.query(Input), *app.screen.query(TextArea)]:
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def _all_shown(app: App[Any], texts: Sequence[str]) -> bool:
    return all(text in screen_text(app) for text in texts)


def open_item(db: Database, workshop_id: int, kind: str) -> int:
    """Fix the join code, and open the template's first item of ``kind`` at the frozen time."""
    with db.writing() as session:
        workshop = session.exec(select(Workshop).where(Workshop.id == workshop_id)).one()
        workshop.join_code = JOIN_CODE
        session.add(workshop)
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        store.start_item(session, row_id(item))
        item.started_at = STARTED  # a frozen clock keeps the countdown still in the snapshot
        session.add(item)
        return row_id(item)


def fixed_app(db: Database, workshop_id: int) -> WorkshopApp:
    """The facilitator's app on ``workshop_id`` with its clock frozen 3:20 after :data:`STARTED`, and the
    facilitator token it issues as it opens the workshop (random otherwise) fixed to :data:`TOKEN`."""
    with patch.object(workshops, "secret_token", lambda: TOKEN):
        return WorkshopApp(
            db, workshop_id, serve=False, clock=lambda: STARTED + timedelta(minutes=3, seconds=20)
        )


def fixed_home(db: Database, workshop_id: int) -> WorkshopApp:
    """The home screen over a run workshop and its follow-up, with fixed codes and creation dates."""
    with db.writing() as session:
        baseline = session.get(Workshop, workshop_id)
        assert baseline is not None
        baseline.join_code, baseline.created_at = JOIN_CODE, MADE
        session.add(baseline)
        first = store.agenda(session, workshop_id)[0]
        store.start_item(session, row_id(first))
        store.close_item(session, row_id(first))
        for _ in range(3):
            store.join(session, workshop_id)
        follow_up = usecases.create_follow_up(session, workshop_id, "Follow-up: Test workshop, 2027")
        follow_up.join_code, follow_up.created_at = "P4RT2N", MADE.replace(year=2027)
        session.add(follow_up)
    # The clock is stopped too: the baseline's retention reminder is due by then, the follow-up's is not.
    return WorkshopApp(db, serve=False, clock=lambda: STARTED)
