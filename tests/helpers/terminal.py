"""The real `workshop` command in a pseudo-terminal that is its controlling terminal, as a window gives it.

Closing the controller side is what closing a terminal window (or ending a tmux session) does: the kernel
hangs up the terminal and sends SIGHUP to the app.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _controlling_terminal() -> None:
    # Runs in the child between fork and exec: a new session whose controlling terminal is stdin's pty.
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class TerminalSession:
    """``workshop ARGS`` drawing into a pty of ``columns`` × ``rows``; ``output`` holds every byte read."""

    def __init__(self, *args: str, columns: int = 120, rows: int = 36) -> None:
        self.controller, terminal = pty.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workshop", *args],
            cwd=ROOT,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env={**os.environ, "TERM": "xterm-256color"},
            close_fds=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(terminal)
        self.output = b""
        self.closed = False

    def read_until(self, wanted: bytes, seconds: float = 30) -> bool:
        """Read the terminal until ``wanted`` has been drawn; False if it was not within ``seconds``."""
        deadline = time.monotonic() + seconds
        while wanted not in self.output and time.monotonic() < deadline:
            self.read(0.5)
        return wanted in self.output

    def read(self, seconds: float) -> None:
        """Read whatever the app draws for up to ``seconds``."""
        ready, _, _ = select.select([self.controller], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):
                self.output += os.read(self.controller, 65536)

    def type(self, keys: bytes) -> None:
        """Type ``keys`` at the terminal."""
        os.write(self.controller, keys)

    def read_until_exit(self, seconds: float, keys: bytes = b"") -> int | None:
        """Keep reading (and typing ``keys`` again, in case the first arrived before the app listened)
        until the app ends; its exit code, or None if it still runs after ``seconds``.

        A terminal nobody reads fills up and blocks the app's last writes: read while it quits.
        """
        deadline = time.monotonic() + seconds
        while self.process.poll() is None and time.monotonic() < deadline:
            if keys:
                self.type(keys)
            self.read(0.5)
        return self.process.poll()

    def close_terminal(self) -> None:
        """Close the window: the app's terminal hangs up."""
        if not self.closed:
            os.close(self.controller)
            self.closed = True

    def wait(self, seconds: float) -> int | None:
        """The exit code once the app ends, or None if it is still running after ``seconds``."""
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def end(self) -> None:
        """Kill the app if it is still running and close the terminal."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.close_terminal()
