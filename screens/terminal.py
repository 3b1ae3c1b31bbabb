"""A terminal driver that survives losing its terminal instead of hanging on it.

Textual writes through a thread with a bounded queue. When the terminal was closed, the thread's ``write``
raised and the thread died, the queue filled and the event loop blocked for ever on the next frame (so
SIGTERM, handled on that loop, was ignored too). :class:`TerminalDriver` writes through a file that swallows
the error, tells the app once, and drops every later write.
"""

from __future__ import annotations

import errno
import logging
import select
import threading
from collections.abc import Callable
from typing import IO, Any

from textual.drivers.linux_driver import LinuxDriver

log = logging.getLogger(__name__)

# The errors a closed or hung-up terminal gives when read: EIO on a pty whose other side closed, EPIPE, EBADF.
_LOST = {errno.EIO, errno.EPIPE, errno.EBADF, errno.ENXIO}
_RETRIES = 30  # a non-blocking terminal that stays full this many seconds has stopped reading


class GuardedTerminalFile:
    """Wraps the terminal's file: a write to a terminal that has gone is dropped, never raised.

    The first such error calls ``on_lost`` once (from the writer thread); every later write and flush is a
    no-op, so the writer thread lives on, its queue drains and nothing that writes ever waits on it.
    """

    def __init__(self, file: IO[str], on_lost: Callable[[], None]) -> None:
        self._file = file
        self._on_lost = on_lost
        self._lost = threading.Event()

    @property
    def lost(self) -> bool:
        """Whether the terminal has gone."""
        return self._lost.is_set()

    def _guard(self, call: Callable[[], object]) -> None:
        for _ in range(_RETRIES):
            if self._lost.is_set():
                return
            try:
                call()
                return
            except BlockingIOError:  # a terminal set non-blocking and full for now: wait, then again
                select.select([], [self._file], [], 1.0)
            except (OSError, ValueError) as exc:  # ValueError: the file was closed under us
                self._lose(exc)
                return
        self._lose(OSError(errno.EAGAIN, "the terminal took no output for a while"))

    def _lose(self, why: BaseException) -> None:
        # Any other error would kill Textual's writer thread and bring the hang back: treat it as gone.
        self._lost.set()
        log.warning("the terminal has gone (%s); shutting down", why)
        self._on_lost()

    def write(self, text: str) -> None:
        """Write ``text``, or drop it if the terminal has gone."""
        self._guard(lambda: self._file.write(text))

    def flush(self) -> None:
        """Flush, or do nothing if the terminal has gone."""
        self._guard(self._file.flush)

    def fileno(self) -> int:
        """The terminal's file descriptor."""
        return self._file.fileno()

    def isatty(self) -> bool:
        """Whether the wrapped file is a terminal."""
        return self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class TerminalDriver(LinuxDriver):
    """Textual's Linux driver, told what to do when the terminal goes rather than hanging on it.

    The app is told through ``terminal_lost()``, scheduled on its loop, once, whichever side noticed first:
    the output (a write failed) or the input (a read failed).
    """

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._told = threading.Event()
        # Textual types its file as a TextIOWrapper; the guard offers every method the driver uses.
        self._file = GuardedTerminalFile(self._file, self._tell_app)  # type: ignore[arg-type,assignment]

    def _tell_app(self) -> None:
        if self._told.is_set():
            return
        self._told.set()
        # A WorkshopApp stops in order; any other app (none today) is simply told to exit.
        self._loop.call_soon_threadsafe(getattr(self._app, "terminal_lost", self._app.exit))

    def _run_input_thread(self) -> None:
        # A read from a terminal that has gone raises EIO; Textual's driver would "panic", which prints a
        # traceback to nowhere and skips the orderly shutdown. Tell the app instead.
        try:
            self.run_input_thread()
        except OSError as exc:
            if exc.errno not in _LOST:
                self._panic()
                return
            log.warning("the terminal's input has gone (%s); shutting down", exc)
            self._tell_app()
        except BaseException:
            self._panic()

    def _panic(self) -> None:
        # What Textual's own driver does with any other error in its input thread.
        import rich.traceback

        self._app.call_later(self._app.panic, rich.traceback.Traceback())
