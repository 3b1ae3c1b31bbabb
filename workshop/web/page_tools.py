"""What every participant page shares: the app's database, writer and templates, and the workshop lookup.

The lookup keeps, per worker process, what cannot change while a workshop exists (its id, join code,
title, organisations and role levels) for a second (:class:`~workshop.web.guards.LookupCache`), so a room
of phones does not read the same rows on every request. What does change (the current item, its state,
the seat) is read by each page, or on PostgreSQL taken from what the worker keeps until the database says
it changed (:mod:`workshop.web.phone_cache`).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import itertools
import threading
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import escape
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from workshop import store
from workshop.db import Database
from workshop.models import Organisation, RoleLevel, Seat, Workshop, row_id
from workshop.store.codes import normalise_code
from workshop.web.guards import LookupCache, PageCache
from workshop.web.phone_cache import PhoneCache
from workshop.writer import BatchWriter

SEAT_COOKIE_DAYS = 7
P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Joinable:
    """A workshop phones can join, as read at one moment: rows that stay the same while it exists."""

    workshop: Workshop
    organisations: list[Organisation]
    role_levels: list[RoleLevel]
    # The join page as first rendered with no errors: it shows only the rows above.
    join_page: bytes | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        """The workshop's id."""
        return row_id(self.workshop)


def db_of(request: Request) -> Database:
    """The database create_app put in the app's state."""
    db: Database = request.app.state.db
    return db


def writer_of(request: Request) -> BatchWriter:
    """The app's single writer."""
    writer: BatchWriter = request.app.state.writer
    return writer


