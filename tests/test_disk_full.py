"""A full disk: phones get a clear page for every failed write, the facilitator one notice that stays while
writes fail and goes when they work; nothing acknowledged is lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from screens.app import WorkshopApp
from tests.helpers.data import join_code, token_for
from tests.helpers.tui import caught_up, count_calls, screen_text, wait_for
from tests.helpers.web import LiveServer
from workshop import store
from workshop.activities.maturity import load_structure
from workshop.db import Database
from workshop.models import AgendaItem, MaturityRating, Seat


@contextmanager
def disk_full(db: Database) -> Iterator[None]:
    """Every write fails as SQLite fails on a full disk (SQLITE_FULL), at the driver, until the block ends.

    Injected where sqlite3 raises it: a real full disk cannot be made for a test without root, and
    SQLite's max_page_count only bites once a write needs a new page.
    """

    def refuse(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(db.write_engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(db.write_engine, "before_cursor_execute", refuse)


def _vote_form(db: Database, workshop_id: int) -> dict[str, str]:
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    return {structure.field_name(f, h): "2" for f in structure.factors for h in structure.horizons}


def _count(db: Database, table: type[Any]) -> int:
    with db.reading() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def _is_clear(reply: httpx.Response) -> None:
    assert reply.status_code == 503, reply.status_code
    assert "the disk is full" in reply.text and "saved before are safe" in reply.text
    assert "SQL" not in reply.text and "sqlite" not in reply.text.lower()
    assert reply.headers["x-content-type-options"] == "nosniff"  # the security headers are still there


def test_every_failed_write_gets_a_clear_reply_and_nothing_saved_is_lost(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem
) -> None:
    db, code = live_server.db, join_code(live_server.db, workshop_id)
    form = _vote_form(db, workshop_id)
    token = token_for(db, workshop_id)  # a write: before the disk fills
    with (
        httpx.Client(base_url=live_server.url, timeout=10) as early,
        httpx.Client(base_url=live_server.url, timeout=10) as late,
    ):
        assert early.post(f"/j/{code}", data={}).status_code == 303
        assert early.post(f"/w/{code}/items/{maturity_item.id}", data=form).status_code == 303
        with disk_full(db):
            joining = late.post(f"/j/{code}", data={})
            _is_clear(joining)  # was a bare 500
            assert f'href="/j/{code}"' in joining.text  # "Try again" leads to a page that can be loaded
            vote = early.post(f"/w/{code}/items/{maturity_item.id}", data={**form, next(iter(form)): "4"})
            assert vote.status_code == 503 and "not saved" in vote.text.lower()
            api = late.post("/api/v1/proxy-seats", headers={"Authorization": f"Bearer {token}"})
            _is_clear(api)
            assert api.json()["detail"].startswith("Not saved: the disk is full")
            assert live_server.writer.problem == "the disk is full"
        assert late.post(f"/j/{code}", data={}).status_code == 303  # space again: joining works
    assert live_server.writer.problem is None
    assert _count(db, Seat) == 2 and _count(db, MaturityRating) == 27  # the acknowledged vote, as it was
    with db.reading() as session:
        assert set(session.exec(select(MaturityRating.level)).all()) == {2}


@pytest.mark.tui
async def test_the_facilitator_sees_one_notice_while_writes_fail(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    polls = count_calls(app, "_poll")  # each poll looks at the writer's problem and shows it if new
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_for(pilot, lambda: "Welcome and purpose" in screen_text(app))
        with disk_full(db):
            await pilot.press("enter")  # open the first item: a write that fails
            await wait_for(pilot, lambda: "Nothing new can be saved: the disk is full" in screen_text(app))
            await wait_for(pilot, lambda: len(list(app._notifications)) == 2)
            messages = [n.message for n in app._notifications]
            assert "Could not change the agenda: nothing was saved, because the disk is full." in messages
            assert not [m for m in messages if "SQL" in m or "sqlite3" in m]
            assert "SQL" not in screen_text(app)
            with pytest.raises(OperationalError):  # a phone's join fails too: still one notice
                await app.writer.submit(lambda s: store.join(s, workshop_id))
            seen = polls.count
            await wait_for(pilot, lambda: polls.count >= seen + 4)  # several polls, each seeing the problem
            await caught_up(pilot)  # and a second notice any of them posted has been shown
            assert len([n for n in app._notifications if n.title == "Not saving"]) == 1
        await pilot.press("enter")  # space again: the same key works
        await wait_for(pilot, lambda: "Nothing new can be saved" not in screen_text(app))
        with db.reading() as session:
            assert store.current_item(session, workshop_id) is not None
        notices = [n for n in app._notifications if n.title == "Not saving"]
        assert notices == []
        await pilot.press("q")
