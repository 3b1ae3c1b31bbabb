"""``workshop selftest --phones N``: the command line of the room check in ``workshop/selftest.py``.

Kept out of ``workshop/cli.py`` so the command line stays a list of commands; ``cli`` adds the parser from
here and calls :func:`selftest_main`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from workshop.db import Database
from workshop.settings import Settings

MAX_PHONES = 1000  # one process cannot honestly stand in for more phones than this at once


def _phones(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PHONES:
        raise argparse.ArgumentTypeError(f"a whole number of phones from 1 to {MAX_PHONES}, not {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 120:
        raise argparse.ArgumentTypeError(f"a number of seconds from 0 to 120, not {text!r}")
    return seconds


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text) < len("http://x"):
        raise argparse.ArgumentTypeError(f"an address such as http://127.0.0.1:8000, not {text!r}")
    return text.rstrip("/")


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``selftest`` to ``commands`` (the main parser's subparsers)."""
    selftest = commands.add_parser(
        "selftest",
        parents=[common],
        help="a room check: simulated phones against the running server say whether the room will be fine",
        description="A room check before the session. With 'workshop run ID' or 'workshop serve' running, "
        "this makes a practice workshop in the same database, sends simulated phones through joining and "
        "answering its maturity matrix, deletes the practice workshop again and says whether the room will "
        "be fine. Exit code 0 when fine, 1 when not, 2 when no server answers or an argument is wrong.",
    )
    selftest.add_argument(
        "--phones", type=_phones, required=True, metavar="N", help="how many phones to simulate"
    )
    selftest.add_argument(
        "--url",
        type=_url,
        default=None,
        metavar="URL",
        help="the running server (default http://127.0.0.1:PORT, PORT from $WORKSHOP_PORT or 8000)",
    )
    selftest.add_argument(
        "--arrive-over",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="the phones arrive spread over this many seconds (default 10)",
    )


def selftest_main(
    settings: Settings, args: argparse.Namespace, open_db: Callable[[Settings], Database]
) -> int:
    """Run the room check; the exit code (0 fine, 1 not fine, 2 no server, 130 interrupted)."""
    # Loaded here, not at the top: httpx and the simulated phones cost every other command their import.
    from workshop.selftest import NoServer, OtherDatabase, room_check

    url = args.url or f"http://127.0.0.1:{settings.port}"
    db = open_db(settings)
    try:
        fine, _ = room_check(db, url, args.phones, args.arrive_over, say=_say)
    except NoServer as exc:
        sys.stderr.write(
            f"workshop: error: No workshop server answers at {url}: start `workshop run ID` or "
            f"`workshop serve` first ({exc})\n"
        )
        return 2
    except OtherDatabase as exc:
        sys.stderr.write(f"workshop: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("Room check stopped; the practice workshop was deleted.\n")
        return 130
    finally:
        db.dispose()
    return 0 if fine else 1


def _say(line: str) -> None:
    # Flushed at once: the facilitator sees the check start before the phones finish.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