async def run_read(request: Request, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)``, a page's short reads: on the event loop on SQLite, in a thread otherwise.

    A worker process serves only phones (the terminal runs elsewhere), and a SQLite read there takes about
    0.1 ms, less than handing it to a thread and back (the in-process driver went from 5.4–5.6 to 4.9–5.0
    ms of CPU a phone; benchmarks/README.md, fourth round). PostgreSQL's reads wait on the network, which
    must not hold up every other phone on the loop, so they keep the thread pool.
    """
    if db_of(request).is_sqlite:
        return fn(*args, **kwargs)
    return await run_in_threadpool(fn, *args, **kwargs)


def reads(endpoint: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
    """A page written as a plain function, run as :func:`run_read` runs a read."""

    @functools.wraps(endpoint)
    async def page(request: Request) -> Response:
        return await run_read(request, endpoint, request)

    return page


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A template rendered as a page."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


# Where the seat code goes in a page rendered for any seat. "0" is not in a code's alphabet: no real code.
SEAT_CODE_SLOT = "SEATCODE0SLOT"
_SLOT = SEAT_CODE_SLOT.encode()
_PLAIN = (str, int, float, bool, bytes, datetime.date, datetime.datetime, enum.Enum, type(None))
_EXACT = frozenset({str, int, float, bool, type(None), datetime.datetime})


class _Unshared(Exception):
    """A context holds something :func:`fingerprint` cannot compare: render the page for this seat."""


def fingerprint(value: Any) -> Hashable:
    """Everything a template can read of ``value``, as a hashable value equal only for equal contents.

    Rows and models by their fields, dataclasses by theirs, mappings and sequences in their order (a page
    shows them in that order). Anything else raises ``_Unshared``. Run on every form page, so the common
    types are tested first and by exact type.
    """
    kind = type(value)
    if kind in _EXACT:
        return value if kind is str else (kind.__name__, value)  # True == 1, but not on a page
    if kind is dict:
        return ("map", tuple((fingerprint(k), fingerprint(v)) for k, v in value.items()))
    if kind is list or kind is tuple:
        return ("seq", tuple(fingerprint(v) for v in value))
    if isinstance(value, BaseModel):  # rows (SQLModel) too: their fields, read as a template would
        return (kind.__name__, tuple(fingerprint(getattr(value, name)) for name in kind.model_fields))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if getattr(kind, "fixed_content", False):
            return _fixed_fingerprint(value)
        return (kind.__name__, tuple(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, _PLAIN):
        return (kind.__name__, value)
    if isinstance(value, Mapping):
        return ("map", tuple((fingerprint(k), fingerprint(v)) for k, v in value.items()))
    raise _Unshared(kind.__name__)


# Objects whose type says their content never changes (``fixed_content``), by identity: each with a number
# standing for its content (equal contents, one number; numbers never reused). An entry holds its object,
# so no other object can take its id while the entry lasts.
_FIXED: dict[int, tuple[Any, int]] = {}
_CONTENTS: dict[Hashable, int] = {}
_NUMBERS = itertools.count()
_FIXED_KEPT = 256
_FIXED_LOCK = threading.Lock()


def _fixed_fingerprint(value: Any) -> Hashable:
    """:func:`fingerprint` of a dataclass that is never changed once made, worked out once per object (a
    matrix's structure: most of a form page's fingerprint, and the same object on every page). A small
    value, so the page cache does not hash the whole content on every page either."""
    kept = _FIXED.get(id(value))
    if kept is not None and kept[0] is value:
        return ("fixed", kept[1])
    with _FIXED_LOCK:  # pages read in threads on PostgreSQL
        return ("fixed", _remember_fixed(value))


def _remember_fixed(value: Any) -> int:
    content = (
        type(value).__name__,
        tuple(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value)),
    )
    number = _CONTENTS.get(content)
    if number is None:
        number = next(_NUMBERS)
        if len(_CONTENTS) >= _FIXED_KEPT:
            _CONTENTS.pop(next(iter(_CONTENTS)))
        _CONTENTS[content] = number
    if len(_FIXED) >= _FIXED_KEPT:
        _FIXED.pop(next(iter(_FIXED)))
    _FIXED[id(value)] = (value, number)
    return number


def render_for_seat(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    """A page (status 200) whose only part that is the seat's own is its code, as :func:`render` would.

    Most of a room gets the same form page (no answers yet, the same step), so it is rendered once per
    distinct context and the seat's code put in. The context, read fresh by this request, is the key: a
    change made by any process (the item, its settings, its structure, the seat's answers) makes another.
    Templates read only ``seat.code`` of the seat, and only the join code and title of the workshop (tests
    keep it so).
    """
    seat: Seat = context["seat"]
    cache: PageCache = request.app.state.page_cache
    activity = type(context.get("activity")).__name__
    shown = {k: v for k, v in context.items() if k not in ("seat", "activity")}
    workshop = shown.get("workshop")
    if isinstance(workshop, Workshop):
        # Only what templates read of it (a test keeps it so): its revision moves with every vote, and
        # keying on it would render the room's form again every second of a burst.
        shown["workshop"] = (workshop.id, workshop.join_code, workshop.title)
    try:
        key = (name, activity, fingerprint(shown))
    except _Unshared:
        return render(request, name, context)
    parts: tuple[bytes, bytes] | None = cache.get(key)
    if parts is None:
        anyone = Seat.model_construct(**{**seat.model_dump(), "code": SEAT_CODE_SLOT})
        body = bytes(render(request, name, {**context, "seat": anyone}).body)
        if body.count(_SLOT) != 1:  # the slot's text in a participant's text: not safe to fill in
            return render(request, name, context)
        before, _, after = body.partition(_SLOT)
        parts = (before, after)
        cache.put(key, parts)
    return HTMLResponse(parts[0] + str(escape(seat.code)).encode() + parts[1])


def over_tls(request: Request) -> bool:
    """Whether cookies set now must be Secure: the page came over HTTPS (a trusted proxy says so with
    X-Forwarded-Proto), or phones are given an https address (a proxy in front that is not trusted)."""
    public: str = request.app.state.public_url or ""
    # The scope's scheme, as request.url's would be, without building the whole address on every join.
    return request.scope.get("scheme") == "https" or public.startswith("https://")


def cookie_name(workshop: Workshop) -> str:
    """The name of the seat cookie for this workshop."""
    return f"seat_{workshop.join_code}"


def to(path: str) -> RedirectResponse:
    """A redirect after a post (303), or to where a phone should be."""
    return RedirectResponse(path, status_code=303)


def _load(db: Database, code: str) -> Joinable | None:
    with db.reading() as session:
        try:
            workshop = store.find_by_join_code(session, code)
        except store.WorkshopNotFound:
            return None
        wid = row_id(workshop)
        return Joinable(
            workshop, list(store.organisations(session, wid)), list(store.role_levels(session, wid))
        )


def lookup(request: Request, code: str) -> Joinable | None:
    """The workshop phones join with ``code`` (as typed), or None; blocks, so call it off the event loop."""
    key = normalise_code(code)
    cache: LookupCache = request.app.state.lookups
    found: Joinable | None = cache.get(key, lambda: _load(db_of(request), key))
    return found


def fresh_lookup(request: Request, code: str) -> Joinable | None:
    """The workshop :func:`lookup` would give if it keeps it now, else None: never reads, so it may run on
    the event loop."""
    cache: LookupCache = request.app.state.lookups
    found: Joinable | None = cache.fresh(normalise_code(code))
    return found


def phone_cache_of(request: Request) -> PhoneCache:
    """The seats and open items this worker keeps (in use only on PostgreSQL, with a listener)."""
    cache: PhoneCache = request.app.state.phone_cache
    return cache


def joinable(request: Request, code: str) -> Joinable:
    """Like :func:`lookup`, or the 404 page."""
    found = lookup(request, code)
    if found is None:
        raise HTTPException(404)
    return found


def gone(request: Request, code: str) -> HTTPException:
    """A page found the workshop deleted while the lookup still had it: forget it, and answer 404."""
    cache: LookupCache = request.app.state.lookups
    cache.forget(normalise_code(code))
    return HTTPException(404)
