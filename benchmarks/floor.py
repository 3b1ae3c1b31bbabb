"""The bare floor for :mod:`benchmarks.room`: the least a server must do for the same phones.

A plain Starlette app on uvicorn (h11, no access log, the app's six worker threads, ``gc.freeze`` and its
garbage collector threshold) in a process of its own. A join parses the form, inserts a seat and sets the
cookie; a vote parses the form and makes one durable SQLite insert (WAL, ``synchronous=FULL``, one
connection behind a lock, a commit per write) of the ballot as JSON, then redirects to the saved page.
Pages and the status are the real app's bytes, served as they are. Whatever the real app spends beyond
this is the cost of being the app.
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


class Ballots:
    """The floor's database: seats and ballots, each write committed before the reply."""

    def __init__(self, path: Path) -> None:
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS seat (token TEXT PRIMARY KEY)")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS ballot (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, "
            "seat TEXT NOT NULL REFERENCES seat(token), answers TEXT NOT NULL, UNIQUE (item_id, seat))"
        )
        self.conn.commit()

    def add_seat(self, token: str) -> None:
        """Insert a seat and commit."""
        with self.lock:
            self.conn.execute("INSERT INTO seat (token) VALUES (?)", (token,))
            self.conn.commit()

    def add_ballot(self, item_id: int, token: str, answers: str) -> bool:
        """Insert a ballot of a known seat and commit; False (nothing written) for an unknown seat."""
        with self.lock:
            if self.conn.execute("SELECT 1 FROM seat WHERE token = ?", (token,)).fetchone() is None:
                return False
            self.conn.execute(
                "INSERT OR REPLACE INTO ballot (item_id, seat, answers) VALUES (?, ?, ?)",
                (item_id, token, answers),
            )
            self.conn.commit()
            return True


def floor_app(db_path: Path, code: str, item_id: int, pages: Pages) -> Starlette:
    """The bare app: the routes the phones use, doing the least each needs."""
    ballots = Ballots(db_path)
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


def floor_main(db_path: Path, code: str, item_id: int, pages: Pages, channel: Any) -> None:
    """Entry point of the floor's process: bind a loopback port, report it, serve until SIGTERM.

    Args:
        db_path: The floor's SQLite file (made here).
        code: The join code the routes answer to.
        item_id: The item the votes are for.
        pages: The real app's pages, served as they are.
        channel: A multiprocessing queue; gets ``("port", N)`` once listening is possible.
    """
    app = floor_app(db_path, code, item_id, pages)
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


def saved_seats(db_path: Path, item_id: int) -> list[str]:
    """The seat of every ballot the floor saved for the item, read through a new connection."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT seat FROM ballot WHERE item_id = ?", (item_id,)).fetchall()
    return [str(row[0]) for row in rows]
