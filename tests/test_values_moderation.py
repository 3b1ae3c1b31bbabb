"""Moderating values in the TUI from the keyboard: agree, hide and restore, reword, merge, move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from screens.app import WorkshopApp
from tests.helpers.tui import screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Entry, EntryStatus, Workshop, row_id
from workshop.store.entries import add_entry

pytestmark = pytest.mark.tui

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def entry(db: Database, entry_id: int) -> Entry:
    with db.reading() as session:
        found = session.get(Entry, entry_id)
        assert found is not None
        return found


def seed(db: Database, workshop_id: int) -> dict[str, int]:
    """The template's values item, open, with a duplicate pair and a behaviour under each value."""
    with db.writing() as session:
        workshop = session.exec(select(Workshop).where(Workshop.id == workshop_id)).one()
        workshop.join_code = "K7QX3M"
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "values")
        store.start_item(session, row_id(item))
        item.started_at = STARTED
        session.add_all([workshop, item])
        a, b = store.join(session, workshop_id), store.join(session, workshop_id)
        trust = add_entry(session, item, a, "Trust", detail="We trust each other's judgement")
        trusting = add_entry(session, item, b, "Trusting", detail="Trust first, check later")
        care = add_entry(session, item, b, "[red]Care[/red]", detail="Children first")
        keep = add_entry(session, item, a, "keep promises", tag="will", parent_id=trust.id)
        blame = add_entry(session, item, b, "blame other teams", tag="wont", parent_id=trusting.id)
        listen = add_entry(session, item, a, "listen to families", tag="will", parent_id=care.id)
        return {
            "item": row_id(item),
            "trust": row_id(trust),
            "trusting": row_id(trusting),
            "care": row_id(care),
            "keep": row_id(keep),
            "blame": row_id(blame),
            "listen": row_id(listen),
        }


def app_for(db: Database, workshop_id: int) -> WorkshopApp:
    return WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05, clock=lambda: STARTED)


async def to_list(pilot: Pilot[Any], rows_down: int = 0) -> None:
    """Tab from the agenda to the values list and move down ``rows_down`` rows."""
    app = pilot.app
    await wait_for(pilot, lambda: "Trusting" in screen_text(app))
    await pilot.press("tab")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "values-list")
    for _ in range(rows_down):
        await pilot.press("down")


async def test_agree_then_hide_and_restore(db: Database, workshop_id: int) -> None:
    ids = seed(db, workshop_id)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: entry(db, ids["trust"]).agreed_position == 1)
        await wait_for(pilot, lambda: "★ agreed Trust" in screen_text(app))
        assert "1 agreed" in screen_text(app)
        await pilot.press("down", "a")  # the behaviour under it
        await wait_for(pilot, lambda: entry(db, ids["keep"]).agreed_position == 2)
        await pilot.press("x")
        await wait_for(pilot, lambda: entry(db, ids["keep"]).status == EntryStatus.HIDDEN.value)
        await wait_for(pilot, lambda: "keep promises (hidden)" in screen_text(app))
        assert entry(db, ids["keep"]).agreed_position is None  # hiding takes the agreement off
        await pilot.press("x")
        await wait_for(pilot, lambda: entry(db, ids["keep"]).status == EntryStatus.PENDING.value)
        await pilot.press("up", "a")  # and the value's mark comes off again
        await wait_for(pilot, lambda: entry(db, ids["trust"]).agreed_position is None)


async def test_reword_keeps_the_original_and_refuses_empty(db: Database, workshop_id: int) -> None:
    ids = seed(db, workshop_id)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: "Reword" in screen_text(app) and "Statement" in screen_text(app))
        await pilot.press("ctrl+u")  # Input: delete to the start of the line
        await pilot.press("enter")
        await wait_for(pilot, lambda: "✖ The wording cannot be empty." in screen_text(app))
        assert entry(db, ids["trust"]).text == "Trust"
        await pilot.press("escape")
        # Gone, so the "Reword" waited for next is the new dialog's, not this one still on screen.
        await wait_for(pilot, lambda: not app.screen.is_modal)
        await pilot.press("t")
        await wait_for(pilot, lambda: "Reword" in screen_text(app))
        await pilot.press("ctrl+u", *"Mutual trust", "enter")
        await wait_for(pilot, lambda: entry(db, ids["trust"]).text == "Mutual trust")
        assert entry(db, ids["trust"]).original_text == "Trust"
        assert entry(db, ids["trust"]).detail == "We trust each other's judgement"
        await wait_for(pilot, lambda: "Mutual trust ✎ reworded" in screen_text(app))
        await pilot.press("t")  # the dialog shows whose words they were
        await wait_for(pilot, lambda: "Participant's words: Trust" in screen_text(app))


