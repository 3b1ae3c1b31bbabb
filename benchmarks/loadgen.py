"""The simulated phones: runs in its own process so its CPU never counts against the server's event loop.

Each phone joins the workshop (``POST /j/{code}``), keeps the seat cookie it was given, then submits one
full, random maturity form; optionally it also loads the pages a browser would and polls the status as
the pages' script does. Phones arrive at random moments spread over the burst window; requests in flight
are capped by a semaphore (as many connections as that cap). Everything is bounded: a per-request timeout
and an overall deadline after which unfinished phones are cancelled and counted as ``deadline``.
"""

from __future__ import annotations

import asyncio
import queue
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any

import aiohttp

LOOPBACK_PREFIXES = ("http://127.", "http://[::1]", "http://localhost")


@dataclass(frozen=True)
class LoadConfig:
    """What the load generator needs to know; pickled across to the child process.

    Attributes:
        base_url: The server, e.g. ``http://127.0.0.1:8123`` (loopback only).
        code: The workshop's join code.
        item_id: The started maturity item.
        fields: Every rating field of the form (``r-{factor}-{horizon}``).
        choices: The values a rating may take (levels and don't know).
        phones: How many phones join and vote.
        seconds: The window the phones arrive in (0: all at once).
        concurrency: Requests in flight at most (and connections kept).
        deadline: Seconds after which unfinished phones are abandoned.
        request_timeout: Seconds one request may take.
        pages: Also load the pages a browser would (join page, form, saved page).
        poll: If above 0, each joined phone polls ``/w/{code}/status`` this often (seconds), as the
            phone pages' script does, until the last vote is in.
        seed: For the arrival times and the answers.
    """

    base_url: str
    code: str
    item_id: int
    fields: tuple[str, ...]
    choices: tuple[str, ...]
    phones: int
    seconds: float
    concurrency: int = 200
    deadline: float = 120.0
    request_timeout: float = 60.0
    pages: bool = False
    poll: float = 0.0
    seed: int = 1


@dataclass
class LoadResult:
    """What the phones saw; latencies are in seconds.

    Attributes:
        join_latency: Each successful join POST.
        vote_latency: Each acknowledged vote POST.
        phone_latency: Each phone from its first request to its vote's acknowledgement, waits included.
        poll_latency: Each successful status poll.
        page_latency: Each page load (join page, form, saved page) answered 200.
        acknowledged: Votes answered with 303 to the saved page.
        first_ack: Seconds from the start to the first acknowledged vote (None if there was none).
        last_ack: Seconds from the start to the last acknowledged vote (None if there was none).
        acked_seats: The seat cookie of every phone whose vote was acknowledged, so a check can find
            exactly those votes in the database.
        errors: Failures by kind, e.g. ``vote 500``, ``deadline``, ``ClientOSError``.
        wall: Seconds from the first arrival to the last phone's end.
        last_arrival: When the last phone arrived, in seconds from the start.
        cpu: CPU seconds the load process used.
    """

    join_latency: list[float] = field(default_factory=list)
    vote_latency: list[float] = field(default_factory=list)
    phone_latency: list[float] = field(default_factory=list)
    poll_latency: list[float] = field(default_factory=list)
    page_latency: list[float] = field(default_factory=list)
    acknowledged: int = 0
    first_ack: float | None = None
    last_ack: float | None = None
    acked_seats: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0
    last_arrival: float = 0.0
    cpu: float = 0.0


def _seat_cookie(response: aiohttp.ClientResponse, name: str) -> str | None:
    """The value of the seat cookie the server set, if it set one."""
    morsel = response.cookies.get(name)
    return morsel.value if morsel is not None else None


