"""A serve worker on PostgreSQL keeps seats and open items (workshop/web/phone_cache.py): it serves a vote
without reading, forgets everything when PostgreSQL says a facilitator changed something, and never lets
what it kept save a vote the database would refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


@pytest.fixture
def pg_app(pg_db: Database) -> Iterator[ParticipantApp]:
    """The participant app on PostgreSQL with its change listener, as a serve worker runs it."""
    writer = BatchWriter(pg_db)
    writer.start()
    app = create_app(pg_db, writer)
    listener = ChangeListener(pg_db.url, app.state.phone_cache, retry_seconds=0.1)
    listener.start()
    assert until(lambda: app.state.phone_cache.live), "the listener never connected"
    yield app
    listener.stop()
    writer.stop()


def _reads(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.read_engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.read_engine, "before_cursor_execute", note)


def test_a_kept_seat_and_item_serve_a_vote_without_a_read_and_a_change_is_heard(
    pg_app: ParticipantApp, pg_db: Database
) -> None:
    workshop_id = _workshop(pg_db)
    item = start_kind(pg_db, workshop_id, "maturity")
    ballot = Ballot.read(pg_db, workshop_id, join_code(pg_db, workshop_id), row_id(item))
    cache: PhoneCache = pg_app.state.phone_cache
    vote = {name: "3" for name in ballot.fields}
    with TestClient(pg_app, follow_redirects=False) as phone:
        assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
        assert phone.get(f"/w/{ballot.code}").status_code == 200  # the seat and the open item kept
        reads = _reads(pg_db)
        seen = next(reads)
        sent = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data=vote)
        next(reads, None)
        assert sent.status_code == 303 and sent.headers["location"].endswith("/saved")
        assert seen == []  # nothing read: the writer checks the item and the seat in its transaction
        # The facilitator closes the activity (from another process, say): the notice empties the cache,
        # and the next vote is read afresh and refused in words.
        before = cache.generation
        with pg_db.writing() as session:
            store.close_item(session, row_id(item))
        assert until(lambda: cache.generation != before)
        assert cache.open_item(workshop_id, ballot.item_id) is None
        refused = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data=vote)
        assert refused.status_code == 409 and "closed" in refused.text.lower()


def test_an_item_kept_open_after_it_closed_still_saves_nothing(
    pg_app: ParticipantApp, pg_db: Database
) -> None:
    workshop_id = _workshop(pg_db)
    item = start_kind(pg_db, workshop_id, "maturity")
    ballot = Ballot.read(pg_db, workshop_id, join_code(pg_db, workshop_id), row_id(item))
    cache: PhoneCache = pg_app.state.phone_cache
    with TestClient(pg_app, follow_redirects=False) as phone:
        assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
        assert phone.get(f"/w/{ballot.code}/items/{ballot.item_id}/saved").status_code == 200
        kept = cache.open_item(workshop_id, ballot.item_id)
        assert kept is not None
        # As if the notice were still on its way: closed in the database, open in the cache.
        with pg_db.writing() as session:
            store.close_item(session, row_id(item))
        cache.keep(cache.generation, workshop_id, None, None, ballot.item_id, kept.item, kept.structure)
        assert cache.open_item(workshop_id, ballot.item_id) is not None
        refused = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data={n: "2" for n in ballot.fields})
        assert refused.status_code == 409
    with pg_db.reading() as session:
        assert session.exec(select(Response.id).where(Response.item_id == row_id(item))).all() == []


def test_the_cache_is_off_while_the_listener_has_lost_postgresql(
    pg_app: ParticipantApp, postgres_server: PostgresServer
) -> None:
    cache: PhoneCache = pg_app.state.phone_cache
    with postgres_server.connect() as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            ("workshop participant server (changes)",),
        ).fetchall()
    assert ended == [(True,)]
    assert until(lambda: not cache.live, 5)  # it noticed, and serves nothing kept meanwhile
    assert until(lambda: cache.live, 10)  # and listens again


def test_the_saved_page_kept_in_memory_is_the_page_read_from_the_database(
    pg_app: ParticipantApp, pg_db: Database
) -> None:
    workshop_id = _workshop(pg_db)
    item = start_kind(pg_db, workshop_id, "maturity")
    code = join_code(pg_db, workshop_id)
    with TestClient(pg_app, follow_redirects=False) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        reads = _reads(pg_db)
        seen = next(reads)
        pg_app.state.phone_cache.forget_all()  # as after a notice: the item is read again
        first = phone.get(f"/w/{code}/items/{row_id(item)}/saved")
        read_first = len(seen)
        again = phone.get(f"/w/{code}/items/{row_id(item)}/saved")
        next(reads, None)
    assert first.status_code == again.status_code == 200
    assert read_first > 0 and len(seen) == read_first  # the second read nothing
    assert again.text == first.text and f'data-item="{row_id(item)}"' in again.text


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
