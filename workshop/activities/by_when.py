"""An action's by-when: a day (2027-03-31) or a month (2027-03), checked and said in words.

Kept apart from the actions kind (:mod:`workshop.activities.actions`), which stores it, so each file stays
small.
"""

from __future__ import annotations

import re
from datetime import date

# Stored in ``Entry.tag2`` (20 characters): a day (2027-03-31) or a month (2027-03), nothing else.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: \d matches ２ too
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
BY_WHEN_FORMAT = "By when must be a date like 2027-03-31, or a month like 2027-03"
# Written out, not the locale's: the pack reads the same wherever it is made.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def by_when_problem(text: str) -> str | None:
    """Why ``text`` is not a day (2027-03-31) or a month (2027-03), in words; None when it is one."""
    text = text.strip()
    if not text:
        return "Enter by when it will be done, as a date like 2027-03-31 or a month like 2027-03"
    if _DAY.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{text} is not a real date. {BY_WHEN_FORMAT}"
        return None
    if _MONTH.fullmatch(text):
        try:  # the checks a day gets, so 0000-05 is refused as 0000-05-01 is (there is no year 0)
            date(int(text[:4]), int(text[5:]), 1)
        except ValueError:
            return f"{text} is not a real month. {BY_WHEN_FORMAT}"
        return None
    return BY_WHEN_FORMAT


def by_when_words(iso: str) -> str:
    """A stored day or month in words (31 March 2027, March 2027); anything else as it is."""
    if _DAY.fullmatch(iso) and not by_when_problem(iso):
        day = date.fromisoformat(iso)
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    if _MONTH.fullmatch(iso) and not by_when_problem(iso):
        return f"{_MONTHS[int(iso[5:]) - 1]} {iso[:4]}"
    return iso
