"""The bare floor for :mod:`benchmarks.room`: the least a server must do for the same phones.

A plain Starlette app on uvicorn (h11, no access log, the app's six worker threads, ``gc.freeze`` and its
garbage collector threshold) in a process of its own. A join parses the form, inserts a seat and sets the
cookie; a vote parses the form and makes one durable insert of the ballot as JSON (one connection behind a
lock, a commit per write), then redirects to the saved page. The database is the app's: SQLite (WAL,
``synchronous=FULL``) beside the embedded app, PostgreSQL (the same cluster, its own database) beside the
hosted one. Pages and the status are the real app's bytes, served as they are. Whatever the real app
spends beyond this is the cost of being the app.
"""

from __future__ import annotations

import asyncio
import gc
import json
import secrets
import socket
import sqlite3
import threading
from pathlib import Path
from typing import Any

import anyio.to_thread
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from benchmarks.room_app import Pages

THREADS = 6  # as workshop.web.server
GC_THRESHOLD = 70_000  # as workshop.web.worker (not imported: that would load the whole app in here)


_SEAT_TABLE = "CREATE TABLE IF NOT EXISTS seat (token TEXT PRIMARY KEY)"
_BALLOT_TABLE = (
    "CREATE TABLE IF NOT EXISTS ballot (id {key}, item_id INTEGER NOT NULL, "
    "seat TEXT NOT NULL REFERENCES seat(token), answers TEXT NOT NULL, UNIQUE (item_id, seat))"
)


class Ballots:
    """The floor's database: seats and ballots, each write committed before the reply.

    ``database`` is a SQLite file, or a PostgreSQL URL (``postgresql://…``; psycopg is imported only then).
    """

    def __init__(self, database: Path | str) -> None:
        self.lock = threading.Lock()
        self.conn: Any
        if isinstance(database, Path):
            self.mark, upsert = "?", "INSERT OR REPLACE INTO ballot (item_id, seat, answers) VALUES (?, ?, ?)"
            self.conn = sqlite3.connect(database, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            key = "INTEGER PRIMARY KEY"
        else:
            import psycopg

            self.mark = "%s"
            upsert = (
                "INSERT INTO ballot (item_id, seat, answers) VALUES (%s, %s, %s) "
                "ON CONFLICT (item_id, seat) DO UPDATE SET answers = excluded.answers"
            )
            self.conn = psycopg.connect(database)  # a commit waits for the log to be flushed, as the app's
            key = "SERIAL PRIMARY KEY"
        self.upsert = upsert
        self.conn.execute(_SEAT_TABLE)
        self.conn.execute(_BALLOT_TABLE.format(key=key))
        self.conn.commit()

    def add_seat(self, token: str) -> None:
        """Insert a seat and commit."""
        with self.lock:
            self.conn.execute(f"INSERT INTO seat (token) VALUES ({self.mark})", (token,))
            self.conn.commit()

    def add_ballot(self, item_id: int, token: str, answers: str) -> bool:
        """Insert a ballot of a known seat and commit; False (nothing written) for an unknown seat."""
        with self.lock:
            known = self.conn.execute(f"SELECT 1 FROM seat WHERE token = {self.mark}", (token,)).fetchone()
            if known is None:
                self.conn.rollback()
                return False
            self.conn.execute(self.upsert, (item_id, token, answers))
            self.conn.commit()
            return True


def floor_app(database: Path | str, code: str, item_id: int, pages: Pages) -> Starlette:
    """The bare app: the routes the phones use, doing the least each needs."""
    ballots = Ballots(database)
    cookie = f"seat_{code}"

    def html(body: bytes) -> Response:
        return Response(body, media_type="text/html; charset=utf-8")

    async def join_page(request: Request) -> Response:
        return html(pages.join)

    async def join(request: Request) -> Response:
        await request.form()
        token = secrets.token_urlsafe(24)
        await run_in_threadpool(ballots.add_seat, token)
        response = RedirectResponse(f"/w/{code}", status_code=303)
        response.set_cookie(cookie, token, max_age=180 * 86400, httponly=True, samesite="lax")
        return response

    async def form_page(request: Request) -> Response:
        return html(pages.form)

    async def vote(request: Request) -> Response:
        form = await request.form()
        answers = json.dumps({key: str(value) for key, value in form.multi_items()})
        token = request.cookies.get(cookie, "")
        if not await run_in_threadpool(ballots.add_ballot, item_id, token, answers):
            return Response(status_code=403)
        return RedirectResponse(f"/w/{code}/items/{item_id}/saved", status_code=303)

    async def saved_page(request: Request) -> Response:
        return html(pages.saved)

    async def status(request: Request) -> Response:
        return Response(pages.status, media_type="application/json")

    return Starlette(
        routes=[
            Route(f"/j/{code}", join_page, methods=["GET"]),
            Route(f"/j/{code}", join, methods=["POST"]),
            Route(f"/w/{code}", form_page, methods=["GET"]),
            Route(f"/w/{code}/items/{item_id}", vote, methods=["POST"]),
            Route(f"/w/{code}/items/{item_id}/saved", saved_page, methods=["GET"]),
            Route(f"/w/{code}/status", status, methods=["GET"]),
        ]
    )


def floor_main(database: Path | str, code: str, item_id: int, pages: Pages, channel: Any) -> None:
    """Entry point of the floor's process: bind a loopback port, report it, serve until SIGTERM.

    Args:
        database: The floor's SQLite file (made here), or its PostgreSQL database's URL (tables made here).
        code: The join code the routes answer to.
        item_id: The item the votes are for.
        pages: The real app's pages, served as they are.
        channel: A multiprocessing queue; gets ``("port", N)`` once listening is possible.
    """
    app = floor_app(database, code, item_id, pages)
    # The protocol named, not left 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it every keep-alive reply after the first waits ~40 ms for a delayed acknowledgement.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)  # connections wait in the backlog until uvicorn serves, none is refused
    config = uvicorn.Config(
        app,
        http="h11",
        log_config=None,
        access_log=False,
        lifespan="off",
        limit_concurrency=4000,
        backlog=2048,
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        gc.freeze()
        gc.set_threshold(GC_THRESHOLD, 10, 10)  # as the app's workers do: the same runtime, the same rules
        await server.serve(sockets=[sock])  # uvicorn takes SIGTERM as its cue to finish gracefully

    channel.put(("port", int(sock.getsockname()[1])))
    asyncio.run(serve())


def saved_seats(database: Path | str, item_id: int) -> list[str]:
    """The seat of every ballot the floor saved for the item, read through a new connection."""
    query = "SELECT seat FROM ballot WHERE item_id = {}"
    if isinstance(database, Path):
        if not database.exists():
            return []
        with sqlite3.connect(database) as conn:
            rows = conn.execute(query.format("?"), (item_id,)).fetchall()
    else:
        import psycopg

        with psycopg.connect(database) as pg:
            rows = pg.execute(query.format("%s"), (item_id,)).fetchall()
    return [str(row[0]) for row in rows]
