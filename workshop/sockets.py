"""Listening sockets for the participant server, bound by the process that owns the address.

The TUI and ``workshop serve`` bind the socket themselves and hand it to the server's worker processes, so
a taken port is a sentence in the TUI or an exit code, never a worker process that dies at start, and every
worker accepts connections from the one socket.
"""

from __future__ import annotations

import errno
import socket

PORT_ATTEMPTS = 20


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
        # IPPROTO_TCP named, not 0: asyncio turns on TCP_NODELAY only for sockets that say they are TCP,
        # and without it every small reply on a kept-alive connection waited ~40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
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