async def test_merge_a_duplicate_and_move_a_behaviour(db: Database, workshop_id: int) -> None:
    ids = seed(db, workshop_id)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot, rows_down=2)  # Trust, keep promises, Trusting
        await pilot.press("m")
        await wait_for(pilot, lambda: "Merge “Trusting” into which value?" in screen_text(app))
        await pilot.press("enter")  # Trust is first
        await wait_for(pilot, lambda: entry(db, ids["trusting"]).status == EntryStatus.MERGED.value)
        assert entry(db, ids["trusting"]).merged_into == ids["trust"]
        assert entry(db, ids["blame"]).parent_id == ids["trust"]
        await wait_for(pilot, lambda: "(merged into “Trust”)" in screen_text(app))
        # Now: Trust, keep promises, blame other teams, Trusting (merged), [red]Care[/red], listen…
        await pilot.press("up")  # to "blame other teams"
        await pilot.press("m")
        await wait_for(pilot, lambda: "Attach “blame other teams” to which value?" in screen_text(app))
        await pilot.press("down", "enter")  # the second choice: Care
        await wait_for(pilot, lambda: entry(db, ids["blame"]).parent_id == ids["care"])
        assert "[red]Care[/red]" in screen_text(app)  # participant text is never read as markup


async def test_moderation_refusals_are_notices(db: Database, workshop_id: int) -> None:
    ids = seed(db, workshop_id)
    with db.writing() as session:
        store.entries.set_entry_status(session, ids["care"], EntryStatus.HIDDEN)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot, rows_down=4)  # Trust, keep, Trusting, blame, Care (hidden)
        await wait_for(pilot, lambda: "(hidden)" in screen_text(app))
        await pilot.press("a")
        await wait_for(pilot, lambda: any("cannot be agreed" in n.message for n in app._notifications))
        assert entry(db, ids["care"]).agreed_position is None


async def _moderated(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await to_list(pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_values_moderation(
    snap_compare: Callable[..., bool], db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    ids = seed(db, workshop_id)
    with db.writing() as session:
        from workshop.store import moderation

        moderation.set_agreed(session, ids["trust"], True)
        moderation.reword_entry(session, ids["keep"], "Keep our promises to families")
        moderation.merge_entries(session, ids["trusting"], ids["trust"])
        item = session.get(AgendaItem, ids["item"])
        assert item is not None
    assert snap_compare(app_for(db, workshop_id), terminal_size=size, run_before=_moderated)


async def test_moderation_is_in_the_command_palette(db: Database, workshop_id: int) -> None:
    from screens.moderation_dialogs import RewordScreen

    seed(db, workshop_id)
    app = app_for(db, workshop_id)
    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Agree (a)", "Hide (x)", "Reword (t)", "Merge (m)", "Next (n)", "Home (escape)"):
            assert wanted in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Reword", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RewordScreen))


async def test_the_merge_dialog_says_what_happens_to_the_dots(db: Database, workshop_id: int) -> None:
    from textual.widgets import Static

    from screens.moderation_dialogs import ChooseValueScreen
    from workshop.activities.dots import DotsAnswers
    from workshop.usecases import save_response

    ids = seed(db, workshop_id)
    with db.writing() as session:  # one dot each (the template's limit): one seat dotted both
        vote = next(i for i in store.agenda(session, workshop_id) if i.kind == "dots")
        store.start_item(session, row_id(vote))
        both, one = store.join(session, workshop_id), store.join(session, workshop_id)
        save_response(session, row_id(vote), row_id(both), DotsAnswers({ids["trusting"]: 1, ids["trust"]: 1}))
        save_response(session, row_id(vote), row_id(one), DotsAnswers({ids["trusting"]: 1}))
        store.start_item(session, ids["item"])
    app = app_for(db, workshop_id)

    def preview() -> str:
        dialog = app.screen
        return (
            str(dialog.query_one("#preview", Static).content) if isinstance(dialog, ChooseValueScreen) else ""
        )

    async with app.run_test(size=(100, 36)) as pilot:
        await to_list(pilot, rows_down=2)  # Trust, keep promises, Trusting
        await wait_for(pilot, lambda: "Trusting  0 will · 1 won't · 2 dots" in screen_text(app))
        await pilot.press("m")
        await wait_for(pilot, lambda: "into “Trust”" in preview())
        assert preview() == (
            "Merging “Trusting” into “Trust”: 1 dot moved to “Trust”; 1 dot returned to 1 person "
            "(over the limit on one option), to place again."
        )
        await pilot.press("down")  # the preview follows the highlighted choice
        await wait_for(pilot, lambda: "into “[red]Care[/red]”" in preview())
        assert preview().endswith("2 dots moved to “[red]Care[/red]”; no dots returned.")
        await pilot.press("escape")  # seen, not confirmed: nothing changed
        await wait_for(pilot, lambda: not isinstance(app.screen, ChooseValueScreen))
    assert entry(db, ids["trusting"]).status != EntryStatus.MERGED.value
