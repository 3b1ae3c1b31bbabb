"""Projector mode: the join code big, the QR code, and results only once the facilitator reveals them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from screens.projector import FONT, ProjectorScreen, big_text
from screens.themes import PROJECTOR_THEME, contrast_ratio, register_themes
from screens.widgets.qr import QRCode
from tests.helpers.data import start_kind, vote
from tests.helpers.tui import caught_up, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import Workshop, row_id
from workshop.store.codes import ALPHABET

JOIN_URL = "http://192.168.1.10:8000/j/K7QX3M"


def _fix_code(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        workshop = session.exec(select(Workshop).where(Workshop.id == workshop_id)).one()
        workshop.join_code = "K7QX3M"
        session.add(workshop)


def _reveal(db: Database, item_id: int) -> None:
    with db.writing() as session:
        store.set_revealed(session, item_id, True)


def _app(db: Database, workshop_id: int) -> WorkshopApp:
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    app.join_url = JOIN_URL  # as if the server were listening, so the QR code shows
    return app


def test_font_covers_the_join_code_alphabet() -> None:
    assert set(ALPHABET) <= set(FONT)
    assert all(len(rows) == 7 and all(len(row) == 5 for row in rows) for rows in FONT.values())
    small, large = big_text("K7QX3M"), big_text("K7QX3M", large=True)
    assert len(small) == 4 and {len(line) for line in small} == {6 * 5 + 5 * 2}
    assert len(large) == 7 and {len(line) for line in large} == {6 * 10 + 5 * 2}


@pytest.mark.tui
async def test_code_shown_and_results_only_after_reveal(db: Database, workshop_id: int) -> None:
    _fix_code(db, workshop_id)
    item = start_kind(db, workshop_id, "maturity")
    for value in (3, 3, 4):
        vote(db, workshop_id, row_id(item), value)
    app = _app(db, workshop_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen) and "Agree" in screen_text(app))
        await app.push_screen(ProjectorScreen())
        # The count and the hidden results' words are drawn in turn: wait for both.
        await wait_for(pilot, lambda: "3 of 3 joined have answered" in screen_text(app))
        await wait_for(pilot, lambda: "reveals them" in screen_text(app))
        text = screen_text(app)
        assert "K7QX3M" in text
        assert item.title in text
        assert app.screen.query_one("#qr", QRCode).data == JOIN_URL
        assert app.screen.query_one("#qr", QRCode).display
        # The room must not see results before the facilitator reveals them.
        assert "Agree" not in text and "✔ strong" not in text and "≈ some" not in text
        assert "reveals them" in text

        vote(db, workshop_id, row_id(item), 2)
        await wait_for(pilot, lambda: "4 of 4 joined have answered" in screen_text(app))
        assert "Agree" not in screen_text(app)

        _reveal(db, row_id(item))
        await wait_for(pilot, lambda: "Agree" in screen_text(app), seconds=5)
        assert "4 of 4 joined answered" in screen_text(app)
        assert "reveals them" not in screen_text(app)


@pytest.mark.tui
async def test_no_qr_for_an_item_without_answers(db: Database, workshop_id: int) -> None:
    _fix_code(db, workshop_id)
    item = start_kind(db, workshop_id, "info")
    app = _app(db, workshop_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ProjectorScreen())
        await wait_for(pilot, lambda: item.title in screen_text(app))
        assert "K7QX3M" in screen_text(app)
        assert "nothing to answer" in screen_text(app)
        assert not app.screen.query_one("#qr", QRCode).display


@pytest.mark.tui
@pytest.mark.parametrize("key", ["escape", "p"])
async def test_escape_and_p_return_to_the_agenda(db: Database, workshop_id: int, key: str) -> None:
    item = start_kind(db, workshop_id, "maturity")
    app = _app(db, workshop_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await app.push_screen(ProjectorScreen())
        await wait_for(pilot, lambda: "Nobody has joined yet" in screen_text(app))
        # A vote the agenda misses while the projector is up: it catches up on return.
        vote(db, workshop_id, row_id(item), 3)
        await wait_for(pilot, lambda: "1 of 1 joined has answered" in screen_text(app))
        for other in ("n", "v", "r", "q"):
            await pilot.press(other)  # the facilitator drives from the agenda, not here
        assert isinstance(app.screen, ProjectorScreen)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await wait_for(pilot, lambda: "1 of 1 joined answered" in screen_text(app))


@pytest.mark.tui
async def test_projector_theme(db: Database, workshop_id: int) -> None:
    assert contrast_ratio(PROJECTOR_THEME.foreground or "", PROJECTOR_THEME.background or "") >= 7
    assert contrast_ratio(PROJECTOR_THEME.primary, PROJECTOR_THEME.background or "") >= 7
    assert PROJECTOR_THEME.background == "#000000" and PROJECTOR_THEME.dark
    start_kind(db, workshop_id, "maturity")
    app = _app(db, workshop_id)
    async with app.run_test(size=(80, 24)) as pilot:
        register_themes(app)
        app.theme = "projector-contrast"
        await app.push_screen(ProjectorScreen())
        await wait_for(pilot, lambda: "Nobody has joined yet" in screen_text(app))
        assert app.theme == "projector-contrast"
        assert app.screen.styles.background.hex.lower() == "#000000"


@pytest.mark.tui
async def test_scales_to_a_large_screen(db: Database, workshop_id: int) -> None:
    _fix_code(db, workshop_id)
    item = start_kind(db, workshop_id, "maturity")
    vote(db, workshop_id, row_id(item), 3)
    _reveal(db, row_id(item))
    app = _app(db, workshop_id)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.push_screen(ProjectorScreen())
        await wait_for(pilot, lambda: "Agree" in screen_text(app))
        assert "██" in screen_text(app)  # the double-size letters
        assert "Involvement" in screen_text(app) or "Agree" in screen_text(app)


def _fixed_app(db: Database, workshop_id: int) -> WorkshopApp:
    _fix_code(db, workshop_id)
    item = start_kind(db, workshop_id, "maturity")
    for value in (3, 3, 4, 2, None):
        vote(db, workshop_id, row_id(item), value)
    _reveal(db, row_id(item))
    return _app(db, workshop_id)


async def _show_projector(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen) and "Agree" in screen_text(app))
    await app.push_screen(ProjectorScreen())
    await wait_for(
        pilot, lambda: "Agree" in screen_text(app) and "5 of 5 joined have answered" in screen_text(app)
    )
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.tui
@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_snapshot_projector_revealed(
    snap_compare: Callable[..., bool], db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    assert snap_compare(_fixed_app(db, workshop_id), terminal_size=size, run_before=_show_projector)


@pytest.mark.tui
async def test_news_arriving_while_the_projector_opens_or_closes_never_ends_the_app(
    db: Database, workshop_id: int
) -> None:
    """Votes keep arriving while the facilitator flips to the projector and back: no draw may find the
    screen half-built or half-taken-down (seen as NoMatches '#item-title', which ended the app)."""
    item = start_kind(db, workshop_id, "maturity")
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.01)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.snapshot is not None
        )
        for round_ in range(15):
            vote(db, workshop_id, row_id(item), 1 + round_ % 5)
            app.push_screen(ProjectorScreen())
            await pilot.pause(0.01 * (round_ % 3))
            vote(db, workshop_id, row_id(item), 2)
            app.pop_screen()
            await pilot.pause(0.01 * (round_ % 4))
        with db.reading() as session:
            last = store.revision(session, workshop_id)
        # The agenda has drawn the last vote, so the news of every flip has been read and drawn (or the app
        # has ended, which the check below reports).
        await wait_for(
            pilot,
            lambda: (
                not app.is_running
                or (
                    isinstance(app.screen, AgendaScreen)
                    and app.screen.snapshot is not None
                    and app.screen.snapshot.revision >= last
                )
            ),
        )
        await caught_up(pilot)
        assert app.is_running and isinstance(app.screen, AgendaScreen)
        await pilot.press("q")
