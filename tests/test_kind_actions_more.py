"""The actions kind, continued: the projector shows only confirmed actions, the list of entries waiting for
approval survives a redraw during a decision, and a stale priority's error links to something on the page."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from rich.text import Text
from sqlmodel import select
from textual.app import App, ComposeResult

from screens.app import WorkshopApp
from screens.projector import ProjectorScreen
from screens.views.actions import ActionsView
from screens.widgets.pending_list import PendingList
from tests.helpers.actions import items
from tests.helpers.data import activity, get_row, join_code, new_seat, save, start
from tests.helpers.tui import caught_up, screen_text, wait_for, wait_for_text
from tests.helpers.web import LiveServer
from workshop import store
from workshop.activities.actions import ActionsActivity, AddAction
from workshop.db import Database
from workshop.models import AgendaItem, EntryStatus, Organisation, row_id
from workshop.store.entries import add_entry
from workshop.store.moderation import set_agreed_order


def police(db: Database, workshop_id: int) -> str:
    """The Police's key as an action's lead: its id."""
    with db.reading() as session:
        where = Organisation.workshop_id == workshop_id, Organisation.name == "Police"
        return str(session.exec(select(Organisation.id).where(*where)).one())


@pytest.mark.tui
async def test_the_projector_shows_only_confirmed_actions(db: Database, workshop_id: int) -> None:
    _, actions = items(db, workshop_id)
    start(db, actions)
    lead, seat = police(db, workshop_id), new_seat(db, workshop_id)
    with db.writing() as session:
        kind = activity("actions", ActionsActivity)
        kind.add_confirmed(session, row_id(actions), AddAction("Open two hubs", lead, "2027-03"))
        store.set_revealed(session, row_id(actions), True)
    save(db, actions, seat, AddAction("Walking bus to school", lead, "2027-06"))
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        # The facilitator sees both, the waiting one marked.
        await wait_for_text(pilot, app, "Actions confirmed: 1 · waiting: 1", "⧗ to confirm · Walking bus")
        await app.push_screen(ProjectorScreen())
        await wait_for(pilot, lambda: bool(app.screen.query(ActionsView)))
        await wait_for_text(pilot, app, "Actions confirmed: 1", "Open two hubs")
        shown = screen_text(app)
        for unconfirmed in ("Walking bus", "waiting", "to confirm", "a confirm, x hide"):
            assert unconfirmed not in shown, unconfirmed
        view = app.screen.query_one(ActionsView)
        assert (
            view.following and not view.can_focus and app.focused is None
        )  # the room's screen takes no keys
        assert not view.check_action("add_action", ())
        await app.action_quit()


@pytest.mark.tui
async def test_the_projector_shows_no_ranking_proposal_waiting_for_approval(
    db: Database, workshop_id: int
) -> None:
    ranking, _ = items(db, workshop_id)
    start(db, ranking)
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        add_entry(session, get_row(session, AgendaItem, row_id(ranking)), seat, "Proposed by a phone")
        store.set_revealed(session, row_id(ranking), True)
        store.bump_revision(session, workshop_id)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_text(pilot, app, "Proposed by a phone")  # the facilitator sees it, to approve
        await app.push_screen(ProjectorScreen())
        await wait_for(pilot, lambda: "▶ Now:" in screen_text(app))
        await caught_up(pilot)
        assert "Proposed by a phone" not in screen_text(app)
        await app.action_quit()


class OneList(App[None]):
    """A pending list alone, with a decision that a poll overtakes: the entry is redrawn away meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.decided: list[tuple[int, EntryStatus]] = []

    def compose(self) -> ComposeResult:
        yield PendingList(self.decide, id="pending")

    async def decide(self, entry_id: int, status: EntryStatus) -> bool:
        self.decided.append((entry_id, status))
        # What a poll does while the change is being written: the entry is already gone from the reading.
        self.query_one(PendingList).show([(2, Text("second"))])
        await asyncio.sleep(0)
        return True


@pytest.mark.tui
async def test_a_decision_overtaken_by_a_redraw_never_ends_the_app() -> None:
    app = OneList()
    async with app.run_test() as pilot:
        pending = app.query_one(PendingList)
        pending.show([(1, Text("first")), (2, Text("second"))])
        pending.focus()
        await pilot.pause()
        assert pending.chosen == 1
        await pending.approve()  # raised OptionDoesNotExist before the guard
        await pilot.pause()
        assert app.decided == [(1, EntryStatus.APPROVED)] and app.is_running
        assert pending.option_count == 1 and pending.chosen == 2
        await pending.hide()
        assert app.decided[-1] == (2, EntryStatus.HIDDEN)
        assert not pending.display and pending.chosen is None  # nothing left: hidden, so Tab skips it


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


def test_a_priority_taken_back_while_typing_links_to_its_message(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    db = live_server.db
    ranking, actions = items(db, workshop_id)
    with db.writing() as session:
        first = store.entries.entries(session, row_id(ranking))[0]
        set_agreed_order(session, row_id(ranking), [row_id(first)])
    start(db, actions)
    code = join_code(db, workshop_id)
    phone.post(f"/j/{code}", data={})
    assert 'id="priority-none"' in phone.get(f"/w/{code}").text
    form = {"text": "Plan", "lead": police(db, workshop_id), "by_when": "2027-05", "priority": str(first.id)}
    with db.writing() as session:  # the room takes its agreement back while the phone is typing
        set_agreed_order(session, row_id(ranking), [])
    stale = phone.post(f"/w/{code}/items/{actions.id}", data=form)
    assert stale.status_code == 422 and 'id="priority-none"' not in stale.text
    message = "That priority is no longer agreed: add the action without one"
    assert f'href="#priority-error">{message}' in stale.text
    assert 'id="priority-error"' in stale.text and stale.text.count(message) == 2  # summary and in place
    del form["priority"]  # as the form now sends it
    assert phone.post(f"/w/{code}/items/{actions.id}", data=form).status_code == 303
    with db.reading() as session:
        [entry] = store.entries.entries(session, row_id(actions), statuses=[EntryStatus.PENDING.value])
        assert (entry.text, entry.parent_id) == ("Plan", None)
