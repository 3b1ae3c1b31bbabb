"""Runs uvicorn inside another program's event loop: its own socket, no signal capture, no log set-up."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING

import anyio.to_thread
import uvicorn

from workshop.sockets import PortUnavailable, bind_socket

if TYPE_CHECKING:
    from uvicorn.server import Protocols

log = logging.getLogger(__name__)

__all__ = ["EmbeddedServer", "PortUnavailable", "bind_socket"]

THREADS = 6
# A late connection appears one loop turn after the listener closes; the first check finds it, and later
# ones are a cheap safety net for as long as the stop lasts.
LATE_CONNECTION_CHECK_SECONDS = 0.02


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals and the terminal to its host program."""

    def __init__(
        self, app: Callable[..., object], sock: socket.socket, trusted_proxies: Sequence[str] = ()
    ) -> None:
        # uvicorn by default believes X-Forwarded-For from loopback, so anything on the laptop (or a
        # request relayed through it) could choose its client address and dodge the seat-code brake.
        # The header is read only when the facilitator names the proxy in front (--trusted-proxy).
        config = uvicorn.Config(
            app,
            proxy_headers=bool(trusted_proxies),
            forwarded_allow_ips=list(trusted_proxies) or None,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
            limit_concurrency=4000,
            backlog=2048,
        )
        super().__init__(config)
        self.sock = sock
        self.task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None]:
        """Leave SIGINT/SIGTERM to the host app; uvicorn would otherwise take them over."""
        yield

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.sock.getsockname()[1])

    def start(self, threads: int = THREADS) -> asyncio.Task[None]:
        """Start serving in the running event loop.

        Fewer worker threads than the default forty: every thread contends for the GIL with the event loop
        that draws the TUI, and a burst measured smoother and faster with a few (benchmarks/README.md).
        Objects already made (the app, its imports) are frozen out of the garbage collector's full sweeps,
        which otherwise paused everything for tens of milliseconds during a burst.
        """
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        gc.freeze()
        self.task = asyncio.get_running_loop().create_task(
            self.serve(sockets=[self.sock]), name="participant-server"
        )
        return self.task

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, with every connection asked to close, however late it came.

        uvicorn asks the connections it holds to close once, as it stops listening. A connection the event
        loop accepted just before that is set up a loop turn later, was never asked, and went on serving a
        keep-alive phone until the graceful timeout cancelled its request mid-write: the vote saved, the
        phone never told. Phones that lose a connection reconnect at once, so a busy room finds that turn
        (CI did, about one stop in three on a loaded machine).
        """
        asked = set(self.server_state.connections)  # uvicorn asks these itself, before its first await
        closer = asyncio.get_running_loop().create_task(self._close_late_connections(asked))
        try:
            await super().shutdown(sockets)
        finally:
            closer.cancel()
            await asyncio.gather(closer, return_exceptions=True)

    async def _close_late_connections(self, asked: set[Protocols]) -> None:
        while True:
            for connection in list(self.server_state.connections):
                if connection in asked or connection.transport.is_closing():
                    continue  # a closing one leaves by itself; asking it again could only raise
                asked.add(connection)
                try:
                    connection.shutdown()  # an idle one closes now; a busy one after its reply
                except Exception:  # one connection in a bad state must not leave the rest unasked
                    log.exception("could not ask a connection to close")
            await asyncio.sleep(LATE_CONNECTION_CHECK_SECONDS)

    async def stop(self) -> None:
        """Ask the server to finish and wait for it."""
        self.should_exit = True
        if self.task is not None:
            await self.task
            self.task = None
