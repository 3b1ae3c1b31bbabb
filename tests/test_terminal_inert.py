"""No participant text reaches the facilitator's terminal as a command: every view, dialog, notice, the
projector, the help and the palette, with escape sequences and the whole naughty-strings corpus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from rich.segment import ControlType, Segment
from sqlmodel import select
from textual._compositor import LayoutUpdate
from textual.color import Color
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import OptionList

from screens.app import WorkshopApp
from screens.inert_text import InertText
from tests.helpers.tui import caught_up, screen_text, wait_for
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.db import Database
from workshop.models import EntryStatus, Workshop, row_id
from workshop.store.entries import add_entry
from workshop.untrusted import TERMINAL_UNSAFE, readable

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BLACK = Color(0, 0, 0)  # the background a line filter is given (InertText ignores it)

# What a hostile phone sends: each would act on a terminal that printed it raw.
ESCAPES = [
    "Trust\x1b]2;PWNED\x07",  # OSC 2: retitle the window
    "We \x1b[2J\x1b[Hcleared",  # CSI: clear the screen, cursor home
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8: a hidden link
    "\x1b]52;c;cHduZWQ=\x07clipboard",  # OSC 52: write the clipboard
    "\x1bP+q544e\x1b\\termcap",  # DCS: ask the terminal to answer
    "\x1b[6nwhere",  # CSI: ask for the cursor position (the reply arrives as keystrokes)
    "\x1b[?1049lleave",  # leave the alternate screen
    "\x1bcreset",  # RIS: reset the terminal
    "\x1b[31mred\x1b[0m",  # colour
    "\x9b2J C1 CSI",  # the 8-bit forms
    "\x9d2;PWNED\x9c C1 OSC",
    "\x90q\x9c C1 DCS",
    "abc\u202edcba right-to-left override",
    "\u2066isolate\u2069 \u202aembed\u202c \u200fmark",
    "\x00nul \x7fdel \x08bs \x0bvt \x0cff \x1bE",
]
ATTACKS = ["\x1b]2;PWNED", "\x1b[2J", "\x1b]8;;http://evil", "\x1b]52;", "\x1bP+q", "\x1b[6n", "\x1bc"]
CHUNK = 24  # strings per screen: few enough that every one is on screen at once


def chunks() -> Iterator[list[str]]:
    strings = [s for s in ESCAPES + BLNS if readable(s).strip()]
    for start in range(0, len(strings), CHUNK):
        yield [s[:200] for s in strings[start : start + CHUNK]]


def assert_inert(app: WorkshopApp, where: str) -> None:
    """What the screen would send to the terminal holds no control or bidi character outside Textual's own
    escape codes, and none of the attacks."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)  # what a full update is
    text = "".join(s.text for line in update.strips for strip in line for s in strip if s.control is None)
    unsafe = {f"U+{ord(ch):04X}" for ch in text if ord(ch) in TERMINAL_UNSAFE}
    assert not unsafe, f"{where}: {sorted(unsafe)} reached the terminal"
    sent = update.render_segments(app.console)
    assert not [a for a in ATTACKS if a in sent], where


def seed(db: Database, workshop_id: int, strings: list[str]) -> dict[str, int]:
    """Every kind that shows participant text gets ``strings``, revealed and shown; returns item ids."""
    with db.writing() as session:
        items = {i.kind: i for i in store.agenda(session, workshop_id)}
        for kind in ("values", "dots", "ranking", "triangle", "question"):
            usecases.reset_item(session, row_id(items[kind]))
        seat = store.join(session, workshop_id)
        for index, text in enumerate(strings):
            value = add_entry(session, items["values"], seat, text, detail=text)
            add_entry(session, items["values"], seat, text, tag="will", parent_id=value.id)
            add_entry(
                session,
                items["ranking"],
                seat,
                text,
                status=EntryStatus.APPROVED if index % 2 else EntryStatus.PENDING,
            )
            add_entry(
                session,
                items["triangle"],
                seat,
                text,
                tag=("civic", "service", "community")[index % 3],
                tag2="a",
            )
            add_entry(session, items["question"], seat, text)
        for item in items.values():
            store.set_revealed(session, row_id(item), True)
            store.set_entries_shown(session, row_id(item), True)
        store.get_workshop(session, workshop_id).revision += 1
        return {kind: row_id(item) for kind, item in items.items()}


