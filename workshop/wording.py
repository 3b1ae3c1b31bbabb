"""Small pieces of wording shared by the screens and the exports."""

from __future__ import annotations


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 seat``, ``3 seats``; ``words`` for plurals that are not just an added s."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def people(n: int) -> str:
    """``1 person``, ``12 people``."""
    return plural(n, "person", "people")
