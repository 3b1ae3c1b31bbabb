"""``workshop serve`` under faults: killed mid-burst, stopped by SIGTERM, a taken port, bad --workers.

The server is a real process on loopback with a temporary SQLite file; the phones are threads that keep
what they were told. After the fault the file is read directly: it must be sound, hold every acknowledged
vote whole, and hold nothing no phone sent.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.data import token_for
from tests.helpers.serve import (
    ROOT,
    Ballot,
    Phone,
    ServeProcess,
    burst_until,
    check_votes,
    integrity,
    mid_burst,
    refusals,
    stored_votes,
    voting,
    workshop_command,
)
from tests.helpers.web import free_port
from workshop import cli, store
from workshop.db import Database
from workshop.live import read_revision
from workshop.models import AgendaItem, ItemState, row_id

PHONES = 40
# "Within a few seconds": uvicorn's graceful shutdown takes at most 3 s; the rest is slack for a loaded CI.
STOPS_WITHIN = 15.0


def _agenda(db: Database, workshop_id: int) -> list[tuple[int, str]]:
    with db.reading() as session:
        return [(row_id(item), item.state) for item in store.agenda(session, workshop_id)]


@pytest.mark.slow
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
    with ServeProcess(db_path, tmp_path / "logs") as server:
        with voting(server.url, ballot, PHONES) as phones:
            took = burst_until(phones, 3 * PHONES, server)
            server.kill_all()  # mid-burst, the server and its workers at once: phones are still posting
            assert server.wait(10) == -signal.SIGKILL
        assert not refusals(phones), refusals(phones)

    assert integrity(db_path) == "ok"
    seen = check_votes(db_path, ballot, phones)
    record_property("killed", {**seen, "burst_seconds": round(took, 2)})  # in --junitxml reports

    # The agenda resumes where it was: the same item open, and a new phone can vote on it.
    assert _agenda(db, workshop_id) == agenda_before
    assert [i for i, state in agenda_before if state == ItemState.OPEN] == [row_id(maturity_item)]
    with ServeProcess(db_path, tmp_path / "logs") as again:
        revision = read_revision(db, workshop_id)
        latecomer = Phone(PHONES)
        latecomer.vote(again.url, ballot, rounds=1)
        assert latecomer.acked == 1, latecomer.refused
        assert stored_votes(db_path, ballot.item_id)[latecomer.token].total() == len(ballot.fields)
        # What a TUI following this server (`run --no-server`) polls has moved.
        assert read_revision(db, workshop_id) > revision
        assert again.stop(STOPS_WITHIN) == 0, again.tail()


@pytest.mark.slow
def test_sigterm_commits_what_was_acknowledged_and_exits_0(
    record_property: Callable[[str, object], None], tmp_path: Path, ballot: Ballot
) -> None:
    db_path = tmp_path / "test.sqlite3"
    with ServeProcess(db_path, tmp_path / "logs") as server:
        assert f"code {ballot.code}" in server.stdout  # the workshop it serves, with its join address
        with mid_burst(server, ballot, PHONES // 2, acked=PHONES) as phones:
            asked = time.monotonic()
            code = server.stop(STOPS_WITHIN)  # SIGTERM mid-burst, then wait
            stopped_in = time.monotonic() - asked
    assert code == 0, server.tail()
    assert "received SIGTERM" in server.stderr
    assert integrity(db_path) == "ok"
    seen = check_votes(db_path, ballot, phones)
    # Graceful: a request the server took was answered; one it had not taken was never saved.
    assert seen["saved_unacked"] == 0, seen
    record_property("sigterm", {**seen, "stopped_in_seconds": round(stopped_in, 2)})


@pytest.mark.slow
def test_a_taken_port_is_refused_clearly(tmp_path: Path, db: Database) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            workshop_command(tmp_path / "test.sqlite3", "serve", "--host", "127.0.0.1", "--port", str(port)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"workshop: error: cannot listen on port {port} on 127.0.0.1 (Address already in use): "
        "stop what uses it, or choose another port with --port"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_workers_must_be_a_positive_number(workers: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--workers", workers])
    assert exited.value.code == 2
    assert f"a whole number from 1, not {workers!r}" in capsys.readouterr().err


def test_run_without_a_server_follows_one_on_the_same_database(
    tmp_path: Path, db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screens.app  # the attribute the command looks up when it starts the UI

    made: list[dict[str, Any]] = []

    class Recorded:
        def __init__(self, *args: object, **kwargs: Any) -> None:
            made.append(kwargs)

        def run(self) -> None:
            pass

    monkeypatch.setattr(screens.app, "WorkshopApp", Recorded)
    path = str(tmp_path / "test.sqlite3")
    assert cli.main(["--db", path, "run", str(workshop_id), "--no-server"]) == 0
    assert cli.main(["--db", path, "run", str(workshop_id)]) == 0
    assert [kwargs["serve"] for kwargs in made] == [False, True]


@pytest.mark.slow
def test_one_serve_process_serves_every_workshop(tmp_path: Path, db: Database, workshop_id: int) -> None:
    """Phones join with any workshop's code and each remote takes its own token, even for a workshop made
    after the server started."""
    with ServeProcess(tmp_path / "test.sqlite3", tmp_path / "logs", port=free_port()) as server:
        made = subprocess.run(
            workshop_command(
                tmp_path / "test.sqlite3", "new", "--template", "cyp-integration", "--title", "2nd"
            ),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        second = int(made.stdout.strip().splitlines()[-1])
        for each in (workshop_id, second):
            with db.reading() as session:
                workshop = store.get_workshop(session, each)
            assert httpx.post(f"{server.url}/j/{workshop.join_code}", data={}, timeout=10).status_code == 303
            # The remote trades its token for a cookie, then shows the run-sheet.
            with httpx.Client(base_url=server.url, timeout=10, follow_redirects=True) as remote:
                page = remote.get(f"/f/{token_for(db, each)}")
            assert page.status_code == 200 and workshop.title in page.text
        assert server.stop(STOPS_WITHIN) == 0
