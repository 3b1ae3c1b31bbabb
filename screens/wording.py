"""Small pieces of wording shared by the screens."""

from __future__ import annotations


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 seat``, ``3 seats``; ``words`` for plurals that are not just an added s."""
    return f"{n} {word if n == 1 else (words or word + 's')}"
