"""Snapshots of the add-item dialog with a kind's own fields, at 80x24 and 120x36, over the open question."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from screens.add_item_dialog import AddItemScreen
from tests.helpers.data import get_row
from tests.helpers.snapshots import SIZES, Snap, fixed_app, open_item, settled
from tests.helpers.tui import screen_text, wait_for
from workshop.db import Database
from workshop.models import AgendaItem
from workshop.usecases.items import addable_kinds

pytestmark = pytest.mark.tui

SHOWN = "Add an agenda item"


def arrows_to(label: str) -> list[str]:
    """The keys from the title field to ``label`` in the kind list: Shift+Tab, open, arrows, choose."""
    labels = [kind.label for kind in addable_kinds()]
    return ["shift+tab", "enter", *["down"] * labels.index(label), "enter"]


def question_title(db: Database, workshop_id: int) -> str:
    """Open the template's question, as the other dialog snapshots do, and return its title."""
    item_id = open_item(db, workshop_id, "question")
    with db.reading() as session:
        return get_row(session, AgendaItem, item_id).title


@SIZES
def test_snapshot_add_a_question(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    title = question_title(db, workshop_id)
    keys = ["plus", *arrows_to("Open question"), "tab", *"Check-in", "tab", "tab", *"One word for today?"]
    shown = settled(title, keys=keys, then=[SHOWN, "The question (phones show it)", "today?"])
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)


@SIZES
def test_snapshot_a_dot_vote_with_nothing_to_vote_on(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    title = question_title(db, workshop_id)

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: title in screen_text(app))
        # As on an agenda with no values item: the dialog is given nothing to vote on.
        app.push_screen(AddItemScreen(addable_kinds(), []))
        await wait_for(pilot, lambda: isinstance(app.screen, AddItemScreen))
        await pilot.pause()
        await pilot.press(*"Vote", *arrows_to("Dot vote"))
        await wait_for(pilot, lambda: "What is voted on" in screen_text(app))
        app.screen.query_one("#save", Button).focus()
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "needs a values item" in str(app.screen.query_one("#edit-error").render())
        )
        await wait_for(pilot, lambda: not app.screen.query_one("#save", Button).has_class("-active"))
        await settled()(pilot)

    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=run_before)
