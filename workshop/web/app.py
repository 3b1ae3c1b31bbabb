"""Builds the participant web app around a database and its writer."""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from workshop import __version__, locations, untrusted, wording
from workshop.db import Database
from workshop.web import (
    api,
    api_actions,
    api_agreed,
    api_items,
    api_outcomes,
    api_values,
    pages,
    pages_join,
    remote,
    remote_maturity,
    remote_values,
)
from workshop.web.guards import LookupCache, PageCache, SeatCodeGuard, StatusCache
from workshop.web.middleware import GuardMiddleware
from workshop.web.participant_app import ParticipantApp
from workshop.web.phone_cache import PhoneCache
from workshop.write_problems import for_phones, write_problem
from workshop.writer import BatchWriter

MAX_BODY_BYTES = 64 * 1024


def _retry_page(path: str) -> str:
    """A page to go back to after a failed post: the remote's, the participant's workshop, or the start."""
    parts = path.strip("/").split("/")
    if parts[0] == "f":
        return "/f/"
    if parts[0] in ("j", "w") and len(parts) > 1:
        return f"/{parts[0]}/{parts[1]}"
    return "/"


def create_app(
    db: Database,
    writer: BatchWriter,
    public_url: str | None = None,
    form_secret: bytes | None = None,
    workers: int = 1,
) -> ParticipantApp:
    """The participant app; the caller owns (starts and stops) the writer.

    ``public_url`` is the address phones are given, when it is not this server's own (a reverse proxy):
    the remote accepts forms sent from a page there too. ``form_secret`` keys the remote's form tokens:
    worker processes that share one socket must share it, as a form may be posted to another worker than
    the one that served it (a new random one when not given). ``workers`` is how many processes serve the
    same address: the seat-code brake's limits are shared out among them.
    """
    app = ParticipantApp(
        title="workshop participant server", version=__version__, docs_url=None, redoc_url=None
    )
    app.state.db = db
    app.state.writer = writer
    # Every value a page prints is made readable first (workshop/untrusted.py): no control characters.
    templates = Jinja2Templates(directory=str(locations.web_templates_dir()))
    templates.env.finalize = untrusted.finalize
    # The templates ship with the package: checking each one's file time on every render bought nothing.
    templates.env.auto_reload = False
    # The remote counts the room in the same words as the terminal: "nobody has joined yet", not "0 of 0".
    templates.env.globals["of_joined"] = wording.of_joined
    app.state.templates = templates
    app.state.seat_guard = SeatCodeGuard.shared_by(workers)
    # Keys the remote's form tokens (workshop/web/csrf.py); a new one each run, so a restart makes pages
    # opened before it refuse their forms once, with a page that says to go back to the remote.
    app.state.form_secret = form_secret or secrets.token_bytes(32)
    app.state.public_url = public_url
    app.state.status_cache = StatusCache()
    app.state.lookups = LookupCache()
    app.state.page_cache = PageCache()
    # Off until a ChangeListener runs beside it (a serve worker on PostgreSQL: workshop/web/worker.py).
    app.state.phone_cache = PhoneCache()
    app.mount("/static", StaticFiles(directory=str(locations.web_static_dir())), name="static")
    # The phones' pages are plain routes, matched first and past FastAPI's middleware: its routers and
    # layers cost each request more than the page itself (benchmarks/README.md). None is in the schema.
    app.serve_phones([*pages_join.routes, *pages.routes])
    app.include_router(api.router)
    # What shapes the outcomes, and the outcome pack: the same prefix and the same token as the agenda's API.
    for outcome_api in (api_values, api_agreed, api_actions, api_outcomes, api_items):
        app.include_router(outcome_api.router)
    # The remote by job: the run-sheet, a maturity item's horizon and agreed levels, values moderation.
    for remote_pages in (remote_maturity, remote_values, remote):
        app.include_router(remote_pages.router)

    app.add_middleware(GuardMiddleware, max_body=MAX_BODY_BYTES)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        missing = exc.status_code == 404
        context = {
            "title": "Page not found" if missing else "Something went wrong",
            "message": "Check the address, or type the workshop code on the start page."
            if missing
            else exc.detail,
        }
        return templates.TemplateResponse(
            request, "problem.html", context, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(DBAPIError)
    async def database_failed(request: Request, exc: DBAPIError) -> Response:
        # A full disk or a locked file, anywhere a page or the API writes (joining, restoring a seat, the
        # remote): one clear reply instead of a bare 500. Forms keep their own, with the answers kept.
        reason = write_problem(exc)
        if reason is None:
            raise exc  # a bug, not the machine: the guard's 500 (with its headers) and a logged trace
        message = for_phones(reason)
        headers = {"Retry-After": "30"}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, 503, headers=headers)
        context = {"title": "Not saved", "message": message, "back_url": _retry_page(request.url.path)}
        return templates.TemplateResponse(
            request, "problem.html", {**context, "back_label": "Try again"}, status_code=503, headers=headers
        )

    favicon = (locations.web_static_dir() / "favicon.ico").read_bytes()

    @app.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    async def favicon_ico() -> Response:
        # Every phone's browser asks for it on its first page: an icon kept for a day, not a 404 in the log.
        return Response(
            favicon, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, bool]:
        # On the event loop, not in the worker threads: it answers even while every worker is busy.
        return {"ok": True}

    return app
