"""``workshop purge ID``: delete a workshop's seats, ballots and free text once they are no longer needed,
keeping its outcome pack (frozen, same numbers) and what the room agreed. See docs/data-protection.md."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import select

from workshop.db import Database
from workshop.models import Seat
from workshop.store import WorkshopNotFound
from workshop.store.purge import PurgeRefused, check_purgeable, purged_pack
from workshop.untrusted import one_line
from workshop.usecases.purge import PurgeReport, purge_workshop
from workshop.wording import plural

# The command line's own parser class (it words errors its way).
Parser = TypeVar("Parser", bound=argparse.ArgumentParser)

KEPT_ALWAYS = (
    "the outcome pack, frozen, so every export gives the same numbers",
    "the agenda with your notes and timings, and the workshop's organisations, role levels and factors",
)


def add_purge_parser(
    commands: argparse._SubParsersAction[Parser],
    parents: Sequence[Parser],
    workshop_id: Callable[[str], int],
) -> None:
    """Add ``purge ID [--yes]`` to the command line's subcommands; ``workshop_id`` parses the id."""
    purge = commands.add_parser(
        "purge",
        parents=list(parents),
        help="delete a workshop's seats, ballots and free text, keeping its outcome pack and agreed results",
        description="Delete a workshop's seats, ratings, votes, comments and the proposals the room did not "
        "agree, once they are no longer needed. The outcome pack is frozen first, so exports give the same "
        "numbers; agreed values, priorities, levels and confirmed actions stay. See docs/data-protection.md.",
    )
    purge.add_argument(
        "workshop_id", type=workshop_id, metavar="ID", help="the workshop's id (see 'workshop list')"
    )
    purge.add_argument("--yes", action="store_true", help="purge without asking first")


def _question(db: Database, workshop_id: int) -> str:
    """What the purge will do, asked before it does it (and the refusal, if it would lose something)."""
    with db.reading() as session:
        workshop = check_purgeable(session, workshop_id)
        seats = session.exec(
            select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)
        ).one()
        again = purged_pack(session, workshop_id) is not None
    title = one_line(workshop.title)
    if again:
        return f"Workshop {workshop_id} “{title}” was purged before; purge anything added since?"
    return (
        f"Purge workshop {workshop_id} “{title}”? This deletes its {plural(seats, 'seat')} with their "
        "ratings, votes, comments and the proposals the room did not agree, and cannot be undone. The "
        "outcome pack and what the room agreed stay."
    )


def describe(report: PurgeReport) -> list[str]:
    """The purge's outcome in words, a line each."""
    when = f"{report.purged_at:%Y-%m-%d %H:%M}"
    lines = [
        f"Purged workshop {report.workshop_id} “{one_line(report.title)}”."
        if report.first_time
        else f"Workshop {report.workshop_id} was purged on {when}; its outcome pack is the one frozen then."
    ]
    if report.rescrubbed is not None:  # a pack frozen by an older version of these rules
        gone = report.rescrubbed
        said = f"{plural(gone, 'text')} nobody agreed replaced by stand-ins" if gone else "nothing to replace"
        lines.append(
            f"Its outcome pack, frozen by an earlier version, was scrubbed again by today's rules: {said}."
        )
    deleted = [f"  {what}: {count}" for what, count in report.counts.deleted.items() if count]
    lines += ["Deleted:", *deleted] if deleted else ["Nothing was left to delete."]
    lines.append("Kept:")
    lines += [f"  {what}: {count}" for what, count in report.counts.kept.items()]
    lines += [f"  {what}" for what in KEPT_ALWAYS]
    return lines


def purge_main(db: Database, workshop_id: int, *, yes: bool, ask: Callable[[str], str] | None = None) -> int:
    """Run ``workshop purge``: ask (``ask``, else ``input``) unless ``yes``, purge, say what was kept and
    deleted; the exit code.

    Returns:
        0 once purged, 1 if the answer to the question was not yes, 2 for an unknown workshop or a purge
        refused (an open item, or a follow-up comparing with these ratings), with the reason on stderr.
    """
    try:
        if not yes:
            try:
                answer = (ask or input)(_question(db, workshop_id) + " [y/N] ")
            except EOFError:  # no terminal to answer from: only --yes may purge
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                sys.stdout.write("Nothing purged (use --yes to purge without asking).\n")
                return 1
        with db.writing() as session:
            report = purge_workshop(session, workshop_id)
    except WorkshopNotFound as exc:
        sys.stderr.write(f"workshop: error: {exc} (see 'workshop list')\n")
        return 2
    except PurgeRefused as exc:
        sys.stderr.write(f"workshop: error: {exc}\n")
        return 2
    finally:
        db.dispose()
    sys.stdout.write("\n".join(describe(report)) + "\n")
    return 0
