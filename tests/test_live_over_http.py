"""Every kind's live view updates while phones answer over real HTTP to the app's own server."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlmodel import col, select

from screens.app import WorkshopApp
from tests.helpers.tui import agenda, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Entry, row_id

pytestmark = pytest.mark.tui

# What one phone sends for a kind, given the item's options, and what the facilitator's screen then shows.
Form = Callable[[list[int]], dict[str, str]]
CASES: dict[str, tuple[Form, tuple[str, ...]]] = {
    "question": (lambda _: {"text": "Trust <growing>"}, ("1 answer from 1 of 1 joined", "Trust <growing>")),
    "values": (
        lambda _: {"action": "add-value", "name": "Open [b]doors[/b]", "statement": "We share early."},
        ("1 value · 0 behaviours", "Open [b]doors[/b]"),
    ),
    "triangle": (
        lambda _: {"text": "Parent champions", "segment": "community", "question": "a"},
        ("1 idea from 1 of 1 joined", "Parent champions"),
    ),
    "ranking": (
        lambda options: {"action": "submit", "order": ",".join(map(str, options[:3]))},
        ("joined has ranked", "Winner: "),  # the count line wraps beside the join panel
    ),
}


def _open(db: Database, workshop_id: int, kind: str) -> tuple[AgendaItem, list[int]]:
    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        store.start_item(session, row_id(item))
        query = select(Entry).where(Entry.item_id == item.id).order_by(col(Entry.id))
        options = [row_id(entry) for entry in session.exec(query)]
        return item, options


@pytest.mark.parametrize("kind", list(CASES))
async def test_live_view_follows_a_phone_over_http(db: Database, workshop_id: int, kind: str) -> None:
    item, options = _open(db, workshop_id, kind)
    form, shown = CASES[kind]
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.server_port is not None and agenda(app).snapshot is not None)
        before = screen_text(app)
        assert not all(text in before for text in shown)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.server_port}", timeout=10) as phone:
            assert (await phone.post(f"/j/{app.join_code}", data={})).status_code == 303
            sent = await phone.post(f"/w/{app.join_code}/items/{item.id}", data=form(options))
            assert sent.status_code == 303, sent.text
        await wait_for(pilot, lambda: all(text in screen_text(app) for text in shown))
        await app.action_quit()


async def test_dots_view_follows_phones_over_http(db: Database, workshop_id: int) -> None:
    values, _ = _open(db, workshop_id, "values")
    with db.writing() as session:
        first = store.join(session, workshop_id)
        for name in ("Trust", "Openness"):
            session.add(Entry(item_id=row_id(values), seat_id=row_id(first), text=name, detail="…"))
    item, _ = _open(db, workshop_id, "dots")
    with db.reading() as session:
        trust = session.exec(select(Entry.id).where(Entry.text == "Trust")).one()
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "0 of 1 joined have voted" in screen_text(app))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.server_port}", timeout=10) as phone:
            assert (await phone.post(f"/j/{app.join_code}", data={})).status_code == 303
            sent = await phone.post(f"/w/{app.join_code}/items/{item.id}", data={f"dots-{trust}": "1"})
            assert sent.status_code == 303, sent.text
        await wait_for(pilot, lambda: "1 of 2 joined has voted" in screen_text(app))
        assert "Trust" in screen_text(app)
        await app.action_quit()
