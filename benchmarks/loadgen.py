"""The simulated phones: runs in its own process so its CPU never counts against the server's event loop.

Each phone joins the workshop (``POST /j/{code}``), keeps the seat cookie it was given, then submits one
full, random maturity form. Phones arrive at random moments spread over the burst window; requests in
flight are capped by a semaphore (as many connections as that cap). Everything is bounded: a per-request
timeout and an overall deadline after which unfinished phones are cancelled and counted as timeouts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

LOOPBACK_PREFIXES = ("http://127.", "http://[::1]", "http://localhost")


@dataclass(frozen=True)
class LoadConfig:
    """What the load generator needs to know; pickled across to the child process."""

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
    seed: int = 1


@dataclass
class LoadResult:
    """What the phones saw; latencies are in seconds."""

    join_latency: list[float] = field(default_factory=list)
    vote_latency: list[float] = field(default_factory=list)
    phone_latency: list[float] = field(default_factory=list)
    acknowledged: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0
    last_arrival: float = 0.0
    cpu: float = 0.0


def _seat_cookie(response: aiohttp.ClientResponse, name: str) -> str | None:
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

    async def _post(
        self, path: str, data: dict[str, str], cookie: str | None
    ) -> tuple[aiohttp.ClientResponse, float]:
        headers = {"Cookie": f"{self.cookie_name}={cookie}"} if cookie else {}
        async with self.slots:
            started = time.perf_counter()
            async with self.session.post(
                self.config.base_url + path, data=data, headers=headers, allow_redirects=False
            ) as response:
                await response.read()
                return response, time.perf_counter() - started

    async def phone(self, arrival: float, rng: random.Random, t0: float) -> None:
        """One phone: wait for its arrival time, join, then vote."""
        form = {name: rng.choice(self.config.choices) for name in self.config.fields}
        try:
            await asyncio.sleep(max(0.0, t0 + arrival - time.perf_counter()))
            began = time.perf_counter()
            response, took = await self._post(
                f"/j/{self.config.code}", {"organisation": "", "role_level": ""}, None
            )
            cookie = _seat_cookie(response, self.cookie_name)
            if response.status != 303 or not cookie:
                self.result.errors[f"join {response.status}"] += 1
                return
            self.result.join_latency.append(took)
            path = f"/w/{self.config.code}/items/{self.config.item_id}"
            response, took = await self._post(path, form, cookie)
            if response.status != 303 or not response.headers.get("Location", "").endswith(self.saved_suffix):
                self.result.errors[f"vote {response.status}"] += 1
                return
            self.result.vote_latency.append(took)
            self.result.phone_latency.append(time.perf_counter() - began)
            self.result.acknowledged += 1
        except asyncio.CancelledError:  # the overall deadline passed before this phone finished
            self.result.errors["deadline"] += 1
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.result.errors[type(exc).__name__] += 1


async def run_phones(config: LoadConfig) -> LoadResult:
    """Run the whole burst and return what the phones saw."""
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
        await asyncio.gather(*pending, return_exceptions=True)
        phones.result.wall = time.perf_counter() - t0
        phones.result.last_arrival = arrivals[-1] if arrivals else 0.0
        return phones.result


def child_main(config: LoadConfig, channel: Any) -> None:
    """Entry point of the load process: say "ready", run the burst, send back the result (or the error)."""
    channel.put(("ready", None))
    cpu = time.process_time()
    try:
        result = asyncio.run(run_phones(config))
        result.cpu = time.process_time() - cpu
    except BaseException as exc:  # report it to the parent rather than dying silently
        channel.put(("error", f"{type(exc).__name__}: {exc}"))
        raise
    channel.put(("result", result))
