"""The TUI's frame probe: off by default, and when asked for, a file of how late the 10 ms ticks fired."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from screens.app import WorkshopApp
from screens.frame_probe import ENV
from tests.helpers.tui import wait_for
from workshop.db import Database

pytestmark = pytest.mark.tui


def _written(path: Path) -> dict[str, Any] | None:
    """The probe's file, once it holds some ticks."""
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if data["count"] > 0 else None


def _probe_timers(app: WorkshopApp) -> list[str]:
    return [timer.name for timer in app._timers if timer.name.startswith("frame-probe")]


async def test_the_probe_writes_how_late_the_ticks_fire(
    db: Database, workshop_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "frames.json"
    monkeypatch.setenv(ENV, str(target))
    began = time.monotonic()
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test() as pilot:
        assert sorted(_probe_timers(app)) == ["frame-probe", "frame-probe-write"]
        await wait_for(pilot, lambda: _written(target) is not None, seconds=15)
        running = _written(target)
        assert running is not None and running["final"] is False and "samples" not in running
        assert 0 <= running["p50_ms"] <= running["p99_ms"] and running["worst_ms"] >= 0
        assert sum(running["histogram_ms"].values()) == running["count"]
    ended = time.monotonic()

    final = json.loads(target.read_text())  # written when the app closed, with the samples
    assert final["final"] is True and final["count"] >= running["count"]
    samples = final["samples"]
    assert len(samples) == final["count"]
    assert all(began <= t <= ended and late >= 0 for t, late in samples)
    assert max(late for _t, late in samples) == pytest.approx(final["worst_ms"], abs=0.01)
    # A 10 ms timer for about a second fires tens of times, not once and not thousands.
    assert 10 <= final["count"] <= (ended - began) * 100 + 10
    assert not target.with_name(target.name + ".tmp").exists()


async def test_without_the_variable_no_probe_runs(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app._timers, "the app's own timers are there, so the list is the one to look in"
        assert _probe_timers(app) == []
