"""Starts, watches and stops the participant server's worker processes (:mod:`workshop.web.worker`).

Phones are served by their own processes, never by the TUI's: Python runs one thread of a process at a
time, and a burst of a thousand phones in the TUI's process froze the facilitator's screen for tenths of a
second and took five times the CPU of the work itself (benchmarks/README.md). The owner (the TUI, or
``workshop serve``) binds the listening socket and hands it to every worker, so all of them accept from one
address, and a worker that dies is started again while the socket stays open: phones see a slow reply,
never a refused connection.

Nothing here imports the web layer: the workers are started by module name, so the TUI never loads FastAPI.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

log = logging.getLogger(__name__)

WORKER_MODULE = "workshop.web.worker"
# How a worker starts: terminal signals ignored first, then the worker module (which loads FastAPI).
BOOT = (
    "import signal; "
    "signal.signal(signal.SIGINT, signal.SIG_IGN); signal.signal(signal.SIGHUP, signal.SIG_IGN); "
    f"from {WORKER_MODULE} import main; raise SystemExit(main())"
)
# A worker that dies this soon after starting, this many times in a row, is not started again: something
# it needs at start (the database, a library) is missing, and restarting would only spin.
QUICK_DEATH_SECONDS = 5.0
QUICK_DEATHS = 3
STOP_SECONDS = 5.0  # the workers' graceful shutdown (3 s) plus the last commits, with room to spare


class _Worker:
    """One worker process and what it last said."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.started = time.monotonic()
        self.ready = threading.Event()
        self.problem: str | None = None
        self.stopped = False  # it said it stopped in order (on its lifeline or SIGTERM)


class ParticipantServer:
    """``workers`` processes serving phones from ``sock`` on the database at ``database_url``.

    ``stderr`` takes the workers' logs (the TUI gives its log file; ``serve`` leaves them on its own
    stderr). Call :meth:`start`, then :meth:`stop`; both block briefly and belong off an event loop.
    """

    def __init__(
        self,
        database_url: str,
        sock: socket.socket,
        *,
        workers: int = 1,
        public_url: str | None = None,
        trusted_proxies: Sequence[str] = (),
        stderr: IO[Any] | None = None,
    ) -> None:
        self.sock = sock
        self.port = int(sock.getsockname()[1])
        self.count = workers
        self._stderr = stderr
        self._settings = {
            "database": database_url,
            "fd": sock.fileno(),
            "public_url": public_url,
            "trusted_proxies": list(trusted_proxies),
            # Shared by every worker: the remote's form may come back to another worker than the one
            # that served it (workshop/web/csrf.py).
            "form_secret": secrets.token_bytes(32).hex(),
            "workers": workers,  # the seat-code brake's limits are shared out among them
        }
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._stopping = False
        self.failure: str | None = None  # why the server is down for good, once it is
        self.restarts = 0
        self._quick_deaths = 0

    @property
    def problem(self) -> str | None:
        """Why saving fails in any worker (a full disk, a locked file), while it does."""
        with self._lock:
            return next((w.problem for w in self._workers if w.problem), None)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (for tests and benchmarks)."""
        with self._lock:
            return [w.process.pid for w in self._workers]

    def start(self) -> None:
        """Start every worker; they accept connections as soon as each has loaded (about a second)."""
        for _ in range(self.count):
            self._spawn()

    def wait_ready(self, timeout: float = 30.0, cancel: threading.Event | None = None) -> bool:
        """Wait until every worker has said it accepts connections; False on timeout, failure or ``cancel``.

        ``cancel`` is the caller's stop signal: a server asked to stop while its workers still load (a
        database that does not answer) stops at once rather than after the timeout.
        """
        cancel = cancel or threading.Event()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.failure is None and not cancel.is_set():
            with self._lock:
                workers = list(self._workers)
            if len(workers) == self.count and all(w.ready.is_set() for w in workers):
                return True
            cancel.wait(0.02)
        return False

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping:  # stop() has begun and will not wait for a new worker
                return
        try:
            process = subprocess.Popen(
                # Terminal signals are ignored before anything loads: Ctrl+C in serve's terminal, or the
                # terminal closing, reaches the whole process group, and the parent stops its workers in
                # order. The worker's own main() keeps ignoring them.
                [sys.executable, "-c", BOOT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                pass_fds=(self.sock.fileno(),),
            )
        except OSError as exc:  # no memory or file descriptors left for a process
            log.error("a participant server worker could not be started: %s", exc)
            self._fail(f"a worker process could not be started ({exc})")
            return
        worker = _Worker(process)
        assert process.stdin is not None
        with contextlib.suppress(OSError):  # it died at once: its listener below sees it exit
            process.stdin.write(json.dumps(self._settings).encode() + b"\n")
            process.stdin.flush()  # stdin then stays open: it is the worker's lifeline
        with self._lock:
            stopping = self._stopping
            if not stopping:
                self._workers.append(worker)
        if stopping:  # stop() began meanwhile: this one stops on its lifeline, and is waited for here
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            return
        threading.Thread(target=self._listen, args=(worker,), name="server-worker", daemon=True).start()

    def _listen(self, worker: _Worker) -> None:
        """Read a worker's news until it exits, then start another unless stopping or failing."""
        assert worker.process.stdout is not None
        for line in worker.process.stdout:
            with contextlib.suppress(ValueError):
                news = json.loads(line)
                if news.get("ready"):
                    worker.ready.set()
                if "problem" in news:
                    worker.problem = news["problem"]
                if "stopped" in news:
                    worker.stopped = True
        code = worker.process.wait()
        with self._lock:
            self._workers.remove(worker)
            if self._stopping:
                return
        if worker.stopped and code == 0:
            # It was told to stop (SIGTERM: a process manager stops every process of a service at once)
            # and stopped in order: starting another would only race the manager's stop.
            log.info("participant server worker %d stopped when asked", worker.process.pid)
            return
        quick = time.monotonic() - worker.started < QUICK_DEATH_SECONDS
        self._quick_deaths = self._quick_deaths + 1 if quick else 0
        log.error("participant server worker %d exited with %s", worker.process.pid, code)
        if self._quick_deaths >= QUICK_DEATHS:
            self._fail(f"its worker process exits as it starts (exit code {code}; see the log)")
            return
        self.restarts += 1
        self._spawn()

    def _fail(self, reason: str) -> None:
        """Give up: say why, and close the address so phones are refused at once instead of waiting."""
        self.failure = reason
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # the kernel stops queueing connections nobody will take

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Close every worker's lifeline and wait: each finishes its requests and commits its writes.

        A worker still running after ``timeout`` is killed; what it acknowledged is committed already.
        """
        with self._lock:
            self._stopping = True
            workers = list(self._workers)
        for worker in workers:
            with contextlib.suppress(OSError):
                assert worker.process.stdin is not None
                worker.process.stdin.close()
        deadline = time.monotonic() + timeout
        for worker in workers:
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("participant server worker %d did not stop; killing it", worker.process.pid)
                worker.process.kill()
                worker.process.wait()
        self.sock.close()
