"""One participant-server worker process: ``python -m workshop.web.worker``, started by
:mod:`workshop.participant_server`, never by hand.

A worker serves phones, the remote and the API for every workshop in the database, on a listening socket
its parent bound and passed down. It has its own :class:`BatchWriter`, so a vote is acknowledged only after
its commit, as before; what it no longer shares is the TUI's interpreter lock, so a burst of phones cannot
freeze the facilitator's screen.

Talking to the parent, in lines on the standard streams:

- stdin: first one JSON line of settings (the database URL travels here, not on the command line, where
  any user of the machine could read a password in it); then nothing. The pipe is the worker's lifeline:
  when it ends (the parent stopped it, or died, even by SIGKILL) the worker stops taking connections,
  finishes the requests in progress, commits every queued write and exits.
- stdout: JSON lines of news: ``{"ready": pid}`` once it accepts connections, ``{"problem": text|null}``
  when saving starts or stops failing (a full disk, a locked file), ``{"stopped": writes}`` at the end.
- stderr: its log.

SIGTERM stops it the same orderly way (a process manager may send it to every process of a service);
SIGINT and SIGHUP are left to the parent, which stops its workers in order.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import signal
import socket
import sys
import threading
from typing import Any

from sqlalchemy.exc import DBAPIError

from workshop.db import Database, open_database
from workshop.web.app import create_app
from workshop.web.phone_cache import ChangeListener
from workshop.web.server import EmbeddedServer
from workshop.writer import BatchWriter

log = logging.getLogger("workshop.worker")

PROBLEM_CHECK_SECONDS = 0.25
APPLICATION = "workshop participant server"
GC_THRESHOLD = 70_000  # the youngest generation's, 100 times Python's default of 700


def _say(**news: Any) -> None:
    # Flushed at once: the parent acts on each line as it comes.
    try:
        sys.stdout.write(json.dumps(news) + "\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        # The parent is gone (the lifeline ends too, so we are stopping): nobody is left to tell. Point
        # stdout at nothing, so Python's own flush at exit cannot fail either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _watch_lifeline(stop: Any) -> None:
    """Block until the parent closes our stdin (or dies), then ask the server to stop."""
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except (OSError, ValueError):
        pass
    stop()


def _reach_database(settings: dict[str, Any]) -> Database:
    """The database, reached now: a worker that cannot should fail as it starts, not at the first phone."""
    # The parent has brought it up to date. Named apart from a TUI's connections on a shared PostgreSQL.
    db = open_database(settings["database"], upgrade=False, application=APPLICATION)
    with db.reading() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return db


async def serve(settings: dict[str, Any], sock: socket.socket, db: Database) -> int:
    """Serve on ``sock`` until the lifeline ends or SIGTERM; return the number of writes committed."""
    writer = BatchWriter(db)
    writer.start()
    app = create_app(
        db,
        writer,
        settings.get("public_url"),
        form_secret=bytes.fromhex(settings["form_secret"]),
        workers=int(settings.get("workers", 1)),
    )
    # On PostgreSQL the worker keeps seats and open items, told by the database when to forget them.
    listener = None if db.is_sqlite else ChangeListener(settings["database"], app.state.phone_cache)
    if listener is not None:
        listener.start()
    server = EmbeddedServer(app, sock, trusted_proxies=settings.get("trusted_proxies") or ())
    loop = asyncio.get_running_loop()

    terms = 0

    def stop() -> None:
        server.should_exit = True

    def terminate() -> None:
        # SIGTERM twice cuts the wait for requests short, never the writes. The lifeline ending does not
        # count: a signal to the whole process group ends it too, and that is still one stop.
        nonlocal terms
        terms += 1
        if terms > 1:
            server.force_exit = True
        stop()

    loop.add_signal_handler(signal.SIGTERM, terminate)
    threading.Thread(
        target=_watch_lifeline, args=(lambda: loop.call_soon_threadsafe(stop),), daemon=True
    ).start()
    task = server.start()  # freezes what start-up made out of the collector's way (gc.freeze)
    # A request makes and drops thousands of small objects, and the collector's youngest generation ran
    # every 700: a few dozen times a phone, for nothing (a request's objects die with it; nothing here
    # keeps cycles). Collections a hundred times rarer cost a worker a few megabytes at most.
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    reporter = loop.create_task(_report(server, writer))
    try:
        await task
    finally:
        reporter.cancel()
        if listener is not None:
            await asyncio.to_thread(listener.stop)
        # Off the loop: the writer's thread may still be committing the last batch.
        await asyncio.to_thread(writer.stop)
        db.dispose()
    return writer.writes


async def _report(server: EmbeddedServer, writer: BatchWriter) -> None:
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
        await asyncio.sleep(0.01)
    _say(ready=True)
    said: str | None = None
    while True:
        await asyncio.sleep(PROBLEM_CHECK_SECONDS)
        if writer.problem != said:
            said = writer.problem
            _say(problem=said)


def main() -> int:
    """Read the settings line, then serve until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    settings = json.loads(sys.stdin.readline() or "{}")
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s",
    )
    sock = socket.socket(fileno=int(settings["fd"]))
    try:
        db = _reach_database(settings)
    except DBAPIError as exc:  # one line for the log, not a trace
        log.error("participant server worker cannot start: %s", exc.orig if exc.orig is not None else exc)
        return 1
    code = 1
    try:
        writes = asyncio.run(serve(settings, sock, db))
        _say(stopped=writes)
        log.info("participant server worker stopped after %d writes", writes)
        code = 0
    except Exception:
        log.exception("participant server worker failed")
    finally:
        # Whatever the ending, nothing is left to wait for: every write is committed or, never having
        # been acknowledged, abandoned. A request the stop cancelled may still have a thread reading for
        # it, and those threads are not daemons: Python's exit would wait for them, so a read blocked
        # behind another program's lock (PostgreSQL's LOCK TABLE, a migration) kept this process, and
        # the port, for as long as the lock.
        logging.shutdown()
        os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
