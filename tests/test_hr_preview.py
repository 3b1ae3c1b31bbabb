"""The HR text preview in the TUI: H on a value in the values view shows its text, read off the event loop."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from screens.app import WorkshopApp
from screens.hr_dialog import HrPreviewScreen
from tests.helpers.hr import ONE_TEAM, WILL, seed_values
from tests.helpers.tui import screen_text, wait_for
from workshop.db import Database
from workshop.store import moderation
from workshop.store.entries import add_entry

pytestmark = pytest.mark.tui

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def app_for(db: Database, workshop_id: int) -> WorkshopApp:
    return WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05, clock=lambda: STARTED)


def preview_text(app: WorkshopApp) -> str:
    """What the dialog's text holds (all of it, not only the part scrolled into view)."""
    screen = app.screen
    if not isinstance(screen, HrPreviewScreen):
        return ""
    return " ".join(str(s.render()) for s in screen.query(Static))


async def to_list(pilot: Pilot[Any], rows_down: int = 0) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: ONE_TEAM in screen_text(app))
    await pilot.press("tab")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "values-list")
    for _ in range(rows_down):
        await pilot.press("down")


async def test_h_previews_the_highlighted_values_hr_text(db: Database, workshop_id: int) -> None:
    seed_values(db, workshop_id)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HrPreviewScreen))
        await wait_for(pilot, lambda: "Job description: responsibilities" in preview_text(app))
        text = preview_text(app)
        assert f"showing our shared value “{ONE_TEAM}”" in text and WILL[0] in text
        assert "hold meetings without the family" not in text  # proposed, not agreed
        assert "1 behaviour under it is not marked as agreed, so the text leaves it out" in text
        assert "Job description" in screen_text(app)
        await pilot.press("pagedown", "end")  # it scrolls: the last section comes into view
        await wait_for(pilot, lambda: "Personal development plan" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HrPreviewScreen))


async def test_a_behaviour_previews_its_value_and_markup_stays_text(db: Database, workshop_id: int) -> None:
    ids = seed_values(db, workshop_id)
    with db.writing() as session:
        from workshop.models import AgendaItem

        item = session.get(AgendaItem, ids["item"])
        assert item is not None
        care = add_entry(session, item, None, "[red]Care[/red]", detail="[b]bold[/b] words")
        moderation.set_agreed(session, care.id or 0, True)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        # The first row is One team, the next its first behaviour; the last row is the new value.
        await to_list(pilot, rows_down=1)
        await pilot.press("H")  # on a behaviour: the value it sits under
        await wait_for(pilot, lambda: "Job description" in preview_text(app))
        assert f"“{ONE_TEAM}”" in preview_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HrPreviewScreen))
        await pilot.press("end", "H")
        await wait_for(pilot, lambda: "Job description" in preview_text(app))
        assert "“[red]Care[/red]”" in preview_text(app)
        await wait_for(pilot, lambda: "[red]Care[/red]" in screen_text(app))  # shown as typed, not red


async def test_a_broken_template_is_said_in_the_dialog(
    db: Database, workshop_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_values(db, workshop_id)
    (tmp_path / "appraisal.md.j2").write_text("{{ value.nope }}\n", encoding="utf-8")
    monkeypatch.setenv("WORKSHOP_HR_TEMPLATES", str(tmp_path))
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: "appraisal.md.j2:1" in preview_text(app))
        assert "✖ HR template" in preview_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HrPreviewScreen))
