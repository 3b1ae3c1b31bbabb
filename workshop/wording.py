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


NOBODY_JOINED = "Nobody has joined yet"


def of_joined(done: int, seats: int, did: str = "", *, first: bool = True) -> str:
    """How many of the room did something: ``3 of 12 joined have voted``, ``1 of 12 joined has voted``.

    ``did`` follows the count; its "have" agrees with ``done`` ("1 of 4 joined has voted"). With nobody
    joined it is :data:`NOBODY_JOINED` ("0 of 0 joined" says nothing), lower case unless ``first``, as it
    would read inside a line.
    """
    if seats == 0:
        return NOBODY_JOINED if first else NOBODY_JOINED.lower()
    if done == 1 and did.startswith("have "):
        did = "has " + did.removeprefix("have ")
    return f"{done} of {seats} joined" + (f" {did}" if did else "")


# Thousands and millions; beyond them (never reached by a room) a power of ten, as in 2e9.
_SCALES = ((10**3, "k"), (10**6, "M"))


def compact_count(n: int) -> str:
    """A count in at most four characters, for a table cell read at a glance: ``999``, ``1.2k``, ``12k``.

    Exact up to 999. From 1,000 the number is cut down, never rounded up, so a cell never claims more than
    were counted: ``1.2k`` is 1,200 to 1,299, ``12k`` is 12,000 to 12,999, ``1.0M`` is 1,000,000 to
    1,099,999. Any count a database can hold (below 2**63) fits in four characters.
    """
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if n < 1000:
        return str(n)
    for scale, suffix in _SCALES:
        whole = n // scale
        if whole < 10:
            return f"{whole}.{n * 10 // scale % 10}{suffix}"
        if whole < 1000:
            return f"{whole}{suffix}"
    digits = str(n)
    return f"{digits[0]}e{len(digits) - 1}"
