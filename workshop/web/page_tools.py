"""What every participant page shares: the app's database, writer and templates, and the workshop lookup.

The lookup keeps, per worker process, what cannot change while a workshop exists (its id, join code,
title, organisations and role levels) for a second (:class:`~workshop.web.guards.LookupCache`), so a room
of phones does not read the same rows on every request. What does change (the current item, its state,
the seat) is read fresh by each page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from workshop import store
from workshop.db import Database
from workshop.models import Organisation, RoleLevel, Workshop, row_id
from workshop.store.codes import normalise_code
from workshop.web.guards import LookupCache
from workshop.writer import BatchWriter

SEAT_COOKIE_DAYS = 7


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


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A template rendered as a page."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


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
