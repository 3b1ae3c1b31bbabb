"""The facilitator's TUI: Pilot flows, live updates from the database and over HTTP, and snapshots."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select
from textual.pilot import Pilot

from screens.app import WorkshopApp
from screens.views.maturity import MaturityView
from tests.helpers.data import kinds, states, vote
from tests.helpers.tui import (
    agenda,
    caught_up,
    current,
    current_kind,
    next_until,
    screen_text,
    summary,
    wait_for,
)
from workshop import store
from workshop.activities.maturity import MatrixSummary, load_structure
from workshop.db import Database, open_database
from workshop.models import ItemState, Workshop, row_id

pytestmark = pytest.mark.tui


async def test_run_sheet_from_the_keyboard(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        assert not app.screen.check_action("close", ())
        await pilot.press("n")
        await wait_for(pilot, lambda: states(db, workshop_id)[0] == ItemState.OPEN)
        matrix = kinds(db, workshop_id).index("maturity")
        await pilot.press(*["down"] * matrix, "enter")
        await wait_for(pilot, lambda: states(db, workshop_id)[matrix] == ItemState.OPEN)
        assert states(db, workshop_id)[:2] == [ItemState.CLOSED, ItemState.PENDING]
        await wait_for(pilot, lambda: bool(app.screen.query(MaturityView)))
        await wait_for(pilot, lambda: app.screen.check_action("close", ()))
        await pilot.press("c")
        await wait_for(pilot, lambda: states(db, workshop_id)[matrix] == ItemState.CLOSED)
        await pilot.press("j")
        assert app.screen.query_one("#join").display is True
        await pilot.press("N")  # back to the item before the matrix, which opens again
        await wait_for(pilot, lambda: states(db, workshop_id)[matrix - 1] == ItemState.OPEN)
        assert states(db, workshop_id)[matrix] == ItemState.CLOSED
        await pilot.press("q")
    assert app.return_code == 0


async def test_previous_is_offered_only_after_the_first_item(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        assert not app.screen.check_action("previous", ())  # nothing has started
        await pilot.press("n")
        await wait_for(pilot, lambda: states(db, workshop_id)[0] == ItemState.OPEN)
        assert not app.screen.check_action("previous", ())  # the first item is running
        with db.writing() as session, pytest.raises(store.AgendaError, match="the first agenda item"):
            store.next_item(session, workshop_id, step=-1)
        await pilot.press("n")
        await wait_for(pilot, lambda: states(db, workshop_id)[1] == ItemState.OPEN)
        await wait_for(pilot, lambda: app.screen.check_action("previous", ()))


async def test_live_view_follows_votes_written_by_another_process(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    item = None
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await next_until(pilot, db, workshop_id, "maturity")
        await wait_for(pilot, lambda: current_kind(app) == "maturity")
        item = current(app)
        # A second handle on the same file stands in for a server worker elsewhere: the TUI must learn of
        # these votes from the database alone.
        other = open_database(db.url)
        for value in (4, 4, 4, None):
            await asyncio.to_thread(vote, other, workshop_id, row_id(item), value)
        other.dispose()
        await wait_for(pilot, lambda: summary(app, MatrixSummary).responses == 4)
        first = summary(app, MatrixSummary).factors[0].by_horizon["now"]
        assert first.counts == (0, 0, 0, 3, 0) and first.dont_know == 1
        await wait_for(pilot, lambda: "4 of 4 joined answered" in screen_text(app))
        assert "Goals and values" in screen_text(app) and "✔ strong" in screen_text(app)
        await pilot.press("h")
        await wait_for(pilot, lambda: "In one year" in screen_text(app))
        await pilot.press("q")


async def test_a_phone_vote_over_http_reaches_the_screen(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.server_port is not None and agenda(app).snapshot is not None)
        assert app.join_url == f"http://127.0.0.1:{app.server_port}/j/{app.join_code}"
        await next_until(pilot, db, workshop_id, "maturity")
        await wait_for(pilot, lambda: current_kind(app) == "maturity")
        item_id = current(app).id
        assert app.screen.query_one("#join").display is True
        with db.reading() as session:
            structure = load_structure(session, workshop_id)
        form = {structure.field_name(f, h): "2" for f in structure.factors for h in structure.horizons}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.server_port}", timeout=10) as phone:
            assert (await phone.post(f"/j/{app.join_code}", data={})).status_code == 303
            sent = await phone.post(f"/w/{app.join_code}/items/{item_id}", data=form)
            assert sent.status_code == 303
        await wait_for(pilot, lambda: summary(app, MatrixSummary).responses == 1)
        assert summary(app, MatrixSummary).factors[4].by_horizon["1y"].counts == (0, 1, 0, 0, 0)
        await app.action_quit()


async def test_busy_port_moves_to_the_next_one(db: Database, workshop_id: int) -> None:
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    busy = blocker.getsockname()[1]
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=busy)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.server_port is not None)
            assert app.server_port != busy
            assert any("was busy" in str(n.message) for n in app._notifications)
            await app.action_quit()
    finally:
        blocker.close()


# Snapshots ---------------------------------------------------------------------------------------


def _fixed_app(db: Database, workshop_id: int, votes: bool) -> WorkshopApp:
    with db.writing() as session:
        workshop = session.exec(select(Workshop).where(Workshop.id == workshop_id)).one()
        workshop.join_code = "K7QX3M"
        session.add(workshop)
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "maturity")
        store.start_item(session, row_id(item))
        item.started_at = STARTED  # a frozen clock keeps the countdown still in the snapshot
        session.add(item)
    if votes:
        for value in (3, 3, 4, 2, None):
            vote(db, workshop_id, row_id(item), value)
    return WorkshopApp(
        db, workshop_id, serve=False, clock=lambda: STARTED + timedelta(minutes=12, seconds=30)
    )


STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def _settle(pilot: Pilot[Any]) -> None:
    """Wait until the screen shows what a person would read, and nothing is still being redrawn."""
    app = pilot.app
    await wait_for(
        pilot, lambda: "5 of 5 joined answered" in screen_text(app) and "Goals and values" in screen_text(app)
    )
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_agenda_with_live_matrix(
    snap_compare: Callable[..., bool], db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    assert snap_compare(_fixed_app(db, workshop_id, votes=True), terminal_size=size, run_before=_settle)


async def _open_agreed_dialog(pilot: Pilot[Any]) -> None:
    await _settle(pilot)
    await pilot.press("g")
    app = pilot.app
    await wait_for(pilot, lambda: "Agreed levels · Now" in screen_text(app))
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_agreed_level_dialog(
    snap_compare: Callable[..., bool], db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    assert snap_compare(
        _fixed_app(db, workshop_id, votes=True), terminal_size=size, run_before=_open_agreed_dialog
    )


async def test_facilitator_notes_show_where_there_is_room_and_toggle(db: Database, workshop_id: int) -> None:
    from screens.projector import ProjectorScreen
    from workshop.store.agenda import ItemEdit, edit_item

    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "maturity")
        edit_item(session, row_id(item), ItemEdit(notes="Ask the [b]police[/b] lead first"))
        store.start_item(session, row_id(item))
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_for(pilot, lambda: "✎ Ask the [b]police[/b] lead first" in screen_text(app))
        await pilot.press("i")
        await wait_for(pilot, lambda: "✎ notes: i" in screen_text(app))
        assert "Ask the" not in screen_text(app)
        await pilot.press("i")
        await wait_for(pilot, lambda: "✎ Ask the" in screen_text(app))
        await pilot.press("p")  # the room's screen never shows them
        # The projector has drawn the item (so notes would be there by now) and has nothing left to do.
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ProjectorScreen)
                and app.screen.snapshot is not None
                and "▶ Now:" in screen_text(app)
            ),
        )
        await caught_up(pilot)
        assert "Ask the" not in screen_text(app)
    small = WorkshopApp(db, workshop_id, serve=False)
    async with small.run_test(size=(80, 24)) as pilot:  # the matrix needs every line: notes wait for i
        await wait_for(pilot, lambda: "✎ notes: i" in screen_text(small))
        assert "Ask the" not in screen_text(small)


async def test_snapshots_arriving_together_leave_one_live_view(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.views import LiveView
    from workshop.live import load_snapshot

    with db.reading() as session:
        ids = {item.kind: item.id for item in store.agenda(session, workshop_id)}
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        screen = agenda(app)
        first, second = (load_snapshot(db, workshop_id, ids[kind]) for kind in ("dots", "dots"))
        live = screen.query_one("#live")
        remove = live.remove_children

        async def slow_remove() -> None:  # a busy loop: the removal takes a moment to finish
            await asyncio.sleep(0.05)
            await remove()

        monkeypatch.setattr(live, "remove_children", slow_remove)
        # Two reads finishing at once, as two poll workers can under load: each swaps the view.
        await asyncio.gather(screen._draw(first), screen._draw(second))
        await caught_up(pilot)  # a second view would be mounted by now
        assert len(screen.query(LiveView)) == 1
