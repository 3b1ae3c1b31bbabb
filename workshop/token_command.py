"""``workshop token ID``: issue a new facilitator token and print it with the remote's address.

The database keeps only a token's hash (see ``store.issue_facilitator_token``), so a token can be shown only
when it is issued: by the TUI as it starts and opens a workshop, by ``workshop new``, and by this command,
for the hosted server (``workshop serve``) and scripts using the API. The token issued before stops working.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from workshop.db import Database
from workshop.store import WorkshopNotFound, get_workshop, issue_facilitator_token
from workshop.untrusted import one_line

# The command line's own parser class (it words errors its way).
Parser = TypeVar("Parser", bound=argparse.ArgumentParser)


def add_token_parser(
    commands: argparse._SubParsersAction[Parser],
    parents: Sequence[Parser],
    workshop_id: Callable[[str], int],
) -> None:
    """Add ``token ID [--public-url URL]`` to the command line's subcommands; ``workshop_id`` parses ids."""
    token = commands.add_parser(
        "token",
        parents=list(parents),
        help="issue a new facilitator token: prints the remote's address and the API token",
        description="Issue a new facilitator token for a workshop and print the remote's address and the "
        "token for the JSON API (Authorization: Bearer TOKEN). The token before it stops working, on every "
        "remote and script that had it; a TUI started later issues its own.",
    )
    token.add_argument(
        "workshop_id", type=workshop_id, metavar="ID", help="the workshop's id (see 'workshop list')"
    )
    token.add_argument(
        "--public-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="the server's public address, to print the remote's whole address ($WORKSHOP_PUBLIC_URL)",
    )


def remote_lines(title: str, token: str, public_url: str | None) -> list[str]:
    """What ``workshop token`` prints: the remote's address (or path) and the API token, a line each."""
    path = f"/f/{token}"
    where = f"{public_url.rstrip('/')}{path}" if public_url else f"{path} (on the server's address)"
    return [
        f"New facilitator token for “{one_line(title)}”; the one before no longer works.",
        f"Remote: {where}",
        f"API token (Authorization: Bearer): {token}",
    ]


def token_main(db: Database, workshop_id: int, public_url: str | None) -> int:
    """Run ``workshop token``: issue a new token for ``workshop_id`` and print it; the exit code.

    Returns:
        0 once issued, 2 for an unknown workshop (nothing changed), with the reason on stderr.
    """
    try:
        with db.writing() as session:
            workshop = get_workshop(session, workshop_id)
            token = issue_facilitator_token(session, workshop)
            title = workshop.title
    except WorkshopNotFound as exc:
        sys.stderr.write(f"workshop: error: {exc} (see 'workshop list')\n")
        return 2
    finally:
        db.dispose()
    sys.stdout.write("\n".join(remote_lines(title, token, public_url)) + "\n")
    return 0
