"""Errors shared across the core, kept apart so that any module can raise them without import cycles."""

from __future__ import annotations


class AnswerRefused(Exception):
    """A limit the server enforces (dots, entries, ranking length) refused this answer.

    The message is shown to the participant as it is.
    """


class DatabaseError(Exception):
    """The database cannot be opened or is not one this version understands."""
