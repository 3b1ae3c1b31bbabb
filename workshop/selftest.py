"""``workshop selftest``: a room check before the session, with simulated phones against the running server.

A throwaway practice workshop is made in the server's database from the shipped template, its maturity
matrix is opened, and N phones (each its own HTTP client, so its own cookie and connections) arrive over a
few seconds and do what a phone does: load the join page, join, load the form, post a full matrix, load the
"saved" page and poll the status as ``follow.js`` does. The practice workshop is then deleted, also when
the check fails or is interrupted. Only httpx and the core are used: this module never loads the web app.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import CookieError, SimpleCookie

import httpx
from sqlalchemy import func
from sqlmodel import select

from workshop import store, usecases
from workshop.activities.maturity import load_structure
from workshop.db import Database
from workshop.models import Response, row_id
from workshop.templates import get_template

PRACTICE_TEMPLATE = "cyp-integration"
SLOW_PHONE = 5.0  # seconds: a participant waiting longer than this for "Saved" starts tapping again
REQUEST_TIMEOUT = 30.0  # seconds: past this a phone's browser has long given up
POLLS = 2  # status polls each phone makes after saving: enough to load the status cache as a room does
POLL_EVERY = 3.0  # seconds, as follow.js
ADVICE = (
    "Close other programs, plug the laptop in, or use a wired connection or a hosted server "
    "(see README, Hosted mode)."
)
# A phone that cannot connect at all met no slow laptop but a server that stopped (or never listened):
# advice about the laptop's load would send the facilitator the wrong way.
NOT_REACHED = httpx.ConnectError.__name__  # as a problem is named: "join page: ConnectError"
SERVER_GONE_ADVICE = (
    "Check that 'workshop run' or 'workshop serve' is still running, read what it printed, then check again."
)


class NoServer(Exception):
    """Nothing answers at the URL, or what answers is not a workshop server."""


class OtherDatabase(Exception):
    """A workshop server answers, but it does not see the practice workshop: it uses another database."""


@dataclass(frozen=True)
class Practice:
    """The practice workshop: where phones join, the matrix they answer and what they fill in."""

    workshop_id: int
    code: str
    item_id: int
    fields: tuple[str, ...]
    levels: tuple[int, ...]


@dataclass
class Measures:
    """What the simulated phones saw: each request's and each phone's wait, acknowledgements, problems."""

    phones: int
    requests: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)  # per phone that got to "Saved": join page to saved
    acked: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    stored: int = 0


def make_practice(db: Database, now: datetime | None = None) -> Practice:
    """Make the practice workshop from the shipped template and open its maturity matrix."""
    spec = get_template(PRACTICE_TEMPLATE)
    title = f"Room check {(now or datetime.now().astimezone()):%Y-%m-%d %H:%M:%S}"
    with db.writing() as session:
        workshop = usecases.create_workshop(session, spec, title)
        item = next(i for i in store.agenda(session, row_id(workshop)) if i.kind == "maturity")
        store.start_item(session, row_id(item))
        structure = load_structure(session, row_id(workshop))
        fields = tuple(structure.field_name(f, h) for f in structure.factors for h in structure.horizons)
        levels = tuple(level.value for level in structure.levels)
        return Practice(row_id(workshop), workshop.join_code, row_id(item), fields, levels)


def stored_answers(db: Database, item_id: int) -> int:
    """How many seats have an answer saved on ``item_id``."""
    with db.reading() as session:
        return int(session.exec(select(func.count()).where(Response.item_id == item_id)).one())


def remove_practice(db: Database, workshop_id: int) -> None:
    """Delete the practice workshop with every seat and answer in it."""
    with db.writing() as session:
        usecases.delete_workshop(session, workshop_id)


def check_server(url: str, code: str | None = None) -> None:
    """Raise :class:`NoServer` unless a workshop server answers at ``url``, :class:`OtherDatabase` if it
    does not serve the join code ``code`` (when given)."""
    try:
        with httpx.Client(base_url=url, timeout=5) as client:
            if client.get("/healthz").status_code != 200:
                raise NoServer("what answers there is not a workshop server")
            if code is not None and client.get(f"/j/{code}").status_code != 200:
                raise OtherDatabase(
                    f"The workshop server at {url} does not see the practice workshop, so it uses another "
                    "database: give selftest the same --db as the server"
                )
    except httpx.HTTPError as exc:
        raise NoServer(type(exc).__name__) from exc


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _no_cookie_jar() -> CookieJar:
    """A cookie jar that keeps nothing: a phone carries its cookies itself (see :class:`_Phone`)."""
    return CookieJar(DefaultCookiePolicy(allowed_domains=[]))


class _Phone:
    """One simulated phone: its own client (connections) and cookies, timing each request into ``measures``.

    The phone keeps the cookies the server sets and sends them back in a Cookie header itself. A cookie jar
    would not: behind an https ``--public-url`` the seat cookie is Secure, and a jar never sends that over
    plain http, so a check on the server's own address (``http://127.0.0.1:8000``) would find every phone
    seatless. A real phone comes over https through the proxy and does send it.
    """

    def __init__(self, client: httpx.AsyncClient, measures: Measures) -> None:
        self.client = client
        self.measures = measures
        self.cookies: dict[str, str] = {}

    def keep_cookies(self, reply: httpx.Response) -> None:
        """Remember the cookies ``reply`` sets, as they were set (each value still coded); one the server
        clears (``Max-Age=0``) is forgotten, as a browser forgets it."""
        for header in reply.headers.get_list("set-cookie"):
            try:
                parsed = SimpleCookie(header)
            except CookieError:
                continue  # a browser ignores a cookie it cannot read, too
            for name, morsel in parsed.items():
                if morsel["max-age"].strip() in ("0", "-1"):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    async def ask(
        self, step: str, method: str, path: str, expect: int, data: dict[str, str] | None = None
    ) -> httpx.Response | None:
        """The reply, if it had the status ``expect``; otherwise the problem is counted under ``step``."""
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie} if cookie else None
        started = time.perf_counter()
        try:
            reply = await self.client.request(method, path, data=data, headers=headers)
        except httpx.TimeoutException:
            self.measures.problems[f"{step}: no answer within {REQUEST_TIMEOUT:.0f} s"] += 1
            return None
        except httpx.HTTPError as exc:
            self.measures.problems[f"{step}: {type(exc).__name__}"] += 1
            return None
        self.measures.requests.append(time.perf_counter() - started)
        self.keep_cookies(reply)
        if reply.status_code != expect:
            self.measures.problems[f"{step}: status {reply.status_code}"] += 1
            return None
        return reply


async def _one_phone(url: str, practice: Practice, number: int, delay: float, measures: Measures) -> None:
    await asyncio.sleep(delay)
    code = practice.code
    level = practice.levels[number % len(practice.levels)]
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, cookies=_no_cookie_jar()) as client:
        phone = _Phone(client, measures)
        started = time.perf_counter()
        if await phone.ask("join page", "GET", f"/j/{code}", 200) is None:
            return
        if await phone.ask("join", "POST", f"/j/{code}", 303, data={}) is None:
            return
        if await phone.ask("form", "GET", f"/w/{code}", 200) is None:
            return
        answers = dict.fromkeys(practice.fields, str(level))
        posted = await phone.ask("answers", "POST", f"/w/{code}/items/{practice.item_id}", 303, data=answers)
        if posted is None:
            return
        if not posted.headers.get("location", "").endswith("/saved"):
            measures.problems["answers: not saved (the form came back)"] += 1
            return
        measures.acked += 1
        if await phone.ask("saved page", "GET", f"/w/{code}/items/{practice.item_id}/saved", 200) is None:
            return
        measures.waits.append(time.perf_counter() - started)
        for _ in range(POLLS):
            await asyncio.sleep(POLL_EVERY * random.uniform(0.8, 1.2))  # phones poll out of step
            await phone.ask("status", "GET", f"/w/{code}/status", 200)


async def run_phones(url: str, practice: Practice, phones: int, over: float) -> Measures:
    """``phones`` phones arriving evenly spread over ``over`` seconds, each doing a phone's whole round."""
    measures = Measures(phones)
    delays = sorted(random.uniform(0, over) for _ in range(phones))
    async with asyncio.TaskGroup() as group:
        for number, delay in enumerate(delays):
            group.create_task(_one_phone(url, practice, number, delay, measures))
    return measures


