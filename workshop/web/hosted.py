"""The participant server on its own, without the TUI: every workshop in the database, until a signal.

This is ``workshop serve``. It reuses what the TUI runs (:class:`EmbeddedServer`, :func:`create_app`, one
:class:`BatchWriter`), so a phone's vote takes the same path and is acknowledged only after its commit;
only the event loop and the signals are ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Sequence

from workshop.db import Database
from workshop.web.app import create_app
from workshop.web.server import EmbeddedServer, PortUnavailable, bind_socket
from workshop.writer import BatchWriter

log = logging.getLogger(__name__)

# SIGHUP too: a server started from a terminal that then closes stops as cleanly as on SIGTERM.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def bind_exactly(host: str, port: int) -> socket.socket:
    """A listening socket on exactly ``host:port`` (port 0: any free one), or :class:`PortUnavailable`.

    The TUI moves to the next free port and shows the new QR code; a hosted server must not, because a
    reverse proxy, a firewall rule or an address already handed out points at the port it was given.
    """
    try:
        sock, _moved = bind_socket(host, port, attempts=1)
    except PortUnavailable as exc:
        raise PortUnavailable(f"{exc}: stop what uses it, or choose another port with --port") from exc
    return sock


async def serve_hosted(
    db: Database,
    host: str,
    port: int,
    *,
    public_url: str | None = None,
    trusted_proxies: Sequence[str] = (),
    ready: Callable[[int], None] = lambda _port: None,
) -> None:
    """Serve phones, the remote and the API for every workshop in ``db`` until SIGTERM, SIGINT or SIGHUP.

    ``ready`` is called with the port once the server accepts connections. On a signal the server stops
    taking connections, lets requests in progress finish (uvicorn's graceful shutdown, 3 s), and the
    writer then commits every write still queued before this returns; a second signal cuts the wait for
    requests short, never the writes. Raises :class:`PortUnavailable` before anything starts if the port
    cannot be had.
    """
    sock = bind_exactly(host, port)  # first: a refused port leaves no writer or server to stop
    writer = BatchWriter(db)
    writer.start()
    server = EmbeddedServer(create_app(db, writer, public_url), sock, trusted_proxies=trusted_proxies)
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        log.warning("received %s: stopping the participant server", sig.name)
        if server.should_exit:
            server.force_exit = True
        server.should_exit = True

    installed = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # Windows, not main thread
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
    try:
        task = server.start()
        while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn offers only this flag
            await asyncio.sleep(0.01)
        if server.started:
            ready(server.port)
        await task
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        # Off the loop: the writer's thread may still be committing the last batch.
        await asyncio.to_thread(writer.stop)
        sock.close()
        log.info("participant server stopped; %d writes in %d batches", writer.writes, writer.batches)
