"""``workshop serve`` hosted on PostgreSQL: workers sharing one database, SIGTERM, SIGKILL, a TUI following.

The server is a real process on loopback with ``--db`` a fresh database on the run's own PostgreSQL cluster
(``pg_db``); the phones are threads that keep what they were told. After the fault the database is read
through a new session: it must hold every acknowledged vote whole, and nothing no phone sent.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from screens.app import WorkshopApp
from tests.helpers.app_terminal import alive
from tests.helpers.data import join_code, start_kind
from tests.helpers.serve import Ballot, Phone, ServeProcess, check_votes, mid_burst, refusals, stored_votes
from tests.helpers.tui import screen_text, wait_for
from tests.helpers.waiting import until
from workshop import usecases
from workshop.db import Database
from workshop.live import read_revision
from workshop.models import row_id
from workshop.templates import get_template
from workshop.web.worker import APPLICATION

PHONES = 24
STOPS_WITHIN = 15.0  # the workers' graceful shutdown is 3 s; the rest is slack for a loaded machine
STOPPED = re.compile(r"\[(\d+)\]: participant server worker stopped after (\d+) writes")


class Room(NamedTuple):
    """A workshop from the shipped template, its maturity item open; what a phone fills in."""

    workshop_id: int
    ballot: Ballot


@pytest.fixture
def room(pg_db: Database) -> Room:
    """The room on the test's PostgreSQL database."""
    with pg_db.writing() as session:
        workshop_id = row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Hosted"))
    item = start_kind(pg_db, workshop_id, "maturity")
    return Room(workshop_id, Ballot.read(pg_db, workshop_id, join_code(pg_db, workshop_id), row_id(item)))


def _connected(db: Database) -> list[str]:
    with db.reading() as session:
        query = "SELECT application_name FROM pg_stat_activity WHERE datname = current_database()"
        return [str(name) for name in session.connection().exec_driver_sql(query).scalars()]


@pytest.mark.slow
def test_two_workers_on_postgres_keep_every_acknowledged_vote_through_sigterm(
    tmp_path: Path, pg_db: Database, room: Room
) -> None:
    ballot = room.ballot
    with ServeProcess(pg_db.url, tmp_path / "logs", "--workers", "2") as server:
        workers = server.announced_workers(2)  # it said "(2 worker processes)", and has them
        # The workers' connections are named apart from others' (a TUI's, this test's) in pg_stat_activity.
        assert {"workshop participant server", "workshop"} <= set(_connected(pg_db))
        # Each worker listens for the changes that empty its phone cache (workshop/web/phone_cache.py).
        listening = "workshop participant server (changes)"
        assert until(lambda: _connected(pg_db).count(listening) == 2, 10), _connected(pg_db)
        with mid_burst(server, ballot, PHONES, acked=3 * PHONES) as phones:
            code = server.stop(STOPS_WITHIN)  # SIGTERM mid-burst, then wait
    assert code == 0, server.tail()
    # Each worker logs its pid and the writes it committed as it stops: both took votes.
    writes = {int(pid): int(n) for pid, n in STOPPED.findall(server.stderr)}
    assert sorted(writes) == sorted(workers), server.tail()
    assert all(n > 0 for n in writes.values()), writes
    seen = check_votes(pg_db, ballot, phones)
    # Graceful: a request a worker took was answered; one it had not taken was never saved.
    assert seen["saved_unacked"] == 0, seen
    assert seen["seats_voted"] == PHONES, seen
    assert not refusals(phones), refusals(phones)