def verdict(measures: Measures) -> tuple[bool, str]:
    """Whether the room will be fine, and the sentence that says so (with what to do if not)."""
    n = measures.phones
    slow = sum(wait > SLOW_PHONE for wait in measures.waits)
    slowest = max(measures.waits, default=0.0)
    if measures.acked == n and measures.stored == n and not slow and not measures.problems:
        return True, f"Fine for {n} phones: every answer was saved, the slowest phone waited {slowest:.1f} s."
    reasons = []
    refused = sum(count for problem, count in measures.problems.items() if problem.endswith(NOT_REACHED))
    if refused:
        reasons.append(f"{refused} requests could not connect to the server: it stopped taking them")
    if measures.acked < n:
        reasons.append(f"only {measures.acked} of {n} phones were told their answers were saved")
    if measures.stored < measures.acked:
        reasons.append(f"only {measures.stored} of {measures.acked} saved answers are in the database")
    if slow:
        reasons.append(f"{slow} of {n} phones waited over {SLOW_PHONE:.0f} s")
    if not reasons:
        reasons.append(f"{sum(measures.problems.values())} requests went wrong")
    return False, f"Not fine: {'; '.join(reasons)}. {SERVER_GONE_ADVICE if refused else ADVICE}"


def report_lines(measures: Measures) -> list[str]:
    """The measurements in plain lines, before the verdict."""
    lines = [
        f"Answers saved: {measures.acked} of {measures.phones} acknowledged, "
        f"{measures.stored} in the database",
        f"Each request: median {percentile(measures.requests, 0.5):.2f} s, 99th percentile "
        f"{percentile(measures.requests, 0.99):.2f} s ({len(measures.requests)} requests)",
        f"Each phone, join page to 'Saved': median {percentile(measures.waits, 0.5):.2f} s, 99th percentile "
        f"{percentile(measures.waits, 0.99):.2f} s, slowest {max(measures.waits, default=0.0):.2f} s",
    ]
    if measures.problems:
        lines.append(
            "Problems: " + "; ".join(f"{what} × {count}" for what, count in measures.problems.items())
        )
    return lines


