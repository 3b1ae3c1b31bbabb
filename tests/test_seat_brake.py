"""The seat-code brake over real HTTP, on the server exactly as the app runs it (EmbeddedServer)."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlmodel import select

from tests.conftest import join_code
from workshop.cli import _settings as settings_from
from workshop.cli import build_parser, main
from workshop.db import Database
from workshop.models import Seat
from workshop.web import EmbeddedServer, bind_socket, create_app
from workshop.web.guards import SeatCodeGuard
from workshop.writer import BatchWriter

WRONG = "Too many wrong codes"
PER_CLIENT = inspect.signature(SeatCodeGuard).parameters["per_client"].default


@contextmanager
def serving(db: Database, trusted_proxies: tuple[str, ...] = ()) -> Iterator[str]:
    """The participant server on loopback, configured as ``workshop run`` configures it; yields its URL."""
    writer = BatchWriter(db)
    writer.start()
    sock, _ = bind_socket("127.0.0.1", 0)
    server = EmbeddedServer(create_app(db, writer), sock, trusted_proxies=trusted_proxies)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.should_exit = True
        thread.join(10)
        writer.stop()


def guess(client: httpx.Client, code: str, seat_code: str, forwarded: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(f"/j/{code}/seat", data={"seat_code": seat_code}, headers=headers)


def test_rotating_x_forwarded_for_does_not_reset_the_brake(db: Database, workshop_id: int) -> None:
    code = join_code(db, workshop_id)
    with serving(db) as url, httpx.Client(base_url=url, timeout=10) as guesser:
        first = guess(guesser, code, "AAAAAA", forwarded="10.9.0.0")
        assert "No seat in this workshop has the code AAAAAA" in first.text
        for n in range(1, PER_CLIENT):
            guess(guesser, code, "AAAAAA", forwarded=f"10.9.0.{n}")
        reply = guess(guesser, code, "BBBBBB", forwarded="10.9.1.1")
    assert reply.status_code == 422 and WRONG in reply.text


def test_a_trusted_proxy_is_believed(db: Database, workshop_id: int) -> None:
    code = join_code(db, workshop_id)
    with serving(db, trusted_proxies=("127.0.0.1",)) as url, httpx.Client(base_url=url, timeout=10) as proxy:
        for _ in range(PER_CLIENT):
            guess(proxy, code, "AAAAAA", forwarded="10.9.0.1")
        assert WRONG in guess(proxy, code, "AAAAAA", forwarded="10.9.0.1").text
        other = guess(proxy, code, "CCCCCC", forwarded="10.9.0.2")  # someone else behind the proxy
    assert other.status_code == 422 and "No seat in this workshop has the code CCCCCC" in other.text


def test_a_phone_behind_a_braked_address_still_gets_its_seat_back(db: Database, workshop_id: int) -> None:
    code = join_code(db, workshop_id)
    with serving(db) as url:
        with httpx.Client(base_url=url, timeout=10) as phone:
            assert phone.post(f"/j/{code}", data={}).status_code == 303
        with db.reading() as session:
            seat = session.exec(select(Seat)).one()
        with httpx.Client(base_url=url, timeout=10) as guesser:  # the same address: one venue NAT
            for _ in range(PER_CLIENT + 3):
                last = guess(guesser, code, "AAAAAA")
            assert WRONG in last.text
        with httpx.Client(base_url=url, timeout=10) as same_phone_new_browser:
            back = guess(same_phone_new_browser, code, seat.code)
            assert back.status_code == 303 and back.headers["location"] == f"/w/{code}"
            assert same_phone_new_browser.get(f"/w/{code}").status_code == 200


def test_guessing_is_bounded_per_workshop_without_locking_other_networks_out() -> None:
    now = [0.0]
    guard = SeatCodeGuard(
        per_client=2, client_window=10, per_workshop=5, workshop_window=100, clock=lambda: now[0]
    )
    for _ in range(5):
        assert guard.may_check(1, "guesser")  # braked after two, but checked while the workshop has budget
        guard.failed(1, "guesser")
    assert guard.braked("guesser") and not guard.may_check(1, "guesser")  # the workshop's budget is spent
    assert guard.may_check(2, "guesser")  # another workshop's budget is its own
    assert guard.may_check(1, "another network") and not guard.braked("another network")
    now[0] = 11  # the guesser's own window has passed, the workshop's has not
    assert guard.may_check(1, "guesser")
    guard.failed(1, "guesser")
    guard.failed(1, "guesser")
    assert not guard.may_check(1, "guesser")
    now[0] = 112
    assert guard.may_check(1, "guesser")


def test_trusted_proxy_option_is_checked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = build_parser().parse_args(["run", "1", "--trusted-proxy", "10.0.0.5, 192.168.0.0/24"])
    assert settings_from(args).trusted_proxies() == ["10.0.0.5", "192.168.0.0/24"]
    assert settings_from(build_parser().parse_args(["run", "1"])).trusted_proxies() == []
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["home", "--trusted-proxy", "10.0.0.5,proxy.local"])
    assert exit_.value.code == 2
    assert "'proxy.local' is not an IP address or network" in capsys.readouterr().err
    monkeypatch.setenv("WORKSHOP_TRUSTED_PROXY", "*")
    assert main(["list"]) == 2
    assert "WORKSHOP_TRUSTED_PROXY" in (err := capsys.readouterr().err) and "'*' is not an IP address" in err
