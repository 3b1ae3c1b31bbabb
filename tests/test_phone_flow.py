"""Phone flow details: the end of the workshop, new options to rank, and waiting out the seat-code brake."""

from __future__ import annotations

import httpx
from sqlmodel import select

from tests.helpers.data import add_item, join_code, start, start_kind
from tests.helpers.web import LiveServer
from workshop import store
from workshop.models import AgendaItem, Entry, EntryStatus, Organisation, Seat, row_id
from workshop.store.entries import add_entry, set_entry_status
from workshop.web.guards import SeatCodeGuard


def watched(phone: httpx.Client, code: str) -> dict[str, object]:
    """The status a phone polls, but the revision (follow.js never reads it: it moves with every vote).

    Whatever else changes, follow.js may reload the page (or offer to, mid-typing)."""
    status = phone.get(f"/w/{code}/status").json()
    assert isinstance(status, dict)
    return {key: value for key, value in status.items() if key != "revision"}


def test_phones_say_goodbye_when_the_last_item_closes(live_server: LiveServer, workshop_id: int) -> None:
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        with live_server.db.writing() as session:
            last = store.agenda(session, workshop_id)[-1]
            store.start_item(session, row_id(last))
        assert "Keep this page open" in phone.get(f"/w/{code}").text
        with live_server.db.writing() as session:
            store.close_item(session, row_id(last))
        page = phone.get(f"/w/{code}").text
        assert "The workshop has finished" in page and "Keep this page open" not in page


def test_status_phase_counts_approved_options_so_phones_reload(
    live_server: LiveServer, workshop_id: int
) -> None:
    ranking = add_item(live_server.db, workshop_id, "ranking", "Rank", {"candidates": ["A", "B"], "top_n": 2})
    code = join_code(live_server.db, workshop_id)
    live_server.app.state.status_cache.seconds = 0  # every poll reads afresh in this test
    with live_server.db.writing() as session:
        store.start_item(session, row_id(ranking))
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        assert 'data-phase="options-2"' in phone.get(f"/w/{code}").text  # what follow.js compares with
        before = phone.get(f"/w/{code}/status").json()
        assert before["phase"] == "options-2" and "options" not in before
        with live_server.db.writing() as session:
            proposal = add_entry(session, store.get_item(session, row_id(ranking)), None, "C")
        assert phone.get(f"/w/{code}/status").json() == before  # pending: nothing new to rank yet
        with live_server.db.writing() as session:
            set_entry_status(session, row_id(proposal), EntryStatus.APPROVED)
        after = phone.get(f"/w/{code}/status").json()
        assert after["phase"] == "options-3"
    with live_server.db.reading() as session:
        assert len(session.exec(select(Entry).where(Entry.item_id == ranking.id)).all()) == 3


def test_confirming_an_action_leaves_phones_be_but_approving_an_option_reloads_them(
    live_server: LiveServer, workshop_id: int
) -> None:
    db = live_server.db
    code = join_code(db, workshop_id)
    live_server.app.state.status_cache.seconds = 0  # every poll reads afresh in this test
    with db.reading() as session:
        actions = next(i for i in store.agenda(session, workshop_id) if i.kind == "actions")
        police = session.exec(select(Organisation.id).where(Organisation.workshop_id == workshop_id)).first()
    start(db, actions)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        form = {"text": "Open two hubs", "lead": str(police), "by_when": "2027-03", "action": "add"}
        assert phone.post(f"/w/{code}/items/{actions.id}", data=form).status_code == 303
        seen = watched(phone, code)
        with db.writing() as session:
            [pending] = store.entries.entries(session, row_id(actions), statuses=[EntryStatus.PENDING.value])
            set_entry_status(session, row_id(pending), EntryStatus.APPROVED)
        # Confirmed: the facilitator's screen moves on, and every phone stays where it is.
        assert watched(phone, code) == seen
        ranking = start_kind(db, workshop_id, "ranking")
        seen = watched(phone, code)
        with db.writing() as session:
            item = session.get(AgendaItem, row_id(ranking))
            assert item is not None
            proposal = add_entry(session, item, None, "A new priority")
        assert watched(phone, code) == seen  # waiting for approval: nothing new to rank
        with db.writing() as session:
            set_entry_status(session, row_id(proposal), EntryStatus.APPROVED)
        assert watched(phone, code) != seen  # approved: a phone that is ranking loads it


def test_waiting_out_the_brake_lets_the_right_code_in(live_server: LiveServer, workshop_id: int) -> None:
    now = [0.0]
    # A braked address still has its codes checked until the workshop's own count is spent: spend both.
    live_server.app.state.seat_guard = SeatCodeGuard(
        per_client=2, client_window=10, per_workshop=2, workshop_window=10, clock=lambda: now[0]
    )
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as first:
        first.post(f"/j/{code}", data={})
    with live_server.db.reading() as session:
        seat_code = session.exec(select(Seat.code)).one()
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        for _ in range(2):
            phone.post(f"/j/{code}/seat", data={"seat_code": "AAAAAA"})
        now[0] = 5
        refused = phone.post(f"/j/{code}/seat", data={"seat_code": seat_code})
        assert refused.status_code == 422 and "Too many wrong codes" in refused.text
        now[0] = 11  # the window has passed; the refused attempt above must not have restarted it
        assert phone.post(f"/j/{code}/seat", data={"seat_code": seat_code}).status_code == 303
