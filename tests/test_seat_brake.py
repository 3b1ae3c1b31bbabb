"""The seat-code brake over real HTTP, on the server exactly as the app runs it (EmbeddedServer)."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

import httpx
import pytest
from sqlmodel import Session, select
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tests.helpers.data import join_code
from workshop import store
from workshop.cli import _settings as settings_from
from workshop.cli import main
from workshop.cli_parser import build_parser
from workshop.db import Database
from workshop.models import Seat
from workshop.web import EmbeddedServer, bind_socket, create_app
from workshop.web.guards import SeatCodeGuard
from workshop.writer import BatchWriter

if TYPE_CHECKING:
    from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, HTTPScope, Scope

WRONG = "Too many wrong codes"
DEFAULTS = inspect.signature(SeatCodeGuard).parameters
PER_CLIENT = DEFAULTS["per_client"].default


@contextmanager
def serving(
    db: Database, trusted_proxies: tuple[str, ...] = (), guard: SeatCodeGuard | None = None
) -> Iterator[str]:
    """The participant server on loopback, configured as ``workshop run`` configures it; yields its URL."""
    writer = BatchWriter(db)
    writer.start()
    sock, _ = bind_socket("127.0.0.1", 0)
    app = create_app(db, writer)
    if guard is not None:
        app.state.seat_guard = guard
    server = EmbeddedServer(app, sock, trusted_proxies=trusted_proxies)
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


def proxies_option(text: str) -> list[str]:
    """What ``workshop run --trusted-proxy TEXT`` hands the server."""
    return settings_from(build_parser().parse_args(["run", "1", "--trusted-proxy", text])).trusted_proxies()


# A network written with host bits set, as people do (the proxy's own address and the subnet's size).
@pytest.mark.parametrize("option", ["127.0.0.1", "127.0.0.5/8"])
def test_a_trusted_proxy_is_believed(db: Database, workshop_id: int, option: str) -> None:
    code = join_code(db, workshop_id)
    trusted = tuple(proxies_option(option))
    with serving(db, trusted_proxies=trusted) as url, httpx.Client(base_url=url, timeout=10) as proxy:
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


def attempt(guard: SeatCodeGuard, workshop_id: int, client: str, wrong: bool = True) -> bool:
    """One code through the guard as the page sends it; whether it was looked up."""
    if not guard.reserve(workshop_id, client):
        return False
    guard.release(workshop_id, client, wrong=wrong)
    return True


def test_guessing_is_bounded_per_workshop_without_locking_other_networks_out() -> None:
    now = [0.0]
    guard = SeatCodeGuard(
        per_client=2,
        client_window=10,
        per_workshop=5,
        workshop_window=100,
        slow_every=1000,
        clock=lambda: now[0],
    )
    for _ in range(5):
        assert attempt(guard, 1, "guesser")  # braked after two, but checked while the workshop has budget
    assert guard.braked("guesser") and not attempt(guard, 1, "guesser")  # the workshop's budget is spent
    assert attempt(guard, 2, "guesser", wrong=False)  # another workshop's budget is its own
    assert attempt(guard, 1, "another network", wrong=False) and not guard.braked("another network")
    now[0] = 11  # the guesser's own window has passed, the workshop's has not
    assert attempt(guard, 1, "guesser") and attempt(guard, 1, "guesser")
    assert not attempt(guard, 1, "guesser")
    now[0] = 112
    assert attempt(guard, 1, "guesser")


def test_a_spent_workshop_checks_braked_codes_at_a_slow_rate() -> None:
    now = [0.0]
    guard = SeatCodeGuard(per_client=2, per_workshop=4, slow_every=10, clock=lambda: now[0])
    assert [attempt(guard, 1, "nat") for _ in range(5)] == [True] * 4 + [False]  # the bucket starts empty
    now[0] = 9.9
    assert not attempt(guard, 1, "nat")
    now[0] = 10
    assert attempt(guard, 1, "nat", wrong=False)  # a right code: handed back, and it used the bucket's check
    assert not attempt(guard, 1, "nat")
    assert attempt(guard, 1, "another network")  # under its own limit: checked, as ever
    now[0] = 60  # five slow periods idle: still one check, not five
    assert [attempt(guard, 1, "nat") for _ in range(3)] == [True, False, False]


def test_concurrent_reservations_are_counted_exactly() -> None:
    guard = SeatCodeGuard(per_client=5, per_workshop=5, clock=lambda: 0.0)
    start = threading.Barrier(50)

    def one(_: int) -> bool:
        start.wait(10)
        return guard.reserve(1, "guesser")

    with ThreadPoolExecutor(50) as pool:
        assert sum(pool.map(one, range(50))) == 5


def counted_lookups(monkeypatch: pytest.MonkeyPatch, hold: threading.Event | None = None) -> list[str]:
    """Every seat code the server looks up, in order; each lookup waits for ``hold`` if given."""
    looked_up: list[str] = []
    real = store.seat_by_code

    def lookup(session: Session, workshop_id: int, code: str) -> Seat | None:
        looked_up.append(code)
        if hold is not None:
            hold.wait(10)
        return real(session, workshop_id, code)

    monkeypatch.setattr(store, "seat_by_code", lookup)
    return looked_up


@pytest.mark.slow  # waits out the workshop-wide brake's interval
def test_a_spent_workshop_lets_a_braked_address_back_in_after_a_short_wait(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [0.0]
    budget, wait = 30, DEFAULTS["slow_every"].default  # a small budget: quicker to spend, the same brake
    looked_up = counted_lookups(monkeypatch)
    code = join_code(db, workshop_id)
    with serving(db, guard=SeatCodeGuard(per_workshop=budget, clock=lambda: now[0])) as url:
        with httpx.Client(base_url=url, timeout=10) as phone:
            assert phone.post(f"/j/{code}", data={}).status_code == 303
        with db.reading() as session:
            seat = session.exec(select(Seat)).one()
        with (
            httpx.Client(base_url=url, timeout=10) as guesser,
            httpx.Client(base_url=url, timeout=10) as phone,
        ):
            for _ in range(budget):  # a script spends the workshop's whole count from one venue address
                guess(guesser, code, "AAAAAA")
            assert len(looked_up) == budget
            assert WRONG in guess(guesser, code, "BBBBBB").text and len(looked_up) == budget
            refused = guess(phone, code, seat.code)  # the same address, so braked: the bucket is empty
            assert refused.status_code == 422 and WRONG in refused.text and len(looked_up) == budget
            now[0] += wait
            back = guess(phone, code, seat.code)
            assert back.status_code == 303 and back.headers["location"] == f"/w/{code}"
            assert phone.get(f"/w/{code}").status_code == 200
            for _ in range(20):  # faster than the bucket refills: refused without a look
                assert WRONG in guess(guesser, code, "CCCCCC").text
            assert len(looked_up) == budget + 1
            now[0] += wait
            for _ in range(5):
                guess(guesser, code, "DDDDDD")
    assert looked_up[budget:] == [seat.code, "DDDDDD"]


def test_concurrent_wrong_guesses_never_pass_the_brake(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each lookup is held until the guard has answered all fifty, so every decision meets the others'
    # checks still in flight.
    decided, everyone = [0], threading.Event()
    lock = threading.Lock()

    class Counting(SeatCodeGuard):
        def reserve(self, workshop_id: int, client: str) -> bool:
            try:
                return super().reserve(workshop_id, client)
            finally:
                with lock:
                    decided[0] += 1
                    if decided[0] == 50:
                        everyone.set()

    looked_up = counted_lookups(monkeypatch, hold=everyone)
    code = join_code(db, workshop_id)
    guard = Counting(per_client=5, per_workshop=5, clock=lambda: 0.0)
    with (
        serving(db, guard=guard) as url,
        httpx.Client(base_url=url, timeout=30) as guesser,
        ThreadPoolExecutor(50) as pool,
    ):
        replies = list(pool.map(lambda _: guess(guesser, code, "AAAAAA"), range(50)))
    assert everyone.is_set() and [r.status_code for r in replies] == [422] * 50
    assert len(looked_up) == 5


def test_a_slow_seat_lookup_leaves_the_event_loop_free(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    go = threading.Event()
    looked_up = counted_lookups(monkeypatch, hold=go)  # as a locked database holds a read
    code = join_code(db, workshop_id)
    with serving(db) as url, httpx.Client(base_url=url, timeout=10) as phone, ThreadPoolExecutor(1) as pool:
        restoring = pool.submit(guess, phone, code, "AAAAAA")
        deadline = time.monotonic() + 10
        while not looked_up:
            assert time.monotonic() < deadline, "the lookup never started"
            time.sleep(0.01)
        try:
            # Answered on the event loop, which the terminal shares: it must not wait for the lookup.
            assert httpx.get(f"{url}/healthz", timeout=2).json() == {"ok": True}
        finally:
            go.set()
        assert restoring.result().status_code == 422


def test_a_proxy_network_with_host_bits_trusts_the_whole_network() -> None:
    proxies = proxies_option("10.0.0.5/24, 0:0:0:0:0:0:0:1, 10.1.2.3")
    assert proxies == ["10.0.0.0/24", "::1", "10.1.2.3"]
    sock, _ = bind_socket("127.0.0.1", 0)
    with sock:
        allowed = EmbeddedServer(create_app, sock, trusted_proxies=proxies).config.forwarded_allow_ips
    clients: list[str] = []

    async def app(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        assert scope["type"] == "http"
        client = scope["client"]
        assert client is not None
        clients.append(client[0])

    unused: Any = None  # the middleware neither receives nor sends for a plain http scope

    # uvicorn's own middleware, given exactly what the server's config holds.
    middleware = ProxyHeadersMiddleware(app, trusted_hosts=allowed)
    for proxy in ("10.0.0.7", "10.0.1.7", "::1"):
        # Only the keys the middleware reads: a server would fill in the rest.
        scope = {"type": "http", "client": (proxy, 5000), "headers": [(b"x-forwarded-for", b"203.0.113.9")]}
        asyncio.run(middleware(cast("HTTPScope", scope), unused, unused))
    assert clients == ["203.0.113.9", "10.0.1.7", "203.0.113.9"]


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
