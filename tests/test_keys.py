"""Keys: every key the README documents is bound where it says, and the export progress reads right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import ProgressBar, Static

from screens.agenda import AgendaScreen
from screens.exporting import ExportProgress
from screens.home import HomeScreen
from screens.views.ranking import RankingView
from screens.views.values import ValuesView
from tests.helpers.tui import screen_text, wait_for

README = Path(__file__).resolve().parents[1] / "README.md"
NAMES = {"Enter": "enter", "Esc": "escape", "+": "plus", "?": "question_mark", "Shift+↑": "shift+up"}


def bound_keys(*owners: type[DOMNode]) -> set[str]:
    keys: set[str] = set()
    for owner in owners:
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding):
                keys.update(binding.key.split(","))
    return keys


def test_every_key_in_the_readme_table_is_bound() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split("| Key | In the agenda screen")[1].split("\n\n")[0]
    documented = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1]
        for key in re.findall(r"<kbd>([^<]+)</kbd>", first_cell):
            if key not in ("↑", "↓", "Shift+↓", "Ctrl+Q", "Ctrl+P", "F1"):  # Textual's own or pairs
                documented.add(NAMES.get(key, key if key.isupper() and len(key) == 1 else key.lower()))
    from screens.app import WorkshopApp

    bound = bound_keys(AgendaScreen, WorkshopApp)
    assert documented - bound == set()


def test_moderation_and_home_keys_are_bound() -> None:
    assert {"a", "x", "t", "m"} <= bound_keys(ValuesView)
    assert {"a", "x"} <= bound_keys(RankingView)
    assert {"enter", "plus", "d", "a", "x", "o", "t", "q"} <= bound_keys(HomeScreen)
    assert "n" not in bound_keys(HomeScreen)  # next item on the agenda; never "new" a breath later


class _ProgressApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("behind")


@pytest.mark.tui
async def test_export_progress_names_the_item_as_typed() -> None:
    app = _ProgressApp()
    async with app.run_test(size=(80, 24)) as pilot:
        progress = ExportProgress()
        await app.push_screen(progress)
        progress.post_message(ExportProgress.Advanced(3, 8, "Values [b]and[/b] behaviours"))
        await wait_for(pilot, lambda: "Item 4 of 8: Values [b]and[/b] behaviours" in screen_text(app))
        bar = progress.query_one(ProgressBar)
        assert (bar.total, bar.progress) == (8, 3)
        progress.post_message(ExportProgress.Advanced(8, 8, ""))
        await wait_for(pilot, lambda: "Writing the files…" in screen_text(app))
        await pilot.press("escape")  # hides it; the work would carry on in its worker
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportProgress))
