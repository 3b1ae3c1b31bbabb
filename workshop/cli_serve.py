"""``workshop serve``: the participant server without the TUI, for every workshop in the database.

Kept out of ``workshop/cli.py`` so the command line stays a list of commands; ``cli`` adds the parser from
here and calls :func:`cmd_serve`.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from workshop import netinfo, store
from workshop.db import Database
from workshop.models import row_id
from workshop.participant_server import ParticipantServer
from workshop.settings import Settings
from workshop.sockets import PortUnavailable, bind_exactly
from workshop.untrusted import one_line

# Loopback unless asked: a hosted server normally sits behind a reverse proxy that adds HTTPS, and plain
# HTTP on every interface of a server would carry the remote's token in the clear. On a venue laptop
# `--host 0.0.0.0` lets phones on the same network in directly, as `workshop run` does by default.
DEFAULT_HOST = "127.0.0.1"
# SIGHUP too: a server started from a terminal that then closes stops as cleanly as on SIGTERM.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class ServeRefused(Exception):
    """``serve`` cannot start as asked: printed as one line, exit code 2."""


class ServeFailed(Exception):
    """``serve`` started but its workers cannot keep running: printed as one line, exit code 1."""


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number from 1, not {text!r}")
    return int(text)


def add_no_server(run: argparse.ArgumentParser) -> None:
    """``run --no-server``: the TUI alone, following a ``serve`` process on the same database."""
    run.add_argument(
        "--no-server",
        action="store_true",
        help="no participant server: follow one that 'workshop serve' runs on the same database "
        "(give its --public-url to show its QR code)",
    )


def add_parser(
    commands: Any,
    common: argparse.ArgumentParser,
    *,
    port: Callable[[str], int],
    proxies: Callable[[str], str],
) -> None:
    """Add the ``serve`` command to ``commands`` (the main parser's subparsers), with the command line's
    own checks of a port and of proxy addresses."""
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="run the participant server alone (no TUI) for every workshop in the database",
        description="Run the participant server without the TUI, for every workshop in the database: "
        "phones join with any workshop's code, the remote and the API take each workshop's token. "
        "SIGTERM or Ctrl+C stops it after the writes in progress are saved. A facilitator's TUI follows it "
        "with 'workshop --db SAME run ID --no-server'.",
    )
    serve.add_argument(
        "--host", default=argparse.SUPPRESS, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port",
        type=port,
        default=argparse.SUPPRESS,
        help="the port to listen on, exactly: if it is taken, serve stops with exit code 2 (default 8000)",
    )
    serve.add_argument(
        "--public-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="the address phones open, e.g. the reverse proxy's https://…",
    )
    serve.add_argument(
        "--trusted-proxy",
        type=proxies,
        default=argparse.SUPPRESS,
        metavar="IP[,IP]",
        help="the reverse proxy in front of the server: only its X-Forwarded-For is believed (default: none)",
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="worker processes that serve phones (default 1); more let a hosted server on PostgreSQL use "
        "more cores",
    )


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def _say(line: str) -> None:
    # Flushed at once: a supervisor, a log or a test reading the pipe sees each line as it happens.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _announce(
    workshops: list[tuple[int, str, str]], host: str, public_url: str | None, port: int, workers: int
) -> None:
    base = netinfo.join_base_url(host, port, public_url)
    processes = "1 worker process" if workers == 1 else f"{workers} worker processes"
    _say(f"Participant server listening on {host}:{port} ({processes}); phones open {base}")
    if _loopback(host) and not public_url:
        _say(
            f"Only this machine can reach {host}: put a reverse proxy in front (and give its address with "
            "--public-url), or use --host 0.0.0.0 to let phones on this network join directly.",
        )
    if not workshops:
        _say("No workshops yet: ones made later ('workshop new') are served as soon as they exist.")
    for workshop_id, code, title in workshops:
        _say(f"{workshop_id:>4}  code {code}  {base}/j/{code}  {title}")
    _say("Stop with Ctrl+C or SIGTERM; writes in progress are saved first.")


def _workshops(db: Database) -> list[tuple[int, str, str]]:
    """Each workshop that is not archived: id, join code, title fit for a terminal or a log.

    The remote's token is left out, as logs keep what is printed; the facilitator's TUI shows the remote.
    """
    with db.reading() as session:
        found = store.list_workshops(session)
    # No control characters in a title (workshop/untrusted.py), one line.
    return [(row_id(w), w.join_code, one_line(w.title)) for w in found if w.archived_at is None]


def _serve_until_signal(server: ParticipantServer, ready: Callable[[], None]) -> None:
    """Start the workers, announce once they accept connections, and stop them in order on a signal."""
    received: list[int] = []
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)  # logged below, outside the handler
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        server.start()
        if server.wait_ready(cancel=stop):
            ready()
        while not stop.wait(0.2) and server.failure is None:
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        why = f"received {signal.Signals(received[0]).name}" if received else "stopping"
        logging.getLogger(__name__).warning("%s: stopping the participant server", why)
        server.stop()  # each worker finishes its requests and commits its writes first
    if server.failure is not None:
        raise ServeFailed(f"the participant server stopped: {server.failure}")


def cmd_serve(settings: Settings, workers: int, open_db: Callable[[Settings], Database]) -> None:
    """Serve every workshop in the database until a signal; :class:`ServeRefused` if it cannot start."""
    host = settings.host if "host" in settings.model_fields_set else DEFAULT_HOST
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines say nothing to an operator
    try:
        sock = bind_exactly(host, settings.port)  # first: a refused port leaves nothing to stop
    except PortUnavailable as exc:
        raise ServeRefused(str(exc)) from exc
    try:
        db = open_db(settings)  # created or upgraded here, once, before any worker opens it
    except BaseException:
        sock.close()
        raise
    try:
        announced = _workshops(db)
    finally:
        db.dispose()
    server = ParticipantServer(
        db.url,
        sock,
        workers=workers,
        public_url=settings.public_url,
        trusted_proxies=settings.trusted_proxies(),
    )
    ready = partial(_announce, announced, host, settings.public_url, server.port, workers)
    _serve_until_signal(server, ready)


def serve_main(settings: Settings, workers: int, open_db: Callable[[Settings], Database]) -> int:
    """``workshop serve``: 0 after a signal stopped it in order, 1 if its workers could not keep running.

    A server that cannot start as asked raises :class:`ServeRefused` (exit code 2, from the CLI).
    """
    try:
        cmd_serve(settings, workers, open_db)
    except ServeFailed as exc:
        sys.stderr.write(f"workshop: {exc}\n")
        return 1
    return 0
