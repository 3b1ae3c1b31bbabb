"""Phone flow details: the end of the workshop, new options to rank, and waiting out the seat-code brake."""

from __future__ import annotations

import httpx
from sqlmodel import select

from tests.helpers.data import add_item, join_code
from tests.helpers.web import LiveServer
from workshop import store
from workshop.models import Entry, EntryStatus, Seat, row_id
from workshop.store.entries import add_entry, set_entry_status
from workshop.web.guards import SeatCodeGuard


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


def test_status_counts_approved_options_so_phones_reload(live_server: LiveServer, workshop_id: int) -> None:
    ranking = add_item(live_server.db, workshop_id, "ranking", "Rank", {"candidates": ["A", "B"], "top_n": 2})
    code = join_code(live_server.db, workshop_id)
    live_server.app.state.status_cache.seconds = 0  # every poll reads afresh in this test
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        assert phone.get(f"/w/{code}/status").json()["options"] == 2
        with live_server.db.writing() as session:
            proposal = add_entry(session, store.get_item(session, row_id(ranking)), None, "C")
        assert phone.get(f"/w/{code}/status").json()["options"] == 2  # pending: nothing new to rank yet
        with live_server.db.writing() as session:
            set_entry_status(session, row_id(proposal), EntryStatus.APPROVED)
        assert phone.get(f"/w/{code}/status").json()["options"] == 3
    with live_server.db.reading() as session:
        assert len(session.exec(select(Entry).where(Entry.item_id == ranking.id)).all()) == 3


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
