"""Phones on a ranking or a triangle: in their own process, so their CPU is never counted as the server's.

The phones join first (``POST /j/{code}``, each keeping its seat cookie), as a room does while earlier
items run, and say so. When told to go (the facilitator has just opened the item), each behaves as a phone
with the app's pages does: within one poll of the status (the pages' script polls every 3 s) it sees the
change and loads the page; then it keeps polling (and asks ``/healthz`` with each poll), and now and then
sends an answer (a new ranking, or an idea for the triangle) and loads the page the reply redirects to, as
a browser would. Every request is timed; anything but the expected reply is counted as an error by kind.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import aiohttp

EXPECTED = {"join": 303, "opened": 200, "page": 200, "answer": 303, "status": 200, "healthz": 200}
SEGMENTS, QUESTIONS = ("civic", "service", "community"), ("a", "b", "c")
IDEAS_EACH = 5  # under the triangle's limit of six a seat, so every idea sent is one the server takes


@dataclass(frozen=True)
class PhoneConfig:
    """What the phones need, pickled across to their process.

    Attributes:
        base_url: The server on loopback, e.g. ``http://127.0.0.1:8123``.
        code: The workshop's join code.
        item_id: The item the phones answer (the current one).
        kind: ``ranking`` (send a new top ``top`` of ``option_ids``) or ``triangle`` (send ideas).
        option_ids: The approved options a ranking phone chooses from.
        top: How many options a ranking holds.
        phones: How many phones.
        seconds: How long they keep going.
        poll: Seconds between status polls (the pages' script polls every 3 s), give or take half.
        answer_every: Mean seconds between one phone's answers (random, so answers never come in step).
        timeout: Seconds one request may take.
        seed: For timings and answers.
    """

    base_url: str
    code: str
    item_id: int
    kind: str
    option_ids: tuple[int, ...]
    top: int
    phones: int
    seconds: float
    poll: float = 3.0
    answer_every: float = 10.0
    timeout: float = 60.0
    seed: int = 1


@dataclass
class PhoneResult:
    """Latencies in seconds by request kind, and failures by kind (e.g. ``page 503``, ``TimeoutError``)."""

    latency: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    cpu: float = 0.0


async def _timed(
    result: PhoneResult, kind: str, request: AbstractAsyncContextManager[aiohttp.ClientResponse]
) -> bool:
    started = time.perf_counter()
    try:
        async with request as response:
            await response.read()
            ok = response.status == EXPECTED[kind]
            if not ok:
                result.errors[f"{kind} {response.status}"] += 1
    except (aiohttp.ClientError, TimeoutError) as exc:
        result.errors[f"{kind} {type(exc).__name__}"] += 1
        return False
    if ok:
        result.latency.setdefault(kind, []).append(time.perf_counter() - started)
    return ok


async def _join(config: PhoneConfig, http: aiohttp.ClientSession, result: PhoneResult, gate: Any) -> bool:
    async with gate:
        return await _timed(result, "join", http.post(f"/j/{config.code}", data={}, allow_redirects=False))


async def _phone(
    config: PhoneConfig, number: int, http: aiohttp.ClientSession, result: PhoneResult, stop_at: float
) -> None:
    rng = random.Random(config.seed * 100_003 + number)
    code, post_to = config.code, f"/w/{config.code}/items/{config.item_id}"
    await asyncio.sleep(rng.uniform(0, config.poll))  # this phone's next poll sees the item open
    await _timed(result, "status", http.get(f"/w/{code}/status"))
    await _timed(result, "opened", http.get(f"/w/{code}"))  # every phone at once: the surge on opening
    sent, answer_at = 0, time.monotonic() + rng.expovariate(1 / config.answer_every)
    while time.monotonic() < stop_at:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * config.poll)
        await _timed(result, "status", http.get(f"/w/{code}/status"))
        await _timed(result, "healthz", http.get("/healthz"))
        if time.monotonic() < answer_at or time.monotonic() >= stop_at:
            continue
        answer_at = time.monotonic() + rng.expovariate(1 / config.answer_every)
        if config.kind == "ranking":
            answer = {
                "order": ",".join(map(str, rng.sample(config.option_ids, config.top))),
                "action": "submit",
            }
        elif sent < IDEAS_EACH:
            idea = f"Idea {sent} from phone {number}"
            answer = {"text": idea, "segment": rng.choice(SEGMENTS), "question": rng.choice(QUESTIONS)}
        else:
            continue
        if await _timed(result, "answer", http.post(post_to, data=answer, allow_redirects=False)):
            sent += 1
            await _timed(result, "page", http.get(f"/w/{code}"))  # where the reply sends the browser


async def run_phones(config: PhoneConfig, channel: Any, go: Any) -> PhoneResult:
    """Join every phone, say ``ready``, wait for ``go``, then run them for ``config.seconds``."""
    result = PhoneResult()
    timeout = aiohttp.ClientTimeout(total=config.timeout)
    # Cookies for an IP address such as 127.0.0.1 need an "unsafe" jar; one jar (one seat) per phone.
    phones = [
        aiohttp.ClientSession(config.base_url, cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout)
        for _ in range(config.phones)
    ]
    try:
        gate = asyncio.Semaphore(20)  # joining is not what is measured: no need to queue them all at once
        joined = await asyncio.gather(*(_join(config, http, result, gate) for http in phones))
        result.latency.pop("join", None)
        channel.put(("ready", None))
        if not await asyncio.to_thread(go.wait, 300):
            raise TimeoutError("never told to go")
        stop_at = time.monotonic() + config.seconds
        await asyncio.gather(
            *(_phone(config, n, http, result, stop_at) for n, http in enumerate(phones) if joined[n])
        )
    finally:
        await asyncio.gather(*(http.close() for http in phones))
    return result


def child_main(config: PhoneConfig, channel: Any, go: Any) -> None:
    """The phone process: join, say ready, run once ``go`` is set, send the result (or the error) back."""
    try:
        if not config.base_url.startswith("http://127."):
            raise ValueError("the phones only ever call a server on loopback")
        cpu = time.process_time()
        result = asyncio.run(run_phones(config, channel, go))
        result.cpu = time.process_time() - cpu
        channel.put(("result", result))
    except Exception as exc:  # reported to the parent, which prints it
        channel.put(("error", f"{type(exc).__name__}: {exc}"))
