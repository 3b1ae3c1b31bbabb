"""``workshop run`` as a facilitator starts it: a real process tree in a pseudo-terminal, read as a screen.

The app (:class:`tests.helpers.terminal.TerminalSession`) leads its own session and process group, and its
participant-server workers inherit the group: :meth:`RunningApp.kill_all` cuts the power to all of them at
once. A thread reads everything the app draws (a terminal nobody reads would block the app) into a ``pyte``
screen, so a test reads what is on screen now, and can tell that a notice has gone, not only that it was
drawn once.

Also here: a small disk of its own (a tmpfs mount) that a test can fill, for a real "disk full".
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyte
import pytest

from tests.helpers.serve import READY_WITHIN, EndsOnExit, eventually
from tests.helpers.terminal import TerminalSession
from tests.helpers.web import free_port

COLUMNS, ROWS = 120, 36
TOAST_BAR = "▌"


class RunningApp(EndsOnExit):
    """``workshop --db PATH run ID --host 127.0.0.1 --port P`` in a pty of ``COLUMNS`` × ``ROWS``."""

    def __init__(self, db_path: Path, workshop_id: int, port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.session = TerminalSession(
            "--db", str(db_path), "run", str(workshop_id), "--host", "127.0.0.1", "--port", str(self.port),
            columns=COLUMNS,
            rows=ROWS,
        )  # fmt: skip
        self._screen = pyte.Screen(COLUMNS, ROWS)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._stop_reading = threading.Event()
        self._reader = threading.Thread(target=self._drain, name="pty-screen", daemon=True)
        self._reader.start()

    @property
    def url(self) -> str:
        """Where phones reach the app, if it listens on the port it was given."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The TUI's process id, which is also its process group's."""
        return self.session.process.pid

    def _drain(self) -> None:
        controller = self.session.controller
        while not self._stop_reading.is_set():
            ready, _, _ = select.select([controller], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every process holding the terminal has gone
                return
            if not chunk:
                return
            with self._lock:
                self._stream.feed(chunk)

    def text(self) -> str:
        """What the screen shows now, one line per row."""
        with self._lock:
            return "\n".join(self._screen.display)

    def notices(self) -> str:
        """The text of the notices (Textual's toasts) on screen, their wrapped lines joined into one line."""
        # A toast is drawn bottom right, each of its lines behind a "▌" bar.
        lines = [
            line.rsplit(TOAST_BAR, 1)[1].strip() for line in self.text().splitlines() if TOAST_BAR in line
        ]
        return " ".join(" ".join(lines).split())

    def shows_notice(self, wanted: str, seconds: float = 15.0) -> bool:
        """Whether a notice saying ``wanted`` is on screen within ``seconds``."""
        return eventually(lambda: wanted in self.notices(), seconds)

    def shows(self, wanted: str, seconds: float = 15.0) -> bool:
        """Whether ``wanted`` appears on screen within ``seconds``."""
        return eventually(lambda: wanted in self.text(), seconds)

    def stops_showing(self, unwanted: str, seconds: float = 15.0) -> bool:
        """Whether ``unwanted`` has left the screen within ``seconds``."""
        return eventually(lambda: unwanted not in self.text(), seconds)

    def wait_ready(self, seconds: float = READY_WITHIN) -> None:
        """Wait until the agenda is drawn and the workers answer on the port; fail with the screen if not."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.session.process.poll() is not None:
                raise AssertionError(f"the app exited with {self.session.process.returncode}:\n{self.text()}")
            if " joined" in self.text():
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                        return
            time.sleep(0.05)  # polling for the app to come up, not waiting before a check
        raise AssertionError(f"the app did not serve within {seconds} s:\n{self.text()}")

    def workers(self) -> list[int]:
        """The process ids of the TUI's children (its participant-server workers), as Linux lists them."""
        children: list[int] = []
        # Per thread: the workers are started from one of the app's threads, not its main one.
        for task in Path(f"/proc/{self.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                children += [int(pid) for pid in (task / "children").read_text().split()]
        return children

    def running(self) -> bool:
        """Whether the TUI has not exited."""
        return self.session.process.poll() is None

    def tail(self) -> str:
        """The screen as it is now, for a failed check's message."""
        return self.text()

    def kill_all(self) -> None:
        """SIGKILL the TUI and its workers at once, as a crash of the machine would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)

    def stop(self, seconds: float = 15.0) -> int | None:
        """SIGTERM the TUI (what a closing terminal sends) and wait: its exit code, or None if it hangs."""
        self.session.process.send_signal(signal.SIGTERM)
        return self.session.wait(seconds)

    def end(self) -> None:
        """Make sure the app and every worker are gone, and stop reading (after any test, passed or not)."""
        self.kill_all()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.session.process.wait(10)
        self._stop_reading.set()
        self._reader.join(5)
        self.session.close_terminal()


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@contextlib.contextmanager
def small_disk(folder: Path, megabytes: int = 32) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` mounted at ``folder``, unmounted afterwards.

    Needs root (CI and the development machines run as root): a machine that cannot mount fails the test,
    because a disk-full check that quietly skipped would prove nothing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a small tmpfs for the disk-full test (root needed): {mounted.stderr}")
    try:
        yield folder
    finally:
        # Lazy: a process the test failed to end may still hold a file there; the mount goes when it does.
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte with one file; deleting that file gives the space back."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 20, 1 << 12, 1):
            block = b"\0" * size
            while True:
                try:
                    out.write(block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return filler
