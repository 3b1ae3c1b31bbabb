"""The real app for :mod:`benchmarks.room`: ``workshop run`` in a pseudo-terminal, as a facilitator starts it.

Embedded, the TUI serves the phones itself; hosted, it runs with ``--no-server`` and follows a
``workshop serve`` on the same database. The terminal is 120 × 40 and ``xterm-256color``; a thread reads
everything the TUI draws so it never waits on a full terminal. The app is stopped with SIGTERM, which the
facilitator's terminal sends when it closes and on which the app commits its queued writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.proctree import alive, tree

ROOT = Path(__file__).resolve().parents[1]
COLUMNS, ROWS = 120, 40


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch_bytes(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    """``GET path``: its status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def answers(port: int, path: str) -> bool:
    """Whether ``GET path`` on loopback ``port`` answers 200 now."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        return fetch_bytes(port, path)[0] == 200
    return False


def wait_until(
    process: subprocess.Popen[bytes],
    ready: Callable[[], bool],
    seconds: float,
    name: str,
    tail: Callable[[], str],
) -> None:
    """Poll ``ready`` every 0.1 s until it is true.

    Raises:
        RuntimeError: If ``process`` (called ``name`` in the message, with its ``tail``) exits first, or
            ``ready`` is not true within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}: {tail()}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} was not ready within {seconds:g} s: {tail()}")


@dataclass(frozen=True)
class Pages:
    """The real pages' bytes, which the bare floor serves as they are."""

    join: bytes
    form: bytes
    saved: bytes
    status: bytes


class RealApp:
    """``python -m workshop --db DB run ID`` in a pseudo-terminal: with ``--host 127.0.0.1 --port P`` (the
    TUI serves the phones), or with ``serve=False`` as ``--no-server`` (a facilitator's TUI following a
    ``workshop serve`` on the same database)."""

    def __init__(self, db: Path | str, workshop_id: int, probe_file: Path, *, serve: bool = True) -> None:
        self.port: int | None = free_port() if serve else None
        self.probe_file = probe_file
        self.output = bytearray()  # the tail of what the TUI drew, for a report when it fails
        self.exit_code: int | None = None
        controller, terminal = os.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
            "WORKSHOP_FRAME_PROBE": str(probe_file),
        }
        command = [sys.executable, "-m", "workshop", "--db", str(db), "run", str(workshop_id)]
        where = (
            ["--host", "127.0.0.1", "--port", str(self.port)] if self.port is not None else ["--no-server"]
        )
        self.process = subprocess.Popen(
            [*command, *where],
            cwd=ROOT,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(terminal)
        self.controller = controller
        self._stop_reading = threading.Event()
        self._reader = threading.Thread(target=self._drain, name="pty-drain", daemon=True)
        self._reader.start()

    def server_port(self) -> int:
        """The port the TUI's participant server listens on.

        Raises:
            RuntimeError: If this TUI runs no server (``serve=False``).
        """
        if self.port is None:
            raise RuntimeError("this TUI runs no participant server (--no-server)")
        return self.port

    @property
    def pid(self) -> int:
        """The TUI's process id: the root of the server's process tree."""
        return self.process.pid

    def _drain(self) -> None:
        """Read whatever the TUI draws until it closes the terminal; keep only the last 64 KiB."""
        while not self._stop_reading.is_set():
            ready, _, _ = select.select([self.controller], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:  # EIO: every process holding the terminal has gone
                return
            if not chunk:
                return
            self.output += chunk
            del self.output[:-65536]

    def wait_ready(self, code: str, seconds: float = 90.0) -> None:
        """Wait until the port accepts connections and the join page answers 200; without a server, until
        the TUI's frame probe has written its first summary (the app is up and its loop ticks).

        Raises:
            RuntimeError: If the app exits first, or is not ready within ``seconds``.
        """

        def ready() -> bool:
            return self.probe_file.exists() if self.port is None else answers(self.port, f"/j/{code}")

        wait_until(self.process, ready, seconds, "the app", self.tail)

    def stop(self, seconds: float = 30.0) -> list[int]:
        """SIGTERM the TUI, wait for it and every process it started to end; kill what outlives ``seconds``.

        Returns:
            The processes that had to be killed (none, when the app stops as designed).
        """
        killed = stop_tree(self.process, seconds)
        self.exit_code = self.process.returncode
        self._stop_reading.set()
        self._reader.join(5)
        os.close(self.controller)
        return killed

    def tail(self) -> str:
        """The end of what the app wrote to its terminal, escape sequences dropped, for error messages."""
        text = bytes(self.output[-4000:]).decode("utf-8", "replace")
        printable = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
        return " ".join(printable.split())[-600:]


NO_PAGES = Pages(b"", b"", b"", b"{}")  # before the app served any: the floor serves these empty


def pages_before(port: int, code: str) -> tuple[bytes, bytes]:
    """The join page, and the form page a newly joined phone gets (this joins one extra seat)."""
    join = fetch_bytes(port, f"/j/{code}")[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = "organisation=&role_level="
    conn.request(
        "POST", f"/j/{code}", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = conn.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    location = response.getheader("Location") or f"/w/{code}"
    conn.close()
    return join, fetch_bytes(port, location, cookie)[1]


def pages_after(port: int, code: str, item_id: int, seat: str) -> tuple[bytes, bytes]:
    """The saved page of a phone that voted (``seat``: its cookie value), and the status reply."""
    saved = fetch_bytes(port, f"/w/{code}/items/{item_id}/saved", f"seat_{code}={seat}")[1]
    return saved, fetch_bytes(port, f"/w/{code}/status")[1]


def stop_tree(process: subprocess.Popen[bytes], seconds: float = 30.0) -> list[int]:
    """SIGTERM ``process``, wait for it and every process under it to end; SIGKILL what outlives ``seconds``.

    Returns:
        The processes that had to be killed (none, when the process stops as designed).
    """
    family = tree(process.pid)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)
    while any(alive(pid) for pid in family[1:]) and time.monotonic() < deadline:
        time.sleep(0.05)
    killed = [pid for pid in family if alive(pid)]
    for pid in killed:  # only processes this benchmark started, directly or through them
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()
    return killed
