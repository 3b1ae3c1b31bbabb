"""What a failed change says in a notice: plain words for a database that cannot save, never SQL."""

from __future__ import annotations

from workshop.write_problems import write_problem


def failure_notice(what: str, exc: BaseException) -> str:
    """``what`` failed: why, in the words a facilitator can act on (the exception's own text otherwise)."""
    reason = write_problem(exc)
    if reason is not None:
        return f"{what}: nothing was saved, because {reason}."
    return f"{what}: {exc}"
