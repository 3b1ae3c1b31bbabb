"""``workshop selftest``: the room check against a real ``workshop serve`` process on a temporary SQLite file.

The check must say "fine" for a small room, store every simulated answer, and leave nothing behind: no
practice workshop, no seat, no answer, also when it is interrupted with Ctrl+C.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.serve import ROOT, ServeProcess, eventually, workshop_command
from tests.helpers.web import free_port
from workshop import cli
from workshop.selftest import Measures, _Phone, verdict


def _counts(db_path: Path) -> dict[str, int]:
    """Rows in the tables a practice run writes to, read with plain sqlite3."""
    connection = sqlite3.connect(db_path, timeout=5)
    try:
        return {
            table: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("workshop", "agendaitem", "seat", "response", "maturityrating")
        }
    finally:
        connection.close()


def _titles(db_path: Path) -> list[str]:
    connection = sqlite3.connect(db_path, timeout=5)
    try:
        return [str(row[0]) for row in connection.execute("SELECT title FROM workshop")]
    finally:
        connection.close()


def _join_codes(db_path: Path) -> list[str]:
    connection = sqlite3.connect(db_path, timeout=5)
    try:
        return [str(row[0]) for row in connection.execute("SELECT join_code FROM workshop")]
    finally:
        connection.close()


@contextlib.contextmanager
def _serving(tmp_path: Path, *args: str) -> Iterator[tuple[Path, ServeProcess]]:
    """A database with one real workshop in it, and ``workshop serve ARGS`` running on it."""
    db_path = tmp_path / "room.sqlite3"
    assert cli.main(["--db", str(db_path), "new", "--template", "cyp-integration", "--title", "Real"]) == 0
    server = ServeProcess(db_path, tmp_path / "logs", *args)
    try:
        server.wait_ready()
        yield db_path, server
    finally:
        server.signal(signal.SIGTERM)
        if server.wait(15) is None:
            server.end()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, ServeProcess]]:
    """A database with one real workshop in it, and ``workshop serve`` running on it."""
    with _serving(tmp_path) as both:
        yield both


@pytest.mark.slow
def test_a_small_room_is_fine_and_leaves_nothing_behind(
    served: tuple[Path, ServeProcess], capsys: pytest.CaptureFixture[str]
) -> None:
    db_path, server = served
    before = _counts(db_path)
    code = cli.main(
        ["--db", str(db_path), "selftest", "--phones", "20", "--url", server.url, "--arrive-over", "1"]
    )
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Answers saved: 20 of 20 acknowledged, 20 in the database" in out  # stored, counted, then …
    assert "Fine for 20 phones: every answer was saved, the slowest phone waited" in out
    assert "deleted, with its seats and answers" in out
    assert _counts(db_path) == before  # … removed: the real workshop alone is left, untouched
    assert _titles(db_path) == ["Real"]
    assert "Problems" not in out


@pytest.mark.slow
def test_the_servers_own_http_address_is_fine_when_its_seat_cookies_are_https_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A hosted server with an https public address sets Secure seat cookies, which an HTTP client's cookie
    # jar never sends over plain http: the phones must still join and answer on the server's local address.
    with _serving(tmp_path, "--public-url", "https://workshop.example.test") as (db_path, server):
        (join_code,) = _join_codes(db_path)
        joined = httpx.post(f"{server.url}/j/{join_code}", data={}, timeout=10)
        assert joined.status_code == 303
        assert "secure" in joined.headers["set-cookie"].lower()  # the case this test is about
        monkeypatch.setenv("WORKSHOP_PORT", str(server.port))  # selftest's default http://127.0.0.1:PORT
        code = cli.main(["--db", str(db_path), "selftest", "--phones", "10", "--arrive-over", "1"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Answers saved: 10 of 10 acknowledged, 10 in the database" in out
    assert "Fine for 10 phones: every answer was saved" in out
    assert "Problems" not in out


def test_no_server_at_the_url_exits_2_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "room.sqlite3"
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code = cli.main(["--db", str(db_path), "selftest", "--phones", "5", "--url", url])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"No workshop server answers at {url}: start `workshop run ID` or `workshop serve` first" in err
    assert _titles(db_path) == []  # nothing was made before the server was checked


@pytest.mark.parametrize("phones", ["0", "-1", "x", "1001", ""])
def test_bad_phones_exit_2(phones: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["selftest", f"--phones={phones}"])
    assert exited.value.code == 2
    assert f"a whole number of phones from 1 to 1000, not {phones!r}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--phones", "5", "--url", "127.0.0.1:8000"], "an address such as http://127.0.0.1:8000"),
        (["--phones", "5", "--arrive-over", "-1"], "a number of seconds from 0 to 120, not '-1'"),
        ([], "the following arguments are required: --phones"),
    ],
)
def test_bad_arguments_say_what_is_wrong(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["selftest", *args])
    assert exited.value.code == 2
    assert says in capsys.readouterr().err


@pytest.mark.slow
def test_ctrl_c_deletes_the_practice_workshop(served: tuple[Path, ServeProcess], tmp_path: Path) -> None:
    db_path, server = served
    before = _counts(db_path)
    out_path = tmp_path / "selftest.out"
    with out_path.open("wb") as out:
        check = subprocess.Popen(
            workshop_command(
                db_path, "selftest", "--phones", "40", "--url", server.url, "--arrive-over", "20"
            ),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.PIPE,
        )
    try:
        # Interrupted once phones are joining, so there are seats and answers to delete.
        assert eventually(lambda: _counts(db_path)["response"] >= 3 or check.poll() is not None, 60)
        assert check.poll() is None, out_path.read_text()
        check.send_signal(signal.SIGINT)
        _, err = check.communicate(timeout=30)
    finally:
        if check.poll() is None:
            check.kill()
            check.wait(10)
    assert check.returncode == 130, err
    assert b"the practice workshop was deleted" in err
    assert _titles(db_path) == ["Real"]
    assert _counts(db_path) == before


async def test_a_phone_keeps_the_cookies_set_as_set_and_forgets_one_cleared() -> None:
    async with httpx.AsyncClient() as client:
        phone = _Phone(client, Measures(phones=1))

        def reply(*cookies: str) -> httpx.Response:
            return httpx.Response(200, headers=[("set-cookie", cookie) for cookie in cookies])

        phone.keep_cookies(reply('seat_AB12CD="a b"; Path=/; Secure; HttpOnly', "other=1; Max-Age=60"))
        assert phone.cookies == {"seat_AB12CD": '"a b"', "other": "1"}  # coded as set, Secure or not
        phone.keep_cookies(reply("seat_AB12CD=; Max-Age=0; Path=/", "not a cookie at all ;;="))
        assert phone.cookies == {"other": "1"}


def test_phones_that_cannot_connect_send_the_facilitator_to_the_server_not_the_laptop() -> None:
    gone = Measures(10, waits=[0.1] * 4, acked=4, stored=4)
    gone.problems["join page: ConnectError"] += 5
    gone.problems["status: ConnectError"] += 1
    fine, said = verdict(gone)
    assert not fine
    assert "6 requests could not connect to the server" in said
    assert "still running" in said and "Close other programs" not in said
    # A room that was only slow keeps the advice about the laptop's load.
    slow = Measures(10, waits=[0.1] * 4, acked=4, stored=4)
    slow.problems["answers: no answer within 30 s"] += 6
    fine, said = verdict(slow)
    assert not fine
    assert "Close other programs" in said and "could not connect" not in said
