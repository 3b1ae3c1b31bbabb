"""Row ids typed or posted as text: only the numbers a database row can have count as ids.

SQLite raises OverflowError when asked about 2**63 or more, PostgreSQL's INTEGER id columns refuse to
compare with anything past 2**31 - 1 ("integer out of range"), and Python's ``int()`` refuses more than
4,300 digits. An id from a form or an address is therefore checked here, once, before it goes anywhere:
only 1 to 2**31 - 1 counts, on either backend (no workshop gets near two thousand million rows), anything
else names no row, and callers say so as they would for an id that is simply not there.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1
# Longer text is never converted; up to here, leading zeros still read as the number they spell.
MAX_DIGITS = len(str(2**63 - 1))


def parse_row_id(raw: str) -> int | None:
    """``raw`` as a row id (1 to ``MAX_ID``, plain ASCII digits, no sign or space), else None."""
    # The length first, so a huge string is never converted.
    if not raw or len(raw) > MAX_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