async def show_each_kind(
    pilot: Pilot[Any], app: WorkshopApp, db: Database, ids: dict[str, int], label: str
) -> None:
    for kind in ("values", "dots", "ranking", "triangle", "question"):
        with db.writing() as session:
            store.start_item(session, ids[kind])
        await wait_for(pilot, partial(_showing, app, ids[kind]))
        assert_inert(app, f"{kind} view, {label}")


def _showing(app: WorkshopApp, item_id: int) -> bool:
    snapshot = getattr(app.screen, "snapshot", None)
    return snapshot is not None and snapshot.current is not None and snapshot.current.id == item_id


def _values_listed(app: WorkshopApp) -> bool:
    lists = list(app.screen.query("#values-list").results(OptionList))
    return bool(lists) and lists[0].display and lists[0].option_count > 0


@pytest.mark.tui
async def test_every_terminal_surface_shows_participant_text_inert(db: Database, workshop_id: int) -> None:
    from screens.projector import ProjectorScreen

    with db.writing() as session:
        workshop = session.exec(select(Workshop).where(Workshop.id == workshop_id)).one()
        workshop.title = "Spring \x1b]2;PWNED\x07 day \x1b[2J"  # titles reach the header and the list too
        session.add(workshop)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05, clock=lambda: STARTED)
    async with app.run_test(size=(160, 80), notifications=True) as pilot:
        for number, strings in enumerate(chunks()):
            ids = seed(db, workshop_id, strings)
            await show_each_kind(pilot, app, db, ids, f"strings from {number * CHUNK}")
        ids = seed(db, workshop_id, [s for s in ESCAPES if readable(s).strip()])
        await show_each_kind(pilot, app, db, ids, "escapes")

        with db.writing() as session:
            store.start_item(session, ids["values"])
        await wait_for(pilot, lambda: _showing(app, ids["values"]) and _values_listed(app))
        await pilot.press("tab")  # only once the list is drawn: before that Tab has nothing there to reach
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "values-list")
        await pilot.press("down")
        for key, dialog in (("t", "reword"), ("m", "merge")):
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen.is_modal)
            assert_inert(app, f"{dialog} dialog")
            await pilot.press("escape")
            await wait_for(pilot, lambda: not app.screen.is_modal)

        with db.writing() as session:
            store.start_item(session, ids["ranking"])
        await wait_for(pilot, lambda: _showing(app, ids["ranking"]))
        await pilot.press("shift+tab", "g")  # agreed priorities: the options by name
        await wait_for(pilot, lambda: app.screen.is_modal)
        assert_inert(app, "agreed priorities dialog")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.is_modal)

        app.notify(ESCAPES[0] + ESCAPES[1], title=ESCAPES[2], markup=False)
        await wait_for(pilot, lambda: bool(app.screen.query("Toast")))
        assert_inert(app, "notice")

        await pilot.press("p")
        # The projector has drawn the current item and its revealed results, and has nothing left to do.
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ProjectorScreen)
                and app.screen.snapshot is not None
                and "▶ Now:" in screen_text(app)
            ),
        )
        await caught_up(pilot)
        assert_inert(app, "projector")
        await pilot.press("escape")

        await pilot.press("f1")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        assert_inert(app, "help")
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"agree")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await caught_up(pilot)  # the palette's search has finished and its matches are drawn
        assert_inert(app, "command palette")
        await pilot.press("escape")

        if app.focused is not None and app.focused.id != "agenda":
            await pilot.press("escape")  # Escape in a list (the proposals) first goes back to the agenda
            await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "agenda")
        await pilot.press("escape")  # leave the workshop: the home list shows its title
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "HomeScreen" and "Spring" in screen_text(app)
        )
        await caught_up(pilot)
        assert_inert(app, "home")
        await pilot.press("q")


@pytest.mark.parametrize("text", ESCAPES + BLNS)
def test_the_filter_removes_every_unsafe_character_and_keeps_the_rest(text: str) -> None:
    drawn = "".join(s.text for s in InertText().apply([Segment(text)], background=BLACK))
    assert not [ch for ch in drawn if ord(ch) in TERMINAL_UNSAFE]
    assert drawn == "".join(ch for ch in text if ord(ch) not in TERMINAL_UNSAFE)


def test_textual_control_segments_pass_untouched() -> None:
    control = Segment("\x1b[2J", None, [(ControlType.BELL,)])
    assert InertText().apply([control, Segment("\x1b[2Jx")], background=BLACK) == [
        control,
        Segment("[2Jx"),
    ]
