"""Plain words for a database that cannot save: what the phone, the API and the facilitator are told.

A write can fail because of the machine (the disk is full, the file became read-only, another program holds
a lock, the disk failed) rather than because of what was sent. Those failures reach people as one sentence
that says what happened, that nothing new was saved, and that what was saved before is safe; never as
SQLAlchemy's text.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError, IntegrityError

SAFE = "Answers saved before are safe."

# Substrings of SQLite's and PostgreSQL's messages, most specific first, with what to tell people.
_KNOWN = (
    (("database or disk is full", "no space left", "disk full", "could not extend file"), "the disk is full"),
    (("readonly database", "read-only", "read only"), "the database file cannot be written to"),
    (
        ("database is locked", "database table is locked", "lock timeout"),
        "another program has the database locked",
    ),
    (("disk i/o error", "input/output error"), "the disk could not be written to"),
)


def write_problem(exc: BaseException) -> str | None:
    """Why the database could not save, in a few plain words; None when ``exc`` is no database failure.

    Refusals (a closed activity, a bad answer) are not database failures: their own messages say what to do.
    Any other error the database driver raises is one (with a general reason), except an integrity error.
    """
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the disk is full"
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return None  # not the database failing (an integrity error is a bug in what was asked of it)
    text = str(exc.orig if exc.orig is not None else exc).lower()
    for needles, reason in _KNOWN:
        if any(needle in text for needle in needles):
            return reason
    return "the database reported an error"


def for_phones(reason: str) -> str:
    """The sentence a phone shows when its write failed."""
    return f"Not saved: {reason} on the facilitator's laptop. Try again in a minute. {SAFE}"


def for_facilitator(reason: str) -> str:
    """The notice the facilitator sees while writes are failing."""
    fix = {
        "the disk is full": "Free some space on this laptop",
        "another program has the database locked": "Close the other program that has the workshop file open",
    }.get(reason, "Check the disk and the workshop file")
    return f"Nothing new can be saved: {reason}. {fix}; this notice goes once saving works again. {SAFE}"