def room_check(
    db: Database, url: str, phones: int, over: float, say: Callable[[str], None] = print
) -> tuple[bool, Measures]:
    """The whole check: make the practice workshop, run the phones, count what was stored, delete it.

    Raises :class:`NoServer` when no workshop server answers at ``url``, :class:`OtherDatabase` when it
    uses another database. The practice workshop is deleted whatever happens, Ctrl+C included.
    """
    check_server(url)
    practice = make_practice(db)
    try:
        say(f"Practice workshop {practice.workshop_id} made; {phones} phones arrive over {over:g} s …")
        check_server(url, practice.code)
        measures = asyncio.run(run_phones(url, practice, phones, over))
        measures.stored = stored_answers(db, practice.item_id)
    finally:
        # On Ctrl+C a request may still be in the server: a write it makes after this delete fails on the
        # foreign keys (db.py turns them on), so nothing of the practice run can be left behind.
        remove_practice(db, practice.workshop_id)
        say(f"Practice workshop {practice.workshop_id} deleted, with its seats and answers.")
    fine, sentence = verdict(measures)
    for line in report_lines(measures):
        say(line)
    say(
        "Measured on this laptop: the simulated phones share its processor, so a real room is a little "
        "easier, and the venue Wi-Fi is not part of it."
    )
    say(sentence)
    return fine, measures