@pytest.mark.slow
def test_killed_mid_burst_on_postgres_loses_no_acknowledged_vote_and_resumes(
    tmp_path: Path, pg_db: Database, room: Room
) -> None:
    workshop_id, ballot = room
    with ServeProcess(pg_db.url, tmp_path / "logs", "--workers", "2") as server:
        with mid_burst(server, ballot, PHONES, acked=3 * PHONES) as phones:
            server.kill_all()  # the server and both workers at once: phones are still posting
            assert server.wait(10) == -signal.SIGKILL
        assert not refusals(phones), refusals(phones)
    # PostgreSQL rolled back the killed workers' open transactions: only committed (acknowledged) votes.
    check_votes(pg_db, ballot, phones)

    with ServeProcess(pg_db.url, tmp_path / "logs", "--workers", "2") as again:
        revision = read_revision(pg_db, workshop_id)
        latecomer = Phone(PHONES)
        latecomer.vote(again.url, ballot, rounds=1)
        assert latecomer.acked == 1, latecomer.refused
        assert stored_votes(pg_db, ballot.item_id)[latecomer.token].total() == len(ballot.fields)
        assert read_revision(pg_db, workshop_id) > revision  # what a following TUI polls has moved
        assert again.stop(STOPS_WITHIN) == 0, again.tail()


def _waiting_on_a_lock(db: Database) -> int:
    """How many of the workers' queries wait for a lock."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = %(name)s AND wait_event_type = 'Lock'"
    )
    with db.reading() as session:
        return int(session.connection().exec_driver_sql(query, {"name": APPLICATION}).scalar_one())


@pytest.mark.slow
def test_a_worker_whose_read_waits_on_a_lock_still_exits_when_its_server_is_killed(
    tmp_path: Path, pg_db: Database, room: Room
) -> None:
    # Another program holds a table the form page reads (LOCK TABLE, a migration), so a phone's read waits
    # in one of the worker's threads. The server is then killed outright: its worker must stop in order
    # as its lifeline ends, not live on, keeping the port, for as long as the lock.
    ballot = room.ballot
    with ServeProcess(pg_db.url, tmp_path / "logs") as server:
        (worker,) = server.workers()
        with httpx.Client(base_url=server.url, timeout=60) as phone:
            assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
            with pg_db.write_engine.connect() as other_program, other_program.begin():
                other_program.exec_driver_sql("LOCK TABLE response IN ACCESS EXCLUSIVE MODE")
                reading = threading.Thread(target=_ask, args=(phone, f"/w/{ballot.code}"), daemon=True)
                reading.start()
                assert until(lambda: _waiting_on_a_lock(pg_db) == 1, 10), server.tail()
                server.process.kill()
                server.process.wait()
                # The lock is still held, and the worker is gone with its port.
                assert until(lambda: not alive(worker), STOPS_WITHIN), server.tail()
                with pytest.raises(httpx.ConnectError):
                    httpx.get(f"{server.url}/healthz", timeout=5)
                assert "participant server worker stopped after" in server.stderr
            reading.join(30)


def _ask(phone: httpx.Client, path: str) -> None:
    with contextlib.suppress(httpx.HTTPError):  # whatever the phone was told: this test is about the worker
        phone.get(path)


def _shows(app: WorkshopApp, text: str) -> Callable[[], bool]:
    return lambda: text in screen_text(app)


async def _join_and_vote(client: httpx.AsyncClient, ballot: Ballot, level: int) -> None:
    joined = await client.post(f"/j/{ballot.code}", data={})
    assert joined.status_code == 303, joined.text
    sent = await client.post(
        f"/w/{ballot.code}/items/{ballot.item_id}", data=dict.fromkeys(ballot.fields, str(level))
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("/saved"), sent.text


@pytest.mark.slow
@pytest.mark.tui
async def test_a_tui_without_a_server_follows_serve_on_postgres(
    tmp_path: Path, pg_db: Database, room: Room
) -> None:
    """The facilitator's ``run --no-server``: its screen moves as phones vote through the serve process."""
    workshop_id, ballot = room
    with ServeProcess(pg_db.url, tmp_path / "logs", "--workers", "2") as server:
        app = WorkshopApp(pg_db, workshop_id, serve=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: "Nobody has joined yet" in screen_text(app))
            for n, level in enumerate(ballot.levels[:3], start=1):
                # A new client each time: a new phone, and another connection the kernel may give either
                # worker.
                async with httpx.AsyncClient(base_url=server.url, timeout=20) as phone:
                    await _join_and_vote(phone, ballot, level)
                await wait_for(pilot, _shows(app, f"{n} of {n} joined answered"))
            assert app.server_port is None  # it served nothing itself
            await app.action_quit()
        assert server.stop(STOPS_WITHIN) == 0, server.tail()
