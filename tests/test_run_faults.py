"""``workshop run`` under faults, as a real process tree in a pseudo-terminal: killed mid-burst (all of it,
or the TUI alone), and a taken port.

The phones are threads that keep what they were told; after the fault the database file is read directly:
it must be sound, hold every acknowledged vote whole, and nothing no phone sent. What the facilitator sees
is read from the terminal's screen. Saving failures (a locked file, a full disk) are in
tests/test_run_write_faults.py.
"""

from __future__ import annotations

import re
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.helpers.app_terminal import RunningApp, alive
from tests.helpers.serve import (
    Ballot,
    Phone,
    check_votes,
    eventually,
    integrity,
    mid_burst,
    read_one,
    refusals,
    stored_votes,
)
from tests.helpers.web import free_port
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, row_id
from workshop.sockets import PORT_ATTEMPTS

# Each test starts the real app (and its worker processes) in a pseudo-terminal.
pytestmark = pytest.mark.slow

PHONES = 40
STOPS_WITHIN = 15.0  # the app's own deadline is 8 s; the rest is slack for a loaded CI machine
# A worker whose TUI died notices its lifeline end at once, then finishes its requests (3 s at most).
WORKERS_GONE_WITHIN = 10.0


def _agenda(db: Database, workshop_id: int) -> list[tuple[int, str]]:
    with db.reading() as session:
        return [(row_id(item), item.state) for item in store.agenda(session, workshop_id)]


def _seats(db_path: Path) -> int:
    return int(read_one(db_path, "SELECT count(*) FROM seat"))


def _row(app: RunningApp, title: str) -> str:
    """The run sheet's row of the item called ``title``, as on screen."""
    return next((line for line in app.text().splitlines() if title in line and "left" not in line), "")


def test_killed_mid_burst_keeps_every_acknowledged_vote_and_resumes(
    record_property: Callable[[str, object], None],
    tmp_path: Path,
    db: Database,
    workshop_id: int,
    maturity_item: AgendaItem,
    ballot: Ballot,
) -> None:
    db_path = tmp_path / "test.sqlite3"
    agenda_before = _agenda(db, workshop_id)
    with RunningApp(db_path, workshop_id) as app:
        app.wait_ready()
        workers = app.workers()
        assert workers, "the app started no worker process"
        with mid_burst(app, ballot, PHONES, acked=3 * PHONES) as phones:
            app.kill_all()  # the TUI and its workers at once: a crash, or the power going
            assert app.session.wait(10) == -signal.SIGKILL
            assert eventually(lambda: not any(alive(pid) for pid in workers), 10), "a worker outlived SIGKILL"
        assert not refusals(phones), refusals(phones)

    assert integrity(db_path) == "ok"
    seen = check_votes(db_path, ballot, phones)
    record_property("killed", seen)  # in --junitxml reports
    assert _agenda(db, workshop_id) == agenda_before

    # Started again on the same file: the agenda shows the same item open, and a new phone votes.
    with RunningApp(db_path, workshop_id) as again:
        again.wait_ready()
        assert "▶ open" in _row(again, maturity_item.title), again.text()
        assert f"· {_seats(db_path)} joined" in again.text()
        latecomer = Phone(PHONES)
        latecomer.vote(again.url, ballot, rounds=1)
        assert latecomer.acked == 1, latecomer.refused
        assert stored_votes(db_path, ballot.item_id)[latecomer.token].total() == len(ballot.fields)
        # The facilitator's screen follows: one more seat has joined.
        assert again.shows(f"· {_seats(db_path)} joined"), again.text()
        assert again.stop(STOPS_WITHIN) == 0, again.text()
    assert integrity(db_path) == "ok"


def test_workers_of_a_killed_app_commit_what_they_acknowledged_and_exit(
    tmp_path: Path, workshop_id: int, ballot: Ballot
) -> None:
    db_path = tmp_path / "test.sqlite3"
    with RunningApp(db_path, workshop_id) as app:
        app.wait_ready()
        workers = app.workers()
        assert workers, "the app started no worker process"
        with mid_burst(app, ballot, PHONES // 2, acked=PHONES) as phones:
            app.session.process.kill()  # the TUI alone: its workers lose their lifeline (their stdin)
            assert app.session.wait(10) == -signal.SIGKILL
            gone = eventually(lambda: not any(alive(pid) for pid in workers), WORKERS_GONE_WITHIN)
            assert gone, f"workers {[p for p in workers if alive(p)]} still run after their app died"
        assert not refusals(phones), refusals(phones)
    assert integrity(db_path) == "ok"
    seen = check_votes(db_path, ballot, phones)
    assert seen["acked"] >= PHONES, seen


def _taken(host: str, ports: list[int]) -> Iterator[socket.socket]:
    for port in ports:
        sock = socket.socket()
        sock.bind((host, port))
        sock.listen()
        yield sock


def _taken_ports(stack: ExitStack, count: int) -> int:
    """Listen on ``count`` consecutive loopback ports; the first of them. Tries a few places."""
    for _ in range(20):
        first = free_port()
        if first + count > 65535:
            continue
        held: list[socket.socket] = []
        try:
            for sock in _taken("127.0.0.1", list(range(first, first + count))):
                held.append(sock)
        except OSError:
            for sock in held:
                sock.close()
            continue
        for sock in held:
            stack.enter_context(sock)
        return first
    raise AssertionError(f"found no {count} consecutive free ports on 127.0.0.1")


def test_a_taken_port_moves_to_the_next_and_says_so(tmp_path: Path, workshop_id: int, ballot: Ballot) -> None:
    db_path = tmp_path / "test.sqlite3"
    with ExitStack() as stack:
        port = _taken_ports(stack, 1)
        with RunningApp(db_path, workshop_id, port=port) as app:
            assert app.shows_notice(f"Port {port} was busy, so the participant server uses port "), app.text()
            # The next free one: port + 1, unless something else on this machine holds that one too.
            found = re.search(r"uses port (\d+)\.", app.notices())
            assert found, app.notices()
            app.port = int(found[1])  # where the phones go now
            assert port < app.port < port + PORT_ATTEMPTS
            app.wait_ready()
            assert f"127.0.0.1:{app.port}" in app.text()  # the address under the QR code
            phone = Phone(0)
            phone.vote(app.url, ballot, rounds=1)
            assert phone.acked == 1, phone.refused
            assert app.stop(STOPS_WITHIN) == 0, app.text()
    assert stored_votes(db_path, ballot.item_id)[phone.token].total() == len(ballot.fields)


def test_every_candidate_port_taken_is_a_notice_not_a_crash(
    tmp_path: Path, db: Database, workshop_id: int
) -> None:
    with ExitStack() as stack:
        port = _taken_ports(stack, PORT_ATTEMPTS)
        with RunningApp(tmp_path / "test.sqlite3", workshop_id, port=port) as app:
            assert app.shows(" joined"), app.text()
            last = port + PORT_ATTEMPTS - 1
            refused = f"no free port from {port} to {last} on 127.0.0.1 (Address already in use)."
            assert app.shows_notice(refused), app.text()
            assert "Phones cannot join until you restart with --port." in app.notices(), app.text()
            assert "Traceback" not in app.text()
            assert not app.workers(), "workers started without a socket"
            assert app.session.process.poll() is None, "the app ended"
            assert app.stop(STOPS_WITHIN) == 0, app.text()
