"""The add-item dialog from the keyboard: any kind, its own settings, and what is wrong said in words."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select

from screens.add_item_dialog import AddItemScreen
from screens.app import WorkshopApp
from tests.helpers.tui import agenda, screen_text, wait_for
from workshop import store
from workshop.activities import get_activity
from workshop.db import Database
from workshop.models import AgendaItem
from workshop.usecases.items import addable_kinds

pytestmark = pytest.mark.tui

PROMPT = "What would make [b]today[/b] worth it?"


def items(db: Database, workshop_id: int) -> list[AgendaItem]:
    with db.reading() as session:
        return list(store.agenda(session, workshop_id))


def running(app: WorkshopApp) -> str | None:
    """The title of the item the agenda screen last read as running."""
    read = agenda(app).snapshot
    current = read.current if read is not None else None
    return current.title if current is not None else None


def error_text(app: WorkshopApp) -> str:
    return str(app.screen.query_one("#edit-error").render())


async def choose_kind(pilot: Pilot[Any], label: str) -> None:
    """From the title field, Shift+Tab to the kind, open it, and move down to ``label`` with the arrows."""
    app = pilot.app
    await pilot.press("shift+tab")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "kind")
    labels = [kind.label for kind in addable_kinds()]
    await pilot.press("enter", *["down"] * labels.index(label), "enter")
    await wait_for(pilot, lambda: app.screen.query_one("#kind", Select).value == labels.index(label))


async def open_dialog(app: WorkshopApp, pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: agenda(app).snapshot is not None)
    await pilot.press("plus")
    await wait_for(pilot, lambda: isinstance(app.screen, AddItemScreen))
    await pilot.pause()


async def add(pilot: Pilot[Any]) -> None:
    """Tab round to Add and press Enter, as a facilitator without a mouse would."""
    button = pilot.app.screen.query_one("#save", Button)
    # A button ignores a press while it still shows the last one (Textual's "-active", a fifth of a second).
    await wait_for(pilot, lambda: not button.has_class("-active"))
    button.focus()
    await pilot.press("enter")


async def test_a_question_added_mid_workshop_asks_its_prompt_and_opens(
    db: Database, workshop_id: int
) -> None:
    before = len(items(db, workshop_id))
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot)
        await choose_kind(pilot, "Open question")
        await wait_for(pilot, lambda: "The question (phones show it)" in screen_text(app))
        await pilot.press("tab", *"Check-in", "tab", "ctrl+a", "ctrl+k", *"5", "tab", *PROMPT)
        await add(pilot)
        await wait_for(pilot, lambda: len(items(db, workshop_id)) == before + 1)
        added = items(db, workshop_id)[1]  # after the highlighted first item
        assert (added.kind, added.title, added.planned_minutes) == ("question", "Check-in", 5)
        assert get_activity("question").settings(added).prompt == PROMPT
        await wait_for(pilot, lambda: not isinstance(app.screen, AddItemScreen))
        await wait_for(pilot, lambda: "Check-in" in screen_text(app))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: items(db, workshop_id)[1].state == "open")
        await wait_for(pilot, lambda: running(app) == "Check-in")


async def test_an_empty_prompt_is_refused_in_words(db: Database, workshop_id: int) -> None:
    before = len(items(db, workshop_id))
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot)
        await choose_kind(pilot, "Open question")
        app.screen.query_one("#title", Input).value = "Check-in"
        await add(pilot)
        await wait_for(pilot, lambda: "Enter the question to ask." in error_text(app))
        index = [kind.label for kind in addable_kinds()].index("Open question")
        app.screen.query_one(f"#ask-{index}-prompt", Input).value = "x" * 200 + "  "
        app.screen.query_one("#minutes", Input).value = "ten"
        await add(pilot)
        await wait_for(pilot, lambda: "whole number" in error_text(app))
        assert isinstance(app.screen, AddItemScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddItemScreen))
    assert len(items(db, workshop_id)) == before


async def test_a_dot_vote_with_nothing_to_vote_on_says_so(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        chosen: list[object] = []
        app.push_screen(AddItemScreen(addable_kinds(), []), chosen.append)
        await wait_for(pilot, lambda: isinstance(app.screen, AddItemScreen))
        await pilot.pause()
        await pilot.press(*"Vote")
        await choose_kind(pilot, "Dot vote")
        # Said where the choice would be, before Add is pressed, and again when it is.
        await wait_for(pilot, lambda: "nothing to vote on" in screen_text(app))
        await add(pilot)
        await wait_for(pilot, lambda: "a dot vote needs a values item" in error_text(app))
        assert chosen == [] and isinstance(app.screen, AddItemScreen)


async def test_a_dot_vote_picks_its_values_item(db: Database, workshop_id: int) -> None:
    values = next(item for item in items(db, workshop_id) if item.kind == "values")
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot)
        await pilot.press(*"Second vote")
        await choose_kind(pilot, "Dot vote")
        await wait_for(pilot, lambda: values.title in screen_text(app))
        await add(pilot)
        await wait_for(pilot, lambda: any(item.title == "Second vote" for item in items(db, workshop_id)))
    vote = next(item for item in items(db, workshop_id) if item.title == "Second vote")
    assert vote.kind == "dots" and get_activity("dots").settings(vote).source == values.config["key"]
