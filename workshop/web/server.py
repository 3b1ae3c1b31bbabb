"""Runs uvicorn inside another program's event loop: its own socket, no signal capture, no logging."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import socket
from collections.abc import Callable, Generator, Sequence

import anyio.to_thread
import uvicorn

PORT_ATTEMPTS = 20
THREADS = 6


class PortUnavailable(OSError):
    """No port could be bound; the message says which were tried and why."""


def bind_socket(host: str, port: int, attempts: int = PORT_ATTEMPTS) -> tuple[socket.socket, str | None]:
    """Bind a listening socket on ``port``, or the next free one; return it and a notice if it moved.

    We bind it ourselves because uvicorn, when it binds and fails, exits the whole process.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last_error: OSError | None = None
    candidates = [port] if port == 0 else [port + i for i in range(attempts) if port + i <= 65535]
    for candidate in candidates:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
            sock.listen(2048)
        except OSError as exc:
            sock.close()
            last_error = exc
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                continue
            raise PortUnavailable(f"cannot listen on {host}:{candidate}: {exc.strerror or exc}") from exc
        sock.setblocking(False)
        actual = sock.getsockname()[1]
        notice = None
        if port and actual != port:
            notice = f"Port {port} was busy, so the participant server uses port {actual}."
        return sock, notice
    reason = last_error.strerror if last_error and last_error.strerror else "in use"
    if len(candidates) == 1:
        raise PortUnavailable(f"cannot listen on port {port} on {host} ({reason})")
    raise PortUnavailable(f"no free port from {port} to {candidates[-1]} on {host} ({reason})")


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

    async def stop(self) -> None:
        """Ask the server to finish and wait for it."""
        self.should_exit = True
        if self.task is not None:
            await self.task
            self.task = None
