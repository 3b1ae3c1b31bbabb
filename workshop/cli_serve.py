"""``workshop serve``: the participant server without the TUI, for every workshop in the database.

Kept out of ``workshop/cli.py`` so the command line stays a list of commands; ``cli`` adds the parser from
here and calls :func:`cmd_serve`.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from workshop import netinfo, store
from workshop.db import Database
from workshop.models import row_id
from workshop.settings import Settings
from workshop.untrusted import one_line

# Loopback unless asked: a hosted server normally sits behind a reverse proxy that adds HTTPS, and plain
# HTTP on every interface of a server would carry the remote's token in the clear. On a venue laptop
# `--host 0.0.0.0` lets phones on the same network in directly, as `workshop run` does by default.
DEFAULT_HOST = "127.0.0.1"


class ServeRefused(Exception):
    """``serve`` cannot start as asked: printed as one line, exit code 2."""


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
        help="server processes (default 1; with SQLite only 1, as one process holds the one writer)",
    )


def _check_workers(workers: int, database_url: str) -> None:
    if workers == 1:
        return
    if database_url.startswith("sqlite"):
        raise ServeRefused(
            f"--workers {workers}: a SQLite database takes its writes through one writer thread in one "
            "process, so it is served by 1 worker; leave out --workers"
        )
    raise ServeRefused(
        f"--workers {workers}: several workers are not supported yet (they will come with PostgreSQL "
        "in a later version); leave out --workers"
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


def _announce(workshops: list[tuple[int, str, str]], host: str, public_url: str | None, port: int) -> None:
    base = netinfo.join_base_url(host, port, public_url)
    _say(f"Participant server listening on {host}:{port}; phones open {base}")
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


def cmd_serve(settings: Settings, workers: int, open_db: Callable[[Settings], Database]) -> None:
    """Serve every workshop in the database until a signal; :class:`ServeRefused` if it cannot start."""
    _check_workers(workers, settings.database_url())  # before anything is opened
    # The web layer (FastAPI, uvicorn) loads only for this command: `workshop list` and the rest stay quick.
    from workshop.web.hosted import serve_hosted
    from workshop.web.server import PortUnavailable

    host = settings.host if "host" in settings.model_fields_set else DEFAULT_HOST
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines say nothing to an operator
    db = open_db(settings)
    try:
        ready = partial(_announce, _workshops(db), host, settings.public_url)
        asyncio.run(
            serve_hosted(
                db,
                host,
                settings.port,
                public_url=settings.public_url,
                trusted_proxies=settings.trusted_proxies(),
                ready=ready,
            )
        )
    except PortUnavailable as exc:
        raise ServeRefused(str(exc)) from exc
    finally:
        db.dispose()