class _Phones:
    """Shared state of one run: the HTTP session, the cap on requests in flight, and the tallies."""

    def __init__(self, config: LoadConfig, session: aiohttp.ClientSession) -> None:
        self.config = config
        self.session = session
        self.slots = asyncio.Semaphore(config.concurrency)
        self.result = LoadResult()
        self.cookie_name = f"seat_{config.code}"
        self.saved_suffix = f"/items/{config.item_id}/saved"
        self.pollers: list[asyncio.Task[None]] = []

    async def _request(
        self, path: str, data: dict[str, str] | None, cookie: str | None
    ) -> tuple[aiohttp.ClientResponse, float]:
        """POST a form (GET if ``data`` is None) once a slot is free; return the response and its time."""
        headers = {"Cookie": f"{self.cookie_name}={cookie}"} if cookie else {}
        async with self.slots:
            started = time.perf_counter()
            async with self.session.request(
                "GET" if data is None else "POST",
                self.config.base_url + path,
                data=data,
                headers=headers,
                allow_redirects=False,
            ) as response:
                await response.read()
                return response, time.perf_counter() - started

    async def _page(self, path: str, cookie: str | None) -> None:
        """Load a page as a browser would; a failure counts as an error but the phone goes on."""
        response, took = await self._request(path.split("?")[0], None, cookie)
        if response.status != 200:
            self.result.errors[f"page {response.status}"] += 1
        else:
            self.result.page_latency.append(took)

    async def _poll(self, cookie: str, rng: random.Random) -> None:
        """Poll the status as a joined phone's page does, until cancelled; failures count as errors."""
        await asyncio.sleep(rng.uniform(0.0, self.config.poll))
        while True:
            try:
                response, took = await self._request(f"/w/{self.config.code}/status", None, cookie)
                if response.status == 200:
                    self.result.poll_latency.append(took)
                else:
                    self.result.errors[f"poll {response.status}"] += 1
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.result.errors[f"poll {type(exc).__name__}"] += 1
            await asyncio.sleep(self.config.poll)

    async def phone(self, arrival: float, rng: random.Random, t0: float) -> None:
        """One phone: wait for its arrival time, join, then vote (loading the pages too if asked).

        Args:
            arrival: Seconds after ``t0`` at which the phone starts.
            rng: This phone's source of random answers.
            t0: The run's start (``time.perf_counter``).
        """
        form = {name: rng.choice(self.config.choices) for name in self.config.fields}
        try:
            await asyncio.sleep(max(0.0, t0 + arrival - time.perf_counter()))
            began = time.perf_counter()
            if self.config.pages:
                await self._page(f"/j/{self.config.code}", None)
            response, took = await self._request(
                f"/j/{self.config.code}", {"organisation": "", "role_level": ""}, None
            )
            cookie = _seat_cookie(response, self.cookie_name)
            if response.status != 303 or not cookie:
                self.result.errors[f"join {response.status}"] += 1
                return
            self.result.join_latency.append(took)
            if self.config.poll > 0:
                self.pollers.append(asyncio.create_task(self._poll(cookie, rng)))
            if self.config.pages:
                await self._page(response.headers.get("Location", ""), cookie)
            path = f"/w/{self.config.code}/items/{self.config.item_id}"
            response, took = await self._request(path, form, cookie)
            location = response.headers.get("Location", "")
            if response.status != 303 or not location.endswith(self.saved_suffix):
                where = f" to {location.split('?')[0]}" if response.status == 303 else ""
                self.result.errors[f"vote {response.status}{where}"] += 1
                return
            self.result.vote_latency.append(took)
            self.result.phone_latency.append(time.perf_counter() - began)
            self.result.acknowledged += 1
            self.result.acked_seats.append(cookie)
            self.result.last_ack = time.perf_counter() - t0
            if self.result.first_ack is None:
                self.result.first_ack = self.result.last_ack
            if self.config.pages:
                await self._page(location, cookie)
        except asyncio.CancelledError:  # the overall deadline passed before this phone finished
            self.result.errors["deadline"] += 1
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.result.errors[type(exc).__name__] += 1


async def run_phones(config: LoadConfig) -> LoadResult:
    """Run the whole burst.

    Args:
        config: Where to send the phones, how many, how fast.

    Returns:
        What the phones saw.

    Raises:
        ValueError: If ``config.base_url`` is not a loopback address.
    """
    if not config.base_url.startswith(LOOPBACK_PREFIXES):
        raise ValueError(f"refusing to load a non-loopback address: {config.base_url}")
    rng = random.Random(config.seed)
    arrivals = sorted(rng.uniform(0.0, config.seconds) for _ in range(config.phones))
    connector = aiohttp.TCPConnector(limit=config.concurrency)
    timeout = aiohttp.ClientTimeout(total=config.request_timeout)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        phones = _Phones(config, session)
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(phones.phone(at, random.Random(rng.random()), t0)) for at in arrivals]
        _done, pending = await asyncio.wait(tasks, timeout=config.deadline)
        for task in pending:
            task.cancel()
        for poller in phones.pollers:
            poller.cancel()
        await asyncio.gather(*pending, *phones.pollers, return_exceptions=True)
        phones.result.wall = time.perf_counter() - t0
        phones.result.last_arrival = arrivals[-1] if arrivals else 0.0
        return phones.result


def child_main(config: LoadConfig, channel: Any) -> None:
    """Entry point of the load process: say "ready", run the burst, send back the result (or the error).

    Args:
        config: The burst to run.
        channel: A multiprocessing queue to the parent; gets ``(kind, payload)`` tuples.
    """
    channel.put(("ready", None))
    cpu = time.process_time()
    try:
        result = asyncio.run(run_phones(config))
        result.cpu = time.process_time() - cpu
    except BaseException as exc:  # report it to the parent rather than dying silently
        channel.put(("error", f"{type(exc).__name__}: {exc}"))
        raise
    channel.put(("result", result))


def receive(channel: Queue[tuple[str, Any]], process: BaseProcess, timeout: float) -> tuple[str, Any]:
    """Wait (in a worker thread) for the phone process's next message.

    Args:
        channel: The multiprocessing queue the load process reports on.
        process: The phone process, watched so that its death ends the wait.
        timeout: Seconds to wait at most.

    Returns:
        ``(kind, payload)`` as sent (``ready``, ``result`` or ``error``), or an ``error`` of our own.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return channel.get(timeout=0.5)
        except queue.Empty:
            if not process.is_alive():
                return ("error", f"the phone process exited with code {process.exitcode}")
    return ("error", "the phone process did not answer in time")
