"""A serve worker on PostgreSQL keeps seats and open items (workshop/web/phone_cache.py): it serves a vote
without reading, forgets everything when PostgreSQL says a facilitator changed something, and never lets
what it kept save a vote the database would refuse."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.orm import configure_mappers
from sqlmodel import select
from starlette.testclient import TestClient

from tests.helpers.data import join_code, start_kind
from tests.helpers.postgres import PostgresServer
from tests.helpers.serve import Ballot
from tests.helpers.waiting import until
from workshop import store, usecases
from workshop.activities import get_activity
from workshop.db import Database
from workshop.models import AgendaItem, ItemState, Response, Seat, row_id
from workshop.templates import get_template
from workshop.web.app import create_app
from workshop.web.participant_app import ParticipantApp
from workshop.web.phone_cache import CHANNEL, ChangeListener, PhoneCache
from workshop.writer import BatchWriter


@pytest.fixture(autouse=True)
def _mapped() -> None:
    # Rows made here before any database is opened: their attributes need the mappers configured.
    configure_mappers()


def _item(workshop_id: int, state: str = ItemState.OPEN, item_id: int = 7) -> AgendaItem:
    return AgendaItem.model_construct(id=item_id, workshop_id=workshop_id, state=state, kind="maturity")


def _seat(workshop_id: int, token: str = "t" * 32) -> Seat:
    return Seat.model_construct(id=3, workshop_id=workshop_id, token=token, code="ABCD2345")


def test_the_cache_keeps_nothing_until_live_and_only_open_items() -> None:
    cache = PhoneCache()
    seat, item = _seat(1), _item(1)
    cache.keep(cache.generation, 1, seat.token, seat, None, item)
    assert cache.seat(1, seat.token) is None  # not live: nothing kept, nothing served
    cache.set_live(True)
    cache.keep(cache.generation, 1, seat.token, seat, None, item)
    kept = cache.open_item(1, None)
    assert cache.seat(1, seat.token) is seat and kept is not None and kept.item is item
    assert cache.seat(2, seat.token) is None and cache.seat(1, None) is None  # another workshop, no token
    # A closed or pending item is never served from the cache (a page reads it afresh), nor another
    # workshop's item under this workshop.
    for other in (_item(1, ItemState.CLOSED, 8), _item(1, ItemState.PENDING, 9), _item(2, item_id=10)):
        cache.keep(cache.generation, 1, None, None, other.id, other)
        assert cache.open_item(1, other.id) is None
    # A structure is kept only when its type says it never changes.
    cache.keep(cache.generation, 1, None, None, 11, _item(1, item_id=11), structure={"options": [1]})
    kept = cache.open_item(1, 11)
    assert kept is not None and kept.structure is None


def test_what_was_read_before_a_change_is_not_kept_after_it() -> None:
    cache = PhoneCache()
    cache.set_live(True)
    seat, item = _seat(1), _item(1)
    before = cache.generation
    cache.forget_all()  # a notice arrives while a page is reading
    cache.keep(before, 1, seat.token, seat, None, item)
    assert cache.seat(1, seat.token) is None and cache.open_item(1, None) is None
    cache.keep(cache.generation, 1, seat.token, seat, None, item)
    cache.set_live(False)  # the listener lost the database: everything goes, and nothing is served
    assert cache.seat(1, seat.token) is None and cache.open_item(1, None) is None


def _notices(server: PostgresServer, url: str) -> psycopg.Connection[Any]:
    listening = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    listening.execute(f"LISTEN {CHANNEL}")
    return listening


def _heard(listening: psycopg.Connection[Any]) -> int:
    return sum(1 for _ in listening.notifies(timeout=0.5))


def _workshop(db: Database) -> int:
    with db.writing() as session:
        return row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Kept"))


def test_postgresql_says_when_a_facilitator_changes_an_item_and_not_for_votes(
    pg_db: Database, postgres_server: PostgresServer
) -> None:
    workshop_id = _workshop(pg_db)
    with _notices(postgres_server, pg_db.url) as listening:
        item = start_kind(pg_db, workshop_id, "maturity")
        assert _heard(listening) >= 1  # the item opened, and became the current one
        with pg_db.writing() as session:
            seat = store.join(session, workshop_id)  # a phone joins: a seat made, the revision bumped
            store.bump_revision(session, workshop_id)
        assert _heard(listening) == 0
        with pg_db.writing() as session:
            store.close_item(session, row_id(item))
        assert _heard(listening) >= 1
    assert seat.workshop_id == workshop_id


class Served(NamedTuple):
    """The participant app on PostgreSQL with its change listener, as a serve worker runs it."""

    app: ParticipantApp
    listener: ChangeListener
    cache: PhoneCache
    db: Database


@pytest.fixture
def served(pg_db: Database) -> Iterator[Served]:
    writer = BatchWriter(pg_db)
    writer.start()
    app = create_app(pg_db, writer)
    listener = ChangeListener(pg_db.url, app.state.phone_cache, retry_seconds=0.1)
    listener.start()
    assert until(lambda: app.state.phone_cache.live), "the listener never heard its probe"
    yield Served(app, listener, app.state.phone_cache, pg_db)
    listener.stop()
    writer.stop()


def _settle(served: Served) -> None:
    """Wait until the listener has handled every notice committed so far: they arrive in commit order,
    so once a marker sent now is heard, so is everything before it (the test's own set-up)."""
    marker = f"settle {time.monotonic_ns()}"
    with served.db.reading() as session:
        session.connection().exec_driver_sql("SELECT pg_notify(%(c)s, %(m)s)", {"c": CHANNEL, "m": marker})
        session.commit()
    assert until(lambda: served.listener.last_notice == marker), "the marker was never heard"


@contextmanager
def _reads(db: Database) -> Iterator[list[str]]:
    """The statements the read pool sends in the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.read_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.read_engine, "before_cursor_execute", note)


def _open_matrix(served: Served) -> tuple[int, Ballot]:
    workshop_id = _workshop(served.db)
    item = start_kind(served.db, workshop_id, "maturity")
    ballot = Ballot.read(served.db, workshop_id, join_code(served.db, workshop_id), row_id(item))
    _settle(served)  # the set-up's own notices are behind us: what is kept now stays kept
    return workshop_id, ballot


def test_a_kept_seat_and_item_serve_a_vote_without_a_read_and_a_change_is_heard(served: Served) -> None:
    workshop_id, ballot = _open_matrix(served)
    vote = {name: "3" for name in ballot.fields}
    with TestClient(served.app, follow_redirects=False) as phone:
        assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
        assert phone.get(f"/w/{ballot.code}").status_code == 200  # the seat and the open item kept
        with _reads(served.db) as seen:
            sent = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data=vote)
        assert sent.status_code == 303 and sent.headers["location"].endswith("/saved")
        assert seen == []  # nothing read: the writer checks the item and the seat in its transaction
        # The facilitator closes the activity (from another process, say): the notice empties the cache,
        # and the next vote is read afresh and refused in words.
        before = served.cache.generation
        with served.db.writing() as session:
            store.close_item(session, ballot.item_id)
        assert until(lambda: served.cache.generation != before)
        assert served.cache.open_item(workshop_id, ballot.item_id) is None
        refused = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data=vote)
        assert refused.status_code == 409 and "closed" in refused.text.lower()


def test_an_item_kept_open_after_it_closed_still_saves_nothing(served: Served) -> None:
    workshop_id, ballot = _open_matrix(served)
    with TestClient(served.app, follow_redirects=False) as phone:
        assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
        assert phone.get(f"/w/{ballot.code}/items/{ballot.item_id}/saved").status_code == 200
        kept = served.cache.open_item(workshop_id, ballot.item_id)
        assert kept is not None
        before = served.cache.generation
        with served.db.writing() as session:
            store.close_item(session, ballot.item_id)
        assert until(lambda: served.cache.generation != before)
        # As if that notice had never come: closed in the database, open in the cache.
        served.cache.keep(
            served.cache.generation, workshop_id, None, None, ballot.item_id, kept.item, kept.structure
        )
        assert served.cache.open_item(workshop_id, ballot.item_id) is not None
        refused = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data={n: "2" for n in ballot.fields})
        assert refused.status_code == 409
    with served.db.reading() as session:
        assert session.exec(select(Response.id).where(Response.item_id == ballot.item_id)).all() == []


def test_the_cache_is_off_while_the_listener_has_lost_postgresql(
    served: Served, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    switched: list[bool] = []
    set_live = served.cache.set_live

    def recorded(live: bool) -> None:
        switched.append(live)
        set_live(live)

    monkeypatch.setattr(served.cache, "set_live", recorded)
    database = served.db.url.rsplit("/", 1)[1]
    with postgres_server.connect() as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s"
            " AND datname = %s",
            ("workshop participant server (changes)", database),
        ).fetchall()
    assert ended == [(True,)]
    # It noticed (off, serving nothing kept meanwhile), then listens again once its probe comes back.
    assert until(lambda: switched[:2] == [False, True], 15), switched
    assert served.cache.live


def test_the_saved_page_kept_in_memory_is_the_page_read_from_the_database(served: Served) -> None:
    _workshop_id, ballot = _open_matrix(served)
    with TestClient(served.app, follow_redirects=False) as phone:
        assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
        served.cache.forget_all()  # as after a notice: the item is read again
        with _reads(served.db) as seen:
            first = phone.get(f"/w/{ballot.code}/items/{ballot.item_id}/saved")
            read_first = len(seen)
            again = phone.get(f"/w/{ballot.code}/items/{ballot.item_id}/saved")
    assert first.status_code == again.status_code == 200
    assert read_first > 0 and len(seen) == read_first  # the second read nothing
    assert again.text == first.text and f'data-item="{ballot.item_id}"' in again.text


def test_a_phase_told_without_reading_is_the_phase_read(db: Database, workshop_id: int) -> None:
    with db.reading() as session:
        items = store.agenda(session, workshop_id)
        told = {item.kind: (get_activity(item.kind).phase_unread(item), item) for item in items}
        for kind, (phase, item) in told.items():
            if phase is not None:
                assert phase == get_activity(kind).phase(session, item), kind
    # A kind whose phase reads the database says so (ranking: the options approved so far).
    assert told["ranking"][0] is None
    assert told["info"][0] == "" and told["maturity"][0] == ""
    matrix = told["maturity"][1]
    settings = get_activity("maturity").settings(matrix).model_copy(update={"horizons": "one_at_a_time"})
    config = {**matrix.config, "settings": settings.model_dump()}
    one_at_a_time = matrix.model_copy(update={"config": config})
    assert get_activity("maturity").phase_unread(one_at_a_time) is None


def test_a_listener_that_never_hears_its_probe_keeps_the_cache_off(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As through a pooler in transaction mode: LISTEN succeeds, and no notice ever reaches it.
    monkeypatch.setattr(ChangeListener, "PROBE_WAIT_SECONDS", 0.3)
    monkeypatch.setattr(ChangeListener, "_send", lambda self, probe: None)
    cache = PhoneCache()
    listener = ChangeListener(pg_db.url, cache, retry_seconds=0.1)
    with caplog.at_level("WARNING", logger="workshop.web.phone_cache"):
        listener.start()
        try:
            assert until(lambda: "did not send back the listener's probe" in caplog.text)
            assert not cache.live
            cache.keep(cache.generation, 1, "t" * 32, _seat(1), None, _item(1))
            assert cache.seat(1, "t" * 32) is None  # nothing kept, nothing served
        finally:
            listener.stop()
    assert caplog.text.count("phone cache off") == 1  # one line an outage, however many retries
